"""Recording and correcting a party's deliberation.

A deliberation is recorded on a frozen text (or an amendment in deliberation). Once
the convention (or the amendment) is signed, what its deliberations say is part of
what was signed: a correction (a mistyped date, an act number, the ACTES id read
later) stays possible, but only as an explicit correction with its reason, kept in
the history, and never one that turns an adopted deliberation into one that was
not adopted, which would leave a signed convention without the authority to sign.

An extract of the deliberation read on the form (conventions.deliberation_reader) is the
very document the scan field wants: it waits in the storage, under a signed token the
form carries, until the person confirms the values read and saves.
"""

import datetime
import re
import unicodedata
import uuid

from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone

from conventions.models import AmendmentState, Convention, ConventionState, Deliberation
from conventions.models.deliberation import ADOPTED_OUTCOMES
from ctg.concurrency import check_version, form_version, read_version, save_own_fields
from webhooks import events as webhook_events

SIGNED_STATES = (ConventionState.SIGNED, ConventionState.TERMINATED)

PENDING_DIR = "deliberations/pending/"
PENDING_SALT = "conventions.deliberations.pending-extract"
# Long enough to check a form filled from an extract, short enough not to keep orphans.
PENDING_MAX_AGE = datetime.timedelta(days=1)


def keep_pending_extract(upload, party):
    """Store an extract read on the form until the deliberation is saved; the token the
    form carries names it, signed for this party only. Older orphans are removed."""
    discard_stale_pending()
    name = default_storage.save(f"{PENDING_DIR}{uuid.uuid4().hex}.pdf", upload)
    return signing.dumps(
        {"name": name, "party": party.pk, "filename": upload.name[:100]}, salt=PENDING_SALT
    )


def pending_extract(token, party):
    """(storage name, file name) of the extract this token keeps for this party, or None
    for a forged, expired or foreign token or a file already gone."""
    try:
        payload = signing.loads(token, salt=PENDING_SALT, max_age=PENDING_MAX_AGE.total_seconds())
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict) or payload.get("party") != party.pk:
        return None
    name = str(payload.get("name", ""))
    if not name.startswith(PENDING_DIR) or not default_storage.exists(name):
        return None
    return name, payload.get("filename") or "extrait.pdf"


def discard_pending_extract(token, party):
    """Remove the extract this token keeps for this party, if any."""
    pending = pending_extract(token, party) if token else None
    if pending is not None:
        default_storage.delete(pending[0])


def discard_stale_pending():
    """Remove the extracts read and never saved, once their token has expired."""
    try:
        _, names = default_storage.listdir(PENDING_DIR)
    except FileNotFoundError:
        return
    limit = timezone.now() - PENDING_MAX_AGE
    for filename in names:
        name = PENDING_DIR + filename
        if default_storage.get_modified_time(name) < limit:
            default_storage.delete(name)


# How organisations' names are shortened and how extracts spell them out.
ABBREVIATIONS = {
    "cc": "communaute de communes",
    "ca": "communaute d agglomeration",
    "cu": "communaute urbaine",
    "st": "saint",
    "ste": "sainte",
}


def _folded(text):
    text = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    words = re.findall(r"[a-z0-9]+", text)
    return " ".join(ABBREVIATIONS.get(word, word) for word in words)


def authority_warning(authority, organisation):
    """A French warning when the authority named by an extract is not the party's
    organisation (names compared without accents, case or punctuation), else ""."""
    read = _folded(authority)
    for own in {_folded(organisation.name), _folded(organisation.long_name)}:
        if not read or not own or f" {own} " in f" {read} " or f" {read} " in f" {own} ":
            return ""
    return (
        f"Cet extrait est celui de « {authority} », et non {organisation.grammar.of} : "
        "vérifiez que c'est bien la délibération de cette partie avant d'enregistrer."
    )


def is_signed(convention, amendment=None):
    """Whether the text these deliberations authorised is already signed."""
    if amendment is not None:
        return amendment.state == AmendmentState.SIGNED
    return convention.state in SIGNED_STATES


@transaction.atomic
def save_deliberation(form, *, convention, amendment=None, reason=""):
    """Save the deliberation form: a new one on the current text, or a correction of a
    recorded one, refused when stale (StaleVersion) or, after signature, without a
    reason or turning an adopted deliberation into one that was not (ValidationError)."""
    locked = Convention.objects.select_for_update().get(pk=convention.pk)
    if form.pending_extract:
        # Attached as the scan by this save: the waiting copy goes once it is committed.
        transaction.on_commit(lambda: default_storage.delete(form.pending_extract))
    deliberation = form.instance
    if deliberation.pk is None:
        deliberation.amendment = amendment
        deliberation.version = None if amendment else locked.current_version
        saved = save_own_fields(form, extra=["amendment", "version"])
        webhook_events.deliberation_recorded(locked, saved)
        return saved
    stored = Deliberation.objects.select_for_update().get(pk=deliberation.pk)
    check_version(read_version(form), form_version(form), stored)
    if is_signed(locked, amendment):
        if not reason.strip():
            raise ValidationError(
                {
                    "correction_reason": "La convention est signée : indiquez le motif de "
                    "cette correction, il sera conservé dans l'historique."
                }
            )
        if stored.outcome in ADOPTED_OUTCOMES and deliberation.outcome not in ADOPTED_OUTCOMES:
            raise ValidationError(
                {
                    "outcome": "La convention a été signée sur la foi de cette délibération "
                    "adoptée : elle ne peut pas devenir « rejetée » ou « ajournée ». Si "
                    "l'autorisation de signer est contestée, c'est une résiliation ou un avenant."
                }
            )
        deliberation._change_reason = f"Correction après signature : {reason.strip()}"[:100]
    return save_own_fields(form)
