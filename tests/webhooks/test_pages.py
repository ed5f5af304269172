"""An endpoint that fails, hangs or cannot be queued never breaks the person's action:
the page answers as usual, the change is saved, the delivery waits for its retry."""

import datetime

import pytest
import time_machine
from django.urls import reverse
from kombu.exceptions import OperationalError

from conventions import lifecycle
from conventions.models import ConventionState, Deliberation, PartyRole
from partners.models import Role
from tests.factories import (
    ArticleFactory,
    ConventionFactory,
    OrganisationFactory,
    PartyFactory,
    RepresentativeFactory,
    UserFactory,
)
from tests.followup_setup import TODAY, entry_data, signed_convention
from tests.webhooks.factories import EndpointFactory
from tests.webhooks.receiver import Receiver
from webhooks import tasks
from webhooks.models import Attempt, Delivery, DeliveryState, Event, EventType


def draft_convention():
    convention = ConventionFactory(
        start_date=datetime.date(2027, 1, 1), end_date=datetime.date(2031, 12, 31)
    )
    for organisation, role in [
        (convention.caf, PartyRole.CAF),
        (convention.lead_authority, PartyRole.LEAD),
        (OrganisationFactory(name="Valentigney", siren="212505804"), PartyRole.CO_SIGNATORY),
    ]:
        party = PartyFactory(convention=convention, organisation=organisation, role=role)
        party.signatories.set([RepresentativeFactory(organisation=organisation)])
    ArticleFactory(convention=convention)
    return convention


def freeze_page(client, convention):
    client.force_login(UserFactory(role=Role.ADVISER, organisation=convention.caf))
    return client.post(reverse("conventions:transition", args=[convention.pk, "figer"]))


@pytest.mark.django_db(transaction=True)
def test_an_endpoint_answering_500_does_not_break_freezing(client, settings):
    """Without a broker the task runs in the request, after the commit: the page still
    answers, the attempt is recorded and the delivery waits for its next attempt."""
    convention = draft_convention()
    with Receiver(statuses=[500]) as receiver:
        EndpointFactory(caf=convention.caf, url=receiver.url)
        response = freeze_page(client, convention)
    assert response.status_code == 302
    convention.refresh_from_db()
    assert convention.state == ConventionState.IN_DELIBERATION
    sent = Delivery.objects.get()
    assert (sent.state, sent.attempts, sent.last_status_code) == ("pending", 1, 500)
    assert len(receiver.received) == 1


@pytest.mark.django_db(transaction=True)
def test_an_endpoint_that_hangs_costs_the_page_its_timeout_at_most(client, settings):
    settings.WEBHOOK_TIMEOUT = 0.5
    convention = draft_convention()
    with Receiver(delay=3) as receiver:
        EndpointFactory(caf=convention.caf, url=receiver.url)
        response = freeze_page(client, convention)
    assert response.status_code == 302
    attempt = Attempt.objects.get()
    assert "délai dépassé" in attempt.error
    assert attempt.duration_ms < 2000


@pytest.mark.django_db(transaction=True)
def test_a_broker_refusing_the_task_does_not_break_the_page(client, monkeypatch, caplog):
    def broker_down(*args, **kwargs):
        raise OperationalError("Error 111 connecting to redis:6379. Connection refused.")

    monkeypatch.setattr(tasks.deliver, "delay", broker_down)
    convention = draft_convention()
    EndpointFactory(caf=convention.caf)
    response = freeze_page(client, convention)
    assert response.status_code == 302
    convention.refresh_from_db()
    assert convention.state == ConventionState.IN_DELIBERATION
    # Committed with the change: the sweep queues it once the broker is back.
    assert Delivery.objects.get().state == DeliveryState.PENDING
    assert "on_commit" in caplog.text


@pytest.mark.django_db
def test_recording_a_deliberation_on_the_page_emits_it_once(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    sent = []
    monkeypatch.setattr(tasks.deliver, "delay", sent.append)
    convention = draft_convention()
    EndpointFactory(caf=convention.caf, events=[EventType.DELIBERATION_RECORDED])
    lifecycle.freeze(convention)
    party = convention.parties.get(organisation__name="Valentigney")
    client.force_login(UserFactory(role=Role.COOPERATION, organisation=party.organisation))
    url = reverse("conventions:deliberation_create", args=[convention.pk, party.pk])
    data = {
        "body": "municipal_council",
        "session_date": "2026-04-05",
        "act_number": "2026-32",
        "subject": "Convention territoriale globale – signature",
        "members_in_office": 33,
        "present": 27,
        "proxies": 4,
        "votes_cast": 31,
        "votes_for": 31,
        "votes_against": 0,
        "abstentions": 0,
        "outcome": "adopted_unanimously",
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302
    deliberation = Deliberation.objects.get()
    event = Event.objects.get()
    facts = event.payload["data"]["deliberation"]
    assert event.event_type == EventType.DELIBERATION_RECORDED
    assert facts["id"] == deliberation.pk
    assert facts["organisation"] == {
        "id": party.organisation_id,
        "name": "Valentigney",
        "siren": "212505804",
    }
    assert (facts["act_number"], facts["version"], facts["amendment"]) == ("2026-32", 1, None)
    assert sent == [str(Delivery.objects.get().pk)]


@pytest.mark.django_db(transaction=True)
def test_a_failing_endpoint_does_not_break_the_follow_up_transmission(client):
    with time_machine.travel(TODAY, tick=False):
        setting = signed_convention(sheets=1)
        entry = setting.entries[(1, 2026, 2)]
        with Receiver() as receiver:
            url = receiver.url
        EndpointFactory(caf=setting.convention.caf, url=url)  # nobody listens there any more
        client.force_login(setting.users["cooperation"])
        prefix = f"suivi-{entry.pk}-"
        data = {f"{prefix}{name}": value for name, value in entry_data().items()}
        data[f"{prefix}revision"] = entry.revision
        for indicator in entry.action_sheet.indicators.all():
            data[f"{prefix}indicateur_{indicator.pk}"] = ""
        page = reverse("actionplan:followup", args=[setting.convention.pk, 2026, 2])
        response = client.post(page, {**data, "transmettre": "tout"})
    assert response.status_code == 302
    entry.refresh_from_db()
    assert entry.state == "submitted"
    attempt = Attempt.objects.get()
    assert attempt.error.startswith("Connexion impossible")
