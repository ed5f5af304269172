"""Celery tasks of the webhooks. Arguments are ids, never secrets nor payloads."""

from celery import shared_task
from django.conf import settings

from . import delivery


def _longest_wait_in_broker():
    """Redis hands an unacknowledged message to another worker after its visibility
    timeout: a retry planned further off than a third of it waits for the sweep instead
    of sitting in a worker's memory."""
    visibility = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("visibility_timeout", 3600)
    return visibility // 3


@shared_task(bind=True, acks_late=True)
def deliver(self, delivery_id: str) -> str:
    """Make the next attempt of one delivery (nothing if done, not due, or being sent)."""
    outcome, retry_in = delivery.attempt(delivery_id)
    # Without a broker (eager), retrying here would call again at once: the sweep does it.
    if retry_in is not None and not self.request.is_eager and retry_in <= _longest_wait_in_broker():
        # To the queue this message came from; the delivery row counts the attempts.
        raise self.retry(countdown=retry_in, max_retries=None)
    return outcome


@shared_task
def sweep_deliveries() -> int:
    """Queue the deliveries due whose message was lost or never sent (broker down)."""
    ids = delivery.due_deliveries()
    for delivery_id in ids:
        deliver.delay(str(delivery_id))
    return len(ids)
