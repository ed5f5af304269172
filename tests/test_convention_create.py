import datetime

import pytest
import time_machine
from django.urls import reverse

from conventions.models import Convention, ConventionTemplate, PartyRole, TemplateArticle
from partners.models import Role
from tests.factories import OrganisationFactory, RepresentativeFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False):
        yield


@pytest.fixture
def territory():
    caf = OrganisationFactory(as_caf=True, name="Caf du Haut-Rhin", city="Mulhouse")
    RepresentativeFactory(
        organisation=caf,
        civility="M",
        first_name="Luc",
        last_name="CHERVY",
        role_title="Président du Conseil d'Administration",
    )
    RepresentativeFactory(
        organisation=caf,
        civility="M",
        first_name="Lionel",
        last_name="KOENIG",
        role_title="Directeur",
    )
    epci = OrganisationFactory(as_epci=True, name="CC de la Vallée de Kaysersberg")
    communes = [
        OrganisationFactory(name=name, epci=epci) for name in ("Kaysersberg", "Orbey", "Lapoutroie")
    ]
    RepresentativeFactory(organisation=communes[0], first_name="Pascale", last_name="SCHMIDIGER")
    RepresentativeFactory(
        organisation=communes[1],
        first_name="Ancien",
        last_name="MAIRE",
        mandate_end=datetime.date(2026, 3, 21),
    )
    template = ConventionTemplate.objects.create(name="Modèle Caf du Haut-Rhin", caf=caf)
    TemplateArticle.objects.create(
        template=template,
        number=1,
        title="Objet de la convention territoriale globale",
        body="Entre {caf} et {territoire}, pour la période {periode}.",
    )
    return {"caf": caf, "epci": epci, "communes": communes, "template": template}


def step_one(territory):
    return {
        "caf": territory["caf"].pk,
        "lead_authority": territory["epci"].pk,
        "template": territory["template"].pk,
        "start_date": "2027-01-01",
        "end_date": "2031-12-31",
    }


def test_adviser_creates_a_convention_with_proposed_member_communes(client, territory):
    client.force_login(UserFactory(role=Role.ADVISER, organisation=territory["caf"]))
    form = client.get(reverse("conventions:create")).content.decode()
    assert 'value="01/01/2027"' in form  # 1 January next year, for five years
    assert 'value="31/12/2031"' in form
    proposal = client.post(reverse("conventions:create"), step_one(territory))
    page = proposal.content.decode()
    assert "Kaysersberg : Madame Pascale SCHMIDIGER, Maire" in page
    assert "Orbey : " in page and "aucun représentant enregistré" in page
    data = step_one(territory) | {
        "confirm": "1",
        "communes": [territory["communes"][0].pk, territory["communes"][1].pk],
    }
    response = client.post(reverse("conventions:create"), data)
    convention = Convention.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("conventions:detail", args=[convention.pk])
    assert convention.reference == "cc-de-la-vallee-de-kaysersberg-2027-2031"
    roles = list(convention.parties.order_by("position").values_list("role", flat=True))
    assert roles == [PartyRole.CAF, PartyRole.LEAD, PartyRole.CO_SIGNATORY, PartyRole.CO_SIGNATORY]
    caf_party = convention.parties.get(role=PartyRole.CAF)
    assert caf_party.signatories.count() == 2
    assert not caf_party.requires_deliberation
    article = convention.articles.get()
    assert article.body == (
        "Entre la Caf du Haut-Rhin et Communauté de communes de la Vallée de Kaysersberg, "
        "pour la période 2027-2031."
    )
    assert convention.signing_place == "Mulhouse"


def test_period_errors_are_shown_at_the_field(client, territory):
    client.force_login(UserFactory(role=Role.ADVISER, organisation=territory["caf"]))
    data = step_one(territory) | {"end_date": "2026-12-31"}
    page = client.post(reverse("conventions:create"), data).content.decode()
    assert "La date de fin doit être postérieure à la date de début." in page
    assert not Convention.objects.exists()


def test_adviser_cannot_pick_another_caf(client, territory):
    other_caf = OrganisationFactory(as_caf=True, name="Caf du Doubs")
    client.force_login(UserFactory(role=Role.ADVISER, organisation=territory["caf"]))
    data = step_one(territory) | {"caf": other_caf.pk}
    page = client.post(reverse("conventions:create"), data).content.decode()
    assert "Sélectionnez un choix valide" in page
    assert not Convention.objects.exists()


@pytest.mark.parametrize("role", [Role.COOPERATION, Role.READER])
def test_only_advisers_create_conventions(client, territory, role):
    client.force_login(UserFactory(role=role, organisation=territory["epci"]))
    assert client.get(reverse("conventions:create")).status_code == 403
    assert client.post(reverse("conventions:create"), step_one(territory)).status_code == 403


def test_title_names_the_territory_as_documents_do(client, territory):
    client.force_login(UserFactory(role=Role.ADVISER, organisation=territory["caf"]))
    client.post(reverse("conventions:create"), step_one(territory) | {"confirm": "1"})
    assert Convention.objects.get().title == (
        "Convention territoriale globale de la Communauté de communes de la Vallée de "
        "Kaysersberg 2027-2031"
    )


def test_no_member_commune_is_ticked_by_default(client, territory):
    client.force_login(UserFactory(role=Role.ADVISER, organisation=territory["caf"]))
    page = client.post(reverse("conventions:create"), step_one(territory)).content.decode()
    assert "Toutes les communes membres" in page
    assert "checked" not in page


@pytest.mark.parametrize(("scope", "expected"), [("all", 3), ("none", 0)])
def test_all_or_none_of_the_member_communes_in_one_click(client, territory, scope, expected):
    client.force_login(UserFactory(role=Role.ADVISER, organisation=territory["caf"]))
    data = step_one(territory) | {"confirm": "1", "scope": scope}
    assert client.post(reverse("conventions:create"), data).status_code == 302
    convention = Convention.objects.get()
    assert convention.parties.filter(role=PartyRole.CO_SIGNATORY).count() == expected


def test_a_choice_that_contradicts_the_ticks_is_explained_and_nothing_created(client, territory):
    client.force_login(UserFactory(role=Role.ADVISER, organisation=territory["caf"]))
    some = step_one(territory) | {"confirm": "1", "scope": "some"}
    page = client.post(reverse("conventions:create"), some).content.decode()
    assert "Cochez au moins une commune, ou choisissez « Aucune »." in page
    none = some | {"scope": "none", "communes": [territory["communes"][0].pk]}
    page = client.post(reverse("conventions:create"), none).content.decode()
    assert "Vous avez choisi « Aucune » et coché des communes" in page
    assert not Convention.objects.exists()


def test_the_parties_step_of_a_large_epci_keeps_its_query_count(
    client, territory, django_assert_max_num_queries
):
    client.force_login(UserFactory(role=Role.ADVISER, organisation=territory["caf"]))
    url = reverse("conventions:create")
    with django_assert_max_num_queries(30) as small:
        client.post(url, step_one(territory))
    for number in range(30):
        commune = OrganisationFactory(name=f"Commune {number}", epci=territory["epci"])
        RepresentativeFactory(organisation=commune)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = client.post(url, step_one(territory)).content.decode()
    assert "Commune 29" in page
