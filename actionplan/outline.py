"""The action plan as the document reads it: axes, their objectives, and the sheets of each.

Loaded in a fixed number of queries whatever the number of sheets, for the
read-only plan page and the editor.
"""

from django.db.models import Count, Prefetch

from conventions.models import Party
from partners.models import Organisation

from .models import Funding, Indicator, IndicatorTarget, Objective
from .overview import SHEET_TEXTS


def detailed_sheets(convention):
    """Every sheet with everything its page shows."""
    return (
        convention.action_sheets.select_related("pilot_party__organisation")
        .prefetch_related(
            "themes",
            Prefetch(
                "partner_parties",
                queryset=Party.objects.select_related("organisation").order_by("position", "pk"),
            ),
            Prefetch("communes", queryset=Organisation.objects.order_by("name")),
            Prefetch(
                "fundings",
                queryset=Funding.objects.select_related("funder").order_by("pk"),
            ),
            Prefetch(
                "indicators",
                queryset=Indicator.objects.order_by("position", "pk").prefetch_related(
                    Prefetch("targets", queryset=IndicatorTarget.objects.order_by("date", "pk"))
                ),
            ),
        )
        .order_by("number")
    )


def outline_sheets(convention):
    """Sheets for the plan page: what a reader scans to find an action (number, title,
    themes, pilot, deadline, indicators), without the long texts its own page shows."""
    return (
        convention.action_sheets.select_related("pilot_party__organisation")
        .defer(*SHEET_TEXTS, "territory")
        .prefetch_related(
            "themes",
            Prefetch(
                "indicators",
                queryset=Indicator.objects.only("pk", "action_sheet_id", "label").order_by(
                    "position", "pk"
                ),
            ),
        )
        .order_by("number")
    )


def neighbours(convention, number):
    """The numbers of the sheets before and after this one (None at either end)."""
    numbers = list(convention.action_sheets.order_by("number").values_list("number", flat=True))
    index = numbers.index(number)
    return (
        numbers[index - 1] if index > 0 else None,
        numbers[index + 1] if index + 1 < len(numbers) else None,
    )


def summary_sheets(convention):
    """Sheets for the editor's tree: titles, numbers and how many indicators."""
    return convention.action_sheets.annotate(indicator_count=Count("indicators")).order_by("number")


def plan_outline(convention, sheets):
    """The axes in order, each with .direct_sheets (no objective) and its objectives,
    each with .sheets; the given sheets are distributed in their number order."""
    axes = list(
        convention.axes.prefetch_related(
            Prefetch("objectives", queryset=Objective.objects.order_by("number", "pk"))
        ).order_by("number", "pk")
    )
    by_pk = {axis.pk: axis for axis in axes}
    objectives = {}
    for axis in axes:
        axis.direct_sheets = []
        axis.sheet_count = 0
        for objective in axis.objectives.all():
            objective.sheets = []
            objectives[objective.pk] = objective
    for sheet in sheets:
        axis = by_pk[sheet.axis_id]
        axis.sheet_count += 1
        if sheet.objective_id in objectives:
            objectives[sheet.objective_id].sheets.append(sheet)
        else:
            axis.direct_sheets.append(sheet)
    return axes
