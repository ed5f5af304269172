"""Each body is signed so that a receiver, with the documented snippet, knows it is ours."""

import datetime
import json
import re

import pytest
from django.conf import settings
from django.utils import timezone

from tests.factories import ConventionFactory
from tests.webhooks.factories import EndpointFactory
from tests.webhooks.receiver import Receiver
from webhooks import delivery, events
from webhooks.models import Delivery, EventType

pytestmark = pytest.mark.django_db


def documented_verify():
    """The receiver's check exactly as docs/webhooks.md prints it."""
    text = (settings.BASE_DIR / "docs" / "webhooks.md").read_text()
    snippet = re.search(r"```python\n(.*?)```", text, re.S).group(1)
    namespace = {}
    exec(compile(snippet, "docs/webhooks.md", "exec"), namespace)
    return namespace["verify"]


def test_signature_is_the_hmac_sha256_of_timestamp_dot_body():
    body = b'{"id":"x"}'
    signed = delivery.signature("whsec_secret", "1767225600", body)
    assert signed == "sha256=" + (
        __import__("hmac")
        .new(b"whsec_secret", b"1767225600." + body, __import__("hashlib").sha256)
        .hexdigest()
    )
    assert signed != delivery.signature("whsec_other", "1767225600", body)
    assert signed != delivery.signature("whsec_secret", "1767225601", body)


def test_the_documented_check_accepts_what_was_sent_and_nothing_else():
    convention = ConventionFactory()
    endpoint = EndpointFactory(caf=convention.caf)
    with Receiver() as receiver:
        endpoint.url = receiver.url
        endpoint.save()
        events.convention_signed(convention)
        sent = Delivery.objects.get()
        assert delivery.attempt(sent.pk) == ("delivered", None)

    request = receiver.received[0]
    verify = documented_verify()
    now = int(request.headers["X-CTG-Timestamp"])
    assert verify(endpoint.secret, request.headers, request.body, now=now)
    assert not verify("whsec_another", request.headers, request.body, now=now)
    assert not verify(endpoint.secret, request.headers, request.body + b" ", now=now)
    assert not verify(endpoint.secret, request.headers, request.body, now=now + 3600)

    payload = json.loads(request.body)
    assert payload["id"] == str(sent.event_id)
    assert payload["type"] == "convention.signed" == request.headers["X-CTG-Event"]
    assert request.headers["X-CTG-Delivery"] == str(sent.pk)
    assert payload["data"]["convention"]["reference"] == convention.reference


def test_every_attempt_signs_with_its_own_timestamp():
    convention = ConventionFactory()
    endpoint = EndpointFactory(caf=convention.caf)
    events.emit(EventType.CONVENTION_SIGNED, convention.caf_id, {"x": 1})
    sent = Delivery.objects.select_related("event").get()
    first = timezone.now()
    later = first + datetime.timedelta(minutes=5)
    body = delivery.body_of(sent.event)
    headers = {}

    def capture(url, body, given, timeout):
        headers[len(headers)] = given
        return delivery.Answer(500, "", "Réponse HTTP 500.", 3)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(delivery, "post", capture)
        delivery.send(sent, first)
        delivery.send(sent, later)
    assert headers[0]["X-CTG-Timestamp"] != headers[1]["X-CTG-Timestamp"]
    for given in headers.values():
        expected = delivery.signature(endpoint.secret, given["X-CTG-Timestamp"], body)
        assert given["X-CTG-Signature"] == expected
