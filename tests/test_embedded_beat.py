"""Without a broker there is no beat: with EMBEDDED_BEAT, the first request of each day
runs the morning tasks, so the demo's quarters open themselves too."""

import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.urls import reverse

from actionplan.models import FollowUp
from conventions.models import ConventionState
from tests.factories import ActionSheetFactory, AxisFactory, ConventionFactory

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def at(*args):
    return time_machine.travel(datetime.datetime(*args, tzinfo=PARIS), tick=False)


@pytest.fixture
def sheets():
    convention = ConventionFactory(state=ConventionState.SIGNED)
    return [ActionSheetFactory(axis=AxisFactory(convention=convention)) for _ in range(2)]


def test_the_first_request_of_a_new_quarter_opens_it(client, settings, sheets):
    settings.EMBEDDED_BEAT = True
    with at(2026, 3, 31, 9, 0):
        client.get(reverse("login"))
    assert FollowUp.objects.filter(year=2026, quarter=1).count() == 2
    FollowUp.objects.all().delete()
    with at(2026, 3, 31, 18, 0):
        client.get(reverse("login"))  # the same day: the morning tasks ran already
    assert not FollowUp.objects.exists()
    with at(2026, 4, 1, 8, 0):
        client.get(reverse("login"))
    assert FollowUp.objects.filter(year=2026, quarter=2).count() == 2


def test_nothing_runs_in_requests_when_turned_off(client, settings, sheets):
    settings.EMBEDDED_BEAT = False
    with at(2026, 4, 1, 8, 0):
        assert client.get(reverse("login")).status_code == 200
    assert not FollowUp.objects.exists()


def test_a_failing_task_never_reaches_the_page(client, settings, sheets, monkeypatch, caplog):
    settings.EMBEDDED_BEAT = True

    def broken(*args, **kwargs):
        raise RuntimeError("base indisponible")

    monkeypatch.setattr("actionplan.followup.open_quarter", broken)
    with at(2026, 4, 1, 8, 0):
        assert client.get(reverse("login")).status_code == 200
    assert "open_current_quarter" in caplog.text
