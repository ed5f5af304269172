"""The amendment's own signed-ready PDF: one signature field per person signing it,
issued when it is put to signature; a copy signed by all records every signature on the
amendment, which is then signed."""

import datetime
import io

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from conventions import lifecycle
from conventions.documents.signed_copies import accept_signed_copy
from conventions.documents.signing import signature_field_names
from conventions.models import AmendmentState, Document, DocumentKind, DocumentState, Signature
from partners.models import Representative, Role
from tests.factories import (
    ArticleFactory,
    ConventionFactory,
    DeliberationFactory,
    OrganisationFactory,
    PartyFactory,
    RepresentativeFactory,
    UserFactory,
    caf_party,
)
from tests.pdf_signing import self_signed_signer, sign

pytestmark = pytest.mark.django_db


@pytest.fixture
def amendment():
    with time_machine.travel(datetime.datetime(2026, 1, 10, 10), tick=False):
        convention = ConventionFactory()
        caf_party(convention)
        lead = PartyFactory(
            convention=convention, organisation=convention.lead_authority, role="lead"
        )
        lead.signatories.set([RepresentativeFactory(organisation=lead.organisation)])
        gone = PartyFactory(convention=convention, organisation=OrganisationFactory(name="Bart"))
        gone.signatories.set([RepresentativeFactory(organisation=gone.organisation)])
        ArticleFactory(convention=convention)
        lifecycle.freeze(convention)
        for party in convention.parties.filter(requires_deliberation=True):
            DeliberationFactory(party=party, version=convention.current_version)
        lifecycle.start_signing(convention)
        for party, person in lifecycle.pending_signatures(convention):
            lifecycle.record_signature(
                convention, party=party, representative=person, signed_on=datetime.date.today()
            )
        # Bart left through an earlier amendment: it signs no later one.
        gone.left_on = datetime.date(2026, 1, 1)
        gone.save()
        amendment = lifecycle.amend(
            convention,
            subject="la mise à jour de l'annexe 2",
            changes_description="L'annexe 2 est mise à jour.",
        )
        lifecycle.freeze_amendment(amendment)
        for party in lifecycle.parties_missing_deliberation(convention, amendment):
            DeliberationFactory(party=party, amendment=amendment)
    return amendment


def test_putting_the_amendment_to_signature_issues_its_signed_ready_pdf(
    client, amendment, django_capture_on_commit_callbacks
):
    convention = amendment.convention
    client.force_login(UserFactory(role=Role.ADVISER, organisation=convention.caf))
    url = reverse(
        "conventions:amendment_transition",
        args=[convention.pk, amendment.number, "mettre-a-la-signature"],
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)
    document = Document.objects.get(kind=DocumentKind.AMENDMENT_SIGNED_READY)
    assert document.state == DocumentState.DONE
    assert document.label == "Avenant n° 1 prêt à signer"
    signers = {entry["signer"] for entry in document.signature_fields}
    # The Caf's two people and the lead authority's: not Bart, which left.
    assert len(signers) == 3
    assert not any("Bart" in entry["name"] for entry in document.signature_fields)
    with document.file.open("rb") as handle:
        data = handle.read()
    assert sorted(signature_field_names(data)) == sorted(
        entry["name"] for entry in document.signature_fields
    )
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert "AVENANT N° 1" in text and "Signature électronique ou manuscrite" in text
    # Asked for again, the same file: everyone signs the same bytes.
    again = client.post(
        reverse("conventions:document_request", args=[convention.pk]),
        {"kind": "amendment_signed_ready", "amendment": amendment.pk},
    )
    assert again.status_code in (200, 302)
    assert Document.objects.filter(kind=DocumentKind.AMENDMENT_SIGNED_READY).count() == 1

    for entry in document.signature_fields:
        person = Representative.objects.get(pk=entry["representative"])
        data = sign(
            data, entry["name"], self_signed_signer(f"{person.first_name} {person.last_name}")
        )
    copy, recorded = accept_signed_copy(document, data)
    assert recorded == 3
    amendment.refresh_from_db()
    assert amendment.state == AmendmentState.SIGNED
    assert Signature.objects.filter(amendment=amendment).count() == 3
    assert (
        not Signature.objects.filter(amendment=None, recorded_by=None)
        .exclude(party__convention=convention)
        .exists()
    )
    completion = reverse("conventions:document_completion", args=[convention.pk, document.pk])
    response = client.get(completion)
    assert response.status_code == 200
    assert b"%PDF" in response.content[:8]
