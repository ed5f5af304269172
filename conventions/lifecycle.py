"""Lifecycle of a convention and of its amendments.

    draft ──freeze──> in_deliberation ──start_signing──> signing ──(all signed)──> signed
      ^                     │                                                        │
      └──────reopen─────────┘                                   terminate / renew / amend

Every transition checks its starting state and preconditions and raises
LifecycleError, whose message is shown to the user as is. Transitions take a
user and plain data, never a request, and run in one transaction with the
convention row locked so that two people cannot move it at once.
"""

import calendar
import datetime

from django.db import models, transaction
from django.utils import timezone

from conventions.models import (
    Amendment,
    AmendmentState,
    Convention,
    ConventionState,
    ConventionVersion,
    Deliberation,
    Signature,
    TerminationMode,
)
from conventions.models.deliberation import ADOPTED_OUTCOMES
from conventions.snapshot import build_snapshot, content_hash, to_json
from partners import grammar
from webhooks import events as webhook_events


class LifecycleError(Exception):
    """A transition that is not allowed now; the message is French and user-facing."""


def _impossible(action):
    """ "Impossible de figer..." but "Impossible d'enregistrer..."."""
    elided = action[0] in "aeéèiouy"
    return f"Impossible d'{action}" if elided else f"Impossible de {action}"


def _require_state(convention, *states, action):
    if convention.state not in states:
        allowed = " ou ".join(f"« {ConventionState(s).label} »" for s in states)
        raise LifecycleError(
            f"{_impossible(action)} : la convention est « {convention.get_state_display()} », "
            f"il faut qu'elle soit {allowed}."
        )


def _locked(convention):
    locked = Convention.objects.select_for_update().get(pk=convention.pk)
    if locked.is_working_copy:
        raise LifecycleError(
            "Cette page modifie la copie de travail d'un avenant : elle suit l'avenant et ne "
            "se fige, ne se signe ni ne se résilie seule."
        )
    return locked


def _sync(target, source):
    for field in (
        "state",
        "frozen_at",
        "signing_started_at",
        "signed_on",
        "termination_mode",
        "termination_notice_on",
        "terminated_on",
        "termination_reason",
    ):
        setattr(target, field, getattr(source, field))


# -- Convention -------------------------------------------------------------


def freeze_problems(convention):
    """What prevents freezing the text, in French; empty when it may be frozen."""
    problems = []
    parties = list(
        convention.parties.select_related("organisation").prefetch_related("signatories")
    )
    if not any(p.role == "caf" for p in parties):
        problems.append("la Caf n'est pas partie à la convention")
    if not any(p.role in ("lead", "co_signatory") for p in parties):
        problems.append("aucune collectivité signataire")
    for party in parties:
        if party.is_signatory and not party.signatories.all():
            problems.append(f"{party.organisation} n'a pas de signataire désigné")
    if not convention.articles.exists():
        problems.append("la convention n'a aucun article")
    return problems


def _frozen_version(locked, user):
    """The version of the current text: the last one when unchanged, else a new number."""
    snapshot = build_snapshot(locked)
    digest = content_hash(snapshot)
    last = locked.versions.order_by("-number").first()
    if last and last.content_hash == digest:
        return last
    return ConventionVersion.objects.create(
        convention=locked,
        number=(last.number + 1) if last else 1,
        content=to_json(snapshot),
        content_hash=digest,
        frozen_at=timezone.now(),
        frozen_by=user,
    )


@transaction.atomic
def freeze(convention, *, user=None):
    """Freeze the text for deliberation as a numbered version with its content hash.

    An unchanged text reuses its last version, so that deliberations already
    recorded on it stay valid after a reopen without edits.
    """
    locked = _locked(convention)
    _require_state(locked, ConventionState.DRAFT, action="figer le texte")
    problems = freeze_problems(locked)
    if problems:
        raise LifecycleError("Impossible de figer le texte : " + " ; ".join(problems) + ".")
    version = _frozen_version(locked, user)
    locked.state = ConventionState.IN_DELIBERATION
    locked.frozen_at = version.frozen_at
    locked.save(update_fields=["state", "frozen_at"])
    webhook_events.version_frozen(locked, version)
    _sync(convention, locked)
    return version


@transaction.atomic
def reopen(convention, *, user=None):
    """Back to draft for edits; deliberations on the old version will be flagged if it changes."""
    locked = _locked(convention)
    _require_state(locked, ConventionState.IN_DELIBERATION, action="rouvrir la convention")
    locked.state = ConventionState.DRAFT
    locked.frozen_at = None
    locked.save(update_fields=["state", "frozen_at"])
    _sync(convention, locked)


def parties_missing_deliberation(convention, amendment=None):
    """Signatory parties that need an adopted deliberation and have none on the current text."""
    parties = convention.parties.exclude(role="partner").filter(requires_deliberation=True)
    if amendment is not None:
        parties = parties.filter(left_on=None)
    adopted = {"outcome__in": ADOPTED_OUTCOMES}
    if amendment is None:
        # The current version's id only: its frozen text is not needed to compare.
        adopted["version_id"] = (
            convention.versions.order_by("-number").values_list("pk", flat=True).first()
        )
        adopted["amendment__isnull"] = True
    else:
        adopted["amendment"] = amendment
    covered = Deliberation.objects.filter(**adopted).values("party_id")
    return list(parties.exclude(pk__in=covered).select_related("organisation"))


def parties_missing_deliberation_among(parties, deliberations, current_version):
    """parties_missing_deliberation(convention) on rows the caller has already loaded: the
    convention's parties in order, and its deliberations outside amendments. No query."""
    version_id = current_version.pk if current_version is not None else None
    covered = {
        d.party_id
        for d in deliberations
        if d.is_adopted and d.version_id == version_id and d.amendment_id is None
    }
    return [
        party
        for party in parties
        if party.is_signatory and party.requires_deliberation and party.pk not in covered
    ]


@transaction.atomic
def start_signing(convention, *, user=None):
    locked = _locked(convention)
    _require_state(locked, ConventionState.IN_DELIBERATION, action="mettre à la signature")
    missing = parties_missing_deliberation(locked)
    if missing:
        names = ", ".join(str(p.organisation) for p in missing)
        raise LifecycleError(
            "Impossible de mettre à la signature : il manque la délibération adoptée sur la "
            f"version en vigueur du texte pour {names}."
        )
    locked.state = ConventionState.SIGNING
    locked.signing_started_at = timezone.now()
    locked.save(update_fields=["state", "signing_started_at"])
    _sync(convention, locked)


def pending_signatures(convention, amendment=None):
    """(party, representative) pairs still to sign, in document order."""
    parties = (
        convention.parties.exclude(role="partner")
        .prefetch_related("signatories")
        .order_by("position", "pk")
    )
    if amendment is not None:
        # A party that left the convention signs no later amendment.
        parties = parties.filter(left_on=None)
    signed = set(
        Signature.objects.filter(party__convention=convention, amendment=amendment).values_list(
            "party_id", "representative_id"
        )
    )
    return [
        (party, rep)
        for party in parties
        for rep in party.signatories.all()
        if (party.pk, rep.pk) not in signed
    ]


def _check_signature(party, representative, signed_on, amendment, convention):
    if party.convention_id != convention.pk:
        raise LifecycleError("Cette partie n'appartient pas à la convention.")
    if not party.is_signatory:
        raise LifecycleError(f"{party.organisation} est partenaire non signataire.")
    if not party.signatories.filter(pk=representative.pk).exists():
        raise LifecycleError(
            f"{representative.full_name} n'est pas désigné(e) pour signer au nom de "
            f"{party.organisation}."
        )
    if signed_on > timezone.localdate():
        raise LifecycleError("La date de signature ne peut pas être dans le futur.")
    if Signature.objects.filter(
        party=party, representative=representative, amendment=amendment
    ).exists():
        raise LifecycleError(f"{representative.full_name} a déjà signé.")


@transaction.atomic
def record_signature(convention, *, party, representative, signed_on, user=None):
    """Record one person's signature; the last one makes the convention signed."""
    locked = _locked(convention)
    _require_state(locked, ConventionState.SIGNING, action="enregistrer une signature")
    _check_signature(party, representative, signed_on, None, locked)
    # A date before the signing start is a fact of the real documents: it is recorded
    # as signed, and signature_warnings() tells the person.
    signature = Signature.objects.create(
        party=party, representative=representative, signed_on=signed_on, recorded_by=user
    )
    if not pending_signatures(locked):
        last = Signature.objects.filter(party__convention=locked, amendment=None).latest(
            "signed_on"
        )
        locked.state = ConventionState.SIGNED
        locked.signed_on = last.signed_on
        locked.save(update_fields=["state", "signed_on"])
        webhook_events.convention_signed(locked)
    _sync(convention, locked)
    return signature


def signature_warnings(convention, signature):
    """What is unusual about a recorded signature, in French: dated before the signing
    start, or before (or without) the adopted deliberation of its party's council."""
    warnings = []
    started = convention.signing_started_at
    if started and signature.signed_on < timezone.localdate(started):
        warnings.append(
            f"La signature de {signature.representative.full_name} est datée du "
            f"{signature.signed_on:%d/%m/%Y}, avant la mise à la signature du "
            f"{timezone.localdate(started):%d/%m/%Y} : la date réelle est enregistrée."
        )
    party = signature.party
    adopted = party.deliberations.filter(
        amendment__isnull=True, outcome__in=ADOPTED_OUTCOMES
    ).order_by("session_date")
    first = adopted.first()
    if first is not None and first.session_date > signature.signed_on:
        warnings.append(
            f"{grammar.capitalize(party.organisation.designation)} a signé le "
            f"{signature.signed_on:%d/%m/%Y}, avant la délibération de son organe délibérant "
            f"du {first.session_date:%d/%m/%Y}."
        )
    elif first is None and party.requires_deliberation and party.role != "caf":
        warnings.append(
            f"Aucune délibération adoptée n'est enregistrée pour {party.organisation.designation}."
        )
    return warnings


def deliberation_warnings(deliberation):
    """A deliberation dated after its party's signature is recorded as is; say so."""
    if deliberation.amendment_id or not deliberation.is_adopted:
        return []
    first = (
        Signature.objects.filter(party=deliberation.party, amendment=None)
        .order_by("signed_on")
        .first()
    )
    if first is None or deliberation.session_date <= first.signed_on:
        return []
    return [
        f"{grammar.capitalize(deliberation.party.organisation.designation)} a signé le "
        f"{first.signed_on:%d/%m/%Y}, avant "
        f"cette délibération du {deliberation.session_date:%d/%m/%Y} : elle est enregistrée "
        "telle quelle."
    ]


@transaction.atomic
def record_signed_convention(convention, *, signed_on, signature_dates=None, user=None):
    """Record a convention signed before the application, as the real documents say.

    The text as it stands is the text signed (frozen as a version, so that the
    deliberations recorded on it are on the signed text); every signing person
    still pending signs on their date in `signature_dates` ({(party_id,
    representative_id): date}) or on `signed_on`; the convention becomes signed
    on the last date. The order of the real facts is kept, never refused: a
    signature before a council deliberated, or a deliberation missing, comes back
    as a French warning for the person to read. Returns the list of warnings.
    """
    locked = _locked(convention)
    _require_state(
        locked,
        ConventionState.DRAFT,
        ConventionState.IN_DELIBERATION,
        ConventionState.SIGNING,
        action="enregistrer la convention comme déjà signée",
    )
    today = timezone.localdate()
    dates = dict(signature_dates or {})
    if signed_on > today or any(day > today for day in dates.values()):
        raise LifecycleError("La date de signature ne peut pas être dans le futur.")
    problems = freeze_problems(locked)
    if problems:
        raise LifecycleError(
            "Impossible d'enregistrer la convention comme signée : " + " ; ".join(problems) + "."
        )
    version = _frozen_version(locked, user)
    Deliberation.objects.filter(
        party__convention=locked, amendment__isnull=True, version__isnull=True
    ).update(version=version)
    Signature.objects.bulk_create(
        Signature(
            party=party,
            representative=representative,
            signed_on=dates.get((party.pk, representative.pk), signed_on),
            recorded_by=user,
        )
        for party, representative in pending_signatures(locked)
    )
    last = Signature.objects.filter(party__convention=locked, amendment=None).latest("signed_on")
    locked.state = ConventionState.SIGNED
    locked.frozen_at = locked.frozen_at or version.frozen_at
    locked.signed_on = last.signed_on
    locked.save(update_fields=["state", "frozen_at", "signed_on"])
    webhook_events.convention_signed(locked)
    _sync(convention, locked)
    return signed_facts_warnings(locked)


def signed_facts_warnings(convention):
    """What the real documents say that a convention born in the application would not:
    deliberations missing or dated after the signatures. French, for the person to read."""
    warnings = []
    missing = parties_missing_deliberation(convention)
    if missing:
        names = ", ".join(str(p.organisation) for p in missing)
        warnings.append(f"Aucune délibération adoptée n'est enregistrée pour : {names}.")
    first_signature = {
        row["party_id"]: row["first"]
        for row in Signature.objects.filter(party__convention=convention, amendment=None)
        .values("party_id")
        .annotate(first=models.Min("signed_on"))
    }
    late = Deliberation.objects.filter(
        party__convention=convention, amendment__isnull=True, outcome__in=ADOPTED_OUTCOMES
    ).select_related("party__organisation")
    for deliberation in late:
        signed = first_signature.get(deliberation.party_id)
        if signed and deliberation.session_date > signed:
            warnings.append(
                f"{deliberation.party.organisation} a signé le {signed:%d/%m/%Y}, avant la "
                f"délibération de son organe délibérant du {deliberation.session_date:%d/%m/%Y}."
            )
    return warnings


def _add_months(day, months):
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    return day.replace(
        year=year, month=month, day=min(day.day, calendar.monthrange(year, month)[1])
    )


@transaction.atomic
def terminate(convention, *, mode, notice_on, effective_on, reason, user=None):
    """End a signed convention early, respecting the notice of the chosen mode."""
    locked = _locked(convention)
    _require_state(locked, ConventionState.SIGNED, action="résilier la convention")
    mode = TerminationMode(mode)
    if locked.is_expired(effective_on):
        raise LifecycleError("La convention est déjà échue à cette date : rien à résilier.")
    if not reason.strip():
        raise LifecycleError("Indiquez le motif de la résiliation.")
    earliest = _add_months(notice_on, mode.notice_months)
    if effective_on < earliest:
        raise LifecycleError(
            f"Avec le mode « {mode.label} », la résiliation ne peut prendre effet avant le "
            f"{earliest:%d/%m/%Y} (notification le {notice_on:%d/%m/%Y})."
        )
    locked.state = ConventionState.TERMINATED
    locked.termination_mode = mode
    locked.termination_notice_on = notice_on
    locked.terminated_on = effective_on
    locked.termination_reason = reason.strip()
    locked.save()
    _sync(convention, locked)


@transaction.atomic
def renew(convention, *, reference, user=None, start_date=None, on=None):
    """Express renewal: a new draft convention carrying over parties, texts and plan."""
    from conventions.renewal import copy_convention

    locked = _locked(convention)
    _require_state(locked, ConventionState.SIGNED, action="renouveler la convention")
    if Convention.objects.filter(predecessor=locked).exists():
        raise LifecycleError("Cette convention a déjà été renouvelée.")
    if Convention.objects.filter(reference=reference).exists():
        raise LifecycleError(f"La référence « {reference} » est déjà prise.")
    start = start_date or locked.end_date + datetime.timedelta(days=1)
    years = max(1, locked.end_date.year - locked.start_date.year + 1)
    end = _add_months(start, 12 * years) - datetime.timedelta(days=1)
    return copy_convention(
        locked, reference=reference, start=start, end=end, user=user, on=on or start
    )


@transaction.atomic
def amend(convention, *, subject, user=None, **changes):
    """Open an amendment (avenant) on a signed convention that has not ended."""
    locked = _locked(convention)
    _require_state(locked, ConventionState.SIGNED, action="créer un avenant")
    if locked.is_expired():
        raise LifecycleError("La convention est échue : elle ne peut plus être modifiée.")
    if locked.amendments.exclude(state=AmendmentState.SIGNED).exists():
        raise LifecycleError(
            "Un avenant est déjà en cours : terminez-le avant d'en ouvrir un autre."
        )
    if not subject.strip():
        raise LifecycleError("Indiquez l'objet de l'avenant.")
    number = (
        locked.amendments.order_by("-number").values_list("number", flat=True).first() or 0
    ) + 1
    return Amendment.objects.create(convention=locked, number=number, subject=subject, **changes)


# -- Amendment --------------------------------------------------------------


def _require_amendment_state(amendment, state, action):
    if amendment.state != state:
        raise LifecycleError(
            f"{_impossible(action)} : l'avenant est « {amendment.get_state_display()} », "
            f"il faut qu'il soit « {AmendmentState(state).label} »."
        )


def _locked_amendment(amendment):
    return Amendment.objects.select_for_update().get(pk=amendment.pk)


@transaction.atomic
def freeze_amendment(amendment, *, user=None):
    locked = _locked_amendment(amendment)
    _require_amendment_state(locked, AmendmentState.DRAFT, "figer l'avenant")
    if not locked.changes_description.strip():
        raise LifecycleError("Décrivez les modifications apportées avant de figer l'avenant.")
    from conventions import amendment_plan

    snapshot = {
        "convention": locked.convention.reference,
        "number": locked.number,
        "subject": locked.subject,
        "changes": locked.changes_description,
        "effective_date": locked.effective_date,
        # What the councils deliberate on includes the plan and parties it changes.
        "plan_and_parties": amendment_plan.difference(locked).as_json(),
    }
    locked.content_hash = content_hash(snapshot)
    locked.frozen_at = timezone.now()
    locked.state = AmendmentState.IN_DELIBERATION
    locked.save()
    amendment.refresh_from_db()


@transaction.atomic
def reopen_amendment(amendment, *, user=None):
    locked = _locked_amendment(amendment)
    _require_amendment_state(locked, AmendmentState.IN_DELIBERATION, "rouvrir l'avenant")
    locked.state = AmendmentState.DRAFT
    locked.frozen_at = None
    locked.save()
    amendment.refresh_from_db()


@transaction.atomic
def start_amendment_signing(amendment, *, user=None):
    locked = _locked_amendment(amendment)
    _require_amendment_state(
        locked, AmendmentState.IN_DELIBERATION, "mettre l'avenant à la signature"
    )
    missing = parties_missing_deliberation(locked.convention, amendment=locked)
    if missing:
        names = ", ".join(str(p.organisation) for p in missing)
        raise LifecycleError(
            f"Impossible de mettre l'avenant à la signature : il manque la délibération adoptée "
            f"pour {names}."
        )
    locked.state = AmendmentState.SIGNING
    locked.save()
    amendment.refresh_from_db()


@transaction.atomic
def record_amendment_signature(amendment, *, party, representative, signed_on, user=None):
    locked = _locked_amendment(amendment)
    _require_amendment_state(
        locked, AmendmentState.SIGNING, "enregistrer une signature de l'avenant"
    )
    _check_signature(party, representative, signed_on, locked, locked.convention)
    signature = Signature.objects.create(
        party=party,
        representative=representative,
        amendment=locked,
        signed_on=signed_on,
        recorded_by=user,
    )
    if not pending_signatures(locked.convention, amendment=locked):
        from conventions import amendment_plan

        locked.state = AmendmentState.SIGNED
        locked.signed_on = locked.signatures.latest("signed_on").signed_on
        locked.save()
        # Its changes of the plan and the parties take effect with the last signature.
        amendment_plan.apply(locked)
    amendment.refresh_from_db()
    return signature
