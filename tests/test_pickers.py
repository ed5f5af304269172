"""Organisation pickers, French dates, checked placeholders and French order."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from conventions.creation import proposed_communes
from conventions.models import PartyRole
from conventions.snapshot import build_snapshot
from ctg.forms import DateField
from partners.collation import fold, french_sorted
from partners.models import Organisation, Role
from tests.factories import (
    ArticleFactory,
    ConventionFactory,
    DepartmentFactory,
    OrganisationFactory,
    PartyFactory,
    RepresentativeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

SEARCH = reverse("partners:search")


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False):
        yield


@pytest.fixture
def territory():
    """Pays de Montbéliard: an agglomeration, its communes, a neighbouring EPCI's commune
    and a commune of the Haut-Rhin with a similar name."""
    doubs = DepartmentFactory(code="25", name="Doubs")
    caf = OrganisationFactory(as_caf=True, name="Caf du Doubs", department=doubs)
    pma = OrganisationFactory(
        as_epci=True, epci_kind="CA", name="Pays de Montbéliard Agglomération", department=doubs
    )
    other_epci = OrganisationFactory(
        as_epci=True, name="CC des Deux Vallées Vertes", department=doubs
    )
    communes = {
        name: OrganisationFactory(name=name, epci=pma, department=doubs)
        for name in ("Valentigney", "Étupes", "Exincourt", "Audincourt", "Vieux-Charmont")
    }
    communes["Saint-Hippolyte"] = OrganisationFactory(
        name="Saint-Hippolyte", epci=other_epci, department=doubs
    )
    elsewhere = OrganisationFactory(name="Etupes-le-Haut", department=DepartmentFactory())
    return {
        "caf": caf,
        "pma": pma,
        "other_epci": other_epci,
        "communes": communes,
        "elsewhere": elsewhere,
    }


@pytest.fixture
def adviser(client, territory):
    user = UserFactory(role=Role.ADVISER, organisation=territory["caf"])
    client.force_login(user)
    return user


def names(response):
    return [row["name"] for row in response.json()["results"]]


# -- The search endpoint -----------------------------------------------------


def test_search_ignores_accents_and_case(client, adviser, territory):
    assert names(client.get(SEARCH, {"q": "ETUPES", "departement": "25"})) == ["Étupes"]
    assert names(client.get(SEARCH, {"q": "étupes"})) == ["Étupes", "Etupes-le-Haut"]
    assert names(client.get(SEARCH, {"q": "saint hippo"})) == ["Saint-Hippolyte"]


def test_search_answers_name_kind_department_and_siren(client, adviser, territory):
    etupes = territory["communes"]["Étupes"]
    [row] = client.get(SEARCH, {"q": "etupes", "departement": "25"}).json()["results"]
    assert row == {
        "id": etupes.pk,
        "name": "Étupes",
        "kind": "commune",
        "kind_label": "Commune",
        "department": "25 – Doubs",
        "siren": etupes.siren,
        "label": f"Étupes – Commune, 25, SIREN {etupes.siren}",
    }


def test_search_by_siren(client, adviser, territory):
    pma = territory["pma"]
    assert names(client.get(SEARCH, {"q": pma.siren})) == [pma.name]


def test_lead_authority_suggestions_show_epcis_first(client, adviser, territory):
    found = names(client.get(SEARCH, {"type": "epci,syndicate,commune", "departement": "25"}))
    assert found[:2] == ["CC des Deux Vallées Vertes", "Pays de Montbéliard Agglomération"]
    assert "Caf du Doubs" not in found
    assert "Etupes-le-Haut" not in found  # another département
    # Then the communes, in French order: "Étupes" among the E's.
    assert found[2:] == [
        "Audincourt",
        "Étupes",
        "Exincourt",
        "Saint-Hippolyte",
        "Valentigney",
        "Vieux-Charmont",
    ]


def test_party_suggestions_show_the_lead_members_first(client, adviser, territory):
    found = names(
        client.get(SEARCH, {"type": "commune", "departement": "25", "dans": territory["pma"].pk})
    )
    assert found[-1] == "Saint-Hippolyte"
    assert found[:-1] == ["Audincourt", "Étupes", "Exincourt", "Valentigney", "Vieux-Charmont"]


def test_names_starting_with_the_text_come_first(client, adviser, territory):
    OrganisationFactory(name="Charmont-sur-Barbuise", department=territory["caf"].department)
    found = names(client.get(SEARCH, {"q": "charmont", "departement": "25"}))
    assert found == ["Charmont-sur-Barbuise", "Vieux-Charmont"]


def test_search_returns_at_most_20_in_one_query(
    client, adviser, territory, django_assert_max_num_queries
):
    for number in range(30):
        OrganisationFactory(name=f"Commune test {number}", department=territory["caf"].department)
    # The session, the user, the search, and the savepoint around the request.
    with django_assert_max_num_queries(5):
        response = client.get(SEARCH, {"q": "commune test", "type": "commune"})
    assert len(response.json()["results"]) == 20


def test_bad_search_parameters_answer_400_in_french(client, adviser):
    response = client.get(SEARCH, {"type": "planete"})
    assert response.status_code == 400
    assert "inconnu" in response.json()["erreur"]
    assert client.get(SEARCH, {"dans": "abc"}).status_code == 400


def test_search_requires_login(client, territory):
    response = client.get(SEARCH, {"q": "etupes"})
    assert response.status_code == 302
    assert "/compte/login/" in response["Location"]


def test_search_is_get_only(client, adviser):
    assert client.post(SEARCH).status_code == 405


# -- The creation page ---------------------------------------------------------


def creation(territory, **overrides):
    return {
        "caf": territory["caf"].pk,
        "lead_authority": territory["pma"].pk,
        "start_date": "01/01/2027",
        "end_date": "31/12/2031",
    } | overrides


def test_creation_page_sends_only_the_chosen_lead_authority(client, adviser, territory):
    page = client.get(reverse("conventions:create")).content.decode()
    assert "Valentigney" not in page and "Pays de Montbéliard" not in page
    assert "data-organisation-picker" in page
    assert "type=epci%2Csyndicate%2Ccommune&amp;departement=25" in page
    # Back with an error elsewhere: the chosen one is shown, still alone.
    response = client.post(
        reverse("conventions:create"), creation(territory, end_date="pas une date")
    )
    page = response.content.decode()
    assert f'data-selected-id="{territory["pma"].pk}"' in page
    assert "Valentigney" not in page
    assert "Saisissez une date au format jj/mm/aaaa" in page


def test_without_script_the_lead_authority_is_typed_by_name_or_siren(client, adviser, territory):
    url = reverse("conventions:create")
    for typed in ("pays de montbeliard agglomeration", territory["pma"].siren):
        response = client.post(url, creation(territory, lead_authority=typed))
        assert response.context["form"].cleaned_data["lead_authority"] == territory["pma"]


def test_a_name_typed_wrong_is_answered_with_suggestions(client, adviser, territory):
    response = client.post(
        reverse("conventions:create"), creation(territory, lead_authority="Montbéliard")
    )
    error = response.context["form"].errors["lead_authority"][0]
    assert "Aucune organisation ne s'appelle « Montbéliard »" in error
    assert "Pays de Montbéliard Agglomération – Intercommunalité (EPCI), 25, SIREN" in error


def test_a_lead_authority_of_another_departement_is_refused(client, adviser, territory):
    response = client.post(
        reverse("conventions:create"),
        creation(territory, lead_authority=territory["elsewhere"].pk),
    )
    assert response.context["form"].errors["lead_authority"] == [
        "Cette organisation ne fait pas partie des choix possibles ici."
    ]


def test_dates_are_accepted_in_french_and_iso():
    field = DateField()
    assert field.clean("05/03/2027") == datetime.date(2027, 3, 5)
    assert field.clean("2027-03-05") == datetime.date(2027, 3, 5)
    with pytest.raises(Exception, match="jj/mm/aaaa"):
        field.clean("2027/13/45")


def test_date_fields_show_french_dates(client, adviser, territory):
    page = client.get(reverse("conventions:create")).content.decode()
    assert 'placeholder="jj/mm/aaaa"' in page
    assert 'type="date"' not in page
    response = client.post(
        reverse("conventions:create"),
        creation(territory, start_date="2027-01-01", end_date="31/12/2031"),
    )
    data = response.context["form"].cleaned_data
    assert (data["start_date"], data["end_date"]) == (
        datetime.date(2027, 1, 1),
        datetime.date(2031, 12, 31),
    )


def test_proposed_member_communes_follow_french_order(territory):
    assert [c.name for c in proposed_communes(territory["pma"])] == [
        "Audincourt",
        "Étupes",
        "Exincourt",
        "Valentigney",
        "Vieux-Charmont",
    ]


def test_french_sort_helper():
    assert french_sorted(["Vieux-Charmont", "Étupes", "exincourt", "Audincourt", "Eloie"]) == [
        "Audincourt",
        "Eloie",
        "Étupes",
        "exincourt",
        "Vieux-Charmont",
    ]
    assert fold("Œuvre d'Étupes") == "oeuvre d etupes"


def test_renaming_an_organisation_keeps_its_search_name(territory):
    etupes = territory["communes"]["Étupes"]
    etupes.name = "Étupes-Nouvelle"
    etupes.save(update_fields=["name"])
    assert Organisation.objects.matching("etupes nouvelle").get() == etupes
    Organisation.objects.bulk_update([Organisation(pk=etupes.pk, name="Écot")], ["name"])
    assert Organisation.objects.matching("ecot").get() == etupes


# -- Adding a party ----------------------------------------------------------


@pytest.fixture
def convention(territory):
    convention = ConventionFactory(caf=territory["caf"], lead_authority=territory["pma"])
    for organisation, role in (
        (convention.caf, PartyRole.CAF),
        (convention.lead_authority, PartyRole.LEAD),
    ):
        party = PartyFactory(convention=convention, organisation=organisation, role=role)
        party.signatories.set([RepresentativeFactory(organisation=organisation)])
    return convention


def test_party_picker_suggests_the_lead_members_and_accepts_a_typed_name(
    client, adviser, territory, convention
):
    url = reverse("conventions:parties", args=[convention.pk])
    page = client.get(url).content.decode()
    assert f"dans={territory['pma'].pk}" in page
    assert "Valentigney" not in page  # only suggested, never all sent
    response = client.post(url, {"organisation": "etupes", "role": PartyRole.CO_SIGNATORY})
    assert response.status_code == 302
    assert convention.parties.filter(organisation=territory["communes"]["Étupes"]).exists()


def test_an_existing_party_cannot_be_added_again(client, adviser, territory, convention):
    url = reverse("conventions:parties", args=[convention.pk])
    response = client.post(url, {"organisation": territory["pma"].pk, "role": "co_signatory"})
    assert response.status_code == 200
    assert response.context["form"].errors["organisation"]
    assert convention.parties.count() == 2


# -- Placeholders --------------------------------------------------------------


def read(client, name, convention):
    context = client.get(reverse(f"conventions:{name}", args=[convention.pk])).context
    version = context.get("read_version")
    return {"read_version": version or context["form"]["read_version"].value()}


def test_an_unknown_placeholder_in_an_article_is_refused_with_the_known_ones(
    client, adviser, convention
):
    article = ArticleFactory(convention=convention, number=1, title="Objet")
    data = {
        "articles-TOTAL_FORMS": 1,
        "articles-INITIAL_FORMS": 1,
        "articles-MIN_NUM_FORMS": 0,
        "articles-MAX_NUM_FORMS": 1000,
        "articles-0-id": article.pk,
        "articles-0-number": 1,
        "articles-0-title": "Objet",
        "articles-0-body": "Entre {caf} et {commune_signataire}.",
    } | read(client, "edit_articles", convention)
    response = client.post(reverse("conventions:edit_articles", args=[convention.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Variables inconnues : {commune_signataire}" in page
    assert "{collectivite_chef_de_file}" in page  # the known ones are listed
    article.refresh_from_db()
    assert "{commune_signataire}" not in article.body


def test_an_unknown_placeholder_in_the_preamble_is_refused(client, adviser, convention):
    data = {
        "title": convention.title,
        "territory_name": convention.territory_name,
        "preamble": "La {caf} et {partenaire} s'engagent.",
        "originals_count": 2,
        "secrecy_min_recipients": 100,
        "secrecy_min_value": 5,
    } | read(client, "edit_general", convention)
    response = client.post(reverse("conventions:edit_general", args=[convention.pk]), data)
    assert response.status_code == 200
    assert "Variables inconnues : {partenaire}" in response.context["form"].errors["preamble"][0]
    convention.refresh_from_db()
    assert convention.preamble == ""


def test_known_placeholders_are_filled_in_the_frozen_text(convention):
    ArticleFactory(convention=convention, number=1, body="Pour la période {periode}.")
    snapshot = build_snapshot(convention)
    assert snapshot["articles"][0]["body"] == "Pour la période 2026-2030."


@pytest.mark.parametrize("typed", ["²³", "12345678901234567890", "Montb\x00liard", "x" * 500])
def test_odd_input_in_the_picker_is_answered_at_the_field(client, adviser, territory, typed):
    response = client.post(reverse("conventions:create"), creation(territory, lead_authority=typed))
    assert response.status_code == 200
    assert response.context["form"].errors["lead_authority"]
    assert client.get(SEARCH, {"q": typed, "departement": typed}).status_code == 200


def test_equipment_holders_are_offered_in_french_order_with_their_details(
    client, adviser, territory, convention
):
    for name in ("Valentigney", "Étupes", "Audincourt"):
        PartyFactory(convention=convention, organisation=territory["communes"][name])
    response = client.get(reverse("conventions:edit_equipment", args=[convention.pk]))
    field = response.context["new"]["organisation"]
    labels = [label for value, label in field.field.choices if value]
    communes = territory["communes"]
    assert labels == [
        f"Audincourt – Commune, 25, SIREN {communes['Audincourt'].siren}",
        "Caf du Doubs – Caf, 25",
        f"Étupes – Commune, 25, SIREN {communes['Étupes'].siren}",
        "Pays de Montbéliard Agglomération – Intercommunalité (EPCI), 25, SIREN "
        f"{territory['pma'].siren}",
        f"Valentigney – Commune, 25, SIREN {communes['Valentigney'].siren}",
    ]
    assert "data-picker" in str(field)
