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
    names = ", ".join(
        party.organisation.name
        for party in waiting.parties.filter(requires_deliberation=True).order_by("position")
    )
    assert f"CTG du Val d'Argent</a> : 2 parties ({names})" in page.replace("&#x27;", "'")
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


def test_home_pages_the_conventions_and_counts_states_in_the_database(client):
    """An administrator sees 1,300 conventions: the home shows them 25 at a time."""
    caf = ConventionFactory().caf
    for number in range(30):
        ConventionFactory(
            caf=caf,
            title=f"CTG {number:02d}",
            state="signed",
            start_date=datetime.date(2022, 1, 1),
            end_date=datetime.date(2026, 12, 31) + datetime.timedelta(days=number),
        )
    ConventionFactory(caf=caf, state="signed", start_date=datetime.date(2027, 1, 1))
    ConventionFactory(
        caf=caf,
        state="signed",
        start_date=datetime.date(2020, 1, 1),
        end_date=datetime.date(2024, 12, 31),
    )
    client.force_login(UserFactory(role=Role.ADMINISTRATOR, organisation=None))
    home = reverse("conventions:home")
    first = client.get(home).content.decode()
    table = first.split('id="titre-mes-conventions"')[1]
    assert "33 conventions" in table
    assert "Page 1 sur 2" in first
    # Nearest end first: the expired one, then CTG 00 ... the page stops at 25 rows.
    assert "CTG 00" in table and "CTG 23" in table and "CTG 24" not in table
    second = client.get(home, {"page": 2}).content.decode().split('id="titre-mes-conventions"')[1]
    assert "CTG 24" in second and "CTG 00" not in second
    counts = client.get(home).context["status_counts"]
    assert dict(counts) == {
        "En préparation": 1,
        "Signée, pas encore en vigueur": 1,
        "En vigueur": 30,
        "Échue": 1,
    }
    # Thirty conventions end within a year: ten are named, the others counted.
    assert "… et 20 autres conventions" in first
    assert client.get(home, {"page": "x"}).status_code == 200


def test_home_of_an_administrator_keeps_its_queries_with_many_cafs(
    client, django_assert_max_num_queries
):
    admin = UserFactory(role=Role.ADMINISTRATOR, organisation=None)
    frozen_convention()
    client.force_login(admin)
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("conventions:home"))
    for _ in range(30):
        frozen_convention()
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(reverse("conventions:home")).status_code == 200


def test_home_lists_are_kept_until_something_changes(client, django_assert_max_num_queries):
    waiting = frozen_convention(title="CTG du Val d'Argent")
    client.force_login(UserFactory(role=Role.ADVISER, organisation=waiting.caf))
    home = reverse("conventions:home")
    with django_assert_max_num_queries(40) as first:
        client.get(home)
    with django_assert_max_num_queries(len(first.captured_queries) - 5):
        page = client.get(home).content.decode()
    assert "CTG du Val d&#x27;Argent</a> : 2 parties" in page
    party = waiting.parties.filter(requires_deliberation=True).first()
    DeliberationFactory(party=party, version=waiting.current_version)
    page = client.get(home).content.decode()
    assert "CTG du Val d&#x27;Argent</a> : 1 partie" in page


def test_an_advisers_lists_stay_cached_when_another_caf_changes(
    client, django_assert_max_num_queries
):
    own = frozen_convention(title="CTG du Val d'Argent")
    other = frozen_convention(title="CTG de la Vallée")
    assert own.caf_id != other.caf_id
    client.force_login(UserFactory(role=Role.ADVISER, organisation=own.caf))
    home = reverse("conventions:home")
    with django_assert_max_num_queries(40) as first:
        client.get(home)
    # Another Caf's deliberation: this adviser's lists are still read from the cache.
    foreign = other.parties.filter(requires_deliberation=True).first()
    DeliberationFactory(party=foreign, version=other.current_version)
    with django_assert_max_num_queries(len(first.captured_queries) - 5):
        page = client.get(home).content.decode()
    assert "CTG du Val d&#x27;Argent</a> : 2 parties" in page
    # Their own Caf's: at once.
    party = own.parties.filter(requires_deliberation=True).first()
    DeliberationFactory(party=party, version=own.current_version)
    assert "CTG du Val d&#x27;Argent</a> : 1 partie" in client.get(home).content.decode()


def test_an_administrators_lists_follow_a_change_in_any_caf(client):
    waiting = frozen_convention(title="CTG du Val d'Argent")
    client.force_login(UserFactory(role=Role.ADMINISTRATOR, organisation=None))
    home = reverse("conventions:home")
    assert "CTG du Val d&#x27;Argent</a> : 2 parties" in client.get(home).content.decode()
    party = waiting.parties.filter(requires_deliberation=True).first()
    DeliberationFactory(party=party, version=waiting.current_version)
    assert "CTG du Val d&#x27;Argent</a> : 1 partie" in client.get(home).content.decode()
