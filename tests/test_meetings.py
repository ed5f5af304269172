"""Steering meetings with their minutes, and reviews linked to the follow-up they
looked at, on the demo PMA convention (signed, seven quarters of follow-up)."""

import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter

from actionplan.models import FollowUp, Meeting, MeetingKind, Review, ReviewKind
from conventions.models import Amendment, Convention
from partners.models import User
from tests.factories import ActionSheetFactory

pytestmark = pytest.mark.django_db


def pdf_bytes():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def minutes_file(content=None, name="compte-rendu-copil.pdf"):
    return SimpleUploadedFile(name, content or pdf_bytes(), content_type="application/pdf")


@pytest.fixture
def pma(demo):
    return Convention.objects.get(reference="pma-2023-2027")


@pytest.fixture
def vda(demo):
    return Convention.objects.get(reference="val-d-argent-2026-2030")


def login(client, username):
    client.force_login(User.objects.get(username=username))


def url(name, convention, *args):
    return reverse(f"actionplan:{name}", args=[convention.pk, *args])


def meeting_data(**overrides):
    return {
        "kind": MeetingKind.STEERING_COMMITTEE,
        "title": "Comité de pilotage annuel 2025",
        "date": "2025-11-18",
        "attendees": "Caf du Doubs\nPays de Montbéliard Agglomération\nCommune de Valentigney",
        "decisions": "Le collectif enfance-jeunesse est reconduit en 2026.",
    } | overrides


@pytest.fixture
def meeting(pma):
    return Meeting.objects.create(
        convention=pma,
        kind=MeetingKind.TECHNICAL_COMMITTEE,
        date=datetime.date(2025, 6, 12),
        attendees="Services de PMA et de la Caf",
    )


def test_adviser_records_a_meeting_with_its_minutes(client, pma):
    login(client, "conseiller.doubs")
    response = client.post(url("meeting_create", pma), meeting_data(minutes=minutes_file()))
    meeting = pma.meetings.get()
    assert response.status_code == 302
    assert response["Location"].endswith(f"#reunion-{meeting.pk}")
    assert meeting.decisions == "Le collectif enfance-jeunesse est reconduit en 2026."
    assert meeting.minutes.read().startswith(b"%PDF-")

    login(client, "lecteur.valentigney")
    page = client.get(url("meetings", pma)).content.decode()
    assert "Comité de pilotage du 18 novembre 2025 – Comité de pilotage annuel 2025" in page
    assert url("meeting_minutes", pma, meeting.pk) in page
    assert "/media/" not in page and "minutes/" not in page
    response = client.get(url("meeting_minutes", pma, meeting.pk))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")

    login(client, "conseiller.hautrhin")
    assert client.get(url("meeting_minutes", pma, meeting.pk)).status_code == 404


def test_a_file_that_is_not_a_pdf_is_refused_and_the_text_kept(client, pma):
    login(client, "conseiller.doubs")
    fake = minutes_file(content=b"Compte rendu en texte brut", name="compte-rendu.pdf")
    response = client.post(url("meeting_create", pma), meeting_data(minutes=fake))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Ce fichier n&#x27;est pas un PDF" in page
    assert "Le collectif enfance-jeunesse est reconduit en 2026." in page
    assert not pma.meetings.exists()


def read(client, edit):
    """The version the edit page shows, as a browser sends it back."""
    return {"read_version": client.get(edit).context["form"]["read_version"].value()}


def test_a_stale_meeting_save_is_refused_with_the_text_kept(client, pma, meeting):
    login(client, "conseiller.doubs")
    edit = url("meeting_edit", pma, meeting.pk)
    mine = meeting_data(decisions="Ma décision") | read(client, edit)
    theirs = meeting_data(decisions="Leur décision") | read(client, edit)
    assert client.post(edit, theirs).status_code == 302

    response = client.post(edit, mine)

    assert response.status_code == 409
    assert "Ma décision" in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.decisions == "Leur décision"


def test_minutes_are_replaced_then_removed(client, pma, meeting):
    login(client, "conseiller.doubs")
    edit = url("meeting_edit", pma, meeting.pk)
    client.post(
        edit,
        meeting_data(kind=MeetingKind.TECHNICAL_COMMITTEE, minutes=minutes_file())
        | read(client, edit),
    )
    meeting.refresh_from_db()
    assert meeting.minutes
    page = client.get(edit).content.decode()
    assert "Retirer le compte rendu enregistré" in page
    assert "/media/" not in page
    client.post(edit, meeting_data(remove_minutes="on") | read(client, edit))
    meeting.refresh_from_db()
    assert not meeting.minutes
    assert client.get(url("meeting_minutes", pma, meeting.pk)).status_code == 404


def test_adviser_deletes_a_meeting(client, pma, meeting):
    login(client, "conseiller.doubs")
    assert client.get(url("meeting_delete", pma, meeting.pk)).status_code == 200
    client.post(url("meeting_delete", pma, meeting.pk))
    assert not pma.meetings.exists()


def entries(convention, year, quarter):
    return FollowUp.objects.filter(action_sheet__convention=convention, year=year, quarter=quarter)


def test_a_review_looks_at_whole_quarters_and_single_entries(client, pma, meeting):
    amendment = Amendment.objects.create(
        convention=pma, number=1, subject="Ajout d'une fiche action sur la mobilité"
    )
    single = entries(pma, 2025, 1).get(action_sheet__number=6)
    login(client, "conseiller.doubs")
    response = client.post(
        url("review_create", pma),
        {
            "kind": ReviewKind.MID_TERM,
            "date": "2025-12-09",
            "meeting": meeting.pk,
            "summary": "À mi-parcours, six actions sur dix sont engagées.",
            "quarters": ["2025-3", "2025-4"],
            "follow_ups": [single.pk],
            "leads_to_amendment": amendment.pk,
        },
    )
    review = pma.reviews.get()
    assert response["Location"] == url("review", pma, review.pk)
    assert review.follow_ups.count() == 21
    assert set(review.follow_ups.values_list("year", "quarter").distinct()) == {
        (2025, 1),
        (2025, 3),
        (2025, 4),
    }

    response = client.get(url("review_edit", pma, review.pk))
    form = response.context["form"]
    assert form.initial["quarters"] == ["2025-3", "2025-4"]
    assert form.initial["follow_ups"] == [single.pk]
    # The single entry is ticked, and only it among the entries offered one by one.
    ticked = re.findall(r'name="follow_ups" value="(\d+)"[^>]*checked', response.content.decode())
    assert ticked == [str(single.pk)]
    quarters = re.findall(
        r'name="quarters" value="([\d-]+)"[^>]*checked', response.content.decode()
    )
    assert quarters == ["2025-3", "2025-4"]

    login(client, "lecteur.valentigney")
    page = client.get(url("review", pma, review.pk)).content.decode()
    assert "Bilan intermédiaire du 9 décembre 2025" in page
    assert "Suivis trimestriels examinés (21)" in page
    assert "Avenant n° 1 – Ajout d&#x27;une fiche action sur la mobilité" in page
    assert url("review_edit", pma, review.pk) not in page
    page = client.get(url("meetings", pma)).content.decode()
    assert "21 suivis (T1 2025, T3 2025, T4 2025)" in page


def test_a_review_refuses_what_belongs_to_another_convention(client, pma, vda):
    foreign_sheet = ActionSheetFactory(axis=vda.axes.first(), number=99)
    foreign_entry = FollowUp.objects.create(action_sheet=foreign_sheet, year=2025, quarter=1)
    foreign_meeting = Meeting.objects.create(
        convention=vda, kind=MeetingKind.STEERING_COMMITTEE, date=datetime.date(2025, 3, 1)
    )
    foreign_amendment = Amendment.objects.create(convention=vda, number=1, subject="Autre")
    login(client, "conseiller.doubs")
    response = client.post(
        url("review_create", pma),
        {
            "kind": ReviewKind.YEARLY,
            "date": "2025-12-09",
            "meeting": foreign_meeting.pk,
            "follow_ups": [foreign_entry.pk],
            "leads_to_amendment": foreign_amendment.pk,
            "quarters": ["2019-1"],
        },
    )
    assert response.status_code == 200
    # The meeting, the entry, the amendment and the quarter, each at its field.
    assert response.content.decode().count("Sélectionnez un choix valide") == 4
    assert not Review.objects.exists()


@pytest.mark.parametrize("username", ["lecteur.valentigney"])
def test_party_users_read_but_get_403_on_writes(client, pma, meeting, username):
    review = Review.objects.create(convention=pma, kind=ReviewKind.YEARLY, date=meeting.date)
    login(client, username)
    assert client.get(url("meetings", pma)).status_code == 200
    assert client.get(url("review", pma, review.pk)).status_code == 200
    for name, args in (
        ("meeting_create", []),
        ("meeting_edit", [meeting.pk]),
        ("meeting_delete", [meeting.pk]),
        ("review_create", []),
        ("review_edit", [review.pk]),
        ("review_delete", [review.pk]),
    ):
        assert client.get(url(name, pma, *args)).status_code == 403, name
        assert client.post(url(name, pma, *args), meeting_data()).status_code == 403, name
    assert pma.meetings.count() == 1
    assert pma.reviews.count() == 1


def test_cooperation_officer_of_a_party_reads_and_may_not_write(client, vda):
    login(client, "cooperation.valdargent")
    assert client.get(url("meetings", vda)).status_code == 200
    assert client.post(url("meeting_create", vda), meeting_data()).status_code == 403
    assert not vda.meetings.exists()


def test_outsiders_get_404(client, pma, meeting):
    review = Review.objects.create(convention=pma, kind=ReviewKind.FINAL, date=meeting.date)
    for username in ("conseiller.hautrhin", "cooperation.valdargent"):
        login(client, username)
        for name, args in (
            ("meetings", []),
            ("meeting_edit", [meeting.pk]),
            ("review", [review.pk]),
            ("review_edit", [review.pk]),
        ):
            assert client.get(url(name, pma, *args)).status_code == 404, (username, name)


def test_a_meeting_id_of_another_convention_gets_404(client, pma, vda, meeting):
    login(client, "conseiller.hautrhin")
    for name in ("meeting_edit", "meeting_delete", "meeting_minutes"):
        assert client.get(url(name, vda, meeting.pk)).status_code == 404, name
    assert client.post(url("meeting_delete", vda, meeting.pk)).status_code == 404
    assert pma.meetings.exists()


def test_meeting_list_query_count_does_not_grow(client, pma, django_assert_max_num_queries):
    login(client, "conseiller.doubs")
    first = Meeting.objects.create(
        convention=pma, kind=MeetingKind.STEERING_COMMITTEE, date=datetime.date(2023, 11, 1)
    )
    review = Review.objects.create(
        convention=pma, kind=ReviewKind.YEARLY, date=first.date, meeting=first
    )
    review.follow_ups.set(entries(pma, 2025, 1))
    with django_assert_max_num_queries(20) as few:
        client.get(url("meetings", pma))
    for year in range(2024, 2028):
        for kind in MeetingKind.values:
            meeting = Meeting.objects.create(
                convention=pma, kind=kind, date=datetime.date(year, 10, 1), minutes=""
            )
            review = Review.objects.create(
                convention=pma, kind=ReviewKind.YEARLY, date=meeting.date, meeting=meeting
            )
            review.follow_ups.set(entries(pma, 2025, 2))
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("meetings", pma))
    assert "Réunions (13)" in response.content.decode()
