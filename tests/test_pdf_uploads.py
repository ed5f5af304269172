"""Uploaded scans and minutes: a PDF that carries scripts or files is refused."""

import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from pypdf import PdfWriter
from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

from conventions.validators import validate_pdf


def _pdf(build=None):
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    if build:
        build(writer)
    buffer = io.BytesIO()
    writer.write(buffer)
    return SimpleUploadedFile("scan.pdf", buffer.getvalue(), content_type="application/pdf")


def _document_script(writer):
    script = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('bonjour')"),
        }
    )
    names = DictionaryObject(
        {
            NameObject("/Names"): ArrayObject(
                [TextStringObject("bonjour"), writer._add_object(script)]
            )
        }
    )
    writer._root_object[NameObject("/Names")] = DictionaryObject(
        {NameObject("/JavaScript"): writer._add_object(names)}
    )


def _open_action_script(writer):
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/JavaScript"),
            NameObject("/JS"): TextStringObject("app.alert('bonjour')"),
        }
    )
    writer._root_object[NameObject("/OpenAction")] = writer._add_object(action)


def _page_action_launch(writer):
    action = DictionaryObject(
        {
            NameObject("/S"): NameObject("/Launch"),
            NameObject("/F"): TextStringObject("calc.exe"),
        }
    )
    writer.pages[0][NameObject("/AA")] = DictionaryObject({NameObject("/O"): action})


def test_a_plain_scan_is_accepted():
    validate_pdf(_pdf())


@pytest.mark.parametrize(
    ("build", "message"),
    [
        (_document_script, "JavaScript"),
        (_open_action_script, "actions automatiques"),
        (_page_action_launch, "actions automatiques"),
        (lambda writer: writer.add_attachment("virus.exe", b"MZ..."), "fichiers joints"),
    ],
)
def test_a_pdf_carrying_scripts_or_files_is_refused_in_french(build, message):
    with pytest.raises(ValidationError, match=message):
        validate_pdf(_pdf(build))
