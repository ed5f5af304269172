import pytest
from django.urls import reverse

from conventions import lifecycle
from conventions.models import PartyRole
from partners.models import Representative, Role
from tests.factories import (
    ArticleFactory,
    ConventionFactory,
    OrganisationFactory,
    PartyFactory,
    RepresentativeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def convention():
    convention = ConventionFactory()
    caf = PartyFactory(
        convention=convention, organisation=convention.caf, role=PartyRole.CAF, position=0
    )
    caf.signatories.set([RepresentativeFactory(organisation=convention.caf)])
    lead = PartyFactory(
        convention=convention,
        organisation=convention.lead_authority,
        role=PartyRole.LEAD,
        position=1,
    )
    lead.signatories.set([RepresentativeFactory(organisation=convention.lead_authority)])
    for position, name in enumerate(("Lièpvre", "Rombach-le-Franc"), start=2):
        commune = OrganisationFactory(name=name)
        party = PartyFactory(convention=convention, organisation=commune, position=position)
        party.signatories.set([RepresentativeFactory(organisation=commune)])
    ArticleFactory(convention=convention)
    return convention


@pytest.fixture
def adviser(convention, client):
    user = UserFactory(role=Role.ADVISER, organisation=convention.caf)
    client.force_login(user)
    return user


def names(convention):
    return [p.organisation.name for p in convention.parties.order_by("position")]


def test_adviser_reorders_parties(client, convention, adviser):
    rombach = convention.parties.get(organisation__name="Rombach-le-Franc")
    url = reverse("conventions:party_move", args=[convention.pk, rombach.pk])
    client.post(url, {"direction": "up"})
    assert names(convention)[2:] == ["Rombach-le-Franc", "Lièpvre"]
    moved = rombach.history.latest()
    assert (moved.position, moved.history_change_reason) == (2, "Ordre des parties modifié")
    assert moved.history_user == adviser


def test_adviser_adds_and_removes_a_party(client, convention, adviser):
    sainte_croix = OrganisationFactory(name="Sainte-Croix-aux-Mines")
    RepresentativeFactory(organisation=sainte_croix, last_name="BURRUS")
    response = client.post(
        reverse("conventions:parties", args=[convention.pk]),
        {"organisation": sainte_croix.pk, "role": PartyRole.CO_SIGNATORY},
    )
    party = convention.parties.get(organisation=sainte_croix)
    assert response.status_code == 302
    assert party.position == 4
    assert party.short_name == "la Commune de Sainte-Croix-aux-Mines"
    assert party.signatories.get().last_name == "BURRUS"
    client.post(reverse("conventions:party_remove", args=[convention.pk, party.pk]))
    assert not convention.parties.filter(organisation=sainte_croix).exists()


def test_the_lead_authority_cannot_be_removed(client, convention, adviser):
    lead = convention.parties.get(role=PartyRole.LEAD)
    response = client.post(
        reverse("conventions:party_remove", args=[convention.pk, lead.pk]), follow=True
    )
    assert "sont parties d&#x27;office" in response.content.decode()
    assert convention.parties.filter(pk=lead.pk).exists()


def test_adviser_adds_the_new_mayor_as_signatory(client, convention, adviser):
    party = convention.parties.get(organisation__name="Lièpvre")
    url = reverse("conventions:party_edit", args=[convention.pk, party.pk])
    client.post(
        url,
        {
            "add_representative": "1",
            "civility": "M",
            "first_name": "Denis",
            "last_name": "PETIT",
            "role_title": "Maire",
            "mandate_start": "2026-03-22",
        },
    )
    assert "Monsieur Denis PETIT" in [r.full_name for r in party.signatories.all()]


def test_party_edit_errors_keep_the_typed_text(client, convention, adviser):
    party = convention.parties.get(organisation__name="Lièpvre")
    response = client.post(
        reverse("conventions:party_edit", args=[convention.pk, party.pk]),
        {
            "save_party": "1",
            "role": PartyRole.CO_SIGNATORY,
            "short_name": "la Commune de Lièpvre",
            "competences": "Accueil périscolaire et centre de loisirs",
            "requires_deliberation": "on",
        },
    )
    page = response.content.decode()
    assert "Une partie signataire doit avoir au moins un signataire." in page
    assert "Accueil périscolaire et centre de loisirs" in page
    assert party.signatories.exists()


def test_another_conventions_party_id_gets_404(client, convention, adviser):
    foreign = PartyFactory(convention=ConventionFactory(caf=convention.caf))
    url = reverse("conventions:party_edit", args=[convention.pk, foreign.pk])
    assert client.get(url).status_code == 404
    move = reverse("conventions:party_move", args=[convention.pk, foreign.pk])
    assert client.post(move, {"direction": "up"}).status_code == 404


def test_signatory_from_another_organisation_is_refused(client, convention, adviser):
    party = convention.parties.get(organisation__name="Lièpvre")
    stranger = RepresentativeFactory(last_name="ETRANGER")
    response = client.post(
        reverse("conventions:party_edit", args=[convention.pk, party.pk]),
        {
            "save_party": "1",
            "role": PartyRole.CO_SIGNATORY,
            "short_name": "la Commune de Lièpvre",
            "signatories": [stranger.pk],
        },
    )
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert stranger not in party.signatories.all()


def test_parties_are_frozen_outside_draft(client, convention, adviser):
    lifecycle.freeze(convention)
    response = client.get(reverse("conventions:parties", args=[convention.pk]), follow=True)
    assert "ne se modifient qu&#x27;en préparation" in response.content.decode()


@pytest.mark.parametrize("role", [Role.COOPERATION, Role.READER])
def test_party_members_may_not_edit_parties(client, convention, role):
    client.force_login(UserFactory(role=role, organisation=convention.lead_authority))
    assert client.get(reverse("conventions:parties", args=[convention.pk])).status_code == 403


def test_outsider_adviser_gets_404(client, convention):
    client.force_login(
        UserFactory(role=Role.ADVISER, organisation=OrganisationFactory(as_caf=True))
    )
    assert client.get(reverse("conventions:parties", args=[convention.pk])).status_code == 404
    assert Representative.objects.count() == 4


def test_who_changed_a_partys_signing_people_is_in_its_history():
    party = PartyFactory()
    mayor = RepresentativeFactory(organisation=party.organisation)
    party.signatories.set([mayor])

    latest = party.history.latest()
    assert [row.representative_id for row in latest.signatories.all()] == [mayor.pk]


def test_a_change_of_role_of_a_user_is_in_their_history():
    user = UserFactory(role=Role.READER)
    user.role = Role.ADVISER
    user.save()

    assert [record.role for record in user.history.order_by("history_id")] == [
        Role.READER,
        Role.ADVISER,
    ]
    assert not hasattr(user.history.latest(), "password")


def _party_post(client, convention, party):
    """The party page as the person read it, then their form data."""
    page = client.get(reverse("conventions:party_edit", args=[convention.pk, party.pk]))
    form = page.context["form"]
    data = {
        "read_version": form["read_version"].value(),
        "role": party.role,
        "short_name": party.short_name,
        "competences": party.competences,
        "requires_deliberation": "on" if party.requires_deliberation else "",
        "signatories": [rep.pk for rep in party.signatories.all()],
        "save_party": "1",
    }
    return {key: value for key, value in data.items() if value != ""}


def test_a_stale_party_save_is_refused_with_the_text_kept(client, convention, adviser):
    party = convention.parties.get(organisation__name="Lièpvre")
    mine = _party_post(client, convention, party)
    theirs = _party_post(client, convention, party)
    theirs["competences"] = "Petite enfance : multi-accueil de 20 places."
    client.post(reverse("conventions:party_edit", args=[convention.pk, party.pk]), theirs)

    mine["competences"] = "Jeunesse : accueil de loisirs."
    response = client.post(reverse("conventions:party_edit", args=[convention.pk, party.pk]), mine)

    assert response.status_code == 409
    page = response.content.decode()
    assert "modifiées" in page and "pendant que vous les saisissiez" in page
    assert "Jeunesse : accueil de loisirs." in page  # their text, kept in the form
    assert "Petite enfance : multi-accueil de 20 places." in page  # what is stored
    party.refresh_from_db()
    assert party.competences == "Petite enfance : multi-accueil de 20 places."

    again = client.post(
        reverse("conventions:party_edit", args=[convention.pk, party.pk]),
        {**mine, "read_version": response.context["form"].data["read_version"]},
    )
    assert again.status_code == 302
    party.refresh_from_db()
    assert party.competences == "Jeunesse : accueil de loisirs."


def test_a_party_save_racing_a_freeze_is_refused(client, convention, adviser):
    party = convention.parties.get(organisation__name="Lièpvre")
    mine = _party_post(client, convention, party)
    lifecycle.freeze(convention)

    mine["short_name"] = "la Commune de Lièpvre (68)"
    response = client.post(reverse("conventions:party_edit", args=[convention.pk, party.pk]), mine)

    assert response.status_code == 302
    party.refresh_from_db()
    assert party.short_name != "la Commune de Lièpvre (68)"
    convention.refresh_from_db()
    assert convention.frozen_at is not None


@pytest.mark.parametrize("role", [PartyRole.CAF, PartyRole.LEAD, "n-importe-quoi"])
def test_a_forged_role_is_refused_at_the_field(client, convention, adviser, role):
    party = convention.parties.get(organisation__name="Lièpvre")
    data = {**_party_post(client, convention, party), "role": role}

    response = client.post(reverse("conventions:party_edit", args=[convention.pk, party.pk]), data)

    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    party.refresh_from_db()
    assert party.role == PartyRole.CO_SIGNATORY
