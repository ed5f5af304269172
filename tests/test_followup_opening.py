import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings

from actionplan.followup import current_quarter, open_quarter, quarter_bounds
from actionplan.models import FollowUp, FollowUpState, FollowUpStatus
from actionplan.tasks import open_current_quarter, open_quarter_task
from conventions.models import ConventionState
from ctg.celery import app as celery_app
from tests.factories import ActionSheetFactory, AxisFactory, ConventionFactory

PARIS = ZoneInfo("Europe/Paris")


def convention_with_sheets(sheets=1, **kwargs):
    convention = ConventionFactory(**kwargs)
    axis = AxisFactory(convention=convention)
    return [ActionSheetFactory(axis=axis) for _ in range(sheets)]


def opened(year, quarter):
    return set(
        FollowUp.objects.filter(year=year, quarter=quarter).values_list(
            "action_sheet_id", flat=True
        )
    )


def ids(sheets):
    return {sheet.pk for sheet in sheets}


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (datetime.date(2026, 1, 1), (2026, 1)),
        (datetime.date(2026, 3, 31), (2026, 1)),
        (datetime.date(2026, 4, 1), (2026, 2)),
        (datetime.date(2026, 9, 30), (2026, 3)),
        (datetime.date(2026, 12, 31), (2026, 4)),
    ],
)
def test_current_quarter(day, expected):
    assert current_quarter(day) == expected


def test_quarter_bounds():
    assert quarter_bounds(2026, 1) == (datetime.date(2026, 1, 1), datetime.date(2026, 3, 31))
    assert quarter_bounds(2028, 4) == (datetime.date(2028, 10, 1), datetime.date(2028, 12, 31))
    with pytest.raises(ValueError, match="entre 1 et 4"):
        quarter_bounds(2026, 5)


@pytest.mark.django_db
def test_opening_creates_one_entry_per_sheet_of_conventions_in_force_only():
    signed = ConventionState.SIGNED
    in_force = convention_with_sheets(3, state=signed)
    ending_in_quarter = convention_with_sheets(
        state=signed, start_date=datetime.date(2021, 5, 1), end_date=datetime.date(2026, 4, 30)
    )
    terminated_during = convention_with_sheets(
        state=ConventionState.TERMINATED, terminated_on=datetime.date(2026, 5, 15)
    )
    convention_with_sheets(state=ConventionState.DRAFT)
    convention_with_sheets(state=ConventionState.SIGNING)
    convention_with_sheets(
        state=signed, start_date=datetime.date(2021, 1, 1), end_date=datetime.date(2025, 12, 31)
    )
    convention_with_sheets(
        state=signed, start_date=datetime.date(2026, 7, 1), end_date=datetime.date(2030, 12, 31)
    )
    convention_with_sheets(
        state=ConventionState.TERMINATED, terminated_on=datetime.date(2026, 4, 1)
    )

    assert open_quarter(2026, 2) == 5

    assert opened(2026, 2) == ids(in_force + ending_in_quarter + terminated_during)
    follow_up = FollowUp.objects.first()
    assert follow_up.state == FollowUpState.OPEN
    assert follow_up.status == FollowUpStatus.NOT_STARTED
    assert follow_up.history.get().history_change_reason == "Ouverture automatique du trimestre"


@pytest.mark.django_db
def test_opening_twice_creates_nothing_twice_and_keeps_what_was_written():
    sheets = convention_with_sheets(2, state=ConventionState.SIGNED)
    assert open_quarter(2026, 2) == 2
    FollowUp.objects.filter(action_sheet=sheets[0]).update(
        state=FollowUpState.DRAFT, achievements="Deux guichets ouverts."
    )

    assert open_quarter(2026, 2) == 0

    assert FollowUp.objects.count() == 2
    kept = FollowUp.objects.get(action_sheet=sheets[0])
    assert (kept.state, kept.achievements) == (FollowUpState.DRAFT, "Deux guichets ouverts.")


@pytest.mark.django_db
def test_opening_adds_the_sheets_created_since_the_last_run():
    sheets = convention_with_sheets(state=ConventionState.SIGNED)
    open_quarter(2026, 2)
    sheets.append(ActionSheetFactory(axis=sheets[0].axis))

    assert open_quarter(2026, 2) == 1
    assert opened(2026, 2) == ids(sheets)


@pytest.mark.django_db
def test_task_opens_the_quarter_it_is_given():
    sheets = convention_with_sheets(state=ConventionState.SIGNED)

    assert open_quarter_task.delay(2026, 3).get() == 1
    assert opened(2026, 3) == ids(sheets)


@pytest.mark.django_db
def test_daily_task_opens_the_new_quarter_at_the_quarter_change():
    sheets = convention_with_sheets(2, state=ConventionState.SIGNED)

    # 23:30 in Paris is still 31 March; 00:30 on 1 April is 31 March in UTC.
    with time_machine.travel(datetime.datetime(2026, 3, 31, 23, 30, tzinfo=PARIS), tick=False):
        assert open_current_quarter.delay().get() == 2
    assert opened(2026, 1) == ids(sheets)
    assert not opened(2026, 2)

    with time_machine.travel(datetime.datetime(2026, 4, 1, 0, 30, tzinfo=PARIS), tick=False):
        assert open_current_quarter.delay().get() == 2
        assert open_current_quarter.delay().get() == 0
    assert opened(2026, 2) == ids(sheets)
    assert FollowUp.objects.count() == 4


def test_beat_runs_the_opening_every_morning():
    entry = settings.CELERY_BEAT_SCHEDULE["open-current-quarter"]
    assert entry["task"] == open_current_quarter.name
    assert entry["task"] in celery_app.tasks
    assert entry["schedule"].hour == {6}
    assert entry["schedule"].minute == {0}
