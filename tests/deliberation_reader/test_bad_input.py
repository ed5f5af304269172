"""Files that cannot be read as a deliberation extract: a French message, whatever
their name, and the reading stops before parsing what it need not parse."""

import io
import zipfile

import pypdf
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile, UploadedFile

from conventions.deliberation_reader import ExtractError, read_extract
from tests.deliberation_reader import builders
from tests.importing.builders import VAL_D_ARGENT, build_pdf, reference_text

SCAN = (
    "Ce PDF ne contient pas de texte lisible (document scanné ?) : saisissez la délibération "
    "à la main."
)
DAMAGED_PDF = (
    "Le PDF est endommagé ou illisible : demandez-en une nouvelle copie ou saisissez la "
    "délibération à la main."
)
TOO_LARGE = (
    "Le fichier dépasse 20 Mo : un extrait de délibération en pèse bien moins. Vérifiez le "
    "fichier ou saisissez la délibération à la main."
)


@pytest.fixture(scope="module")
def valentigney_pdf(tmp_path_factory):
    path = tmp_path_factory.mktemp("extract") / "extrait.pdf"
    return builders.render(builders.valentigney(), "pdf", path)


def message_for(source):
    with pytest.raises(ExtractError) as error:
        read_extract(source)
    return error.value.message


def test_image_only_pdf_is_a_scan(tmp_path):
    assert message_for(builders.image_only_pdf(tmp_path / "scan.pdf")) == SCAN


def test_a_convention_is_not_a_deliberation_extract(tmp_path):
    """Reference 000's convention cites deliberations without being one."""
    text = reference_text(VAL_D_ARGENT)
    path = build_pdf(text[: text.index("ARTICLE 3")], tmp_path / "convention.pdf")
    assert message_for(path) == (
        "Ce document ne ressemble pas à un extrait de délibération (ni séance, ni vote, ni "
        "présents) : vérifiez le fichier ou saisissez la délibération à la main."
    )


def test_truncated_pdf(valentigney_pdf):
    content = valentigney_pdf.read_bytes()
    assert message_for(content[: len(content) // 2]) == DAMAGED_PDF


def test_pdf_header_over_garbage():
    assert message_for(b"%PDF-1.7\n" + bytes(range(256)) * 20) == DAMAGED_PDF


def test_broken_word_file():
    assert message_for(b"PK\x03\x04" + bytes(range(256)) * 4) == (
        "Le fichier Word est endommagé : enregistrez-le de nouveau ou saisissez la "
        "délibération à la main."
    )


def test_zip_that_is_not_a_word_document_nor_other_types():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
    unsupported = (
        "Ce fichier n'est ni un PDF ni un document Word (.docx) : seuls ces formats sont lus. "
        "Saisissez la délibération à la main."
    )
    assert message_for(buffer.getvalue()) == unsupported
    assert message_for(b"\x89PNG\r\n\x1a\n" + bytes(200)) == unsupported


def test_empty_file():
    assert message_for(b"") == "Le fichier est vide : saisissez la délibération à la main."


def test_a_40_mb_file_is_refused_before_it_is_read(tmp_path, monkeypatch, valentigney_pdf):
    import pdfplumber

    def no_parsing(*args, **kwargs):
        raise AssertionError("a file over the limit must not be parsed")

    monkeypatch.setattr(pdfplumber, "open", no_parsing)
    path = tmp_path / "extrait.pdf"
    with path.open("wb") as file:
        file.write(valentigney_pdf.read_bytes())
        file.truncate(40 * 1024 * 1024)  # sparse: nothing written to the disk
    assert message_for(path) == TOO_LARGE
    with path.open("rb") as file:
        upload = UploadedFile(file, "extrait.pdf", "application/pdf", size=path.stat().st_size)
        assert message_for(upload) == TOO_LARGE
        # A file object without a size is read up to the limit only.
        assert message_for(file) == TOO_LARGE


def test_the_limit_follows_the_settings(settings, valentigney_pdf):
    settings.DELIBERATION_READ_LIMIT_BYTES = 10 * 1024
    assert message_for(valentigney_pdf).startswith("Le fichier dépasse 10 Ko")


def test_the_format_comes_from_the_content_not_the_name(valentigney_pdf):
    content = valentigney_pdf.read_bytes()
    upload = SimpleUploadedFile("extrait.docx", content, content_type="application/msword")
    reading = read_extract(upload)
    assert reading.values["act_number"] == "2023-32"
    # The upload is left at its start, for the form that stores it as the scan.
    assert upload.read() == content
    assert read_extract(content).values == reading.values


def test_pdf_protected_by_a_password(valentigney_pdf):
    reader = pypdf.PdfReader(valentigney_pdf)
    writer = pypdf.PdfWriter()
    for page in reader.pages:
        writer.add_page(page)
    writer.encrypt(user_password="secret", owner_password="owner")
    buffer = io.BytesIO()
    writer.write(buffer)
    assert message_for(buffer.getvalue()) == (
        "Ce PDF est protégé par un mot de passe : demandez une copie sans mot de passe ou "
        "saisissez la délibération à la main."
    )
