"""Checks on uploaded files."""

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from pypdf import PdfReader
from pypdf.errors import PdfReadError

MAX_SCAN_SIZE = 15 * 1024 * 1024


def validate_pdf(upload):
    """A real PDF, checked by its content rather than its name, within the size limit."""
    if upload.size > MAX_SCAN_SIZE:
        raise ValidationError(
            f"Le fichier pèse {filesizeformat(upload.size)} : la limite est de "
            f"{filesizeformat(MAX_SCAN_SIZE)}. Réduisez la résolution du scan."
        )
    upload.seek(0)
    header = upload.read(1024)
    upload.seek(0)
    if b"%PDF-" not in header:
        raise ValidationError(
            "Ce fichier n'est pas un PDF (son contenu ne commence pas comme un PDF), quel que "
            "soit son nom. Enregistrez le scan au format PDF."
        )
    try:
        reader = PdfReader(upload)
        page_count = len(reader.pages)
    except (PdfReadError, ValueError, KeyError, TypeError) as error:
        raise ValidationError(
            "Ce PDF est illisible ou endommagé ; scannez ou exportez-le de nouveau."
        ) from error
    finally:
        upload.seek(0)
    if page_count == 0:
        raise ValidationError("Ce PDF ne contient aucune page.")
