"""Editing the parties of a draft convention."""

from django.db import transaction
from django.db.models import Max

from conventions.lifecycle import LifecycleError
from conventions.models import ConventionState, Party, PartyRole


def require_draft(convention):
    if convention.state != ConventionState.DRAFT:
        raise LifecycleError(
            f"La convention est « {convention.get_state_display()} » : son texte et ses parties "
            "ne se modifient qu'en préparation. Rouvrez-la d'abord, ou passez par un avenant "
            "si elle est signée."
        )


@transaction.atomic
def add_party(convention, *, organisation, role):
    require_draft(convention)
    if convention.parties.filter(organisation=organisation).exists():
        raise LifecycleError(f"{organisation} est déjà partie à la convention.")
    last = convention.parties.aggregate(last=Max("position"))["last"]
    party = Party.objects.create(
        convention=convention,
        organisation=organisation,
        role=role,
        position=0 if last is None else last + 1,
        short_name=organisation.designation,
        requires_deliberation=organisation.is_local_authority and role != PartyRole.PARTNER,
    )
    party.signatories.set(organisation.representatives.in_office(convention.start_date)[:1])
    return party


@transaction.atomic
def remove_party(party):
    require_draft(party.convention)
    if party.role in (PartyRole.CAF, PartyRole.LEAD):
        raise LifecycleError(
            f"{party.organisation} ne peut pas être retirée : la Caf et la collectivité chef de "
            "file sont parties d'office."
        )
    party.delete()


@transaction.atomic
def move_party(party, offset):
    """Swap a party with its neighbour above (offset -1) or below (+1) in the document."""
    convention = party.convention
    require_draft(convention)
    ordered = list(convention.parties.select_for_update().order_by("position", "pk"))
    index = next(i for i, p in enumerate(ordered) if p.pk == party.pk)
    target = index + offset
    if not 0 <= target < len(ordered):
        return
    ordered[index], ordered[target] = ordered[target], ordered[index]
    for position, item in enumerate(ordered):
        item.position = position
    Party.objects.bulk_update(ordered, ["position"])
