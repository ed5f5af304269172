"""The real convention, read back: the Pays de Montbéliard Agglomération CTG 2023-2027
(37 parties, 38 signing people, 10 action sheets) rendered signed-ready, then checked
with pypdf, and its first pages saved as PNG in test-output/documents/ for a person to
look at the layout."""

import hashlib
import io
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from django.test.utils import override_settings
from pypdf import PdfReader

from actionplan.models import ActionSheet
from conventions.documents import service
from conventions.documents.signing import SignedCopyRefused, verify_signed_copy
from conventions.models import Convention, DocumentKind, DocumentState, Party
from tests.pdf_signing import sign, stamp_text

PREVIEW_DIR = Path(settings.BASE_DIR) / "test-output" / "documents"


def normalized(text):
    text = re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " ")).strip()
    # A compound name may wrap after its hyphen: "BOTTARLINI-" / "CAPUTO".
    return re.sub(r"(?<=\w)- (?=\w)", "-", text)


@pytest.fixture(scope="module")
def pma(demo, django_db_blocker, tmp_path_factory):
    """The PMA signed-ready document, rendered once for the module by the task's code."""
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        convention = Convention.objects.get(reference="pma-2023-2027")
        document = service._request_signed_ready(convention)
        service.render(document.pk)
        document.refresh_from_db()
        with document.file.open("rb") as handle:
            data = handle.read()
        reader = PdfReader(io.BytesIO(data))
        text = normalized("\n".join(page.extract_text() for page in reader.pages))
        parties = list(
            Party.objects.filter(convention=convention)
            .select_related("organisation")
            .prefetch_related("signatories")
            .order_by("position")
        )
        titles = list(
            ActionSheet.objects.filter(convention=convention)
            .order_by("number")
            .values_list("title", flat=True)
        )
        articles = list(convention.articles.order_by("number").values_list("number", "title"))
        yield {
            "convention": convention,
            "document": document,
            "data": data,
            "reader": reader,
            "text": text,
            "parties": parties,
            "titles": titles,
            "articles": articles,
        }


@pytest.fixture(autouse=True)
def _db(db):
    """Each test reads the module's data inside the test database."""


def test_the_document_is_done_with_its_hashes_and_version_recorded(pma):
    document = pma["document"]
    assert document.state == DocumentState.DONE
    assert document.kind == DocumentKind.SIGNED_READY
    assert document.file_hash == hashlib.sha256(pma["data"]).hexdigest()
    assert re.fullmatch(r"[0-9a-f]{64}", document.content_hash)
    assert document.version_number == pma["convention"].current_version.number
    assert document.page_count == len(pma["reader"].pages)
    assert 25 <= document.page_count <= 45


def test_every_party_and_representative_is_named(pma):
    assert len(pma["parties"]) == 37
    for party in pma["parties"]:
        designation = normalized(party.organisation.designation)
        assert designation.lower() in pma["text"].lower(), designation
        for representative in party.signatories.all():
            assert normalized(representative.full_name) in pma["text"], representative


def test_every_article_heading_is_there_with_its_page_in_the_table_of_contents(pma):
    assert len(pma["articles"]) == 14
    for number, title in pma["articles"]:
        heading = normalized(f"Article {number} – {title}")
        assert heading.upper() in pma["text"].upper(), heading
    toc = normalized(pma["reader"].pages[1].extract_text())
    assert re.search(r"Article 14 – .*?\d+", toc)


def test_every_action_sheet_title_is_there(pma):
    assert len(pma["titles"]) == 10
    for title in pma["titles"]:
        assert normalized(title) in pma["text"], title


def test_annexe_1_states_the_communes_early_childhood_obligations(pma):
    text = pma["text"].upper()
    assert "AUTORITÉS ORGANISATRICES DE L'ACCUEIL DU JEUNE ENFANT" in text
    # Valentigney (10,501 inhabitants) is over 10,000 and supports one of PMA's RPE.
    assert re.search(r"VALENTIGNEY 10\s?501 PLUS DE 10\s?000 LA COMMUNE OUI", text)
    assert "POPULATION MUNICIPALE INSEE" in text


def test_one_signature_field_per_signing_person(pma):
    signing_people = sum(p.signatories.count() for p in pma["parties"] if p.is_signatory)
    assert signing_people == 38
    fields = pma["reader"].get_fields() or {}
    signature_fields = [name for name, value in fields.items() if value.get("/FT") == "/Sig"]
    assert len(signature_fields) == 38 == len(pma["document"].signature_fields)
    assert "Signature de Monsieur Philippe GAUTIER (Valentigney)" in signature_fields


def test_running_header_and_page_numbers(pma):
    pages = len(pma["reader"].pages)
    second = normalized(pma["reader"].pages[1].extract_text())
    assert "Convention territoriale globale – Pays de Montbéliard Agglomération 2023-2027" in (
        second
    )
    assert "Version 1 figée le 14 février 2023" in second
    assert f"Page 2 / {pages}" in second


def test_a_tampered_signed_copy_of_the_pma_convention_is_refused(pma):
    document = pma["document"]
    first = document.signature_fields[0]["name"]
    signed = sign(pma["data"], first)
    assert verify_signed_copy(pma["data"], signed, document.signature_fields).signers
    with pytest.raises(SignedCopyRefused, match="diffère du document émis"):
        verify_signed_copy(
            pma["data"], sign(stamp_text(pma["data"], "Avenant caché"), first),
            document.signature_fields,
        )  # fmt: skip


def test_first_pages_are_saved_as_png_for_a_person_to_look_at(pma, tmp_path):
    if shutil.which("pdftoppm") is None:
        pytest.skip("pdftoppm (poppler-utils) is not installed")
    PREVIEW_DIR.mkdir(parents=True, exist_ok=True)
    source = tmp_path / "pma.pdf"
    source.write_bytes(pma["data"])
    signature_page = pma["document"].signature_fields[0]["page"] + 1
    for first, last, stem in ((1, 4, "pma"), (signature_page, signature_page + 1, "pma-sig")):
        subprocess.run(
            ["pdftoppm", "-png", "-r", "60", "-f", str(first), "-l", str(last), source,
             PREVIEW_DIR / stem],
            check=True,
        )  # fmt: skip
    sheet = next(
        index
        for index, page in enumerate(pma["reader"].pages)
        if "DIAGNOSTIC INITIAL" in page.extract_text().upper()
    )
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", str(sheet + 1), "-l", str(sheet + 1), source,
         PREVIEW_DIR / "pma-fiche"],
        check=True,
    )  # fmt: skip
    assert len(list(PREVIEW_DIR.glob("pma*.png"))) >= 7
