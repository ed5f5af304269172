"""Bringing an existing convention in: read its document, keep the upload, create it.

    read_file ─────────> ReadConvention (nothing written: --dry-run, --json)
    read_upload ───────> ConventionImport "read": file, SHA-256, what was read
    (review page) ─────> ConventionImport.data corrected (conventions/importing/review.py)
    confirm_import ────> Convention, draft or signed; ConventionImport "confirmed"

The page, the command `import_convention` and any future API call these
functions with a user and plain data. Every refusal is an `ImportRefused` with a
French message (and the list of blocking problems when there are several); a
refused upload or confirmation writes nothing.
"""

import hashlib
import math
import re
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.validators import validate_slug
from django.db import IntegrityError, transaction
from django.utils import timezone

from conventions.creation import unique_reference
from conventions.importing import extract, reader
from conventions.importing.build import build_convention
from conventions.importing.problems import import_problems, parse_date
from conventions.importing.text import fold
from conventions.lifecycle import LifecycleError, record_signed_convention
from conventions.models import Convention, ConventionImport, ImportState, PartyRole
from partners.models import Organisation

MAX_UPLOAD_BYTES = 20 * 1024 * 1024
MAX_UPLOAD_LABEL = "20 Mo"


class ImportRefused(Exception):
    """An upload or a confirmation refused; the message and `problems` are French."""

    def __init__(self, message, problems=None):
        super().__init__(message)
        self.problems = list(problems or [])


# -- Reading ---------------------------------------------------------------------------


def may_import(user, caf):
    """Administrators import for any Caf, advisers for their own. No user is the command
    line: an operator working on the server itself."""
    if user is None:
        return True
    if not user.is_authenticated:
        return False
    if user.is_administrator:
        return True
    return bool(user.is_adviser and caf is not None and user.organisation_id == caf.pk)


def _require_may_import(user, caf):
    if not may_import(user, caf):
        raise PermissionDenied("Seuls les conseillers de cette Caf importent ses conventions.")


def _too_large(size=None):
    weight = f"fait {math.ceil(size / (1024 * 1024))} Mo" if size else "est trop volumineux"
    return ImportRefused(
        f"Le fichier {weight} : la limite est de {MAX_UPLOAD_LABEL}. Déposez la convention "
        "seule, sans ses annexes scannées, ou réduisez la taille de ses images."
    )


def _content(file):
    """The uploaded bytes, refusing an oversized file before reading it whole."""
    if isinstance(file, bytes):
        content = file
    elif isinstance(file, (str, Path)):
        size = Path(file).stat().st_size
        if size > MAX_UPLOAD_BYTES:
            raise _too_large(size)
        content = Path(file).read_bytes()
    else:
        size = getattr(file, "size", None)
        if size is not None and size > MAX_UPLOAD_BYTES:
            raise _too_large(size)
        if hasattr(file, "seek"):
            file.seek(0)
        content = file.read(MAX_UPLOAD_BYTES + 1)
    if len(content) > MAX_UPLOAD_BYTES:
        raise _too_large()
    if not content.strip():
        raise ImportRefused("Le fichier est vide.")
    return content


def _read(content, filename, caf):
    try:
        return reader.read_document(content, filename, caf=caf)
    except extract.UnreadableDocument as error:
        raise ImportRefused(str(error)) from error


def read_file(file, filename, *, caf):
    """What the document says, its parties matched to the reference data; writes nothing."""
    return _read(_content(file), filename, caf)


def read_upload(*, user, caf, file, filename):
    """Read the upload and keep it, with what was read, for the review page."""
    _require_may_import(user, caf)
    content = _content(file)
    read = _read(content, filename, caf)
    return _keep(user, caf, content, filename, read)


def _keep(user, caf, content, filename, read):
    convention_import = ConventionImport(
        caf=caf,
        filename=filename[:255],
        file_sha256=hashlib.sha256(content).hexdigest(),
        data=read.to_dict(),
        uploaded_by=user,
    )
    convention_import._history_user = user
    try:
        with transaction.atomic():
            name = Path(filename).name or "convention"
            convention_import.file.save(name, ContentFile(content), save=False)
            convention_import.save()
    except BaseException:
        _forget_file(convention_import)
        raise
    return convention_import


def _forget_file(convention_import):
    """The row is gone with its transaction: its file must not stay behind."""
    if convention_import.file.name:
        convention_import.file.storage.delete(convention_import.file.name)


def import_document(*, user, caf, file, filename, signed, read=None, reference=None):
    """Read, keep and confirm in one go (the command line); nothing is kept on refusal.

    `read` is what `read_file` already gave for this file, to avoid reading it twice.
    Returns (convention, warnings).
    """
    _require_may_import(user, caf)
    content = _content(file)
    read = read or _read(content, filename, caf)
    problems = import_problems(read, signed=signed)
    if problems:
        raise ImportRefused("La convention ne peut pas encore être créée.", problems)
    convention_import = None
    try:
        with transaction.atomic():
            convention_import = _keep(user, caf, content, filename, read)
            return confirm_import(
                user=user,
                convention_import=convention_import,
                read=read,
                signed=signed,
                reference=reference,
            )
    except BaseException:
        if convention_import is not None:
            _forget_file(convention_import)
        raise


# -- Creation ------------------------------------------------------------------------------


def _title(read, lead_authority, start, end):
    """The title as written on the review page when it names more than "Convention
    territoriale globale" and its years, in ordinary case; else the title conventions
    created in the application get (a cover page's capitals are not a title)."""
    title = " ".join(read.title.split())
    generic = re.sub(r"convention territoriale globale|\d|\s", "", fold(title))
    if generic and title != title.upper():
        return title
    return f"Convention territoriale globale {lead_authority.grammar.of} {start.year}-{end.year}"


def _reference(reference, lead_authority, start, end):
    if not reference:
        return unique_reference(lead_authority.name, start, end)
    try:
        validate_slug(reference)
    except ValidationError as error:
        raise ImportRefused(f"Référence « {reference} » : {error.messages[0]}") from error
    if Convention.objects.filter(reference=reference).exists():
        raise ImportRefused(
            f"La référence « {reference} » est déjà prise : choisissez-en une autre."
        )
    return reference


def confirm_import(*, user, convention_import, read, signed, reference=None):
    """Create the convention that `read` describes, in one transaction.

    Signed: the signatures and deliberations of the real documents are recorded
    on their dates (lifecycle.record_signed_convention) and its warnings are
    returned; otherwise the convention stays a draft. The import then points at
    its convention and its file becomes the convention's source document.
    """
    with transaction.atomic():
        locked = (
            ConventionImport.objects.select_for_update()
            .select_related("caf")
            .get(pk=convention_import.pk)
        )
        _require_may_import(user, locked.caf)
        if locked.state == ImportState.CONFIRMED:
            raise ImportRefused("Cet import a déjà donné une convention : rien n'a été créé.")
        problems = import_problems(read, signed=signed)
        if read.caf.organisation_id and read.caf.organisation_id != locked.caf_id:
            problems.append(
                f"Ce document est une convention d'une autre Caf que la {locked.caf.name}."
            )
        if problems:
            raise ImportRefused("La convention ne peut pas encore être créée.", problems)
        start, end = parse_date(read.start_date)[0], parse_date(read.end_date)[0]
        lead = Organisation.objects.get(
            pk=next(p.organisation_id for p in read.parties if p.role == PartyRole.LEAD)
        )
        try:
            convention = build_convention(
                read,
                user=user,
                caf=locked.caf,
                lead_authority=lead,
                reference=_reference(reference, lead, start, end),
                title=_title(read, lead, start, end),
            )
        except ValidationError as error:
            raise ImportRefused(
                "La convention ne peut pas être créée telle quelle.", error.messages
            ) from error
        except IntegrityError as error:
            # Two imports of the same territory and period confirmed at the same moment.
            raise ImportRefused(
                "Une convention de même référence vient d'être créée : recommencez, une "
                "autre référence sera proposée."
            ) from error
        warnings = []
        if signed:
            try:
                warnings = record_signed_convention(
                    convention, signed_on=parse_date(read.signed_on)[0], user=user
                )
            except LifecycleError as error:
                raise ImportRefused(str(error)) from error
        locked.data = read.to_dict()
        locked.convention = convention
        locked.state = ImportState.CONFIRMED
        locked.confirmed_by = user
        locked.confirmed_at = timezone.now()
        locked._history_user = user
        locked.save()
    for field in ("data", "convention", "state", "confirmed_by", "confirmed_at"):
        setattr(convention_import, field, getattr(locked, field))
    return convention, warnings


# -- The source document ---------------------------------------------------------------


def source_document(user, convention):
    """The confirmed import a convention came from, for people who may see it; else None."""
    if not Convention.objects.visible_to(user).filter(pk=convention.pk).exists():
        return None
    return (
        ConventionImport.objects.filter(convention=convention, state=ImportState.CONFIRMED)
        .exclude(file="")
        .first()
    )
