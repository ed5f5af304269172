"""Files that are not a readable CTG get a French message, whatever their name."""

import io

import docx
import pytest
from PIL import Image

from conventions.importing.extract import UnreadableDocument, extract_blocks
from conventions.importing.reader import read_document
from tests.importing import builders


def message_for(content, filename):
    with pytest.raises(UnreadableDocument) as error:
        read_document(io.BytesIO(content), filename)
    return str(error.value)


@pytest.mark.django_db
def test_empty_file():
    assert message_for(b"", "convention.docx") == "Le fichier est vide."


@pytest.mark.django_db
def test_image_only_pdf():
    buffer = io.BytesIO()
    Image.new("RGB", (600, 800), "white").save(buffer, format="PDF")
    assert message_for(buffer.getvalue(), "scan.pdf").startswith(
        "Ce PDF ne contient pas de texte : c'est probablement un scan"
    )


@pytest.mark.django_db
def test_random_bytes_named_docx():
    message = message_for(bytes(range(256)) * 40, "convention.docx")
    assert message.startswith("Ce fichier n'est ni un document Word (.docx) ni un PDF")


@pytest.mark.django_db
def test_truncated_docx(tmp_path):
    content = builders.build_docx("**CONVENTION TERRITORIALE GLOBALE**", tmp_path / "a.docx")
    truncated = content.read_bytes()[:1500]
    assert "endommagé" in message_for(truncated, "convention.docx")


@pytest.mark.django_db
def test_truncated_pdf(tmp_path):
    path = builders.build_pdf(builders.single_commune(), tmp_path / "a.pdf")
    truncated = path.read_bytes()[:600]
    message = message_for(truncated, "convention.pdf")
    assert "endommagé" in message or "ne contient pas de texte" in message


@pytest.mark.django_db
def test_docx_that_is_not_a_ctg(tmp_path):
    document = docx.Document()
    document.add_heading("Compte rendu de la réunion de quartier", level=1)
    document.add_paragraph("Les habitants ont évoqué la circulation rue des Lilas.")
    buffer = io.BytesIO()
    document.save(buffer)
    assert message_for(buffer.getvalue(), "compte-rendu.docx").startswith(
        "Ce document ne ressemble pas à une convention territoriale globale"
    )


def test_file_over_20_mb_is_refused_before_reading(tmp_path):
    path = tmp_path / "big.pdf"
    path.write_bytes(b"%PDF-1.7\n" + b"0" * (21 * 1024 * 1024))
    with pytest.raises(UnreadableDocument, match="Le fichier dépasse 20 Mo"):
        extract_blocks(path, "big.pdf")
    with pytest.raises(UnreadableDocument, match="Le fichier dépasse 20 Mo"):
        extract_blocks(io.BytesIO(path.read_bytes()), "big.pdf")
