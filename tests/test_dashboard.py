import datetime

import pytest
import time_machine
from django.urls import reverse

from actionplan.models import FollowUp, Meeting
from conventions import lifecycle
from conventions.models import PartyRole
from partners.models import Role
from tests.factories import (
    ActionSheetFactory,
    ArticleFactory,
    AxisFactory,
    ConventionFactory,
    DeliberationFactory,
    PartyFactory,
    RepresentativeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False):
        yield


def frozen_convention(caf=None, communes=2, **kwargs):
    convention = ConventionFactory(**({"caf": caf} if caf else {}), **kwargs)
    caf_party = PartyFactory(
        convention=convention,
        organisation=convention.caf,
        role=PartyRole.CAF,
        requires_deliberation=False,
    )
    caf_party.signatories.set([RepresentativeFactory(organisation=convention.caf)])
    for _ in range(communes):
        party = PartyFactory(convention=convention)
        party.signatories.set([RepresentativeFactory(organisation=party.organisation)])
    ArticleFactory(convention=convention)
    lifecycle.freeze(convention)
    return convention


def test_adviser_sees_missing_deliberations_and_pending_signatures(client):
    waiting = frozen_convention(title="CTG du Val d'Argent")
    adviser = UserFactory(role=Role.ADVISER, organisation=waiting.caf)
    signing = frozen_convention(caf=waiting.caf, communes=1, title="CTG de la Vallée")
    for party in signing.parties.filter(requires_deliberation=True):
        DeliberationFactory(party=party, version=signing.current_version)
    lifecycle.start_signing(signing)
    client.force_login(adviser)
    page = client.get(reverse("conventions:home")).content.decode()
    assert "CTG du Val d&#x27;Argent</a> : 2 parties" in page
    assert "CTG de la Vallée</a> : 0 signature sur 2" in page


def test_late_follow_up_and_ending_conventions_are_listed(client):
    convention = ConventionFactory(
        title="CTG de Pays de Montbéliard Agglomération",
        state="signed",
        start_date=datetime.date(2023, 1, 1),
        end_date=datetime.date(2027, 6, 30),
    )
    sheet = ActionSheetFactory(axis=AxisFactory(convention=convention))
    FollowUp.objects.create(action_sheet=sheet, year=2026, quarter=3)
    FollowUp.objects.create(action_sheet=sheet, year=2026, quarter=4)  # current: not late
    Meeting.objects.create(convention=convention, kind="copil", date=datetime.date(2026, 12, 8))
    client.force_login(UserFactory(role=Role.ADVISER, organisation=convention.caf))
    page = client.get(reverse("conventions:home")).content.decode()
    assert "1 fiche non transmise" in page
    assert "fin le 30 juin 2027" in page
    assert "8 décembre 2026 – Comité de pilotage" in page


def test_cooperation_officer_sees_their_deliberation_to_record(client):
    convention = frozen_convention(title="CTG du Val d'Argent")
    commune = convention.parties.filter(role=PartyRole.CO_SIGNATORY).first().organisation
    client.force_login(UserFactory(role=Role.COOPERATION, organisation=commune))
    page = client.get(reverse("conventions:home")).content.decode()
    assert "Délibération de votre conseil attendue" in page


def test_dashboard_query_count_is_constant(client, django_assert_max_num_queries):
    first = frozen_convention()
    adviser = UserFactory(role=Role.ADVISER, organisation=first.caf)
    client.force_login(adviser)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("conventions:home"))
    for _ in range(50):
        frozen_convention(caf=first.caf, communes=3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("conventions:home"))
    assert response.status_code == 200
