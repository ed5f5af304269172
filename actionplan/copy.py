"""Copying an action plan in force into a renewed convention or an amendment's working
copy (no follow-up, no values); a working copy's rows remember their origin."""

from django.db.models import Prefetch

from actionplan.models import (
    ActionSheet,
    Axis,
    Funding,
    Indicator,
    IndicatorTarget,
    Objective,
)
from conventions import freshness

INDICATOR_FIELDS = [
    "label",
    "kind",
    "unit",
    "baseline_value",
    "baseline_text",
    "baseline_date",
    "periodicity",
    "source",
]


def copy_action_plan(old, new, party_map, *, keep_origin=False):
    def origin(row):
        return {"origin": row} if keep_origin else {}

    axis_map, objective_map = {}, {}
    for axis in old.axes.prefetch_related("objectives"):
        axis_map[axis.pk] = Axis.objects.create(
            convention=new,
            number=axis.number,
            title=axis.title,
            description=axis.description,
            **origin(axis),
        )
        for objective in axis.objectives.all():
            objective_map[objective.pk] = Objective.objects.create(
                axis=axis_map[axis.pk],
                number=objective.number,
                title=objective.title,
                description=objective.description,
                **origin(objective),
            )
    # Sheets and indicators closed by an amendment stay with their past.
    sheets = old.action_sheets.filter(closed_on=None).prefetch_related(
        "themes",
        "partner_parties",
        "communes",
        "fundings",
        Prefetch(
            "indicators",
            queryset=Indicator.objects.filter(closed_on=None).prefetch_related("targets"),
        ),
    )
    copied_fields = [
        "number",
        "title",
        "initial_diagnostic",
        "target_public",
        "operational_objectives",
        "implementation",
        "deadline",
        "deadline_whole_period",
        "pilot_services",
        "other_partners",
        "expected_results",
        "human_means",
        "territory",
    ]
    for sheet in sheets:
        copy = ActionSheet.objects.create(
            convention=new,
            axis=axis_map[sheet.axis_id],
            objective=objective_map.get(sheet.objective_id),
            pilot_party=party_map.get(sheet.pilot_party_id),
            **{field: getattr(sheet, field) for field in copied_fields},
            **origin(sheet),
        )
        copy.themes.set(sheet.themes.all())
        copy.communes.set(sheet.communes.all())
        copy.partner_parties.set(
            [party_map[p.pk] for p in sheet.partner_parties.all() if p.pk in party_map]
        )
        copy_fundings(sheet, copy)
        for indicator in sheet.indicators.all():
            new_indicator = Indicator.objects.create(
                action_sheet=copy,
                position=indicator.position,
                **{name: getattr(indicator, name) for name in INDICATOR_FIELDS},
                **origin(indicator),
            )
            copy_targets(indicator, new_indicator)


def copy_fundings(source, target):
    """The means of one sheet given to another."""
    Funding.objects.bulk_create(
        Funding(
            action_sheet=target,
            funder_id=f.funder_id,
            funder_name=f.funder_name,
            amount=f.amount,
            human_means=f.human_means,
            comment=f.comment,
        )
        for f in source.fundings.all()
    )
    freshness.plan_changed(target.convention_id)


def copy_targets(source, target):
    """The targets of one indicator given to another."""
    IndicatorTarget.objects.bulk_create(
        IndicatorTarget(indicator=target, value=t.value, text=t.text, date=t.date)
        for t in source.targets.all()
    )
    freshness.rows_changed([target])
