"""The delivery task: one signed POST, the answer kept, retries with back-off, then given up;
a delivery is claimed so that two copies of its message never send it twice at once."""

import datetime
import threading
import time

import pytest
import time_machine
from django.db import connection
from django.utils import timezone

from tests.factories import ConventionFactory
from tests.webhooks.factories import EndpointFactory
from tests.webhooks.receiver import Receiver
from webhooks import delivery, events, tasks
from webhooks.models import Attempt, Delivery, DeliveryState, EventType

pytestmark = pytest.mark.django_db

START = datetime.datetime(2026, 5, 10, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def clock():
    with time_machine.travel(START, tick=False) as traveller:
        yield traveller


@pytest.fixture
def queued(monkeypatch):
    ids = []
    monkeypatch.setattr(events, "enqueue", ids.extend)
    return ids


def pending_to(url, **endpoint):
    convention = ConventionFactory()
    EndpointFactory(caf=convention.caf, url=url, **endpoint)
    events.emit(EventType.CONVENTION_SIGNED, convention.caf_id, {"convention": {"id": 1}})
    return Delivery.objects.get()


def test_a_2xx_answer_delivers_and_the_attempt_is_kept(clock, queued):
    with Receiver(statuses=[202]) as receiver:
        sent = pending_to(receiver.url)
        assert delivery.attempt(sent.pk) == (DeliveryState.DELIVERED, None)
    sent.refresh_from_db()
    assert (sent.state, sent.attempts, sent.last_status_code) == ("delivered", 1, 202)
    assert sent.delivered_at == timezone.now()
    assert sent.next_attempt_at is None
    attempt = sent.attempt_log.get()
    assert (attempt.number, attempt.status_code, attempt.error) == (1, 202, "")
    assert attempt.response_body == "réponse 202"
    assert len(receiver.received) == 1
    assert receiver.received[0].headers["Content-Type"].startswith("application/json")

    # Delivered: another copy of its message sends nothing.
    assert delivery.attempt(sent.pk) == ("skipped", None)
    assert len(receiver.received) == 1


def test_failures_are_retried_with_back_off_then_abandoned(clock, queued, settings):
    settings.WEBHOOK_RETRY_DELAYS = [60, 300, 1800, 7200, 43200]
    settings.WEBHOOK_MAX_ATTEMPTS = 6
    with Receiver(statuses=[500]) as receiver:
        sent = pending_to(receiver.url)
        waits = []
        for _ in range(6):
            outcome, retry_in = delivery.attempt(sent.pk)
            sent.refresh_from_db()
            if retry_in is None:
                break
            assert outcome == DeliveryState.PENDING
            assert sent.next_attempt_at == timezone.now() + datetime.timedelta(seconds=retry_in)
            # Not due yet: a copy of the message arriving early does nothing.
            assert delivery.attempt(sent.pk) == ("not_due", None)
            waits.append(retry_in)
            clock.shift(datetime.timedelta(seconds=retry_in))
    assert waits == [60, 300, 1800, 7200, 43200]
    assert (outcome, sent.state, sent.attempts) == ("failed", "failed", 6)
    assert len(receiver.received) == 6
    attempts = list(sent.attempt_log.order_by("number"))
    assert [a.number for a in attempts] == [1, 2, 3, 4, 5, 6]
    assert {a.status_code for a in attempts} == {500}
    assert attempts[0].error == "Réponse HTTP 500."
    assert sent.last_response == "réponse 500"
    assert delivery.attempt(sent.pk) == ("skipped", None)


def test_a_failing_endpoint_that_recovers_is_delivered_on_its_next_attempt(clock, queued):
    with Receiver(statuses=[503, 200]) as receiver:
        sent = pending_to(receiver.url)
        assert delivery.attempt(sent.pk) == (DeliveryState.PENDING, 60)
        clock.shift(datetime.timedelta(seconds=60))
        assert delivery.attempt(sent.pk) == (DeliveryState.DELIVERED, None)
    first, second = receiver.received
    assert first.headers["X-CTG-Delivery"] == second.headers["X-CTG-Delivery"]
    assert first.body == second.body, "the same event, recognised by its id"
    assert [a.status_code for a in Attempt.objects.order_by("number")] == [503, 200]


def test_no_answer_in_time_is_a_failed_attempt_in_french(clock, queued, settings):
    settings.WEBHOOK_TIMEOUT = 0.3
    with Receiver(delay=1.5) as receiver:
        sent = pending_to(receiver.url)
        assert delivery.attempt(sent.pk)[0] == DeliveryState.PENDING
    attempt = Attempt.objects.get()
    assert attempt.status_code is None
    assert "délai dépassé" in attempt.error
    assert attempt.duration_ms < 1500


def test_a_refused_connection_is_a_failed_attempt_in_french(clock, queued):
    with Receiver() as receiver:
        url = receiver.url
    sent = pending_to(url)  # the receiver is closed: nobody listens there any more
    assert delivery.attempt(sent.pk)[0] == DeliveryState.PENDING
    assert Attempt.objects.get().error.startswith("Connexion impossible")


def test_a_redirect_is_not_followed(clock, queued):
    with Receiver(statuses=[302]) as receiver:
        sent = pending_to(receiver.url)
        assert delivery.attempt(sent.pk)[0] == DeliveryState.PENDING
    assert Attempt.objects.get().status_code == 302
    assert len(receiver.received) == 1


def test_an_endpoint_turned_off_gives_up_its_deliveries(clock, queued):
    with Receiver() as receiver:
        sent = pending_to(receiver.url)
        sent.endpoint.is_active = False
        sent.endpoint.save()
        assert delivery.attempt(sent.pk) == (DeliveryState.FAILED, None)
    assert receiver.received == []
    sent.refresh_from_db()
    assert sent.last_error == "Point de réception désactivé : envoi abandonné."


def test_the_sweep_queues_due_deliveries_whose_message_was_lost(clock, queued, monkeypatch):
    with Receiver(statuses=[500]) as receiver:
        lost = pending_to(receiver.url)
        delivery.attempt(lost.pk)  # next attempt in a minute
    just_made = Delivery.objects.create(
        event=lost.event, endpoint=lost.endpoint, next_attempt_at=timezone.now()
    )
    done = Delivery.objects.create(
        event=lost.event,
        endpoint=lost.endpoint,
        state=DeliveryState.DELIVERED,
        next_attempt_at=timezone.now() - datetime.timedelta(hours=1),
    )
    sent = []
    monkeypatch.setattr(tasks.deliver, "delay", sent.append)

    assert tasks.sweep_deliveries() == 0
    clock.shift(datetime.timedelta(minutes=3))
    assert tasks.sweep_deliveries() == 2
    assert sorted(sent) == sorted([str(lost.pk), str(just_made.pk)])
    assert str(done.pk) not in sent


def test_without_a_broker_the_task_does_not_retry_at_once(clock, queued):
    with Receiver(statuses=[500]) as receiver:
        sent = pending_to(receiver.url)
        assert tasks.deliver.delay(str(sent.pk)).get() == DeliveryState.PENDING
    assert len(receiver.received) == 1, "the sweep makes the next attempt, not a loop"


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_delivery_being_sent_is_skipped_by_a_second_worker(queued):
    """Two copies of the message: the second finds the row locked and sends nothing."""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://...")
    with Receiver(delay=1.0) as receiver:
        sent = pending_to(receiver.url)
        outcomes = {}

        def run(name):
            outcomes[name] = delivery.attempt(sent.pk)[0]
            connection.close()

        first = threading.Thread(target=run, args=("first",))
        first.start()
        deadline = time.monotonic() + 10
        while not receiver.received and time.monotonic() < deadline:
            time.sleep(0.01)
        run("second")
        first.join()
    assert outcomes == {"first": "delivered", "second": "skipped"}
    assert len(receiver.received) == 1
    assert Attempt.objects.count() == 1
