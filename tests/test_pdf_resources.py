"""Documents load no resource but their own: no network, no file outside static/."""

import base64
import io

import pytest
from pypdf import PdfReader

from conventions.documents.pdf import ForbiddenResource, check_resource, html_to_pdf

PIXEL = base64.b64encode(
    bytes.fromhex(
        "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
        "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
    )
).decode()


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "file:///work/../etc/hostname",
        "http://127.0.0.1:1/logo.png",
        "https://example.invalid/logo.png",
        "ftp://example.invalid/logo.png",
    ],
)
def test_a_resource_outside_the_document_is_refused(url):
    with pytest.raises(ForbiddenResource):
        check_resource(url)


def test_a_data_uri_image_and_a_static_file_are_allowed(settings):
    check_resource(f"data:image/png;base64,{PIXEL}")
    stylesheet = next((settings.BASE_DIR / "static").rglob("*.css"))
    check_resource(f"file://{stylesheet}")


def test_a_document_with_a_data_uri_image_renders_it():
    rendered = html_to_pdf(f'<p>Logo</p><img src="data:image/png;base64,{PIXEL}">')

    assert PdfReader(io.BytesIO(rendered.data)).pages[0].images


def test_a_document_naming_a_local_file_renders_without_it(caplog):
    rendered = html_to_pdf(
        '<p>Texte</p><img src="file:///etc/passwd"><link rel="stylesheet" href="/etc/hostname">'
    )

    assert "Texte" in PdfReader(io.BytesIO(rendered.data)).pages[0].extract_text()
    assert "Ressource refusée" in caplog.text
