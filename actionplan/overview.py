"""Where a convention's action plan stands, and how complete a quarter's follow-up is.

Figures rest on what the territory reported: for each action, its latest
entry submitted or validated up to the chosen quarter (a draft may still
change). An action with no such entry counts as "sans suivi transmis", at 0 %.
Every function reads a fixed number of queries, whatever the number of actions
and quarters, and hands plain data to the pages, the charts and the exports.
"""

import datetime
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from functools import partial
from typing import NamedTuple

from django.db.models import Count, F, Prefetch, Q, Window
from django.db.models.functions import RowNumber

from conventions import freshness

from . import secrecy
from .followup import (
    PENDING_STATES,
    convention_quarters,
    conventions_in_force_during,
    current_quarter,
    quarter_bounds,
    quarter_label,
    sheets_in_force_during,
)
from .models import (
    ActionSheet,
    FollowUp,
    FollowUpState,
    FollowUpStatus,
    IndicatorKind,
    IndicatorTarget,
    IndicatorValue,
)

REPORTED = (FollowUpState.SUBMITTED, FollowUpState.VALIDATED)
NO_REPORT = "none"
NO_REPORT_LABEL = "Sans suivi transmis"
STATUS_COLOURS = {
    FollowUpStatus.NOT_STARTED: "#6c757d",
    FollowUpStatus.IN_PROGRESS: "#0072B2",
    FollowUpStatus.IN_DIFFICULTY: "#D55E00",
    FollowUpStatus.DONE: "#009E73",
    FollowUpStatus.POSTPONED: "#E69F00",
    FollowUpStatus.ABANDONED: "#CC79A7",
    NO_REPORT: "#adb5bd",
}
STATE_SERIES = [
    ("validated", "Validé", "#009E73"),
    ("submitted", "Transmis", "#0072B2"),
    ("pending", "À renseigner ou en cours", "#E69F00"),
]
CLOSED_STATUSES = (FollowUpStatus.DONE, FollowUpStatus.ABANDONED)


@dataclass
class ActionStanding:
    sheet: ActionSheet
    latest: FollowUp | None = None
    late_periods: list = field(default_factory=list)
    reasons: list = field(default_factory=list)

    @property
    def status(self):
        return self.latest.status if self.latest else NO_REPORT

    @property
    def status_label(self):
        return self.latest.get_status_display() if self.latest else NO_REPORT_LABEL

    @property
    def progress(self):
        return self.latest.progress if self.latest else 0


@dataclass
class IndicatorStanding:
    indicator: object
    baseline: object = None
    target: IndicatorTarget | None = None
    latest: IndicatorValue | None = None
    value: object = None
    secret: bool = False

    @property
    def is_quantitative(self):
        return self.indicator.kind == IndicatorKind.QUANTITATIVE

    @property
    def share_of_target(self):
        """The latest value as a percentage of the target, when both are numbers."""
        if self.value is None or self.target is None or not self.target.value:
            return None
        return round(float(self.value) / float(self.target.value) * 100)


# The sheets' long texts: neither the dashboard nor the tracking table shows them.
SHEET_TEXTS = (
    "initial_diagnostic",
    "target_public",
    "operational_objectives",
    "implementation",
    "pilot_services",
    "other_partners",
    "expected_results",
    "human_means",
)


def sheets_in_order(convention):
    return (
        convention.action_sheets.select_related(
            "axis", "objective__axis", "pilot_party__organisation"
        )
        .prefetch_related(
            Prefetch("indicators__targets", queryset=IndicatorTarget.objects.order_by("date", "pk"))
        )
        .order_by("axis__number", "number")
    )


def _latest_first(partition):
    """Rank 1 for the latest quarter of each `partition` (an action, an indicator)."""
    return Window(
        RowNumber(),
        partition_by=[F(partition)],
        order_by=[F("year").desc(), F("quarter").desc()],
    )


def plan_standing(convention, year, quarter, today=None, hide_secret=False):
    """Each action's standing and each indicator's as of a quarter, and the entries of
    each quarter up to it counted by state; seven queries.

    Only what the dashboard shows is read: the latest reported entry of each action and
    the latest value of each indicator (chosen by the database), the late entries, and
    counts. A five-year plan of 120 actions has 2,400 entries and thousands of values.
    """
    today = today or datetime.date.today()
    # The plan in force that quarter: sheets an amendment added later or closed earlier
    # are not part of it.
    sheets = list(
        sheets_in_force_during(sheets_in_order(convention), *quarter_bounds(year, quarter)).defer(
            *SHEET_TEXTS
        )
    )
    up_to = Q(year__lt=year) | Q(year=year, quarter__lte=quarter)
    entries = FollowUp.objects.filter(up_to, action_sheet__convention=convention)
    latest_entries = (
        entries.filter(state__in=REPORTED)
        .annotate(rank=_latest_first("action_sheet_id"))
        .filter(rank=1)
        .only("pk", "action_sheet_id", "year", "quarter", "status", "progress", "state")
    )
    today_year, today_quarter = current_quarter(today)
    # Late as on the home dashboard: a past quarter's entry still not submitted.
    late = (
        entries.filter(state__in=PENDING_STATES)
        .filter(Q(year__lt=today_year) | Q(year=today_year, quarter__lt=today_quarter))
        .order_by("year", "quarter")
        .values_list("action_sheet_id", "year", "quarter")
    )
    states = entries.values_list("year", "quarter", "state").annotate(count=Count("pk")).order_by()
    latest_values = {
        value.indicator_id: value
        for value in IndicatorValue.objects.filter(
            up_to, indicator__action_sheet__convention=convention
        )
        .filter(Q(value__isnull=False) | ~Q(text=""))
        .annotate(rank=_latest_first("indicator_id"))
        .filter(rank=1)
        .only("pk", "indicator_id", "year", "quarter", "value", "text", "zone_recipients")
    }
    actions = {sheet.pk: ActionStanding(sheet) for sheet in sheets}
    for entry in latest_entries:
        if entry.action_sheet_id in actions:
            actions[entry.action_sheet_id].latest = entry
    for sheet_id, entry_year, entry_quarter in late:
        if sheet_id in actions:
            actions[sheet_id].late_periods.append(quarter_label(entry_year, entry_quarter))
    for standing in actions.values():
        if standing.status == FollowUpStatus.IN_DIFFICULTY:
            standing.reasons.append("en difficulté")
        if standing.late_periods:
            standing.reasons.append("suivi en retard (" + ", ".join(standing.late_periods) + ")")
        deadline = standing.sheet.deadline
        if deadline and deadline < today and standing.status not in CLOSED_STATUSES:
            standing.reasons.append(f"échéance du {deadline:%d/%m/%Y} dépassée")
    indicators = []
    for sheet in sheets:
        for indicator in sheet.indicators.all():
            targets = list(indicator.targets.all())
            latest = latest_values.get(indicator.pk)
            raw = latest.value if latest else None
            zone = latest.zone_recipients if latest else None
            secret = hide_secret and secrecy.is_secret(convention, raw, zone)
            baseline = indicator.baseline_value
            if hide_secret:
                baseline = secrecy.disclosed_value(convention, baseline)
            indicators.append(
                IndicatorStanding(
                    indicator=indicator,
                    baseline=baseline,
                    target=targets[-1] if targets else None,
                    latest=latest,
                    value=None if secret else raw,
                    secret=secret,
                )
            )
    counts = defaultdict(Counter)
    for entry_year, entry_quarter, state, count in states:
        counts[(entry_year, entry_quarter)][state] += count
    return list(actions.values()), indicators, counts


def axis_progress(actions):
    """[(axis, number of actions, mean progress)] in axis order."""
    by_axis = defaultdict(list)
    axes = {}
    for standing in actions:
        axes[standing.sheet.axis_id] = standing.sheet.axis
        by_axis[standing.sheet.axis_id].append(standing.progress)
    return [
        (axes[pk], len(progress), round(sum(progress) / len(progress)))
        for pk, progress in sorted(by_axis.items(), key=lambda item: axes[item[0]].number)
    ]


def status_counts(actions):
    """[(status key, label, count, colour)] for every status, in the order of the choices."""
    counts = Counter(standing.status for standing in actions)
    rows = [
        (status.value, status.label, counts[status.value], STATUS_COLOURS[status])
        for status in FollowUpStatus
    ]
    rows.append((NO_REPORT, NO_REPORT_LABEL, counts[NO_REPORT], STATUS_COLOURS[NO_REPORT]))
    return rows


def quarter_states(convention, counts, year, quarter):
    """[(label, {validated, submitted, pending, total})] for each quarter up to this one,
    from plan_standing's counts by quarter and state."""
    series = defaultdict(Counter)
    for period, by_state in counts.items():
        for state, count in by_state.items():
            if state == FollowUpState.VALIDATED:
                key = "validated"
            elif state == FollowUpState.SUBMITTED:
                key = "submitted"
            else:
                key = "pending"
            series[period][key] += count
    return [
        (
            quarter_label(y, q),
            {
                **{key: series[(y, q)][key] for key, _, _ in STATE_SERIES},
                "total": sum(series[(y, q)].values()),
            },
        )
        for y, q in convention_quarters(convention)
        if (y, q) <= (year, quarter)
    ]


def default_quarter(convention, today=None):
    """The quarter a convention's pages open on: today's, kept within the period."""
    quarters = convention_quarters(convention)
    today_quarter = current_quarter(today or datetime.date.today())
    if today_quarter < quarters[0]:
        return quarters[0]
    if today_quarter > quarters[-1]:
        return quarters[-1]
    return today_quarter


# -- Completeness of a quarter across conventions -------------------------------


class ConventionName(NamedTuple):
    """What the completeness of a quarter shows of a convention."""

    pk: int
    title: str
    reference: str


@dataclass
class Completeness:
    """A convention's entries of one quarter, by where they stand.

    Validated, transmitted (waiting for the Caf), sent back (waiting for the
    territory again) and not transmitted (à renseigner or a draft): four parts of
    one bar, green only for what the Caf validated.
    """

    convention: ConventionName
    total: int
    submitted: int
    validated: int
    returned: int

    @property
    def done(self):
        """Transmitted or validated: what the territory has handed to the Caf."""
        return self.submitted + self.validated

    @property
    def pending(self):
        """Still with the territory: not transmitted yet, or sent back."""
        return self.total - self.done

    @property
    def not_started(self):
        return self.total - self.done - self.returned

    def _share(self, count):
        return round(count / self.total * 100, 1) if self.total else 0

    @property
    def percent(self):
        """Share of the entries validated: the quarter is complete when it reaches 100."""
        return round(self.validated / self.total * 100) if self.total else 0

    @property
    def segments(self):
        """[(key, label, count, width in %)] of the bar, in its order."""
        return [
            (key, label, count, self._share(count))
            for key, label, count in (
                ("validated", "validés", self.validated),
                ("submitted", "transmis, à valider", self.submitted),
                ("returned", "renvoyés pour complément", self.returned),
                ("not_started", "non transmis", self.not_started),
            )
        ]

    @property
    def is_open(self):
        return bool(self.total)


def quarter_completeness(visible, year, quarter):
    """Each visible convention in force during the quarter, with its entries by state,
    least complete first.

    Conventions whose quarter is not opened yet are listed with no entry. Two queries:
    the conventions, then the quarter's entries counted by convention and state (the
    quarter filters the entries before they are counted: nationally a quarter is 40,000
    of 800,000 entries). Each convention's counts are kept in the plan pages' cache under
    its generation, which every change of an entry moves on: the count is then made only
    for the conventions changed since, and not at all when none has.
    """
    first, last = quarter_bounds(year, quarter)
    in_force = conventions_in_force_during(first, last).filter(pk__in=visible.values("pk"))
    # Plain rows, not models: an administrator's quarter lists 870 conventions.
    conventions = [
        ConventionName(*row)
        for row in in_force.order_by("title", "pk").values_list("pk", "title", "reference")
    ]
    counts = freshness.plans_cached(
        [convention.pk for convention in conventions],
        f"quarter-states:{year}-{quarter}",
        partial(_states_by_convention, year, quarter),
    )
    submitted, validated = FollowUpState.SUBMITTED.value, FollowUpState.VALIDATED.value
    returned = FollowUpState.RETURNED.value
    rows = []
    for convention in conventions:
        by_state = counts[convention.pk]
        rows.append(
            Completeness(
                convention,
                total=sum(by_state.values()),
                submitted=by_state.get(submitted, 0),
                validated=by_state.get(validated, 0),
                returned=by_state.get(returned, 0),
            )
        )
    # Least complete first: that is where the adviser's attention goes.
    return sorted(
        rows,
        key=lambda row: (row.is_open, row.percent, row.done, row.convention.title),
    )


def _states_by_convention(year, quarter, convention_ids):
    """{convention id: {state: count}} of the quarter's entries, in one grouped query."""
    counts = {pk: {} for pk in convention_ids}
    for convention_id, state, count in (
        FollowUp.objects.filter(
            year=year, quarter=quarter, action_sheet__convention__in=convention_ids
        )
        .values_list("action_sheet__convention", "state")
        .annotate(count=Count("pk"))
        .order_by()
    ):
        counts[convention_id][state] = count
    return counts
