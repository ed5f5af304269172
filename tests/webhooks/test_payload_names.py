"""An event's facts bear the API's names: a receiver reads `territory_name`, `party`,
`amendment` (a number) and `version` (a number) in a webhook as at the API's addresses,
and every id it is given opens at an API address."""

import pytest

from api.serializers.conventions import ConventionSerializer, DeliberationSerializer
from conventions.models import Amendment
from tests.factories import ConventionFactory, DeliberationFactory, PartyFactory
from tests.webhooks.factories import EndpointFactory
from webhooks import events
from webhooks.models import Event

pytestmark = pytest.mark.django_db


def test_the_facts_of_a_deliberation_are_named_as_in_the_api(monkeypatch):
    monkeypatch.setattr(events, "enqueue", lambda ids: None)
    convention = ConventionFactory()
    EndpointFactory(caf=convention.caf)
    party = PartyFactory(convention=convention)
    amendment = Amendment.objects.create(convention=convention, number=2, subject="Avenant")
    deliberation = DeliberationFactory(party=party, amendment=amendment)

    events.deliberation_recorded(convention, deliberation)

    data = Event.objects.get().payload["data"]
    assert set(data["convention"]) <= set(ConventionSerializer.Meta.fields)
    assert data["convention"]["territory_name"] == convention.territory_name
    facts = data["deliberation"]
    assert set(facts) - {"organisation"} <= set(DeliberationSerializer.Meta.fields)
    assert (facts["party"], facts["amendment"], facts["version"]) == (party.pk, 2, None)
