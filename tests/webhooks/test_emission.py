"""Events are written in the transaction of the change they tell (transactional outbox):
a change rolled back sends nothing, a committed one is queued once committed."""

import datetime

import pytest
import time_machine
from django.db import transaction

from actionplan import followup
from conventions import lifecycle
from conventions.lifecycle import LifecycleError
from conventions.models import ConventionState, Outcome, PartyRole
from tests.factories import (
    ArticleFactory,
    ConventionFactory,
    DeliberationFactory,
    PartyFactory,
    RepresentativeFactory,
    UserFactory,
)
from tests.followup_setup import TODAY, entry_data, signed_convention
from tests.webhooks.factories import EndpointFactory
from webhooks import events
from webhooks.models import Delivery, Event, EventType

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def queued(monkeypatch):
    """The delivery ids handed to the broker, instead of sending them."""
    ids = []
    monkeypatch.setattr(events, "enqueue", ids.extend)
    return ids


@pytest.fixture
def draft():
    convention = ConventionFactory(
        start_date=datetime.date(2027, 1, 1), end_date=datetime.date(2031, 12, 31)
    )
    caf = PartyFactory(
        convention=convention,
        organisation=convention.caf,
        role=PartyRole.CAF,
        requires_deliberation=False,
    )
    caf.signatories.set([RepresentativeFactory(organisation=convention.caf)])
    lead = PartyFactory(
        convention=convention, organisation=convention.lead_authority, role=PartyRole.LEAD
    )
    lead.signatories.set([RepresentativeFactory(organisation=convention.lead_authority)])
    ArticleFactory(convention=convention)
    return convention


def test_freezing_writes_one_delivery_per_subscribed_endpoint_and_queues_them_on_commit(
    draft, queued, django_capture_on_commit_callbacks
):
    decision = EndpointFactory(caf=draft.caf)
    statistics = EndpointFactory(caf=draft.caf, events=[EventType.VERSION_FROZEN])
    EndpointFactory(caf=draft.caf, events=[EventType.CONVENTION_SIGNED])
    EndpointFactory(caf=draft.caf, is_active=False)
    EndpointFactory()  # another Caf's

    with django_capture_on_commit_callbacks(execute=True):
        version = lifecycle.freeze(draft)
        assert queued == [], "nothing is queued before the commit"

    event = Event.objects.get()
    assert event.event_type == EventType.VERSION_FROZEN
    assert event.caf == draft.caf
    assert event.payload["id"] == str(event.id)
    assert event.payload["data"]["convention"]["id"] == draft.pk
    assert event.payload["data"]["version"] == {
        "number": version.number,
        "content_hash": version.content_hash,
        "frozen_at": version.frozen_at.isoformat(),
    }
    deliveries = Delivery.objects.filter(event=event)
    assert {d.endpoint for d in deliveries} == {decision, statistics}
    assert {d.state for d in deliveries} == {"pending"}
    assert sorted(queued) == sorted(d.pk for d in deliveries)


def test_a_change_rolled_back_leaves_no_event(draft, queued, django_capture_on_commit_callbacks):
    EndpointFactory(caf=draft.caf)
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        lifecycle.freeze(draft)
        assert Delivery.objects.count() == 1
        transaction.set_rollback(True)
    assert not Event.objects.exists()
    assert not Delivery.objects.exists()
    assert queued == []


def test_a_refused_transition_emits_nothing(draft, queued):
    EndpointFactory(caf=draft.caf)
    with pytest.raises(LifecycleError):
        lifecycle.start_signing(draft)
    draft.articles.all().delete()
    with pytest.raises(LifecycleError):
        lifecycle.freeze(draft)
    assert not Event.objects.exists()


def test_a_caf_without_endpoint_pays_one_query_and_writes_nothing(draft, django_assert_num_queries):
    EndpointFactory()  # another Caf's
    with django_assert_num_queries(1):
        events.convention_signed(draft)
    assert not Event.objects.exists()


def test_the_last_signature_emits_convention_signed_once(draft, queued):
    endpoint = EndpointFactory(caf=draft.caf, events=[EventType.CONVENTION_SIGNED])
    lifecycle.freeze(draft)
    for party in draft.parties.filter(requires_deliberation=True):
        DeliberationFactory(
            party=party, version=draft.current_version, outcome=Outcome.ADOPTED_UNANIMOUSLY
        )
    lifecycle.start_signing(draft)
    pending = lifecycle.pending_signatures(draft)
    assert len(pending) == 2
    for party, representative in pending:
        assert not Event.objects.exists()
        lifecycle.record_signature(
            draft, party=party, representative=representative, signed_on=TODAY.date()
        )
    event = Event.objects.get()
    assert event.event_type == EventType.CONVENTION_SIGNED
    assert event.payload["data"]["convention"]["state"] == ConventionState.SIGNED
    assert event.payload["data"]["convention"]["signed_on"] == TODAY.date().isoformat()
    assert event.deliveries.get().endpoint == endpoint


def test_recording_a_convention_already_signed_emits_convention_signed(draft, queued):
    EndpointFactory(caf=draft.caf, events=[EventType.CONVENTION_SIGNED])
    lifecycle.record_signed_convention(draft, signed_on=datetime.date(2026, 1, 15))
    assert Event.objects.get().event_type == EventType.CONVENTION_SIGNED


def test_transmitting_and_validating_follow_up_emit_their_events(queued):
    setting = signed_convention(sheets=3)
    EndpointFactory(
        caf=setting.convention.caf,
        events=[EventType.FOLLOW_UP_TRANSMITTED, EventType.FOLLOW_UP_VALIDATED],
    )
    entries = [setting.entries[(n, 2026, 2)] for n in (1, 2, 3)]
    cooperation, adviser = setting.users["cooperation"], setting.users["adviser"]

    followup.save_entry(cooperation, entries[0], 0, entry_data())  # a draft: no event
    assert not Event.objects.exists()
    for entry in entries:
        followup.save_entry(cooperation, entry, entry.revision, entry_data(), submit=True)
    transmitted = Event.objects.filter(event_type=EventType.FOLLOW_UP_TRANSMITTED)
    assert sorted(e.payload["data"]["follow_up"]["id"] for e in transmitted) == sorted(
        e.pk for e in entries
    )
    first = transmitted.get(payload__data__follow_up__id=entries[0].pk).payload["data"]
    assert first["follow_up"] == {
        "id": entries[0].pk,
        "year": 2026,
        "quarter": 2,
        "state": "submitted",
        "status": "in_progress",
        "progress": 40,
    }
    assert first["action_sheet"]["number"] == 1

    followup.validate(adviser, entries[0], entries[0].revision)
    followup.validate_all(
        adviser, setting.convention, 2026, 2, {e.pk: e.revision for e in entries[1:]}
    )
    validated = Event.objects.filter(event_type=EventType.FOLLOW_UP_VALIDATED)
    assert sorted(e.payload["data"]["follow_up"]["id"] for e in validated) == sorted(
        e.pk for e in entries
    )
    assert {e.payload["data"]["follow_up"]["state"] for e in validated} == {"validated"}
    assert Delivery.objects.count() == 6


def test_a_refused_validation_emits_nothing(queued):
    setting = signed_convention(sheets=1)
    EndpointFactory(caf=setting.convention.caf)
    entry = setting.entries[(1, 2026, 2)]
    with pytest.raises(followup.FollowUpError):
        followup.validate(setting.users["adviser"], entry, entry.revision)
    with pytest.raises(followup.NotAllowed):
        followup.validate(UserFactory(adviser=True), entry, entry.revision)
    assert not Event.objects.exists()
