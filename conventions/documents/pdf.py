"""HTML to PDF with WeasyPrint, and where the signature boxes landed on the pages.

The layout is computed once; the same layout gives both the PDF bytes and the
position of each element marked data-signature-field, in PDF points from the
bottom-left corner of its page, for the signature fields (signing.py).
"""

import base64
import logging
import mimetypes
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.conf import settings
from django.core.files.storage import default_storage
from django.template.loader import render_to_string

PX_TO_PT = 0.75  # WeasyPrint lays out in CSS pixels (96 per inch); PDF counts 72 points


@dataclass
class RenderedPdf:
    data: bytes
    page_count: int
    # {field name: (page index from 0, (x1, y1, x2, y2) in points)}
    boxes: dict = field(default_factory=dict)


@cache
def layout_fingerprint():
    """SHA-256 of the document templates and stylesheet: a layout change is a new content."""
    import hashlib

    folder = Path(settings.BASE_DIR) / "templates" / "documents"
    digest = hashlib.sha256()
    for path in sorted(folder.iterdir()):
        if path.suffix in (".html", ".css"):
            digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


@cache
def stylesheet():
    return (Path(settings.BASE_DIR) / "templates" / "documents" / "print.css").read_text()


def render_html(template_name, doc):
    return render_to_string(template_name, {"doc": doc, "css": stylesheet()})


class ForbiddenResource(ValueError):
    """A resource a document may not load; WeasyPrint skips it with a warning."""


def check_resource(url):
    """Documents embed their images as data URIs: nothing else is fetched, neither the
    network nor a file outside the project's static files, whatever a user typed."""
    if url.startswith("data:"):
        return
    if url.startswith("file://"):
        static = (Path(settings.BASE_DIR) / "static").resolve()
        path = Path(url.removeprefix("file://").split("?")[0]).resolve()
        if path.is_relative_to(static) and path.is_file():
            return
    raise ForbiddenResource(f"Ressource refusée dans un document : {url[:200]}")


@cache
def _url_fetcher():
    from weasyprint.urls import URLFetcher

    class SafeURLFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            check_resource(url)
            return super().fetch(url, headers)

    return SafeURLFetcher(allowed_protocols=("data", "file"), allow_redirects=False)


def html_to_pdf(html, *, signature_boxes=True):
    """The PDF of a document's HTML; signature_boxes=False skips looking for signature
    boxes on every page, for a document that gets no signature field."""
    from weasyprint import HTML

    document = HTML(
        string=html, base_url=str(settings.BASE_DIR), url_fetcher=_url_fetcher()
    ).render()
    boxes = {}
    for index, page in enumerate(document.pages if signature_boxes else ()):
        page_height = page.height
        for box in page._page_box.descendants():
            element = getattr(box, "element", None)
            if element is None or box.element_tag != "div":
                continue
            name = element.get("data-signature-field")
            if not name or name in boxes:
                continue
            x, y = box.border_box_x(), box.border_box_y()
            width, height = box.border_width(), box.border_height()
            boxes[name] = (
                index,
                (
                    round(x * PX_TO_PT, 2),
                    round((page_height - y - height) * PX_TO_PT, 2),
                    round((x + width) * PX_TO_PT, 2),
                    round((page_height - y) * PX_TO_PT, 2),
                ),
            )
    data = document.write_pdf()
    return RenderedPdf(data=data, page_count=len(document.pages), boxes=boxes)


def data_uri(storage_name):
    """A logo embedded in the HTML: works with any storage, never a public media URL."""
    if not storage_name:
        return ""
    try:
        with default_storage.open(storage_name, "rb") as handle:
            content = handle.read()
    except (OSError, ValueError):
        return ""
    mime = mimetypes.guess_type(storage_name)[0] or "image/png"
    return f"data:{mime};base64,{base64.b64encode(content).decode()}"


# WeasyPrint reports each layout step at INFO; the worker's log only needs problems.
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)
