"""A real Celery worker, through Redis, delivers webhooks to local receivers; a failing
receiver is tried again by the worker itself until it answers 2xx; a worker killed in the
middle of a POST loses nothing and records nothing twice.

As in tests/test_worker.py, the worker is another process reading the PostgreSQL test
database: the test commits its data (transaction=True) and is skipped without
PostgreSQL or Redis (CI, with CI_REQUIRE_SERVICES=1, fails on that skip).
"""

import datetime
import time
import uuid

import pytest
from celery import Celery
from celery.contrib.testing.app import setup_default_app
from django.utils import timezone

from conventions import lifecycle
from conventions.models import PartyRole
from tests.factories import ArticleFactory, ConventionFactory, PartyFactory, RepresentativeFactory
from tests.test_worker import (  # noqa: F401
    REDIS_URL,
    services,
    start_worker,
    stop_worker,
)
from tests.webhooks.factories import EndpointFactory
from tests.webhooks.receiver import Receiver
from tests.webhooks.test_signing import documented_verify
from webhooks import delivery, tasks
from webhooks.models import Delivery, DeliveryState, EventType

pytestmark = [
    pytest.mark.worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

TIMEOUT = 60


def webhook_worker(queue, log):
    """A worker retrying after one second instead of minutes."""
    return start_worker(queue, log, WEBHOOK_RETRY_DELAYS="1", WEBHOOK_MAX_ATTEMPTS="5")


@pytest.fixture
def worker(services, tmp_path):  # noqa: F811
    """A worker on a queue of its own, retrying after one second instead of minutes."""
    process = webhook_worker(f"ctg-test-webhooks-{uuid.uuid4().hex[:12]}", tmp_path / "worker.log")
    try:
        yield process
    finally:
        stop_worker(process)


@pytest.fixture
def broker_app(worker):
    """The tasks queued on commit go through Redis to this test's worker only."""
    app = Celery("ctg-test-webhooks", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(task_always_eager=False, broker_url=REDIS_URL, task_default_queue=worker.queue)
    with setup_default_app(app):
        app.set_current()
        yield app


def draft_convention():
    convention = ConventionFactory(
        start_date=datetime.date(2027, 1, 1), end_date=datetime.date(2031, 12, 31)
    )
    for organisation, role in [
        (convention.caf, PartyRole.CAF),
        (convention.lead_authority, PartyRole.LEAD),
    ]:
        party = PartyFactory(convention=convention, organisation=organisation, role=role)
        party.signatories.set([RepresentativeFactory(organisation=organisation)])
    ArticleFactory(convention=convention)
    return convention


def wait_until_settled(worker, deliveries):
    deadline = time.monotonic() + TIMEOUT
    while Delivery.objects.filter(pk__in=deliveries, state=DeliveryState.PENDING).exists():
        if worker.poll() is not None:
            pytest.fail(f"the worker died ({worker.returncode}):\n{worker.log.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"still pending after {TIMEOUT}s:\n{worker.log.read_text()}")
        time.sleep(0.2)


def test_a_real_worker_delivers_and_retries_a_failing_receiver(worker, broker_app):
    convention = draft_convention()
    with Receiver() as steady, Receiver(statuses=[500, 503, 200]) as failing:
        steady_endpoint = EndpointFactory(
            caf=convention.caf, url=steady.url, events=[EventType.VERSION_FROZEN]
        )
        failing_endpoint = EndpointFactory(
            caf=convention.caf, url=failing.url, events=[EventType.VERSION_FROZEN]
        )
        # Committed at once (no test transaction): queued through Redis on commit.
        lifecycle.freeze(convention)
        deliveries = list(Delivery.objects.values_list("pk", flat=True))
        assert len(deliveries) == 2
        wait_until_settled(worker, deliveries)

    first = Delivery.objects.get(endpoint=steady_endpoint)
    retried = Delivery.objects.get(endpoint=failing_endpoint)
    assert (first.state, first.attempts) == ("delivered", 1)
    assert (retried.state, retried.attempts) == ("delivered", 3)
    assert [a.status_code for a in retried.attempt_log.order_by("number")] == [500, 503, 200]
    assert len(steady.received) == 1
    assert len(failing.received) == 3

    verify = documented_verify()
    for request, endpoint in [(steady.received[0], steady_endpoint)] + [
        (request, failing_endpoint) for request in failing.received
    ]:
        assert request.headers["X-CTG-Event"] == "convention.version_frozen"
        assert verify(endpoint.secret, request.headers, request.body)
    assert len({request.body for request in failing.received}) == 1

    log = worker.log.read_text()
    assert "webhooks.tasks.deliver" in log
    assert "Retry in 1s" in log


def test_a_worker_killed_during_the_post_loses_nothing(worker, broker_app, tmp_path):
    """Killed (SIGKILL) while waiting for the receiver: its claim is rolled back with its
    connection, the delivery is still pending with no attempt recorded, the sweep finds it,
    and another worker delivers it once; the receiver saw the event twice, same id."""
    convention = draft_convention()
    with Receiver(statuses=[200], delay=5) as slow:
        EndpointFactory(caf=convention.caf, url=slow.url, events=[EventType.VERSION_FROZEN])
        lifecycle.freeze(convention)
        sent = Delivery.objects.get()
        deadline = time.monotonic() + TIMEOUT
        while not slow.received:
            if time.monotonic() > deadline:
                pytest.fail(f"nothing received:\n{worker.log.read_text()}")
            time.sleep(0.1)
        worker.kill()
        worker.wait()

        # The claim died with the worker's connection: pending, nothing recorded.
        deadline = time.monotonic() + TIMEOUT
        while True:
            sent.refresh_from_db()
            if sent.state == DeliveryState.PENDING and sent.attempts == 0:
                break
            if time.monotonic() > deadline:
                pytest.fail(f"delivery {sent.state} after the kill")
            time.sleep(0.2)
        later = timezone.now() + datetime.timedelta(minutes=2)
        assert delivery.due_deliveries(now=later) == [sent.pk]

        slow.delay = 0
        second = webhook_worker(worker.queue, tmp_path / "second.log")
        try:
            # What the sweep does once the delivery is overdue.
            tasks.deliver.delay(str(sent.pk))
            wait_until_settled(second, [sent.pk])
        finally:
            stop_worker(second)

    sent.refresh_from_db()
    assert (sent.state, sent.attempts) == ("delivered", 1)
    assert len(slow.received) == 2
    assert slow.received[0].body == slow.received[1].body
