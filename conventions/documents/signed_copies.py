"""Accepting a returned signed copy: check it, store it, record who signed."""

import datetime
import hashlib

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone

from conventions import lifecycle
from conventions.models import AmendmentState, ConventionState, Party, Signature, SignedCopy
from partners.models import Representative

from .signers import names_person, trust_roots
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
    roots = trust_roots(settings.SIGNATURE_TRUST_ROOTS_DIR)
    verification = verify_signed_copy(
        issued,
        data,
        document.signature_fields,
        trust_roots=roots,
        fetch_revocation=bool(roots) and settings.SIGNATURE_REVOCATION_CHECK,
    )
    _authenticate(verification.signers, trusted_roots=bool(roots))
    digest = hashlib.sha256(data).hexdigest()
    copy = SignedCopy(
        document=document,
        file_hash=digest,
        accepted=True,
        report=_report(verification, trusted_roots=bool(roots)),
        signers=verification.signers,
        uploaded_by=user,
    )
    copy.file.save(f"{document.convention.reference}/{digest}.pdf", ContentFile(data), save=False)
    copy.save()
    authenticated = [s for s in verification.signers if not s["to_confirm"]]
    return copy, _record_signatures(document, authenticated, user)


NOT_AUTHENTICATED = (
    "Signatures intactes, mais leurs signataires ne sont pas authentifiés : aucune autorité "
    "de confiance n'est configurée (SIGNATURE_TRUST_ROOTS_DIR)."
)


def _authenticate(signers, *, trusted_roots):
    """Mark each signature whose certificate does not name its person, or (trust roots
    configured) does not chain to one of them: it waits for the adviser's confirmation."""
    people = Representative.objects.in_bulk([s["representative"] for s in signers])
    for signer in signers:
        person = people.get(signer["representative"])
        problems = []
        if person is None or not names_person(signer["names"], person.first_name, person.last_name):
            problems.append(
                f"le certificat (« {signer['certificate']} ») ne nomme pas {signer['signer']}"
            )
        if trusted_roots and not signer["trusted"]:
            problems.append("son certificat n'est pas délivré par une autorité de confiance")
        signer["to_confirm"] = " ; ".join(problems)


def _report(verification, *, trusted_roots):
    lines = [verification.report]
    lines += [
        f"{s['signer']} : à confirmer par le conseiller ({s['to_confirm']})."
        for s in verification.signers
        if s["to_confirm"]
    ]
    if not trusted_roots:
        lines.append(NOT_AUTHENTICATED)
    return "\n".join(line for line in lines if line)


def confirm_signature(copy, field_name, *, user):
    """The adviser confirms a flagged signature: it is recorded for its person."""
    copy = SignedCopy.objects.select_for_update().get(pk=copy.pk)
    signer = next((s for s in copy.awaiting_confirmation if s["field"] == field_name), None)
    if signer is None:
        raise SignedCopyRefused("Cette signature n'attend pas de confirmation.")
    recorded = _record_signatures(copy.document, [signer], user)
    signer["confirmed_by"] = user.get_full_name() or user.get_username()
    signer["confirmed_on"] = timezone.localdate().isoformat()
    copy.save(update_fields=["signers"])
    return recorded


def _record_signatures(document, signers, user):
    """Record, through the lifecycle, the signatures not recorded yet: on the convention,
    or on the amendment the document is the signed-ready PDF of."""
    convention, amendment = document.convention, document.amendment
    recorded = 0
    today = timezone.localdate()
    for signer in signers:
        if amendment is None:
            convention.refresh_from_db()
            if convention.state != ConventionState.SIGNING:
                break
            started = convention.signing_started_at
        else:
            amendment.refresh_from_db()
            if amendment.state != AmendmentState.SIGNING:
                break
            started = amendment.frozen_at
        party = Party.objects.filter(convention=convention, pk=signer["party"]).first()
        representative = Representative.objects.filter(pk=signer["representative"]).first()
        if party is None or representative is None:
            continue
        if Signature.objects.filter(
            party=party, representative=representative, amendment=amendment
        ).exists():
            continue
        signed_on = (
            datetime.date.fromisoformat(signer["signed_on"]) if signer["signed_on"] else today
        )
        started = timezone.localdate(started) if started else signed_on
        signed_on = min(max(signed_on, started), today)
        try:
            if amendment is None:
                lifecycle.record_signature(
                    convention,
                    party=party,
                    representative=representative,
                    signed_on=signed_on,
                    user=user,
                )
            else:
                lifecycle.record_amendment_signature(
                    amendment,
                    party=party,
                    representative=representative,
                    signed_on=signed_on,
                    user=user,
                )
        except lifecycle.LifecycleError:
            continue
        recorded += 1
    return recorded
