"""Delivering one webhook: a signed POST, its answer recorded, the next attempt planned.

The receiver checks each body with the endpoint's secret (docs/webhooks.md):

    X-CTG-Signature: sha256=<hex HMAC-SHA256 of "<X-CTG-Timestamp>.<body>">

A delivery is claimed by locking its row (skip_locked) while it is pending and
due, and stays locked during the POST: two workers given the same delivery (a
message redelivered after a lost worker, the sweep's copy) never send it at
once, and the second finds it done or not due and does nothing. A worker killed
during the POST rolls the claim back, so the delivery stays pending and is sent
again: a receiver may see an event twice, never zero times, and recognises it by
its id.
"""

import datetime
import hashlib
import hmac
import http.client
import json
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from .models import Attempt, Delivery, DeliveryState

# What is kept of a receiver's answer: enough to read its error message.
RESPONSE_LIMIT = 2000
# A message may run a little before its planned time (clocks of web and workers).
CLOCK_SLACK = datetime.timedelta(seconds=10)
# The sweep leaves alone, for this long, a due delivery whose own message is on its way.
SWEEP_GRACE = datetime.timedelta(seconds=60)
SWEEP_BATCH = 1000
USER_AGENT = "CTG-Webhooks/1"


def body_of(event):
    """The exact bytes sent (and signed) for an event."""
    return json.dumps(
        event.payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True
    ).encode()


def signature(secret, timestamp, body):
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256)
    return "sha256=" + mac.hexdigest()


def retry_delay(attempts):
    """Seconds to wait after the given number of failed attempts (the last delay repeats)."""
    delays = settings.WEBHOOK_RETRY_DELAYS
    return delays[min(attempts, len(delays)) - 1]


@dataclass
class Answer:
    status_code: int | None
    body: str
    error: str
    duration_ms: int

    @property
    def succeeded(self):
        return self.status_code is not None and 200 <= self.status_code < 300


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """A redirect is an answer, not a success: the POST is never replayed elsewhere."""

    def redirect_request(self, *args, **kwargs):
        return None


def _text(raw):
    return raw[:RESPONSE_LIMIT].decode("utf-8", errors="replace")


def post(url, body, headers, timeout):
    """POST the body; an answer of any status, or the reason there was none, in French."""
    opener = urllib.request.build_opener(_NoRedirect)
    request = urllib.request.Request(url, data=body, headers=headers, method="POST")
    started = time.monotonic()

    def answer(status_code=None, raw=b"", error=""):
        duration = round((time.monotonic() - started) * 1000)
        return Answer(status_code, _text(raw), error, duration)

    try:
        with opener.open(request, timeout=timeout) as response:
            return answer(response.status, response.read(RESPONSE_LIMIT))
    except urllib.error.HTTPError as error:
        with error:
            return answer(error.code, error.read(RESPONSE_LIMIT), f"Réponse HTTP {error.code}.")
    except TimeoutError:
        return answer(error=f"Pas de réponse en {timeout:g} s : délai dépassé.")
    except urllib.error.URLError as error:
        if isinstance(error.reason, TimeoutError):
            return answer(error=f"Pas de connexion en {timeout:g} s : délai dépassé.")
        return answer(error=f"Connexion impossible : {error.reason}.")
    except (OSError, http.client.HTTPException, ValueError) as error:
        return answer(error=f"Échange interrompu : {error}.")


def send(delivery, now):
    event, endpoint = delivery.event, delivery.endpoint
    body = body_of(event)
    timestamp = str(int(now.timestamp()))
    headers = {
        "Content-Type": "application/json; charset=utf-8",
        "User-Agent": USER_AGENT,
        "X-CTG-Event": event.event_type,
        "X-CTG-Delivery": str(delivery.pk),
        "X-CTG-Timestamp": timestamp,
        "X-CTG-Signature": signature(endpoint.secret, timestamp, body),
    }
    return post(endpoint.url, body, headers, settings.WEBHOOK_TIMEOUT)


def attempt(delivery_id):
    """Make the next attempt of a delivery if it is pending, due and not being sent.

    Returns (what happened, seconds until the next attempt or None).
    """
    with transaction.atomic():
        delivery = (
            Delivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("event", "endpoint")
            .filter(pk=delivery_id, state=DeliveryState.PENDING)
            .first()
        )
        if delivery is None:
            return "skipped", None
        now = timezone.now()
        if delivery.next_attempt_at and delivery.next_attempt_at > now + CLOCK_SLACK:
            return "not_due", None
        if not delivery.endpoint.is_active:
            delivery.state = DeliveryState.FAILED
            delivery.next_attempt_at = None
            delivery.last_error = "Point de réception désactivé : envoi abandonné."
            delivery.save()
            return DeliveryState.FAILED.value, None
        answer = send(delivery, now)
        return _record(delivery, answer, now)


def _record(delivery, answer, now):
    number = delivery.attempts + 1
    Attempt.objects.create(
        delivery=delivery,
        number=number,
        started_at=now,
        duration_ms=answer.duration_ms,
        status_code=answer.status_code,
        response_body=answer.body,
        error="" if answer.succeeded else answer.error,
    )
    delivery.attempts = number
    delivery.last_status_code = answer.status_code
    delivery.last_response = answer.body
    delivery.last_error = "" if answer.succeeded else answer.error
    retry_in = None
    if answer.succeeded:
        delivery.state = DeliveryState.DELIVERED
        delivery.delivered_at = timezone.now()
        delivery.next_attempt_at = None
    elif number >= settings.WEBHOOK_MAX_ATTEMPTS:
        delivery.state = DeliveryState.FAILED
        delivery.next_attempt_at = None
    else:
        retry_in = retry_delay(number)
        delivery.next_attempt_at = now + datetime.timedelta(seconds=retry_in)
    delivery.save()
    return delivery.state, retry_in


def due_deliveries(now=None):
    """Ids of the pending deliveries due for a while: their message was lost, or their
    next attempt was too far off to wait in the broker."""
    now = now or timezone.now()
    return list(
        Delivery.objects.filter(state=DeliveryState.PENDING, next_attempt_at__lte=now - SWEEP_GRACE)
        .order_by("next_attempt_at")
        .values_list("pk", flat=True)[:SWEEP_BATCH]
    )


def retry_now(deliveries):
    """Plan the next attempt of these deliveries now, and queue it (a failed delivery
    gets one more try). Returns how many were planned."""
    from .events import enqueue_on_commit

    ids = list(deliveries.exclude(state=DeliveryState.DELIVERED).values_list("pk", flat=True))
    Delivery.objects.filter(pk__in=ids).update(
        state=DeliveryState.PENDING, next_attempt_at=timezone.now()
    )
    enqueue_on_commit(ids)
    return len(ids)
