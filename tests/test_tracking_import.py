"""Importing a tracking table: the exported workbook edited and brought back for a quarter,
and a Caf's own table seeding the past quarters of a signed convention. Preview cell by
cell, nothing written before confirming, one transaction, stale previews refused."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from actionplan import export, followup, tracking_import
from actionplan.models import (
    FollowUp,
    FollowUpState,
    FollowUpStatus,
    ImportMode,
    IndicatorValue,
    TrackingImport,
)
from conventions.models import ConventionState
from tests.followup_setup import TODAY, entry_data, signed_convention

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def setting():
    """Three actions in T2 2026: 1 validated (locked), 2 a draft, 3 open."""
    setting = signed_convention(sheets=3)
    adviser, cooperation = setting.users["adviser"], setting.users["cooperation"]
    counted = setting.indicators[0]
    first = setting.entries[(1, 2026, 2)]
    followup.save_entry(
        cooperation,
        first,
        0,
        entry_data(progress=55),
        {counted.pk: {"value": Decimal(12), "text": ""}},
        submit=True,
    )
    followup.validate(adviser, first, first.revision)
    followup.save_entry(cooperation, setting.entries[(2, 2026, 2)], 0, entry_data(progress=10))
    return setting


def exported(convention):
    return openpyxl.load_workbook(io.BytesIO(export.workbook(convention)))


def as_bytes(book):
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def set_cell(book, title, number, header, value, period=None, indicator=None):
    """Write a cell of the exported workbook as a person would; return its reference."""
    sheet = book[title]
    headers = [cell.value for cell in sheet[1]]
    number_column = headers.index("N°" if title == "Actions" else "N° action") + 1
    column = headers.index(header) + 1
    for row in range(2, sheet.max_row + 1):
        if sheet.cell(row, number_column).value != number:
            continue
        if period and sheet.cell(row, headers.index("Trimestre") + 1).value != period:
            continue
        if indicator and sheet.cell(row, headers.index("Indicateur") + 1).value != indicator:
            continue
        sheet.cell(row, column).value = value
        return f"{title}!{sheet.cell(row, column).coordinate}"
    raise AssertionError(f"no row for action {number} in {title}")


def add_row(book, title, values):
    sheet = book[title]
    headers = [cell.value for cell in sheet[1]]
    sheet.append([values.get(header) for header in headers])
    return sheet.max_row


def quarter_preview(setting, book, user="adviser", year=2026, quarter=2):
    return tracking_import.preview_quarter(
        setting.users[user], setting.convention, as_bytes(book), year, quarter
    )


def upload(setting, book, user="adviser", year=2026, quarter=2, mode=ImportMode.QUARTER):
    return tracking_import.upload(
        setting.users[user],
        setting.convention,
        "tableau.xlsx",
        as_bytes(book),
        mode,
        year,
        quarter,
    )


def fresh(entry):
    return FollowUp.objects.get(pk=entry.pk)


def described(changes):
    return {(c.cell, c.number, c.field, c.old, c.new) for c in changes}


# -- Round trip of a quarter -------------------------------------------------------------


def test_preview_lists_exactly_the_cells_changed(setting):
    book = exported(setting.convention)
    status = set_cell(book, "Actions", 2, "T2 2026 – avancement", "Réalisée")
    progress = set_cell(book, "Actions", 2, "T2 2026 – %", 100)
    places = set_cell(book, "Indicateurs", 3, "T2 2026", 7, indicator="Places créées")
    partners = set_cell(
        book, "Indicateurs", 3, "T2 2026", "Convention avec la MSA", indicator="Partenariats noués"
    )
    text = set_cell(
        book, "Suivi détaillé", 3, "Réalisations", "Relais ouvert à Lièpvre.", period="T2 2026"
    )

    preview = quarter_preview(setting, book)

    assert described(preview.changes) == {
        (status, 2, "Avancement", "En cours", "Réalisée"),
        (progress, 2, "Réalisation (%)", "10 %", "100 %"),
        (places, 3, "Indicateur « Places créées »", "—", "7 places"),
        (partners, 3, "Indicateur « Partenariats noués »", "—", "Convention avec la MSA"),
        (text, 3, "Réalisations", "—", "Relais ouvert à Lièpvre."),
    }
    assert preview.refusals == []


def test_nothing_is_written_before_confirming_then_everything_at_once(setting):
    second, third = setting.entries[(2, 2026, 2)], setting.entries[(3, 2026, 2)]
    revisions = (fresh(second).revision, fresh(third).revision)
    book = exported(setting.convention)
    set_cell(book, "Actions", 2, "T2 2026 – avancement", "Réalisée")
    set_cell(book, "Actions", 2, "T2 2026 – %", 100)
    set_cell(book, "Indicateurs", 3, "T2 2026", 7, indicator="Places créées")
    set_cell(book, "Suivi détaillé", 3, "Réalisations", "Relais ouvert.", period="T2 2026")

    record = upload(setting, book)

    assert record.file_sha256 and record.uploaded_by == setting.users["adviser"]
    assert fresh(second).status == FollowUpStatus.IN_PROGRESS
    assert not IndicatorValue.objects.filter(indicator__action_sheet__number=3).exists()

    assert tracking_import.apply(setting.users["adviser"], record) == 2

    second, third = fresh(second), fresh(third)
    assert (second.status, second.progress, second.state) == (
        FollowUpStatus.DONE,
        100,
        FollowUpState.DRAFT,
    )
    assert third.achievements == "Relais ouvert."
    assert (second.revision, third.revision) == (revisions[0] + 1, revisions[1] + 1)
    value = IndicatorValue.objects.get(indicator=setting.indicators[4], year=2026, quarter=2)
    assert value.value == Decimal(7) and value.follow_up_id == third.pk
    record.refresh_from_db()
    assert record.applied_at is not None
    assert second.history.first().history_user == setting.users["adviser"]


def test_the_page_open_during_the_import_gets_the_stale_entry_refusal(setting):
    third = setting.entries[(3, 2026, 2)]
    loaded = fresh(third).revision  # someone opened the follow-up page
    book = exported(setting.convention)
    set_cell(book, "Actions", 3, "T2 2026 – avancement", "En cours")
    set_cell(book, "Actions", 3, "T2 2026 – %", 20)
    tracking_import.apply(setting.users["adviser"], upload(setting, book))

    with pytest.raises(followup.StaleEntry):
        followup.save_entry(setting.users["cooperation"], fresh(third), loaded, entry_data())
    assert fresh(third).progress == 20


def test_refusals_say_why_in_french(setting):
    book = exported(setting.convention)
    locked = set_cell(book, "Actions", 1, "T2 2026 – %", 80)
    unknown_row = add_row(
        book, "Actions", {"N°": 9, "Action": "Action fantôme", "T2 2026 – avancement": "En cours"}
    )
    wrong_status = set_cell(book, "Actions", 3, "T2 2026 – avancement", "Presque fini")
    wrong_progress = set_cell(book, "Suivi détaillé", 3, "%", 150, period="T2 2026")
    wrong_value = set_cell(book, "Indicateurs", 2, "T2 2026", "beaucoup", indicator="Places créées")
    # Done at 10 %: the entry's own rule refuses it.
    rule = set_cell(book, "Actions", 2, "T2 2026 – avancement", "Réalisée")

    preview = quarter_preview(setting, book, user="cooperation")

    reasons = {refusal.cell: refusal.reason for refusal in preview.refusals}
    assert "validé" in reasons[locked] and "rouvrir" in reasons[locked]
    assert reasons[f"Actions!C{unknown_row}"] == (
        "Action inconnue : le plan n'a pas d'action n° 9 « Action fantôme »."
    )
    assert "« Presque fini » n'est pas un avancement reconnu" in reasons[wrong_status]
    assert "Non démarrée, En cours, En difficulté, Réalisée" in reasons[wrong_status]
    assert "nombre entier de 0 à 100" in reasons[wrong_progress]
    assert (
        reasons[wrong_value] == "La valeur de l'indicateur « Places créées » doit être un nombre."
    )
    assert reasons[rule] == "Une action réalisée est avancée à 100 %."
    assert preview.changes == []


def test_a_submitted_entry_is_closed_to_the_territory_but_not_to_the_adviser(setting):
    second = setting.entries[(2, 2026, 2)]
    followup.save_entry(
        setting.users["cooperation"],
        fresh(second),
        fresh(second).revision,
        entry_data(progress=10),
        submit=True,
    )
    book = exported(setting.convention)
    cell = set_cell(book, "Actions", 2, "T2 2026 – %", 15)

    refused = quarter_preview(setting, book, user="cooperation")
    assert "transmis à la Caf" in refused.refusals[0].reason and refused.refusals[0].cell == cell

    accepted = quarter_preview(setting, book, user="adviser")
    assert described(accepted.changes) == {(cell, 2, "Réalisation (%)", "10 %", "15 %")}


def test_two_cells_asking_for_different_values_are_refused(setting):
    book = exported(setting.convention)
    set_cell(book, "Actions", 2, "T2 2026 – %", 30)
    set_cell(book, "Suivi détaillé", 2, "%", 40, period="T2 2026")

    preview = quarter_preview(setting, book)

    assert preview.changes == []
    assert preview.refusals[0].reason.startswith("Valeurs différentes pour « Réalisation (%) »")


def test_an_empty_cell_never_erases_a_value_hidden_by_secrecy(setting):
    convention = setting.convention
    convention.statistical_secrecy = True
    convention.save()
    # 3 places (under 5): exported as an empty cell.
    followup.save_entry(
        setting.users["adviser"],
        fresh(setting.entries[(2, 2026, 2)]),
        fresh(setting.entries[(2, 2026, 2)]).revision,
        entry_data(progress=10),
        {setting.indicators[2].pk: {"value": Decimal(3), "text": ""}},
    )
    book = exported(convention)
    assert book["Indicateurs"]["R4"].value is None  # action 2, places, T2 2026
    set_cell(book, "Actions", 2, "T2 2026 – %", 20)

    preview = quarter_preview(setting, book)

    assert [change.field for change in preview.changes] == ["Réalisation (%)"]
    tracking_import.apply(setting.users["adviser"], upload(setting, book))
    value = IndicatorValue.objects.get(indicator=setting.indicators[2], year=2026, quarter=2)
    assert value.value == Decimal(3)


def test_confirming_after_someone_changed_an_entry_refuses_and_writes_nothing(setting):
    second, third = setting.entries[(2, 2026, 2)], setting.entries[(3, 2026, 2)]
    book = exported(setting.convention)
    set_cell(book, "Actions", 2, "T2 2026 – %", 30)
    set_cell(book, "Actions", 3, "T2 2026 – avancement", "En cours")
    record = upload(setting, book)
    followup.save_entry(
        setting.users["cooperation"], fresh(third), fresh(third).revision, entry_data(progress=5)
    )

    with pytest.raises(tracking_import.StaleImport, match="modifié par Léa Gaschy depuis l'aperçu"):
        tracking_import.apply(setting.users["adviser"], record)

    assert fresh(second).progress == 10, "the first action of the import was rolled back"
    assert fresh(third).progress == 5
    record.refresh_from_db()
    assert record.applied_at is None


def test_an_import_is_applied_once(setting):
    book = exported(setting.convention)
    set_cell(book, "Actions", 2, "T2 2026 – %", 30)
    record = upload(setting, book)
    tracking_import.apply(setting.users["adviser"], record)
    with pytest.raises(tracking_import.ImportRefused, match="déjà été appliqué"):
        tracking_import.apply(setting.users["adviser"], record)


@pytest.mark.parametrize(
    ("year", "quarter", "message"),
    [
        (2026, 3, "Le T3 2026 n'a pas commencé"),
        (2025, 4, "n'appartient pas à la période"),
    ],
)
def test_a_quarter_not_begun_or_outside_the_period_is_refused(setting, year, quarter, message):
    with pytest.raises(tracking_import.ImportRefused, match=message) as refused:
        quarter_preview(setting, exported(setting.convention), year=year, quarter=quarter)
    assert refused.value.field == "quarter"


def test_a_quarter_not_opened_is_refused():
    setting = signed_convention(quarters=((2026, 2),))
    with pytest.raises(tracking_import.ImportRefused, match="Le suivi du T1 2026 n'est pas ouvert"):
        quarter_preview(setting, exported(setting.convention), quarter=1)


def test_the_table_of_another_convention_is_refused(setting):
    other = signed_convention()
    with pytest.raises(tracking_import.ImportRefused, match="est celui de la convention"):
        quarter_preview(setting, exported(other.convention))


def test_a_reader_may_not_import(setting):
    with pytest.raises(followup.NotAllowed):
        quarter_preview(setting, exported(setting.convention), user="reader")


# -- Seeding the past quarters from the Caf's own table --------------------------------------


@pytest.fixture
def imported():
    """A convention signed in 2023, brought into the application in 2026, without follow-up."""
    return signed_convention(
        sheets=3,
        quarters=((2023, 3),),
        start_date=datetime.date(2023, 1, 1),
        end_date=datetime.date(2027, 12, 31),
    )


def caf_table(header, rows, title_rows=("Suivi de la CTG – tableau de la Caf", None)):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "Suivi 2023"
    for row in title_rows:
        sheet.append([row])
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    return book


def seed(setting, book, user="adviser"):
    return tracking_import.upload(
        setting.users[user],
        setting.convention,
        "suivi-caf.xlsx",
        as_bytes(book),
        ImportMode.HISTORY,
    )


def test_seeding_from_quarter_columns(imported):
    open_entry = imported.entries[(2, 2023, 3)]
    book = caf_table(
        [
            "N°",
            "Intitulé de l'action",
            "T1 2023",
            "2023 T2",
            "3e trimestre 2023",
            "2023-T3 %",
            "T1 2023 commentaire",
            "T3 2026",
            "T4 2022",
        ],
        [
            ["Axe 1 – Petite enfance"],
            [
                1,
                "Action numéro 1",
                "non démarré",
                "En cours (50 %)",
                "réalisé",
                None,
                "Groupe de travail constitué.",
            ],
            [None, "action numéro 2", None, None, "en cours", 30, None],
            [12, "Action inconnue du plan", "réalisé"],
            [3, "Action numéro 3", "peut-être", None, None, None, None, "en cours", "réalisé"],
        ],
    )

    record = seed(imported, book)
    summary = record.summary
    changes = {
        (c["number"], c["period"], c["field"]): (c["old"], c["new"]) for c in summary["changes"]
    }
    assert changes[(1, "T1 2023", "Avancement")] == ("—", "Non démarrée")
    assert changes[(1, "T1 2023", "Réalisations")] == ("—", "Groupe de travail constitué.")
    assert changes[(1, "T2 2023", "Réalisation (%)")] == ("—", "50 %")
    assert changes[(1, "T3 2023", "Réalisation (%)")] == ("—", "100 % (déduit)")
    assert changes[(2, "T3 2023", "État du suivi")] == ("À renseigner", "Validé (reprise)")
    assert changes[(2, "T3 2023", "Réalisation (%)")] == ("—", "30 %")
    reasons = {(r["cell"], r["reason"]) for r in summary["refusals"]}
    assert (
        "Suivi 2023!A7",
        "Action inconnue : le plan n'a pas d'action n° 12 « Action inconnue du plan ».",
    ) in reasons
    assert any(cell == "Suivi 2023!C8" and "« peut-être »" in reason for cell, reason in reasons)
    assert any(
        cell == "Suivi 2023!H8" and "n'est pas terminé" in reason for cell, reason in reasons
    )
    assert any(
        cell == "Suivi 2023!I8" and "hors de la période" in reason for cell, reason in reasons
    )
    assert FollowUp.objects.filter(action_sheet__convention=imported.convention).count() == 3

    assert tracking_import.apply(imported.users["adviser"], record) == 4

    entries = {
        (e.action_sheet.number, e.year, e.quarter): e
        for e in FollowUp.objects.filter(action_sheet__convention=imported.convention)
    }
    assert set(entries) == {(1, 2023, 1), (1, 2023, 2), (1, 2023, 3), (2, 2023, 3), (3, 2023, 3)}
    done = entries[(1, 2023, 3)]
    assert (done.status, done.progress, done.state) == (FollowUpStatus.DONE, 100, "validated")
    assert done.validated_by == imported.users["adviser"]
    assert done.history.first().history_change_reason == tracking_import.SEED_REASON
    assert entries[(1, 2023, 1)].achievements == "Groupe de travail constitué."
    seeded = fresh(open_entry)
    assert (seeded.status, seeded.progress, seeded.state) == ("in_progress", 30, "validated")
    assert seeded.history.first().history_change_reason == tracking_import.SEED_REASON
    assert entries[(3, 2023, 3)].state == FollowUpState.OPEN, "refused row left untouched"


def test_seeding_from_year_columns_fills_the_last_quarter(imported):
    book = caf_table(
        ["Fiche n°", "Action", "Bilan 2023", "2024", "Année 2025 – %"],
        [
            [1, "Action numéro 1", "en cours", "terminé", None],
            [2, "Action numéro 2", "abandonnée", None, None],
            [3, "Action numéro 3", None, "en difficulté", 40],
        ],
        title_rows=(),
    )

    tracking_import.apply(imported.users["adviser"], seed(imported, book))

    seeded = {
        (e.action_sheet.number, e.year, e.quarter): (e.status, e.progress)
        for e in FollowUp.objects.filter(
            action_sheet__convention=imported.convention, state=FollowUpState.VALIDATED
        )
    }
    assert seeded == {
        (1, 2023, 4): ("in_progress", 0),
        (1, 2024, 4): ("done", 100),
        (2, 2023, 4): ("abandoned", 0),
        (3, 2024, 4): ("in_difficulty", 0),
        (3, 2025, 4): ("in_progress", 40),
    }


def test_seeding_never_replaces_an_entry_written_in_the_application(imported):
    entry = imported.entries[(1, 2023, 3)]
    followup.save_entry(imported.users["cooperation"], entry, 0, entry_data(progress=20))
    book = caf_table(["N°", "T3 2023"], [[1, "réalisé"]], title_rows=())

    record = seed(imported, book)

    assert record.summary["changes"] == []
    assert (
        "déjà été renseigné dans l'application (« Brouillon »)"
        in (record.summary["refusals"][0]["reason"])
    )


def test_seeding_is_for_the_cafs_adviser_on_a_signed_convention(imported):
    book = caf_table(["N°", "T3 2023"], [[1, "réalisé"]], title_rows=())
    with pytest.raises(followup.NotAllowed):
        seed(imported, book, user="cooperation")
    imported.convention.state = ConventionState.DRAFT
    imported.convention.save()
    with pytest.raises(tracking_import.ImportRefused, match="Seule une convention signée"):
        seed(imported, book)


def test_seeding_confirmed_after_the_quarter_was_opened_is_refused(imported):
    book = caf_table(["N°", "T4 2023"], [[1, "réalisé"]], title_rows=())
    record = seed(imported, book)
    FollowUp.objects.create(
        action_sheet=imported.sheets[0], year=2023, quarter=4, state=FollowUpState.OPEN
    )
    with pytest.raises(tracking_import.StaleImport):
        tracking_import.apply(imported.users["adviser"], record)


@pytest.mark.parametrize(
    ("text", "status"),
    [
        ("Réalisée", FollowUpStatus.DONE),
        ("terminé", FollowUpStatus.DONE),
        ("En cours de réalisation", FollowUpStatus.IN_PROGRESS),
        ("partiellement réalisé", FollowUpStatus.IN_PROGRESS),
        ("Non démarrée", FollowUpStatus.NOT_STARTED),
        ("non réalisé", FollowUpStatus.NOT_STARTED),
        ("pas commencé", FollowUpStatus.NOT_STARTED),
        ("EN DIFFICULTÉ", FollowUpStatus.IN_DIFFICULTY),
        ("en retard", FollowUpStatus.IN_DIFFICULTY),
        ("reportée à 2025", FollowUpStatus.POSTPONED),
        ("Abandonné", FollowUpStatus.ABANDONED),
        ("annulée", FollowUpStatus.ABANDONED),
        ("peut-être", None),
    ],
)
def test_status_texts_of_caf_tables(text, status):
    assert tracking_import.parse_status(text) == status


# -- Pages -------------------------------------------------------------------------------

CAST = ["adviser", "cooperation", "reader", "other_cooperation", "other_adviser", "admin"]


def upload_url(setting):
    return reverse("actionplan:tracking_import", args=[setting.convention.pk])


def post_file(client, setting, content, name="tableau.xlsx", mode="quarter", quarter="2026-T2"):
    return client.post(
        upload_url(setting),
        {"file": SimpleUploadedFile(name, content), "mode": mode, "quarter": quarter},
    )


def test_upload_page_for_the_cast(client, setting):
    url = upload_url(setting)
    for name, status in zip(CAST, [200, 200, 403, 404, 404, 200], strict=True):
        client.force_login(setting.users[name])
        assert client.get(url).status_code == status, name
    client.logout()
    assert client.get(url).status_code == 302


def test_the_quarter_page_links_to_the_import_for_those_who_fill(client, setting):
    page = reverse("actionplan:followup", args=[setting.convention.pk, 2026, 2])
    link = f"{upload_url(setting)}?trimestre=2026-T2"
    client.force_login(setting.users["cooperation"])
    assert link in client.get(page).content.decode()
    client.force_login(setting.users["reader"])
    assert "Importer un tableau de suivi" not in client.get(page).content.decode()


def test_upload_preview_confirm_through_the_pages(client, setting):
    client.force_login(setting.users["cooperation"])
    form = client.get(f"{upload_url(setting)}?trimestre=2026-T1")
    assert 'value="2026-T1" selected' in form.content.decode()
    assert "Reprise des trimestres passés" not in form.content.decode()
    book = exported(setting.convention)
    set_cell(book, "Actions", 3, "T2 2026 – avancement", "En difficulté")
    set_cell(book, "Actions", 3, "T2 2026 – %", 25)
    set_cell(book, "Actions", 1, "T2 2026 – %", 90)

    response = post_file(client, setting, as_bytes(book))

    record = TrackingImport.objects.get()
    preview_url = reverse(
        "actionplan:tracking_import_preview", args=[setting.convention.pk, record.pk]
    )
    assert response.status_code == 302 and response["Location"] == preview_url
    page = client.get(preview_url).content.decode()
    assert "En difficulté" in page and "25 %" in page
    assert "Ce suivi est validé" in page
    assert "Confirmer l'import de 2 modifications" in page
    assert fresh(setting.entries[(3, 2026, 2)]).progress == 0

    confirm = reverse("actionplan:tracking_import_confirm", args=[setting.convention.pk, record.pk])
    assert client.get(confirm).status_code == 405
    assert client.post(preview_url).status_code == 405
    client.force_login(setting.users["adviser"])
    assert client.get(preview_url).status_code == 404, "only the uploader sees the preview"
    assert client.post(confirm).status_code == 404
    client.force_login(setting.users["reader"])
    assert client.post(confirm).status_code == 403
    client.force_login(setting.users["cooperation"])

    response = client.post(confirm)

    assert response.status_code == 302
    assert response["Location"] == reverse(
        "actionplan:followup", args=[setting.convention.pk, 2026, 2]
    )
    entry = fresh(setting.entries[(3, 2026, 2)])
    assert (entry.status, entry.progress) == (FollowUpStatus.IN_DIFFICULTY, 25)
    assert fresh(setting.entries[(1, 2026, 2)]).progress == 55


def test_a_stale_confirmation_answers_409_in_french(client, setting):
    client.force_login(setting.users["adviser"])
    book = exported(setting.convention)
    set_cell(book, "Actions", 3, "T2 2026 – %", 25)
    set_cell(book, "Actions", 3, "T2 2026 – avancement", "En cours")
    post_file(client, setting, as_bytes(book))
    record = TrackingImport.objects.get()
    third = fresh(setting.entries[(3, 2026, 2)])
    followup.save_entry(setting.users["cooperation"], third, third.revision, entry_data())

    response = client.post(
        reverse("actionplan:tracking_import_confirm", args=[setting.convention.pk, record.pk])
    )

    assert response.status_code == 409
    assert "a été modifié par Léa Gaschy depuis l&#x27;aperçu" in response.content.decode()
    assert fresh(third).progress == 40


def csv_content():
    return "N°;Action;T2 2026 – avancement\r\n1;Action numéro 1;En cours\r\n".encode()


def workbook_without_tables():
    book = openpyxl.Workbook()
    book.active.title = "Budget"
    book.active.append(["Poste", "Montant"])
    return as_bytes(book)


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("vide.xlsx", b"", "Le fichier soumis est vide."),
        ("abime.xlsx", b"PK\x03\x04" + b"\x00garbage" * 50, "n'est pas un classeur Excel"),
        ("export.xlsx", csv_content(), "n'est pas un classeur Excel"),
        ("tableau.csv", csv_content(), "doit être un classeur Excel (.xlsx)"),
        ("budget.xlsx", workbook_without_tables(), "ni feuille « Actions »"),
        ("enorme.xlsx", b"0" * (30 * 1024 * 1024), "la limite est de 10 Mo"),
    ],
)
def test_bad_files_get_a_french_message_at_the_field(client, setting, name, content, message):
    client.force_login(setting.users["adviser"])
    before = list(FollowUp.objects.values_list("pk", "revision"))

    response = post_file(client, setting, content, name=name)

    assert response.status_code == 200
    assert any(message in error for error in response.context["form"].errors["file"])
    assert not TrackingImport.objects.exists()
    assert list(FollowUp.objects.values_list("pk", "revision")) == before


def test_a_quarter_not_begun_is_refused_at_its_field(client, setting):
    client.force_login(setting.users["adviser"])
    response = post_file(client, setting, as_bytes(exported(setting.convention)), quarter="2026-T3")
    assert "Le T3 2026 n'a pas commencé" in response.context["form"].errors["quarter"][0]


def test_a_chargé_de_coopération_cannot_choose_seeding(client, setting):
    client.force_login(setting.users["cooperation"])
    response = post_file(client, setting, as_bytes(exported(setting.convention)), mode="history")
    assert response.context["form"].errors["mode"]
    assert not TrackingImport.objects.exists()


def test_preview_of_a_forty_action_plan_in_a_constant_number_of_queries(
    client, django_assert_max_num_queries
):
    setting = signed_convention(sheets=40)
    book = exported(setting.convention)
    for number in range(1, 41):
        set_cell(book, "Actions", number, "T2 2026 – avancement", "En cours")
        set_cell(book, "Actions", number, "T2 2026 – %", number)
        set_cell(book, "Indicateurs", number, "T2 2026", number, indicator="Places créées")
    content = as_bytes(book)
    client.force_login(setting.users["adviser"])

    with django_assert_max_num_queries(25):
        response = post_file(client, setting, content)
    assert response.status_code == 302

    with django_assert_max_num_queries(10):
        page = client.get(response["Location"])
    assert "Confirmer l'import de 120 modifications" in page.content.decode()


def test_a_table_identical_to_what_is_stored_is_refused_at_the_file(setting):
    with pytest.raises(tracking_import.ImportRefused, match="Ce tableau ne change rien"):
        upload(setting, exported(setting.convention))
    assert not TrackingImport.objects.exists()


def test_seeding_refuses_a_quarter_given_two_different_statuses(imported):
    book = caf_table(["N°", "T4 2023", "Bilan 2023"], [[1, "réalisé", "en cours"]], title_rows=())
    record = seed(imported, book)
    assert record.summary["changes"] == []
    assert record.summary["refusals"][0]["reason"].startswith(
        "Valeurs différentes pour « Avancement » : Suivi 2023!B2 (« Réalisée »)"
    )


def test_seeding_reads_percent_cells_and_numbers_written_in_the_title(imported):
    book = caf_table(["Fiche action", "T2 2023"], [["Fiche 2 : Action numéro 2", 0.45]], ())
    book.active["B2"].number_format = "0%"  # typed "45 %" in Excel: stored as 0.45

    record = seed(imported, book)

    changes = {(c["number"], c["field"]): c["new"] for c in record.summary["changes"]}
    assert changes[(2, "Réalisation (%)")] == "45 %"
    assert changes[(2, "Avancement")] == "En cours (déduit)"
