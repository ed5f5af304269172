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
        active = active_content(reader)
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as error:
        raise ValidationError(
            "Ce PDF est illisible ou endommagé ; scannez ou exportez-le de nouveau."
        ) from error
    finally:
        upload.seek(0)
    if page_count == 0:
        raise ValidationError("Ce PDF ne contient aucune page.")
    if active:
        raise ValidationError(
            f"Ce PDF contient {active} : un scan ou un compte rendu n'en a pas besoin, et ils "
            "pourraient s'exécuter chez les personnes qui l'ouvrent. Imprimez-le en PDF ou "
            "scannez-le de nouveau."
        )


# Names under which a PDF carries code to run or files to extract.
SCRIPT_ACTIONS = {"/JavaScript", "/Launch", "/SubmitForm", "/ImportData", "/RichMediaExecute"}


def active_content(reader):
    """What a PDF carries besides its pages' content, in French, or "" when nothing:
    embedded files, or scripts in the catalog, its actions, its pages or their links."""
    root = reader.trailer["/Root"]
    names = root.get("/Names") or {}
    if "/EmbeddedFiles" in names or reader.attachments:
        return "des fichiers joints"
    if "/JavaScript" in names or "/AcroForm" in root and "/XFA" in root["/AcroForm"]:
        return "du code JavaScript"
    holders = [root, *reader.pages]
    for page in reader.pages:
        holders.extend(annotation.get_object() for annotation in page.get("/Annots") or [])
    for holder in holders:
        for key in ("/OpenAction", "/AA", "/A"):
            if key in holder and _runs_script(holder[key].get_object()):
                return "des actions automatiques (script ou lancement de programme)"
    return ""


def _runs_script(action, depth=0):
    # A crafted file may chain actions in a loop: a few levels are all real files use.
    if depth > 5 or not isinstance(action, dict):
        return False
    if action.get("/S") in SCRIPT_ACTIONS or "/JS" in action:
        return True
    # Additional actions (/AA) map triggers to actions; /Next chains them.
    return any(
        _runs_script(value.get_object(), depth + 1)
        for key, value in action.items()
        if key not in ("/S", "/Type", "/D", "/URI", "/P", "/Parent")
        and hasattr(value, "get_object")
    )
