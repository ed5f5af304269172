import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from conventions import lifecycle
from conventions.models import ConventionVersion, Outcome, PartyRole
from partners.models import Role
from tests.factories import (
    ArticleFactory,
    ConventionFactory,
    DeliberationFactory,
    PartyFactory,
    RepresentativeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def convention_with_parties(count):
    convention = ConventionFactory()
    PartyFactory(convention=convention, organisation=convention.caf, role=PartyRole.CAF)
    for _ in range(count - 1):
        party = PartyFactory(convention=convention)
        party.signatories.set([RepresentativeFactory(organisation=party.organisation)])
        DeliberationFactory(party=party)
    ArticleFactory(convention=convention)
    return convention


@pytest.fixture
def adviser_of():
    def make(convention):
        return UserFactory(role=Role.ADVISER, organisation=convention.caf)

    return make


def test_detail_page_shows_parties_and_deliberations(client, adviser_of):
    convention = convention_with_parties(4)
    client.force_login(adviser_of(convention))
    response = client.get(reverse("conventions:detail", args=[convention.pk]))
    assert response.status_code == 200
    page = response.content.decode()
    for party in convention.parties.select_related("organisation"):
        assert str(party.organisation) in page
    assert "2023-32" in page


def test_detail_page_names_each_partys_signatories_and_counts_the_expected_signatures(
    client, adviser_of
):
    convention = convention_with_parties(3)
    caf = convention.parties.get(role=PartyRole.CAF)
    client.force_login(adviser_of(convention))
    page = client.get(reverse("conventions:detail", args=[convention.pk])).content.decode()
    for party in convention.parties.exclude(pk=caf.pk):
        representative = party.signatories.get()
        assert f"{representative.full_name}, {representative.role_title}" in page
    # The Caf's party has no signatory yet: to be named.
    assert page.count("à désigner") == 1
    assert "0 signature sur 2 attendues." in page
    assert page.count("2023-32") == 2  # each party's deliberation


def test_detail_page_query_count_does_not_grow_with_parties(
    client, adviser_of, django_assert_max_num_queries
):
    small = convention_with_parties(3)
    large = convention_with_parties(37)
    client.force_login(adviser_of(small))
    with django_assert_max_num_queries(19) as small_queries:
        client.get(reverse("conventions:detail", args=[small.pk]))
    client.force_login(adviser_of(large))
    with django_assert_max_num_queries(len(small_queries.captured_queries)):
        response = client.get(reverse("conventions:detail", args=[large.pk]))
    assert response.status_code == 200


@pytest.fixture
def in_deliberation():
    """A convention deliberated on since its second version: the Caf has not deliberated
    yet, the lead authority adopted the current text, one co-signatory adopted the first
    text only, another rejected the current one; a partner and a co-signatory that need no
    deliberation complete it."""
    convention = ConventionFactory(state="in_deliberation")
    first, current = (
        ConventionVersion.objects.create(
            convention=convention,
            number=number,
            content={},
            content_hash=str(number) * 64,
            frozen_at=timezone.now(),
        )
        for number in (1, 2)
    )
    parties = {
        "caf": PartyFactory(convention=convention, organisation=convention.caf, role=PartyRole.CAF),
        "lead": PartyFactory(convention=convention, role=PartyRole.LEAD),
        "first_text": PartyFactory(convention=convention),
        "rejected": PartyFactory(convention=convention),
        "partner": PartyFactory(convention=convention, role=PartyRole.PARTNER),
        "no_vote": PartyFactory(convention=convention, requires_deliberation=False),
    }
    DeliberationFactory(party=parties["lead"], version=current, act_number="D-lead")
    DeliberationFactory(party=parties["first_text"], version=first, act_number="D-first")
    DeliberationFactory(
        party=parties["rejected"],
        version=current,
        act_number="D-rejected",
        outcome=Outcome.REJECTED,
    )
    return convention, parties


def test_detail_page_lists_the_parties_missing_a_deliberation_as_the_lifecycle_does(
    client, adviser_of, in_deliberation
):
    convention, parties = in_deliberation
    client.force_login(adviser_of(convention))
    response = client.get(reverse("conventions:detail", args=[convention.pk]))
    missing = [party.pk for party in response.context["missing_deliberation"]]
    assert missing == [p.pk for p in lifecycle.parties_missing_deliberation(convention)]
    assert missing == [parties[name].pk for name in ("caf", "first_text", "rejected")]
    page = response.content.decode()
    assert "Délibération adoptée manquante pour 3 parties" in page
    assert page.count("enregistrer la délibération") == 3
    assert page.count("ancienne version") == 1


def test_detail_page_links_the_deliberations_each_person_may_correct(client, in_deliberation):
    convention, parties = in_deliberation
    chargee = UserFactory(role=Role.COOPERATION, organisation=parties["rejected"].organisation)
    client.force_login(chargee)
    page = client.get(reverse("conventions:detail", args=[convention.pk])).content.decode()
    rejected = parties["rejected"].deliberations.get()
    edit = reverse(
        "conventions:deliberation_edit", args=[convention.pk, parties["rejected"].pk, rejected.pk]
    )
    assert page.count("corriger la délibération") == 1
    assert f'<a href="{edit}">D-rejected<span' in page
    create = reverse(
        "conventions:deliberation_create", args=[convention.pk, parties["rejected"].pk]
    )
    assert page.count("enregistrer la délibération") == 1
    assert f'href="{create}"' in page
    for party in parties.values():
        for deliberation in party.deliberations.all():
            detail = reverse("conventions:deliberation", args=[convention.pk, deliberation.pk])
            assert f'<a href="{detail}">05/04/2023' in page


def test_outsider_gets_404_on_a_guessed_id(client, adviser_of):
    convention = convention_with_parties(2)
    other = ConventionFactory()
    client.force_login(adviser_of(other))
    assert client.get(reverse("conventions:detail", args=[convention.pk])).status_code == 404


def test_list_filters_by_status_and_query_count_is_constant(client, django_assert_max_num_queries):
    caf_convention = ConventionFactory(title="CTG du Val d'Argent 2026-2030")
    adviser = UserFactory(role=Role.ADVISER, organisation=caf_convention.caf)
    for index in range(50):
        ConventionFactory(
            caf=caf_convention.caf,
            title=f"CTG numéro {index}",
            start_date=datetime.date(2023, 1, 1),
            end_date=datetime.date(2027, 12, 31),
            state="signed",
        )
    client.force_login(adviser)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("conventions:list"))
    assert response.status_code == 200
    assert "51 conventions" in response.content.decode()
    response = client.get(reverse("conventions:list"), {"status": "draft"})
    assert "1 convention" in response.content.decode()
    assert "CTG du Val d&#x27;Argent 2026-2030" in response.content.decode()
    response = client.get(reverse("conventions:list"), {"q": "Argent"})
    assert "1 convention" in response.content.decode()


def test_list_counts_parties_of_each_row_and_finds_a_party_without_accents(client):
    caf_convention = convention_with_parties(3)
    caf = caf_convention.caf
    other = convention_with_parties(1)
    other.caf = caf
    other.save()
    commune = caf_convention.parties.filter(role=PartyRole.CO_SIGNATORY).first().organisation
    commune.name = "Lièpvre"
    commune.save()
    client.force_login(UserFactory(role=Role.ADVISER, organisation=caf))
    rows = {c.pk: c.party_count for c in client.get(reverse("conventions:list")).context["page"]}
    assert rows == {caf_convention.pk: 3, other.pk: 1}
    found = client.get(reverse("conventions:list"), {"q": "liepvre"}).context["page"]
    assert [c.pk for c in found] == [caf_convention.pk]
    # Every word must match, each in any of the searched places.
    both = client.get(reverse("conventions:list"), {"q": f"liepvre {caf_convention.reference}"})
    assert [c.pk for c in both.context["page"]] == [caf_convention.pk]
    assert not client.get(reverse("conventions:list"), {"q": "liepvre zzz"}).context["page"]


def test_detail_page_leaves_the_frozen_texts_in_the_database(client, adviser_of):
    """A frozen version holds tens of KB of JSON: the detail page shows its number, not it."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from conventions import lifecycle

    convention = convention_with_parties(5)
    caf = convention.parties.get(role=PartyRole.CAF)
    caf.signatories.set([RepresentativeFactory(organisation=caf.organisation)])
    lifecycle.freeze(convention)
    for party in convention.parties.exclude(role=PartyRole.CAF):
        DeliberationFactory(party=party, version=convention.current_version)
    client.force_login(adviser_of(convention))
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("conventions:detail", args=[convention.pk]))
    assert response.status_code == 200
    assert "version 1" in response.content.decode().lower()
    column = '"conventions_conventionversion"."content"'
    assert [q["sql"] for q in queries if column in q["sql"]] == []


def test_list_filters_keep_the_choices_and_show_a_bad_year_at_its_field(client):
    convention = ConventionFactory(state="draft")
    client.force_login(UserFactory(role=Role.ADVISER, organisation=convention.caf))
    response = client.get(
        reverse("conventions:list"), {"status": "draft", "caf": convention.caf_id, "year": "deux"}
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert '<option value="draft" selected>En préparation</option>' in page
    assert f'<option value="{convention.caf_id}" selected>{convention.caf}</option>' in page
    assert '<label for="id_year" class="form-label">Période couvrant l&#x27;année</label>' in page
    assert 'aria-describedby="id_year_error" aria-invalid="true" id="id_year"' in page
    assert '<div id="id_year_error" class="invalid-feedback">' in page
    assert "Saisissez un nombre." in page
