import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfWriter

from conventions import lifecycle
from conventions.models import Deliberation, PartyRole
from partners.models import Role
from tests.factories import (
    ArticleFactory,
    ConventionFactory,
    DepartmentFactory,
    OrganisationFactory,
    PartyFactory,
    RepresentativeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def pdf_bytes():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


@pytest.fixture
def convention():
    doubs = DepartmentFactory(code="25", name="Doubs")
    convention = ConventionFactory(
        caf=OrganisationFactory(as_caf=True, name="Caf du Doubs", department=doubs),
        lead_authority=OrganisationFactory(as_epci=True, department=doubs),
        start_date=datetime.date(2023, 1, 1),
        end_date=datetime.date(2027, 12, 31),
    )
    caf = PartyFactory(
        convention=convention,
        organisation=convention.caf,
        role=PartyRole.CAF,
        requires_deliberation=False,
    )
    caf.signatories.set([RepresentativeFactory(organisation=convention.caf)])
    valentigney = OrganisationFactory(
        name="Valentigney", insee_code="25580", siren="212505804", department=doubs
    )
    for organisation, role in (
        (convention.lead_authority, PartyRole.LEAD),
        (valentigney, "co_signatory"),
    ):
        party = PartyFactory(convention=convention, organisation=organisation, role=role)
        party.signatories.set([RepresentativeFactory(organisation=organisation)])
    ArticleFactory(convention=convention)
    lifecycle.freeze(convention)
    return convention


@pytest.fixture
def valentigney(convention):
    return convention.parties.get(organisation__name="Valentigney")


def valentigney_data(**overrides):
    data = {
        "body": "municipal_council",
        "session_date": "2023-04-05",
        "act_number": "2023-32",
        "subject": "Convention territoriale globale (CTG) 2023/2027 – signature",
        "members_in_office": 33,
        "present": 27,
        "proxies": 4,
        "votes_cast": 31,
        "votes_for": 31,
        "votes_against": 0,
        "abstentions": 0,
        "outcome": "adopted_unanimously",
        "session_secretary": "Anne-Lise GARCIA",
        "published_on": "2023-04-14",
        "scan": SimpleUploadedFile("deliberation.pdf", pdf_bytes(), "application/pdf"),
    }
    return data | overrides


def url(convention, party):
    return reverse("conventions:deliberation_create", args=[convention.pk, party.pk])


def test_cooperation_officer_records_their_councils_deliberation(client, convention, valentigney):
    client.force_login(UserFactory(role=Role.COOPERATION, organisation=valentigney.organisation))
    response = client.post(url(convention, valentigney), valentigney_data())
    assert response.status_code == 302
    deliberation = Deliberation.objects.get()
    assert deliberation.version == convention.current_version
    assert deliberation.scan.read().startswith(b"%PDF-")


def test_a_renamed_image_is_refused_and_the_other_fields_are_kept(client, convention, valentigney):
    client.force_login(UserFactory(role=Role.ADVISER, organisation=convention.caf))
    fake = SimpleUploadedFile("scan.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "application/pdf")
    response = client.post(url(convention, valentigney), valentigney_data(scan=fake))
    page = response.content.decode()
    assert "Ce fichier n&#x27;est pas un PDF" in page
    assert 'value="Anne-Lise GARCIA"' in page
    assert 'value="2023-32"' in page
    assert not Deliberation.objects.exists()


def test_an_oversized_scan_is_refused(client, convention, valentigney, monkeypatch):
    monkeypatch.setattr("conventions.validators.MAX_SCAN_SIZE", 100)
    client.force_login(UserFactory(role=Role.ADVISER, organisation=convention.caf))
    page = client.post(url(convention, valentigney), valentigney_data()).content.decode()
    assert "la limite est de 100" in page


def test_inconsistent_figures_and_actes_id_are_explained_at_the_field(
    client, convention, valentigney
):
    client.force_login(UserFactory(role=Role.ADVISER, organisation=convention.caf))
    data = valentigney_data(present=34, actes_id="025-212503882-20230405-2023_32-DE")
    page = client.post(url(convention, valentigney), data).content.decode()
    assert "Il y a plus de présents (34) que de membres en exercice (33)." in page
    assert "le SIREN 212503882 de l&#x27;identifiant n&#x27;est pas celui de Valentigney" in page
    assert not Deliberation.objects.exists()


def test_cooperation_officer_cannot_record_another_partys_deliberation(client, convention):
    lead = convention.parties.get(role=PartyRole.LEAD)
    other = convention.parties.get(organisation__name="Valentigney").organisation
    client.force_login(UserFactory(role=Role.COOPERATION, organisation=other))
    assert client.post(url(convention, lead), valentigney_data()).status_code == 403
    assert not Deliberation.objects.exists()


def test_reader_cannot_record(client, convention, valentigney):
    client.force_login(UserFactory(role=Role.READER, organisation=valentigney.organisation))
    assert client.get(url(convention, valentigney)).status_code == 403


def test_outsider_and_foreign_party_ids_get_404(client, convention, valentigney):
    client.force_login(UserFactory(role=Role.ADVISER))
    assert client.get(url(convention, valentigney)).status_code == 404
    client.force_login(UserFactory(role=Role.ADVISER, organisation=convention.caf))
    foreign = PartyFactory()
    assert client.get(url(convention, foreign)).status_code == 404


def test_adviser_corrects_a_recorded_deliberation(client, convention, valentigney):
    client.force_login(UserFactory(role=Role.ADVISER, organisation=convention.caf))
    client.post(url(convention, valentigney), valentigney_data())
    deliberation = Deliberation.objects.get()
    edit = reverse(
        "conventions:deliberation_edit", args=[convention.pk, valentigney.pk, deliberation.pk]
    )
    data = valentigney_data(sent_to_prefecture_on="2023-04-12")
    del data["scan"]
    data["read_version"] = client.get(edit).context["form"]["read_version"].value()
    assert client.post(edit, data).status_code == 302
    deliberation.refresh_from_db()
    assert deliberation.sent_to_prefecture_on == datetime.date(2023, 4, 12)
    assert deliberation.scan


def test_a_stale_correction_of_a_deliberation_is_refused(client, convention, valentigney):
    client.force_login(UserFactory(role=Role.ADVISER, organisation=convention.caf))
    client.post(url(convention, valentigney), valentigney_data())
    deliberation = Deliberation.objects.get()
    edit = reverse(
        "conventions:deliberation_edit", args=[convention.pk, valentigney.pk, deliberation.pk]
    )
    version = client.get(edit).context["form"]["read_version"].value()
    theirs = valentigney_data(session_secretary="Lise VURPILLOT") | {"read_version": version}
    mine = valentigney_data(session_secretary="Maud PELISSIER") | {"read_version": version}
    for data in (theirs, mine):
        del data["scan"]
    assert client.post(edit, theirs).status_code == 302

    response = client.post(edit, mine)

    assert response.status_code == 409
    assert "Maud PELISSIER" in response.content.decode()
    deliberation.refresh_from_db()
    assert deliberation.session_secretary == "Lise VURPILLOT"


def test_scan_is_downloaded_only_by_those_who_see_the_convention(client, convention, valentigney):
    client.force_login(UserFactory(role=Role.COOPERATION, organisation=valentigney.organisation))
    client.post(url(convention, valentigney), valentigney_data())
    deliberation = Deliberation.objects.get()
    scan = reverse("conventions:deliberation_scan", args=[convention.pk, deliberation.pk])
    response = client.get(scan)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content).startswith(b"%PDF-")
    client.force_login(UserFactory(role=Role.ADVISER))
    assert client.get(scan).status_code == 404
    other = ConventionFactory(caf=convention.caf)
    client.force_login(UserFactory(role=Role.ADVISER, organisation=convention.caf))
    guessed = reverse("conventions:deliberation_scan", args=[other.pk, deliberation.pk])
    assert client.get(guessed).status_code == 404


@pytest.fixture
def signed_deliberation(client, convention, valentigney):
    """Valentigney's deliberation, then the convention signed on it."""
    client.force_login(UserFactory(role=Role.ADVISER, organisation=convention.caf))
    client.post(url(convention, valentigney), valentigney_data())
    lifecycle.record_signed_convention(convention, signed_on=datetime.date(2023, 5, 2))
    deliberation = Deliberation.objects.get()
    edit = reverse(
        "conventions:deliberation_edit", args=[convention.pk, valentigney.pk, deliberation.pk]
    )
    data = valentigney_data(act_number="2023-33")
    del data["scan"]
    data["read_version"] = client.get(edit).context["form"]["read_version"].value()
    return deliberation, edit, data


def test_after_signature_a_correction_needs_its_reason(client, signed_deliberation):
    deliberation, edit, data = signed_deliberation

    refused = client.post(edit, data)

    assert refused.status_code == 200
    assert "indiquez le motif de cette correction" in refused.content.decode()
    deliberation.refresh_from_db()
    assert deliberation.act_number == "2023-32"

    corrected = client.post(edit, data | {"correction_reason": "Numéro mal recopié"})

    assert corrected.status_code == 302
    deliberation.refresh_from_db()
    assert deliberation.act_number == "2023-33"
    assert (
        deliberation.history.latest().history_change_reason
        == "Correction après signature : Numéro mal recopié"
    )


def test_after_signature_an_adopted_deliberation_cannot_become_rejected(
    client, signed_deliberation
):
    deliberation, edit, data = signed_deliberation
    data |= {"outcome": "rejected", "votes_for": 10, "votes_against": 21}

    response = client.post(edit, data | {"correction_reason": "Erreur de saisie"})

    assert response.status_code == 200
    assert "ne peut pas devenir « rejetée »" in response.content.decode()
    deliberation.refresh_from_db()
    assert deliberation.outcome == "adopted_unanimously"
