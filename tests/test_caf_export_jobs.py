"""Caf-wide exports too big for a request are written in the background: the person is
sent to their Exports page, which lists their exports and offers the file once ready,
to them only. The CafExport row is the outbox of its task: a broker outage or a killed
worker delays the export, never loses it, and never produces it twice."""

import csv
import datetime
import html
import io

import pytest
import time_machine
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conventions import caf_export_jobs
from conventions.models import CafExport, CafExportState
from conventions.tasks import produce_caf_export_task, sweep_caf_exports
from partners.models import Role
from tests.factories import UserFactory
from tests.followup_setup import TODAY, signed_convention

pytestmark = pytest.mark.django_db

URLS = {
    ("conventions", "xlsx"): "conventions:caf_export_conventions_xlsx",
    ("conventions", "csv"): "conventions:caf_export_conventions_csv",
    ("indicators", "xlsx"): "conventions:caf_export_indicators_xlsx",
    ("indicators", "csv"): "conventions:caf_export_indicators_csv",
}
PAGE = "conventions:caf_exports"


@pytest.fixture(autouse=True)
def _today():
    # The clock ticks: a connection to the broker times out on it.
    with time_machine.travel(TODAY):
        yield


@pytest.fixture
def setting():
    return signed_convention(sheets=2, title="CTG du Val d'Argent 2026-2030")


@pytest.fixture
def background(settings):
    """Every export is big: over a threshold of no convention at all."""
    settings.CAF_EXPORT_DIRECT_MAX_CONVENTIONS = 0


def ask(client, user, kind, extension, **query):
    client.force_login(user)
    return client.get(reverse(URLS[kind, extension]), query)


def page_text(client):
    return html.unescape(client.get(reverse(PAGE)).content.decode())


def download(client, export):
    response = client.get(reverse("conventions:caf_export_download", args=[export.pk]))
    assert response.status_code == 200, response
    return b"".join(response.streaming_content)


def csv_rows(content):
    text = content.decode("utf-8")
    assert text.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(text[1:]), delimiter=";"))


# -- The job, from the request to the file ---------------------------------------------


@pytest.mark.parametrize("kind", ["conventions", "indicators"])
def test_a_big_export_waits_then_is_ready_and_its_file_is_what_the_direct_download_gives(
    client, setting, settings, background, django_capture_on_commit_callbacks, kind
):
    adviser = setting.users["adviser"]
    with django_capture_on_commit_callbacks() as callbacks:
        response = ask(client, adviser, kind, "csv", annee="2026")

    assert response.status_code == 302
    assert response["Location"] == reverse(PAGE)
    export = CafExport.objects.get()
    assert export.state == CafExportState.WAITING
    assert "est en préparation" in page_text(client)
    assert "En attente" in page_text(client)

    for callback in callbacks:
        callback()  # the transaction commits: the task runs (in process without a broker)
    export.refresh_from_db()
    assert export.state == CafExportState.READY
    assert export.requested_by == adviser
    assert (export.year, export.scope) == (
        2026 if kind == "indicators" else None,
        f"Conventions de la {setting.convention.caf}",
    )
    content = download(client, export)

    settings.CAF_EXPORT_DIRECT_MAX_CONVENTIONS = 100
    direct = ask(client, adviser, kind, "csv", annee="2026")
    assert content == b"".join(direct.streaming_content)
    assert {row["Référence"] for row in csv_rows(content)} == {setting.convention.reference}
    assert export.row_count == len(csv_rows(content))


def test_the_excel_file_of_a_job_has_the_front_sheet_and_the_rows(
    client, setting, background, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, setting.users["adviser"], "indicators", "xlsx", annee="2026")

    export = CafExport.objects.get(state=CafExportState.READY)
    response = client.get(reverse("conventions:caf_export_download", args=[export.pk]))
    assert response["Content-Disposition"] == (
        'attachment; filename="ctg-indicateurs-2026-2026-05-10.xlsx"'
    )
    book = load_workbook(io.BytesIO(b"".join(response.streaming_content)), read_only=True)
    assert [sheet.title for sheet in book.worksheets] == ["Export", "Indicateurs 2026"]
    rows = list(book.worksheets[1].iter_rows(values_only=True))
    assert rows[0][:3] == ("Caf", "Référence", "Convention")
    assert len(rows) - 1 == export.row_count > 0
    assert {row[1] for row in rows[1:]} == {setting.convention.reference}


def test_a_small_export_stays_a_direct_download(client, setting):
    response = ask(client, setting.users["adviser"], "conventions", "csv")

    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert not CafExport.objects.exists()


def test_the_administrators_national_export_is_scoped_nationally(
    client, setting, background, django_capture_on_commit_callbacks
):
    other = signed_convention(sheets=1, title="CTG d'une autre Caf")
    admin = setting.users["admin"]
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, admin, "conventions", "csv")
        ask(client, admin, "conventions", "csv", caf=other.convention.caf_id)

    national, one_caf = CafExport.objects.order_by("pk")
    assert national.scope == "Toutes les conventions (national)"
    assert one_caf.scope == f"Conventions de la {other.convention.caf}"
    assert {r["Référence"] for r in csv_rows(download(client, national))} == {
        setting.convention.reference,
        other.convention.reference,
    }
    assert [r["Référence"] for r in csv_rows(download(client, one_caf))] == [
        other.convention.reference
    ]


def test_asking_twice_while_it_is_prepared_gives_the_same_export(
    client, setting, background, django_capture_on_commit_callbacks
):
    adviser = setting.users["adviser"]
    with django_capture_on_commit_callbacks():
        ask(client, adviser, "indicators", "xlsx", annee="2026")
        again = ask(client, adviser, "indicators", "xlsx", annee="2026", page="2")
        ask(client, adviser, "indicators", "xlsx", annee="2025")
        ask(client, adviser, "indicators", "csv", annee="2026")

    assert again.status_code == 302
    assert "déjà en préparation" in page_text(client)
    assert CafExport.objects.count() == 3  # 2026 Excel once, 2025 Excel, 2026 CSV


def test_once_ready_asking_again_makes_a_new_export(
    client, setting, background, django_capture_on_commit_callbacks
):
    adviser = setting.users["adviser"]
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            ask(client, adviser, "conventions", "csv")

    assert CafExport.objects.filter(state=CafExportState.READY).count() == 2


def test_bad_criteria_are_refused_in_french_before_any_job(client, setting, background):
    other = signed_convention(sheets=1, title="CTG d'une autre Caf")
    response = ask(
        client, setting.users["adviser"], "conventions", "csv", caf=other.convention.caf_id
    )
    assert response.status_code == 400
    assert "Critères d'export invalides" in response.content.decode()
    response = ask(client, setting.users["adviser"], "indicators", "xlsx", annee="1999")
    assert response.status_code == 400
    assert "Indiquez une année entre 2000 et 2100." in response.content.decode()
    assert not CafExport.objects.exists()


def test_a_person_who_lost_the_right_to_export_gets_a_failed_export_saying_why(
    client, setting, background, django_capture_on_commit_callbacks
):
    adviser = setting.users["adviser"]
    with django_capture_on_commit_callbacks() as callbacks:
        ask(client, adviser, "conventions", "csv")
    adviser.role = Role.READER
    adviser.save()
    for callback in callbacks:
        callback()

    export = CafExport.objects.get()
    assert export.state == CafExportState.FAILED
    assert (
        export.error == "L'export de toutes les conventions est réservé aux conseillers de la Caf."
    )
    assert not export.file


def test_an_error_while_writing_fails_the_export_with_a_french_message(
    setting, background, monkeypatch, django_capture_on_commit_callbacks
):
    def broken(*args, **kwargs):
        raise ValueError("bug")

    monkeypatch.setattr("conventions.caf_export.write_csv", broken)
    with django_capture_on_commit_callbacks(execute=True):
        export, _ = caf_export_jobs.request_export(
            setting.users["adviser"], "conventions", "csv", QueryDict()
        )

    export.refresh_from_db()
    assert export.state == CafExportState.FAILED
    assert export.error.startswith("La production de l'export a échoué.")


# -- Who may download what -------------------------------------------------------------


@pytest.fixture
def ready_export(client, setting, background, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, setting.users["adviser"], "indicators", "csv", annee="2026")
    client.logout()
    return CafExport.objects.get(state=CafExportState.READY)


@pytest.mark.parametrize("who", ["colleague", "admin"])
def test_someone_elses_export_is_a_404_even_to_an_administrator(client, setting, ready_export, who):
    users = {
        "colleague": UserFactory(role=Role.ADVISER, organisation=setting.convention.caf),
        "admin": setting.users["admin"],
    }
    client.force_login(users[who])
    url = reverse("conventions:caf_export_download", args=[ready_export.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("who", ["cooperation", "reader", "other_cooperation"])
def test_chargés_and_readers_may_not_download_an_export(client, setting, ready_export, who):
    client.force_login(setting.users[who])
    url = reverse("conventions:caf_export_download", args=[ready_export.pk])
    assert client.get(url).status_code == 403


def test_a_colleague_does_not_see_the_export_on_their_page(client, setting, ready_export):
    client.force_login(UserFactory(role=Role.ADVISER, organisation=setting.convention.caf))
    text = page_text(client)
    assert "Aucun export demandé ces 7 derniers jours." in text
    assert reverse("conventions:caf_export_download", args=[ready_export.pk]) not in text


def test_a_guessed_export_id_is_a_404(client, setting, ready_export):
    client.force_login(setting.users["adviser"])
    url = reverse("conventions:caf_export_download", args=[ready_export.pk + 1000])
    assert client.get(url).status_code == 404


def test_the_owner_downloads_it_from_the_page(client, setting, ready_export):
    client.force_login(setting.users["adviser"])
    text = page_text(client)
    assert "Prêt" in text
    url = reverse("conventions:caf_export_download", args=[ready_export.pk])
    assert f'href="{url}"' in text
    response = client.get(url)
    assert response["Content-Disposition"] == (
        'attachment; filename="ctg-indicateurs-2026-2026-05-10.csv"'
    )


def test_an_export_not_ready_yet_has_no_file_to_download(
    client, setting, background, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks():
        ask(client, setting.users["adviser"], "conventions", "xlsx")
    export = CafExport.objects.get()

    response = client.get(reverse("conventions:caf_export_download", args=[export.pk]), follow=True)
    assert "Cet export n'est pas prêt" in html.unescape(response.content.decode())


def test_a_lost_file_is_said_in_french_not_a_server_error(client, setting, ready_export):
    ready_export.file.storage.delete(ready_export.file.name)
    client.force_login(setting.users["adviser"])
    response = client.get(
        reverse("conventions:caf_export_download", args=[ready_export.pk]), follow=True
    )
    assert response.status_code == 200
    assert "introuvable sur le serveur" in html.unescape(response.content.decode())


def test_the_page_is_for_those_who_may_export(client, setting):
    for who in ("cooperation", "reader"):
        client.force_login(setting.users[who])
        assert client.get(reverse(PAGE)).status_code == 403
    client.logout()
    response = client.get(reverse(PAGE))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_page_and_the_download_answer_get_only(client, setting, ready_export):
    client.force_login(setting.users["adviser"])
    assert client.post(reverse(PAGE)).status_code == 405
    url = reverse("conventions:caf_export_download", args=[ready_export.pk])
    assert client.post(url).status_code == 405


# -- The page ----------------------------------------------------------------------------


def _exports(user, count):
    for index in range(count):
        CafExport.objects.create(
            requested_by=user,
            kind="indicators" if index % 2 else "conventions",
            format="csv",
            year=2026,
            scope="Conventions de la Caf",
            state=[CafExportState.READY, CafExportState.WAITING, CafExportState.FAILED][index % 3],
            file=f"exports/{index}/fichier.csv" if index % 3 == 0 else "",
            file_size=1000,
            row_count=10,
            error="La production de l'export a échoué." if index % 3 == 2 else "",
        )


def test_the_page_reads_a_constant_number_of_queries(
    client, setting, django_assert_max_num_queries
):
    adviser = setting.users["adviser"]
    client.force_login(adviser)
    _exports(adviser, 2)
    client.get(reverse(PAGE))  # session and user read once
    with django_assert_max_num_queries(6) as few:
        assert client.get(reverse(PAGE)).status_code == 200
    _exports(adviser, 30)
    with django_assert_max_num_queries(len(few)):
        text = html.unescape(client.get(reverse(PAGE)).content.decode())
    assert text.count("Télécharger") == 11


def test_the_page_polls_while_an_export_is_prepared_and_stops_when_all_are_done(client, setting):
    adviser = setting.users["adviser"]
    client.force_login(adviser)
    export = CafExport.objects.create(
        requested_by=adviser,
        kind="conventions",
        format="csv",
        scope="Caf",
        queued_at=timezone.now(),
    )
    section = client.get(reverse(PAGE), headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 5s"' in section
    assert "<h1" not in section  # the table alone, swapped in place

    CafExport.objects.filter(pk=export.pk).update(state=CafExportState.READY)
    assert "hx-trigger" not in client.get(reverse(PAGE)).content.decode()


def test_the_page_says_secrecy_applies_to_everyone_and_has_ordered_headings_and_labels(
    client, setting, ready_export
):
    client.force_login(setting.users["adviser"])
    text = page_text(client)
    assert "Le secret statistique est appliqué dans tous les fichiers" in text
    assert "supprimés 7 jours après la demande" in text
    headings = [level for level in ("<h1", "<h2", "<h3") if level in text]
    assert headings == ["<h1", "<h2"]
    assert text.index("<h1") < text.index("<h2")
    assert "<caption" in text and 'scope="col"' in text
    # Each download link names its export for screen readers.
    assert '<span class="visually-hidden"> Indicateurs 2026 (CSV) du 10/05/2026' in text


def test_the_convention_list_links_to_the_exports_page(client, setting):
    client.force_login(setting.users["adviser"])
    text = client.get(reverse("conventions:list")).content.decode()
    assert f'href="{reverse(PAGE)}"' in text


# -- Broker outage, lost worker, duplicated message, old exports -------------------------


def test_with_the_broker_down_the_export_waits_and_the_sweep_produces_it_once_back(
    client, setting, background, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = ask(client, setting.users["adviser"], "conventions", "xlsx")

    assert response.status_code == 302
    export = CafExport.objects.get()
    assert (export.state, export.queued_at) == (CafExportState.WAITING, None)
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=15)):
        assert "Préparation retardée" in page_text(client)
        section = client.get(reverse(PAGE), headers={"HX-Request": "true"}).content.decode()
    assert 'hx-trigger="every 30s"' in section

    broker_down.conf.task_always_eager = True  # the broker is back (run in process)
    assert sweep_caf_exports()["queued"] == 0  # too early: queuing may be under way
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1)):
        assert sweep_caf_exports()["queued"] == 1
    export.refresh_from_db()
    assert export.state == CafExportState.READY
    assert export.attempts == 1


def _running(user, minutes_ago, attempts=1):
    with time_machine.travel(timezone.now() - datetime.timedelta(minutes=minutes_ago)):
        return CafExport.objects.create(
            requested_by=user,
            kind="indicators",
            format="csv",
            year=2026,
            scope="Caf",
            state=CafExportState.RUNNING,
            queued_at=timezone.now(),
            started_at=timezone.now(),
            attempts=attempts,
        )


def test_an_export_left_running_by_a_killed_worker_is_produced_again_once(setting):
    export = _running(setting.users["adviser"], minutes_ago=10)

    assert sweep_caf_exports() == {"queued": 1, "failed": 0, "deleted": 0}

    export.refresh_from_db()
    assert (export.state, export.attempts) == (CafExportState.READY, 2)
    stored = export.file.name
    # The message the killed worker gave back comes again: nothing more is done.
    assert produce_caf_export_task(export.pk) == CafExportState.READY
    export.refresh_from_db()
    assert (export.file.name, export.attempts) == (stored, 2)
    assert sweep_caf_exports()["queued"] == 0


def test_an_export_running_for_less_than_the_limit_is_left_to_its_worker(setting):
    export = _running(setting.users["adviser"], minutes_ago=1)

    assert sweep_caf_exports()["queued"] == 0
    # A copy of its message does nothing either: the row is not waiting.
    assert produce_caf_export_task(export.pk) == CafExportState.RUNNING
    export.refresh_from_db()
    assert (export.state, export.attempts) == (CafExportState.RUNNING, 1)


def test_an_export_that_kept_killing_its_worker_fails_with_a_french_message(setting):
    export = _running(setting.users["adviser"], minutes_ago=10, attempts=3)

    assert sweep_caf_exports()["failed"] == 1

    export.refresh_from_db()
    assert export.state == CafExportState.FAILED
    assert "interrompue à plusieurs reprises" in export.error


def test_a_worker_that_finishes_after_the_sweep_took_its_export_back_keeps_no_file(setting):
    export = _running(setting.users["adviser"], minutes_ago=1)
    claimed = CafExport.objects.get(pk=export.pk)
    # Meanwhile the sweep gave it to another worker, which claimed it later.
    CafExport.objects.filter(pk=export.pk).update(started_at=timezone.now())

    with io.BytesIO(b"x") as stream:
        assert caf_export_jobs._store(claimed, stream, 1, 1, 0.1) == CafExportState.RUNNING
    export.refresh_from_db()
    assert not export.file


def test_exports_older_than_the_keeping_delay_are_deleted_with_their_file(
    client, setting, background, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        ask(client, setting.users["adviser"], "conventions", "csv")
    export = CafExport.objects.get()
    storage, name = export.file.storage, export.file.name
    assert storage.exists(name)

    with time_machine.travel(timezone.now() + datetime.timedelta(days=6)):
        assert sweep_caf_exports()["deleted"] == 0
    with time_machine.travel(timezone.now() + datetime.timedelta(days=8)):
        assert sweep_caf_exports()["deleted"] == 1

    assert not CafExport.objects.exists()
    assert not storage.exists(name)


def test_the_sweep_runs_every_two_minutes_with_a_broker(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["sweep-caf-exports"]
    assert (entry["task"], entry["schedule"]) == (sweep_caf_exports.name, 120.0)


def test_without_a_broker_the_first_request_of_the_day_deletes_old_exports(
    client, setting, settings
):
    settings.EMBEDDED_BEAT = True
    with time_machine.travel(timezone.now() - datetime.timedelta(days=8)):
        old = CafExport.objects.create(
            requested_by=setting.users["adviser"], kind="conventions", format="csv", scope="Caf"
        )
    client.force_login(setting.users["adviser"])

    assert client.get(reverse(PAGE)).status_code == 200

    assert not CafExport.objects.filter(pk=old.pk).exists()
