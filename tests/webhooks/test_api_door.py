"""The follow-up written through the API emits the same events as the page, exactly once
per real change, none for a refused or rolled-back one; a receiver de-duplicates by the
event's id, the same in every retry of its delivery."""

import datetime
import json

import pytest
import time_machine
from django.urls import reverse

from actionplan import followup
from tests.api.conftest import client_for
from tests.followup_setup import TODAY, entry_data, signed_convention
from tests.webhooks.factories import EndpointFactory
from tests.webhooks.receiver import Receiver
from webhooks import delivery, events
from webhooks.models import Delivery, Event, EventType

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def queued(monkeypatch):
    ids = []
    monkeypatch.setattr(events, "enqueue", ids.extend)
    return ids


@pytest.fixture
def setting():
    setting = signed_convention(sheets=1)
    EndpointFactory(caf=setting.convention.caf)
    return setting


def transmit(setting, entry, revision, **changes):
    body = {"revision": revision, **entry_data(**changes)}
    url = reverse("api:follow_up_transmit", args=[entry.pk])
    return client_for(setting.users["cooperation"]).post(url, body, format="json")


def test_a_transmission_through_the_api_emits_one_event_and_its_replay_none(
    setting, queued, django_capture_on_commit_callbacks
):
    entry = setting.entries[(1, 2026, 2)]
    with django_capture_on_commit_callbacks(execute=True):
        assert transmit(setting, entry, 0).status_code == 200
        assert transmit(setting, entry, 0).status_code == 409  # the same call, replayed
    event = Event.objects.get()
    assert event.event_type == EventType.FOLLOW_UP_TRANSMITTED
    assert event.payload["data"]["follow_up"]["id"] == entry.pk
    assert queued == [Delivery.objects.get().pk]


def test_a_refused_transmission_emits_nothing(setting, queued):
    entry = setting.entries[(1, 2026, 2)]
    response = transmit(setting, entry, 0, status="in_difficulty", difficulties="")
    assert response.status_code == 400
    assert not Event.objects.exists() and not Delivery.objects.exists()


def test_a_transmission_rolled_back_after_its_event_was_written_sends_nothing(
    setting, queued, monkeypatch
):
    # The event is written before the indicator values: a failure there rolls both back.
    def broken(entry, user, values):
        raise RuntimeError("panne")

    monkeypatch.setattr(followup, "_save_values", broken)
    entry = setting.entries[(1, 2026, 2)]
    with pytest.raises(RuntimeError):
        followup.save_entry(setting.users["cooperation"], entry, 0, entry_data(), submit=True)
    assert not Event.objects.exists() and not Delivery.objects.exists()


def test_every_retry_carries_the_same_event_id_and_delivery_id(setting, queued, _today):
    entry = setting.entries[(1, 2026, 2)]
    with Receiver(statuses=[503, 200]) as receiver:
        setting.convention.caf.webhook_endpoints.update(url=receiver.url)
        assert transmit(setting, entry, 0).status_code == 200
        sent = Delivery.objects.get()
        assert delivery.attempt(sent.pk)[0] == "pending"
        _today.shift(datetime.timedelta(hours=1))
        assert delivery.attempt(sent.pk)[0] == "delivered"
    first, second = receiver.received
    assert json.loads(first.body)["id"] == json.loads(second.body)["id"] == str(sent.event_id)
    assert first.headers["X-CTG-Delivery"] == second.headers["X-CTG-Delivery"] == str(sent.pk)
    assert first.headers["X-CTG-Timestamp"] != second.headers["X-CTG-Timestamp"]
