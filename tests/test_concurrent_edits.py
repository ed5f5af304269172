"""Simultaneous changes on PostgreSQL: one wins, the others get a French refusal."""

import threading

import pytest
from django.db import connection, connections

from conventions import lifecycle
from conventions.models import Party, PartyRole
from conventions.parties import add_party
from tests.factories import (
    ArticleFactory,
    ConventionFactory,
    OrganisationFactory,
    PartyFactory,
    RepresentativeFactory,
    caf_party,
)

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://...")


def _at_once(count, action):
    start = threading.Barrier(count)
    outcomes = []

    def run(index):
        try:
            start.wait(timeout=10)
            action(index)
            outcomes.append("ok")
        except lifecycle.LifecycleError as error:
            outcomes.append(str(error))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    return outcomes


def test_four_simultaneous_adds_of_one_party_add_it_once(postgres):
    convention = ConventionFactory()
    caf_party(convention)
    commune = OrganisationFactory(name="Sainte-Croix-aux-Mines")

    outcomes = _at_once(
        4,
        lambda _index: add_party(convention, organisation=commune, role=PartyRole.CO_SIGNATORY),
    )

    assert outcomes.count("ok") == 1
    assert sorted(outcomes)[:3] == ["Sainte-Croix-aux-Mines est déjà partie à la convention."] * 3
    assert Party.objects.filter(convention=convention, organisation=commune).count() == 1


def test_a_party_added_while_the_text_is_frozen_is_refused(postgres):
    convention = ConventionFactory()
    caf_party(convention)
    lead = PartyFactory(
        convention=convention, organisation=convention.lead_authority, role=PartyRole.LEAD
    )
    lead.signatories.set([RepresentativeFactory(organisation=lead.organisation)])
    ArticleFactory(convention=convention)
    commune = OrganisationFactory(name="Lièpvre")
    RepresentativeFactory(organisation=commune)

    def act(index):
        if index == 0:
            lifecycle.freeze(convention)
        else:
            add_party(convention, organisation=commune, role=PartyRole.CO_SIGNATORY)

    outcomes = _at_once(2, act)

    convention.refresh_from_db()
    added = Party.objects.filter(convention=convention, organisation=commune).exists()
    # Either the party came first and is in the frozen text, or it was refused.
    assert convention.current_version is not None, outcomes
    assert not added or commune.name in str(convention.current_version.content)
