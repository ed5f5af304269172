"""Editing the action plan (annexe 3) of a draft convention.

Numbering rules, kept contiguous by every change:
- axes are numbered 1..n in their convention;
- objectives 1..n in their axis (shown as 1.1, 1.2...);
- action sheets 1..n in their convention, in the order the document reads them:
  by axis, the sheets attached to the axis itself first, then objective by
  objective. Moving an axis or an objective therefore renumbers the sheets,
  so that "Action 3" is always the third sheet a reader meets.

Renumbering runs in one transaction, the rows locked, so that two advisers
clicking at the same time cannot leave a gap or a duplicate.
"""

from django.db import transaction
from django.db.models import F, Max, Q
from simple_history.utils import bulk_update_with_history

from conventions import freshness
from conventions.lifecycle import LifecycleError
from conventions.parties import require_draft
from partners.models import Organisation, OrganisationKind

from .models import ActionSheet, Axis, Objective

RENUMBERING_REASON = "Renumérotation du plan d'actions"
# Numbers are parked above this while they change, so that the unique
# constraints on (convention, number) never see two rows with the same number.
PARKING_OFFSET = 10_000


def require_plan_draft(convention):
    """The plan follows the text: editable in preparation only, else through an amendment."""
    try:
        require_draft(convention)
    except LifecycleError:
        if convention.is_working_copy:
            raise
        raise LifecycleError(
            f"La convention est « {convention.get_state_display()} » : son plan d'actions ne "
            "se modifie qu'en préparation. Rouvrez-la d'abord si elle est en délibération ; "
            "une convention signée change son plan d'actions par un avenant."
        ) from None


def _apply_numbers(model, ordered, numbers=None):
    """Give the rows these numbers (1..n by default), in order, writing only those that change."""
    numbers = numbers if numbers is not None else range(1, len(ordered) + 1)
    changed = []
    for item, number in zip(ordered, numbers, strict=True):
        if item.number != number:
            changed.append((item, number))
    if not changed:
        return
    model.objects.filter(pk__in=[item.pk for item, _ in changed]).update(
        number=F("number") + PARKING_OFFSET
    )
    for item, number in changed:
        item.number = number
    bulk_update_with_history(
        [item for item, _ in changed],
        model,
        ["number"],
        default_change_reason=RENUMBERING_REASON,
    )
    freshness.rows_changed(item for item, _ in changed)


def _document_order(sheet, axis_numbers, objective_numbers):
    objective = objective_numbers.get(sheet.objective_id, 0)
    return (axis_numbers[sheet.axis_id], objective, sheet.number, sheet.pk)


def renumber_action_sheets(convention):
    """Number the sheets 1..n in the order the document reads them."""
    axis_numbers = dict(convention.axes.values_list("pk", "number"))
    objective_numbers = dict(
        Objective.objects.filter(axis__convention=convention).values_list("pk", "number")
    )
    sheets = list(convention.action_sheets.select_for_update().order_by("number", "pk"))
    sheets.sort(key=lambda sheet: _document_order(sheet, axis_numbers, objective_numbers))
    _apply_numbers(ActionSheet, sheets)


def _swap(ordered, item, offset):
    """Move item by offset (-1 up, +1 down) in the list; False at either end."""
    index = next(i for i, candidate in enumerate(ordered) if candidate.pk == item.pk)
    target = index + offset
    if not 0 <= target < len(ordered):
        return False
    ordered[index], ordered[target] = ordered[target], ordered[index]
    return True


def lock_plan(convention):
    """Lock the convention row and check, under that lock, that its plan may change: plan
    changes of one convention run one at a time, and none slips in after a freeze."""
    locked = type(convention).objects.select_for_update().get(pk=convention.pk)
    require_plan_draft(locked)
    return locked


# What a sheet may point at: only this convention's parties and territory.


def concerned_communes(convention):
    """Communes parties to the convention, and the member communes of its EPCI parties."""
    # A list, as in possible_funders: beside subqueries, the OR scanned every organisation.
    party_organisations = list(convention.parties.values_list("organisation_id", flat=True))
    return Organisation.objects.filter(
        Q(pk__in=party_organisations) | Q(epci_id__in=party_organisations),
        kind=OrganisationKind.COMMUNE,
    ).order_by("name")


def possible_funders(convention):
    """The parties, and the Cafs, Départements, MSA, associations... of the territory.

    Communes and EPCIs that are not parties are left out: a funder outside the
    list is written by name.
    """
    department = convention.lead_authority.department_id
    # The parties' ids read first: beside a subquery, the OR made PostgreSQL scan the
    # 36,000 organisations (5 ms); beside a list, it reads three indexes (under 1 ms).
    parties = list(convention.parties.values_list("organisation_id", flat=True))
    return (
        Organisation.objects.filter(
            Q(pk__in=parties)
            | (
                Q(is_active=True)
                & (Q(department_id=department) | Q(department__isnull=True))
                & ~Q(kind__in=[OrganisationKind.COMMUNE, OrganisationKind.EPCI])
            )
        )
        .select_related("department")
        .in_french_order()
    )


# Axes


@transaction.atomic
def add_axis(convention, *, title, description=""):
    require_plan_draft(convention)
    lock_plan(convention)
    last = convention.axes.aggregate(last=Max("number"))["last"] or 0
    return Axis.objects.create(
        convention=convention, number=last + 1, title=title, description=description
    )


@transaction.atomic
def move_axis(axis, offset):
    convention = axis.convention
    require_plan_draft(convention)
    lock_plan(convention)
    ordered = list(convention.axes.select_for_update().order_by("number", "pk"))
    if _swap(ordered, axis, offset):
        _apply_numbers(Axis, ordered)
        renumber_action_sheets(convention)


@transaction.atomic
def delete_axis(axis):
    convention = axis.convention
    require_plan_draft(convention)
    lock_plan(convention)
    if axis.action_sheets.exists():
        raise LifecycleError(
            f"L'axe {axis.number} contient des fiches actions : rattachez-les à un autre axe ou "
            "supprimez-les d'abord."
        )
    axis.delete()
    _apply_numbers(Axis, list(convention.axes.select_for_update().order_by("number", "pk")))
    renumber_action_sheets(convention)


# Objectives


@transaction.atomic
def add_objective(axis, *, title, description=""):
    require_plan_draft(axis.convention)
    lock_plan(axis.convention)
    last = axis.objectives.aggregate(last=Max("number"))["last"] or 0
    return Objective.objects.create(
        axis=axis, number=last + 1, title=title, description=description
    )


@transaction.atomic
def move_objective(objective, offset):
    convention = objective.axis.convention
    require_plan_draft(convention)
    lock_plan(convention)
    ordered = list(objective.axis.objectives.select_for_update().order_by("number", "pk"))
    if _swap(ordered, objective, offset):
        _apply_numbers(Objective, ordered)
        renumber_action_sheets(convention)


@transaction.atomic
def delete_objective(objective):
    """Delete an objective; its sheets stay in the axis, without objective."""
    axis = objective.axis
    convention = axis.convention
    require_plan_draft(convention)
    lock_plan(convention)
    objective.delete()
    _apply_numbers(Objective, list(axis.objectives.select_for_update().order_by("number", "pk")))
    renumber_action_sheets(convention)


# Action sheets


def next_sheet_number(convention):
    """A free number for a new sheet; renumber_action_sheets then puts it in its place."""
    last = convention.action_sheets.aggregate(last=Max("number"))["last"] or 0
    return last + 1


@transaction.atomic
def move_action_sheet(sheet, offset):
    """Swap a sheet with its neighbour among the sheets of the same axis and objective."""
    convention = sheet.convention
    require_plan_draft(convention)
    lock_plan(convention)
    siblings = list(
        convention.action_sheets.select_for_update()
        .filter(axis_id=sheet.axis_id, objective_id=sheet.objective_id)
        .order_by("number", "pk")
    )
    # The group keeps its numbers; only the order of its sheets changes.
    numbers = [sibling.number for sibling in siblings]
    if _swap(siblings, sheet, offset):
        _apply_numbers(ActionSheet, siblings, numbers)


@transaction.atomic
def delete_action_sheet(sheet):
    convention = sheet.convention
    require_plan_draft(convention)
    lock_plan(convention)
    sheet.delete()
    renumber_action_sheets(convention)
