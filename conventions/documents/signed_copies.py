"""Accepting a returned signed copy: check it, store it, record who signed."""

import datetime
import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from conventions import lifecycle
from conventions.models import ConventionState, Party, Signature, SignedCopy
from partners.models import Representative

from .signing import SignedCopyRefused, verify_signed_copy


def accept_signed_copy(document, data, *, user=None):
    """Verify a signed PDF against its issued document; returns (copy, signatures recorded).

    Raises SignedCopyRefused, with the reason in French, when the signed content
    differs from what was issued or a signature is not valid.
    """
    with document.file.open("rb") as handle:
        issued = handle.read()
    if hashlib.sha256(issued).hexdigest() != document.file_hash:
        raise SignedCopyRefused(
            "Le document émis a été altéré dans le stockage : contactez l'administrateur."
        )
    verification = verify_signed_copy(
        issued,
        data,
        document.signature_fields,
        trust_roots=getattr(settings, "SIGNATURE_TRUST_ROOTS", ()),
    )
    digest = hashlib.sha256(data).hexdigest()
    copy = SignedCopy(
        document=document,
        file_hash=digest,
        accepted=True,
        report=verification.report,
        signers=verification.signers,
        uploaded_by=user,
    )
    copy.file.save(f"{document.convention.reference}/{digest}.pdf", ContentFile(data), save=False)
    copy.save()
    return copy, _record_signatures(document.convention, verification.signers, user)


def _record_signatures(convention, signers, user):
    """Record, through the lifecycle, the signatures not recorded yet."""
    recorded = 0
    today = timezone.localdate()
    for signer in signers:
        convention.refresh_from_db()
        if convention.state != ConventionState.SIGNING:
            break
        party = Party.objects.filter(convention=convention, pk=signer["party"]).first()
        representative = Representative.objects.filter(pk=signer["representative"]).first()
        if party is None or representative is None:
            continue
        if Signature.objects.filter(
            party=party, representative=representative, amendment=None
        ).exists():
            continue
        signed_on = (
            datetime.date.fromisoformat(signer["signed_on"]) if signer["signed_on"] else today
        )
        started = (
            timezone.localdate(convention.signing_started_at)
            if (convention.signing_started_at)
            else signed_on
        )
        signed_on = min(max(signed_on, started), today)
        try:
            lifecycle.record_signature(
                convention,
                party=party,
                representative=representative,
                signed_on=signed_on,
                user=user,
            )
        except lifecycle.LifecycleError:
            continue
        recorded += 1
    return recorded
