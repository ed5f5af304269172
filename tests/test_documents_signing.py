"""Signed-ready PDF: one empty signature field per signing person, placed in their box;
returned signed copies checked against the issued revision and signatures recorded."""

import datetime
import io

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from conventions import lifecycle
from conventions.documents import service
from conventions.documents.signed_copies import accept_signed_copy
from conventions.documents.signing import SignedCopyRefused, signature_field_names
from conventions.models import (
    ConventionState,
    DocumentKind,
    DocumentState,
    PartyRole,
    Signature,
    SignedCopy,
)
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
from tests.pdf_signing import CertificationAuthority, self_signed_signer, sign, stamp_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def convention():
    with time_machine.travel(datetime.datetime(2026, 1, 10, 10), tick=False):
        convention = ConventionFactory()
        caf_party(convention)
        for organisation, role in (
            (convention.lead_authority, PartyRole.LEAD),
            (OrganisationFactory(name="Lièpvre"), PartyRole.CO_SIGNATORY),
        ):
            party = PartyFactory(convention=convention, organisation=organisation, role=role)
            party.signatories.set([RepresentativeFactory(organisation=organisation)])
        ArticleFactory(convention=convention)
        version = lifecycle.freeze(convention)
        for party in convention.parties.exclude(role=PartyRole.CAF):
            DeliberationFactory(
                party=party, version=version, session_date=datetime.date(2026, 1, 5)
            )
        lifecycle.start_signing(convention)
    return convention


@pytest.fixture
def issued(convention, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        document = service.request_document(convention, DocumentKind.SIGNED_READY)
    document.refresh_from_db()
    assert document.state == DocumentState.DONE
    return document


def issued_bytes(document):
    with document.file.open("rb") as handle:
        return handle.read()


def test_one_empty_signature_field_per_signing_person_named_after_them(issued):
    data = issued_bytes(issued)
    names = signature_field_names(data)
    assert len(names) == 4 == len(issued.signature_fields)
    assert f"Signature de Monsieur Lionel KOENIG ({issued.convention.caf.name})" in names
    assert all(name.startswith("Signature de ") and "." not in name for name in names)
    assert issued.version_number == 1


def test_each_field_lies_inside_its_persons_box_on_the_signature_page(issued):
    reader = PdfReader(io.BytesIO(issued_bytes(issued)))
    widgets = {}
    for index, page in enumerate(reader.pages):
        for annotation in page.get("/Annots", []) or []:
            annotation = annotation.get_object()
            if (
                annotation.get("/FT") == "/Sig"
                or annotation.get("/Parent", {}).get("/FT") == "/Sig"
            ):
                name = annotation.get("/T") or annotation["/Parent"]["/T"]
                widgets[name] = (index, [float(v) for v in annotation["/Rect"]])
    assert set(widgets) == {entry["name"] for entry in issued.signature_fields}
    for entry in issued.signature_fields:
        page, rect = widgets[entry["name"]]
        x1, y1, x2, y2 = entry["box"]
        assert page == entry["page"]
        assert x1 <= rect[0] < rect[2] <= x2 and y1 <= rect[1] < rect[3] <= y2
        text = reader.pages[page].extract_text()
        assert entry["signer"].split(" ", 1)[1] in text.replace("\u00a0", " ")


def test_signed_ready_pdf_is_never_regenerated_in_place(
    issued, convention, django_capture_on_commit_callbacks
):
    # A corrected deliberation changes the visas, but the issued PDF stays the one to sign.
    convention.parties.get(role=PartyRole.LEAD).deliberations.update(
        session_date=datetime.date(2026, 1, 6)
    )
    with django_capture_on_commit_callbacks(execute=True):
        again = service.request_document(convention, DocumentKind.SIGNED_READY)
    assert again.pk == issued.pk
    assert issued_bytes(again) == issued_bytes(issued)


def field(issued, surname):
    return next(e["name"] for e in issued.signature_fields if surname in e["name"])


def test_a_validly_signed_copy_records_who_signed(issued, convention):
    data = issued_bytes(issued)
    signed = sign(data, field(issued, "KOENIG"), self_signed_signer("Lionel KOENIG"))
    signed = sign(signed, field(issued, "CHERVY"), self_signed_signer("Luc CHERVY"))

    with time_machine.travel(datetime.datetime(2026, 2, 3, 10), tick=False):
        copy, recorded = accept_signed_copy(issued, signed)

    assert recorded == 2
    assert {s["signer"] for s in copy.signers} == {"Monsieur Lionel KOENIG", "Monsieur Luc CHERVY"}
    assert copy.accepted and len(copy.file_hash) == 64
    assert copy.file.name == f"signed/{convention.reference}/{copy.file_hash}.pdf"
    signatures = Signature.objects.filter(party__convention=convention, amendment=None)
    assert {s.representative.last_name for s in signatures} == {"KOENIG", "CHERVY"}
    convention.refresh_from_db()
    assert convention.state == ConventionState.SIGNING

    # The same copy again records nothing more.
    with time_machine.travel(datetime.datetime(2026, 2, 3, 11), tick=False):
        assert accept_signed_copy(issued, signed)[1] == 0


def own_signer(entry):
    """A certificate naming the person of this field."""
    person = Representative.objects.get(pk=entry["representative"])
    return self_signed_signer(f"{person.first_name} {person.last_name}")


def test_every_signature_makes_the_convention_signed(issued, convention):
    data = issued_bytes(issued)
    for entry in issued.signature_fields:
        data = sign(data, entry["name"], own_signer(entry))
    with time_machine.travel(datetime.datetime(2026, 2, 3, 10), tick=False):
        _copy, recorded = accept_signed_copy(issued, data)
    assert recorded == 4
    convention.refresh_from_db()
    assert convention.state == ConventionState.SIGNED


def test_a_certificate_naming_someone_else_waits_for_the_advisers_confirmation(
    client, issued, convention
):
    signed = sign(issued_bytes(issued), field(issued, "KOENIG"), self_signed_signer("Luc CHERVY"))
    with time_machine.travel(datetime.datetime(2026, 2, 3, 10), tick=False):
        copy, recorded = accept_signed_copy(issued, signed)
    assert recorded == 0
    assert not Signature.objects.filter(party__convention=convention).exists()
    (flagged,) = copy.awaiting_confirmation
    assert flagged["to_confirm"] == (
        "le certificat (« Common Name: Luc CHERVY, Organization: Caf de test, Country: FR ») "
        "ne nomme pas Monsieur Lionel KOENIG"
    )
    adviser = UserFactory(role=Role.ADVISER, organisation=convention.caf)
    client.force_login(adviser)
    page = client.get(reverse("conventions:documents", args=[convention.pk])).content.decode()
    assert "Signature de Monsieur Lionel KOENIG à confirmer" in page
    assert "Common Name: Luc CHERVY" in page
    confirm = reverse("conventions:signed_copy_confirm", args=[convention.pk, copy.pk])
    posted = {"field": flagged["field"]}
    reader = UserFactory(role=Role.READER, organisation=convention.caf)
    client.force_login(reader)
    assert client.post(confirm, posted).status_code == 403
    client.force_login(UserFactory(role=Role.ADVISER, organisation=OrganisationFactory()))
    assert client.post(confirm, posted).status_code == 404
    client.force_login(adviser)
    with time_machine.travel(datetime.datetime(2026, 2, 4, 10), tick=False):
        page = client.post(confirm, posted, follow=True).content.decode()
    assert "Signature de Monsieur Lionel KOENIG confirmée et enregistrée" in page
    signature = Signature.objects.get(party__convention=convention)
    assert signature.representative.last_name == "KOENIG"
    copy.refresh_from_db()
    assert copy.awaiting_confirmation == []
    # Confirming twice records nothing more.
    page = client.post(confirm, posted, follow=True).content.decode()
    assert "n&#x27;attend pas de confirmation" in page


def test_one_certificate_on_two_peoples_fields_is_refused(issued):
    signer = self_signed_signer("Lionel KOENIG")
    signed = sign(issued_bytes(issued), field(issued, "KOENIG"), signer)
    signed = sign(signed, field(issued, "CHERVY"), signer)
    with pytest.raises(SignedCopyRefused, match="Un même certificat .* a signé pour"):
        accept_signed_copy(issued, signed)


def test_without_trust_roots_the_report_says_signers_are_not_authenticated(issued):
    signed = sign(issued_bytes(issued), field(issued, "KOENIG"))
    with time_machine.travel(datetime.datetime(2026, 2, 3, 10), tick=False):
        copy, recorded = accept_signed_copy(issued, signed)
    assert recorded == 1
    assert "leurs signataires ne sont pas authentifiés" in copy.report


def test_with_trust_roots_only_certificates_of_a_trusted_authority_count(
    issued, convention, settings, tmp_path
):
    authority = CertificationAuthority()
    (tmp_path / "ac.pem").write_bytes(authority.pem())
    settings.SIGNATURE_TRUST_ROOTS_DIR = str(tmp_path)
    settings.SIGNATURE_REVOCATION_CHECK = False
    data = sign(issued_bytes(issued), field(issued, "KOENIG"), authority.signer("Lionel KOENIG"))
    data = sign(data, field(issued, "CHERVY"), self_signed_signer("Luc CHERVY"))
    # Checked today: the test authority's certificates are valid from yesterday.
    copy, recorded = accept_signed_copy(issued, data)
    assert recorded == 1
    assert Signature.objects.get(party__convention=convention).representative.last_name == (
        "KOENIG"
    )
    (untrusted,) = copy.awaiting_confirmation
    assert untrusted["signer"] == "Monsieur Luc CHERVY"
    assert "pas délivré par une autorité de confiance" in untrusted["to_confirm"]
    assert "pas authentifiés" not in copy.report


def test_a_copy_whose_issued_bytes_were_changed_is_refused(issued):
    data = bytearray(sign(issued_bytes(issued), field(issued, "KOENIG")))
    middle = len(issued_bytes(issued)) // 2
    data[middle] = (data[middle] + 1) % 256
    with pytest.raises(SignedCopyRefused, match="Le contenu signé diffère du document émis"):
        accept_signed_copy(issued, bytes(data))
    assert not SignedCopy.objects.exists()


def test_text_added_after_issue_and_then_signed_is_refused(issued):
    tampered = stamp_text(issued_bytes(issued), "Montant : 1 000 000 €")
    signed = sign(tampered, field(issued, "KOENIG"))
    with pytest.raises(SignedCopyRefused, match="modifications autres que des signatures"):
        accept_signed_copy(issued, signed)


def test_another_pdf_signed_is_refused(issued, convention):
    other = sign(_blank_pdf(), "Signature")
    with pytest.raises(SignedCopyRefused, match="ne reprend pas à l'identique"):
        accept_signed_copy(issued, other)


def test_a_signature_in_a_field_that_was_not_issued_is_refused(issued):
    signed = sign(issued_bytes(issued), "Signature de quelqu'un d'autre")
    with pytest.raises(SignedCopyRefused, match="n'appartient pas au document émis"):
        accept_signed_copy(issued, signed)


def test_an_unsigned_copy_is_refused(issued):
    with pytest.raises(SignedCopyRefused, match="aucune signature"):
        accept_signed_copy(issued, issued_bytes(issued))


def _blank_pdf():
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def test_adviser_uploads_a_signed_copy_and_sees_the_result(client, issued, convention):
    adviser = UserFactory(role=Role.ADVISER, organisation=convention.caf)
    client.force_login(adviser)
    signed = sign(issued_bytes(issued), field(issued, "KOENIG"))
    url = reverse("conventions:signed_copy_upload", args=[convention.pk, issued.pk])
    with time_machine.travel(datetime.datetime(2026, 2, 3, 10), tick=False):
        response = client.post(
            url,
            {"signed_file": SimpleUploadedFile("signe.pdf", signed, "application/pdf")},
            follow=True,
        )
    page = response.content.decode()
    assert "Exemplaire signé accepté : 1 signature valide" in page
    assert "1 nouvelle signature enregistrée" in page


def test_a_tampered_upload_is_refused_with_a_french_explanation(client, issued, convention):
    adviser = UserFactory(role=Role.ADVISER, organisation=convention.caf)
    client.force_login(adviser)
    tampered = sign(stamp_text(issued_bytes(issued), "Ajout"), field(issued, "KOENIG"))
    url = reverse("conventions:signed_copy_upload", args=[convention.pk, issued.pk])
    response = client.post(
        url,
        {"signed_file": SimpleUploadedFile("signe.pdf", tampered, "application/pdf")},
        follow=True,
    )
    assert "Exemplaire signé refusé. Le contenu signé diffère du document émis" in (
        response.content.decode().replace("&#x27;", "'")
    )
    assert not Signature.objects.exists()


@pytest.mark.parametrize(("role", "status"), [(Role.READER, 403), (Role.COOPERATION, 403)])
def test_only_the_adviser_uploads_signed_copies(client, issued, convention, role, status):
    commune = convention.parties.get(organisation__name="Lièpvre").organisation
    client.force_login(UserFactory(role=role, organisation=commune))
    url = reverse("conventions:signed_copy_upload", args=[convention.pk, issued.pk])
    assert client.post(url, {}).status_code == status


def test_outsider_gets_404_on_upload(client, issued, convention):
    client.force_login(UserFactory(adviser=True))
    url = reverse("conventions:signed_copy_upload", args=[convention.pk, issued.pk])
    assert client.post(url, {}).status_code == 404


def test_putting_to_signature_issues_the_signed_ready_pdf(
    client, django_capture_on_commit_callbacks
):
    convention = ConventionFactory()
    caf = PartyFactory(
        convention=convention,
        organisation=convention.caf,
        role=PartyRole.CAF,
        requires_deliberation=False,
    )
    caf.signatories.set([RepresentativeFactory(organisation=convention.caf)])
    commune = PartyFactory(convention=convention, organisation=OrganisationFactory())
    commune.signatories.set([RepresentativeFactory(organisation=commune.organisation)])
    ArticleFactory(convention=convention)
    version = lifecycle.freeze(convention)
    DeliberationFactory(party=commune, version=version, session_date=datetime.date(2026, 1, 5))
    client.force_login(UserFactory(role=Role.ADVISER, organisation=convention.caf))

    url = reverse("conventions:transition", args=[convention.pk, "mettre-a-la-signature"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url)

    document = convention.documents.get()
    assert document.kind == DocumentKind.SIGNED_READY
    assert document.state == DocumentState.DONE
    assert len(document.signature_fields) == 2


def _flip_last_signature_byte(value):
    """The signature value ends the CMS structure, before the zero padding."""
    last = len(value.rstrip(b"0")) - 1
    flipped = b"1" if value[last : last + 1] != b"1" else b"2"
    return value[:last] + flipped + value[last + 1 :]


def _signature_contents(data):
    """Where the hexadecimal signature value of the last signature lies in the file."""
    start = data.rindex(b"/Contents <") + len(b"/Contents <")
    return start, data.index(b">", start)


@pytest.mark.parametrize(
    "craft",
    [
        pytest.param(_flip_last_signature_byte, id="a-changed-byte"),
        pytest.param(lambda value: b"30" + b"ff" * ((len(value) - 2) // 2), id="broken-asn1"),
        pytest.param(lambda value: b"0" * len(value), id="empty-signature"),
    ],
)
def test_a_crafted_signature_is_refused_with_a_french_reason(issued, craft):
    data = sign(issued_bytes(issued), field(issued, "KOENIG"))
    start, end = _signature_contents(data)
    crafted = data[:start] + craft(data[start:end]) + data[end:]
    assert len(crafted) == len(data)

    with pytest.raises(SignedCopyRefused, match="signature"):
        accept_signed_copy(issued, crafted)
    assert not SignedCopy.objects.exists()


def test_once_all_have_signed_a_certificate_of_completion_lists_them(client, issued, convention):
    data = issued_bytes(issued)
    for entry in issued.signature_fields:
        data = sign(data, entry["name"], own_signer(entry))
    completion = reverse("conventions:document_completion", args=[convention.pk, issued.pk])
    client.force_login(UserFactory(role=Role.READER, organisation=convention.caf))
    assert client.get(completion).status_code == 404  # nothing signed yet
    with time_machine.travel(datetime.datetime(2026, 2, 3, 10), tick=False):
        copy, _ = accept_signed_copy(issued, data)
    response = client.get(completion)
    assert response.status_code == 200
    reader = PdfReader(
        io.BytesIO(b"".join(response.streaming_content) if response.streaming else response.content)
    )
    assert len(reader.pages) == 1
    text = " ".join(reader.pages[0].extract_text().split())
    assert "Certificat de réalisation des signatures" in text
    for name in ("Lionel KOENIG", "Luc CHERVY"):
        assert name in text
    assert issued.file_hash in text.replace(" ", "") or issued.file_hash[:32] in text
    assert copy.file_hash[:16] in text
    client.force_login(UserFactory(role=Role.ADVISER, organisation=OrganisationFactory()))
    assert client.get(completion).status_code == 404
