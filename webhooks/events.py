"""Emitting events: the domain calls these where it records what a Caf subscribes to.

Transactional outbox: the Event and its Delivery rows are written in the caller's
transaction, so a change rolled back sends nothing and a change committed is never
lost, even if the broker is down at that moment (the sweep of webhooks/tasks.py
queues it later). The HTTP call is made by the task, never here: an endpoint
that is slow or down never delays nor breaks the person's action.

A Caf without a subscribed endpoint costs one query and writes nothing.
"""

from functools import partial

from django.db import transaction
from django.utils import timezone

from .models import Delivery, Endpoint, Event, EventType


def emit(event_type, caf_id, data):
    """Record one event of a Caf for every active endpoint subscribed to it.

    data: the event's facts (a dict), or a function returning them, called only
    when some endpoint listens. Returns the Event, or None when nobody listens.
    """
    events = emit_each(event_type, caf_id, [data])
    return events[0] if events else None


def emit_each(event_type, caf_id, items):
    """One event per item (dicts or functions returning one), all in one write."""
    event_type = EventType(event_type)
    endpoints = [
        endpoint
        for endpoint in Endpoint.objects.filter(caf_id=caf_id, is_active=True).select_related("caf")
        if endpoint.subscribes_to(event_type)
    ]
    if not endpoints or not items:
        return []
    caf = endpoints[0].caf
    now = timezone.now()
    events = [_event(event_type, caf, now, item() if callable(item) else item) for item in items]
    deliveries = [
        Delivery(event=event, endpoint=endpoint, next_attempt_at=now)
        for event in events
        for endpoint in endpoints
    ]
    with transaction.atomic():
        Event.objects.bulk_create(events)
        Delivery.objects.bulk_create(deliveries)
        enqueue_on_commit([delivery.pk for delivery in deliveries])
    return events


def _event(event_type, caf, now, data):
    event = Event(event_type=event_type, caf=caf, occurred_at=now)
    event.payload = {
        "id": str(event.id),
        "type": event_type.value,
        "occurred_at": now.isoformat(),
        "caf": {"id": caf.pk, "name": caf.name, "siren": caf.siren},
        "data": data,
    }
    return event


@transaction.atomic
def send_test_event(endpoint):
    """A "ping" event to one endpoint, whatever it subscribes to, queued after commit."""
    now = timezone.now()
    event = _event(EventType.PING, endpoint.caf, now, {"endpoint": endpoint.name})
    event.save()
    delivery = Delivery.objects.create(event=event, endpoint=endpoint, next_attempt_at=now)
    enqueue_on_commit([delivery.pk])
    return delivery


def enqueue_on_commit(delivery_ids):
    # robust: the change is committed whatever the broker says; a task that cannot be
    # queued is logged and queued later by the sweep. A plain function, not a partial:
    # Django names the failing callback by its __qualname__, which a partial lacks.
    transaction.on_commit(lambda: enqueue(delivery_ids), robust=True)


def enqueue(delivery_ids):
    """Queue the delivery tasks; if the broker refuses, the sweep queues them later."""
    from .tasks import deliver

    for delivery_id in delivery_ids:
        deliver.delay(str(delivery_id))


# -- The domain's events ----------------------------------------------------------
# Their facts bear the API's names (api/serializers): an id is the one the API reads
# at its address, an amendment or a version is named by its number, as in the API.


def convention_facts(convention):
    return {
        "id": convention.pk,
        "reference": convention.reference,
        "title": convention.title,
        "territory_name": convention.territory_name,
        "state": convention.state,
        "start_date": convention.start_date.isoformat(),
        "end_date": convention.end_date.isoformat(),
        "signed_on": convention.signed_on.isoformat() if convention.signed_on else None,
    }


def convention_signed(convention):
    """The last signing person signed (or the convention was recorded as signed)."""
    emit(
        EventType.CONVENTION_SIGNED,
        convention.caf_id,
        lambda: {"convention": convention_facts(convention)},
    )


def version_frozen(convention, version):
    """The text was frozen for deliberation as this numbered version."""
    emit(
        EventType.VERSION_FROZEN,
        convention.caf_id,
        lambda: {
            "convention": convention_facts(convention),
            "version": {
                "number": version.number,
                "content_hash": version.content_hash,
                "frozen_at": version.frozen_at.isoformat(),
            },
        },
    )


def deliberation_recorded(convention, deliberation):
    """A party's deliberation (on the convention or one of its amendments) was recorded."""

    def facts():
        organisation = deliberation.party.organisation
        return {
            "convention": convention_facts(convention),
            "deliberation": {
                "id": deliberation.pk,
                "party": deliberation.party_id,
                "organisation": {
                    "id": organisation.pk,
                    "name": organisation.name,
                    "siren": organisation.siren,
                },
                "amendment": deliberation.amendment.number if deliberation.amendment else None,
                "version": deliberation.version.number if deliberation.version else None,
                "session_date": deliberation.session_date.isoformat(),
                "act_number": deliberation.act_number,
                "outcome": deliberation.outcome,
                "actes_id": deliberation.actes_id,
            },
        }

    emit(EventType.DELIBERATION_RECORDED, convention.caf_id, facts)


def _follow_up_facts(convention, entry):
    sheet = entry.action_sheet
    return {
        "convention": convention_facts(convention),
        "follow_up": {
            "id": entry.pk,
            "year": entry.year,
            "quarter": entry.quarter,
            "state": entry.state,
            "status": entry.status,
            "progress": entry.progress,
        },
        "action_sheet": {"id": sheet.pk, "number": sheet.number, "title": sheet.title},
    }


def follow_up_transmitted(entry):
    """A quarterly follow-up entry was handed to the Caf."""
    convention = entry.action_sheet.convention
    emit(
        EventType.FOLLOW_UP_TRANSMITTED,
        convention.caf_id,
        lambda: _follow_up_facts(convention, entry),
    )


def follow_ups_validated(convention, entries):
    """The Caf's adviser validated these entries of a convention (one event each)."""
    emit_each(
        EventType.FOLLOW_UP_VALIDATED,
        convention.caf_id,
        [partial(_follow_up_facts, convention, entry) for entry in entries],
    )
