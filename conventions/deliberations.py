"""Recording and correcting a party's deliberation.

A deliberation is recorded on a frozen text (or an amendment in deliberation). Once
the convention (or the amendment) is signed, what its deliberations say is part of
what was signed: a correction (a mistyped date, an act number, the ACTES id read
later) stays possible, but only as an explicit correction with its reason, kept in
the history, and never one that turns an adopted deliberation into one that was
not adopted, which would leave a signed convention without the authority to sign.
"""

from django.core.exceptions import ValidationError
from django.db import transaction

from conventions.models import AmendmentState, Convention, ConventionState, Deliberation
from conventions.models.deliberation import ADOPTED_OUTCOMES
from ctg.concurrency import check_version, form_version, read_version, save_own_fields

SIGNED_STATES = (ConventionState.SIGNED, ConventionState.TERMINATED)


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
    deliberation = form.instance
    if deliberation.pk is None:
        deliberation.amendment = amendment
        deliberation.version = None if amendment else locked.current_version
        return save_own_fields(form, extra=["amendment", "version"])
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
