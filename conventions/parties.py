"""Editing the parties of a draft convention."""

from django.db import IntegrityError, transaction
from django.db.models import Max
from simple_history.utils import bulk_update_with_history

from conventions.lifecycle import LifecycleError
from conventions.models import (
    Amendment,
    AmendmentState,
    Convention,
    ConventionState,
    Party,
    PartyRole,
)
from ctg.concurrency import check_version, instance_version

# What the party page edits, and so what its version covers.
PARTY_FIELDS = ["role", "short_name", "competences", "requires_deliberation", "signatories"]


def require_draft(convention):
    if convention.is_working_copy:
        # An amendment's working copy follows its amendment's state (amendment_plan.py).
        if not Amendment.objects.filter(
            working_copy=convention, state=AmendmentState.DRAFT
        ).exists():
            raise LifecycleError(
                "L'avenant n'est plus en préparation : ses modifications du plan et des "
                "parties ne se changent plus. Rouvrez-le d'abord."
            )
        return
    if convention.state != ConventionState.DRAFT:
        raise LifecycleError(
            f"La convention est « {convention.get_state_display()} » : son texte et ses parties "
            "ne se modifient qu'en préparation. Rouvrez-la d'abord, ou passez par un avenant "
            "si elle est signée."
        )


def locked_draft(convention):
    """The convention's row, locked until the transaction ends, and still a draft: a
    freeze cannot slip between the check and the change."""
    locked = Convention.objects.select_for_update().get(pk=convention.pk)
    require_draft(locked)
    return locked


@transaction.atomic
def add_party(convention, *, organisation, role):
    convention = locked_draft(convention)
    already = LifecycleError(f"{organisation} est déjà partie à la convention.")
    if convention.parties.filter(organisation=organisation).exists():
        raise already
    last = convention.parties.aggregate(last=Max("position"))["last"]
    try:
        with transaction.atomic():
            party = Party.objects.create(
                convention=convention,
                organisation=organisation,
                role=role,
                position=0 if last is None else last + 1,
                short_name=organisation.designation,
                requires_deliberation=organisation.is_local_authority and role != PartyRole.PARTNER,
            )
    except IntegrityError as error:  # added meanwhile by someone not waiting for the lock
        raise already from error
    party.signatories.set(organisation.representatives.in_office(convention.start_date)[:1])
    return party


@transaction.atomic
def save_party(party, *, read_version, values, signatories):
    """Save what the party page edits, and only that, on a draft, unless someone saved the
    party since the page was read (StaleVersion)."""
    locked_draft(party.convention)
    locked = Party.objects.select_for_update().get(pk=party.pk)
    check_version(read_version, instance_version(locked, PARTY_FIELDS), locked)
    for name, value in values.items():
        setattr(locked, name, value)
    locked.full_clean(exclude=["convention", "organisation"])
    locked.save(update_fields=list(values))
    locked.signatories.set(signatories)
    return locked


@transaction.atomic
def remove_party(party):
    locked_draft(party.convention)
    if party.role in (PartyRole.CAF, PartyRole.LEAD):
        raise LifecycleError(
            f"{party.organisation} ne peut pas être retirée : la Caf et la collectivité chef de "
            "file sont parties d'office."
        )
    party.delete()


@transaction.atomic
def move_party(party, offset):
    """Swap a party with its neighbour above (offset -1) or below (+1) in the document."""
    convention = locked_draft(party.convention)
    ordered = list(convention.parties.select_for_update().order_by("position", "pk"))
    index = next(i for i, p in enumerate(ordered) if p.pk == party.pk)
    target = index + offset
    if not 0 <= target < len(ordered):
        return
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, item in enumerate(ordered):
        item.position = position
    bulk_update_with_history(
        ordered, Party, ["position"], default_change_reason="Ordre des parties modifié"
    )
