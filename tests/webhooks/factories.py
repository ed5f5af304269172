import factory
from django.utils import timezone
from factory.django import DjangoModelFactory

from tests.factories import OrganisationFactory
from webhooks.models import SUBSCRIBABLE_EVENTS, Attempt, Delivery, Endpoint, Event, EventType


class EndpointFactory(DjangoModelFactory):
    class Meta:
        model = Endpoint

    caf = factory.SubFactory(OrganisationFactory, as_caf=True)
    name = factory.Sequence(lambda n: f"Système décisionnel {n}")
    url = "https://si.caf.example/ctg"
    events = factory.LazyFunction(lambda: [value for value, _ in SUBSCRIBABLE_EVENTS])


def delivery_with_attempt(caf):
    """An endpoint of the Caf, an event sent to it, and one failed attempt."""
    endpoint = EndpointFactory(caf=caf)
    now = timezone.now()
    event = Event.objects.create(
        event_type=EventType.CONVENTION_SIGNED, caf=caf, payload={"id": "x"}, occurred_at=now
    )
    delivery = Delivery.objects.create(event=event, endpoint=endpoint, next_attempt_at=now)
    Attempt.objects.create(
        delivery=delivery,
        number=1,
        started_at=now,
        duration_ms=12,
        status_code=500,
        response_body="Erreur interne",
        error="Réponse HTTP 500.",
    )
    return delivery
