"""Quarterly follow-up: opening the entries that chargés de coopération fill in.

Each quarter, every action sheet of every convention in force during that
quarter gets one FollowUp in the OPEN state ("À renseigner"). Opening is
idempotent, so the scheduled task may run every day: entries already opened
(and possibly already filled in) are never touched again.
"""

import datetime

from django.db.models import Exists, OuterRef, Q
from simple_history.utils import bulk_create_with_history

from conventions.models import Convention, ConventionState

from .models import ActionSheet, FollowUp, FollowUpState

OPENING_REASON = "Ouverture automatique du trimestre"


def current_quarter(day: datetime.date) -> tuple[int, int]:
    """The (year, quarter) a day belongs to, quarters numbered 1 to 4."""
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of a quarter."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"Le trimestre doit être compris entre 1 et 4, pas {quarter}.")
    first = datetime.date(year, 3 * quarter - 2, 1)
    next_first = (
        datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)
    )
    return first, next_first - datetime.timedelta(days=1)


def conventions_in_force_during(first: datetime.date, last: datetime.date):
    """Conventions in force on at least one day between first and last.

    The same rule as ConventionQuerySet.in_force() for a single day, widened to
    a period: a terminated convention counts only if it was still in force on
    the first day.
    """
    overlaps = Q(start_date__lte=last, end_date__gte=first)
    signed = Q(state=ConventionState.SIGNED)
    terminated_later = Q(state=ConventionState.TERMINATED, terminated_on__gt=first)
    return Convention.objects.filter(overlaps & (signed | terminated_later))


def open_quarter(year: int, quarter: int) -> int:
    """Open one follow-up per action sheet in force during the quarter; return how many."""
    first, last = quarter_bounds(year, quarter)
    already_open = FollowUp.objects.filter(action_sheet=OuterRef("pk"), year=year, quarter=quarter)
    missing = (
        ActionSheet.objects.filter(convention__in=conventions_in_force_during(first, last))
        .exclude(Exists(already_open))
        .values_list("pk", flat=True)
    )
    new = [
        FollowUp(action_sheet_id=pk, year=year, quarter=quarter, state=FollowUpState.OPEN)
        for pk in missing
    ]
    if not new:
        return 0
    # ignore_conflicts: should two runs race (a manual run during the scheduled
    # one), the unique (action_sheet, year, quarter) constraint keeps one entry.
    created = bulk_create_with_history(
        new, FollowUp, ignore_conflicts=True, default_change_reason=OPENING_REASON
    )
    return len(created)
