import datetime

import pytest
import time_machine
from django.urls import reverse

from conventions.models import ConventionState, PartyRole, TerminationMode
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


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False):
        yield


@pytest.fixture
def convention():
    convention = ConventionFactory(
        start_date=datetime.date(2027, 1, 1), end_date=datetime.date(2031, 12, 31)
    )
    caf = PartyFactory(
        convention=convention,
        organisation=convention.caf,
        role=PartyRole.CAF,
        requires_deliberation=False,
    )
    caf.signatories.set([RepresentativeFactory(organisation=convention.caf)])
    lead = PartyFactory(
        convention=convention, organisation=convention.lead_authority, role=PartyRole.LEAD
    )
    lead.signatories.set([RepresentativeFactory(organisation=convention.lead_authority)])
    ArticleFactory(convention=convention)
    return convention


@pytest.fixture
def adviser(client, convention):
    user = UserFactory(role=Role.ADVISER, organisation=convention.caf)
    client.force_login(user)
    return user


def transition(client, convention, action):
    url = reverse("conventions:transition", args=[convention.pk, action])
    return client.post(url, follow=True)


def test_adviser_runs_the_convention_from_draft_to_signed(client, convention, adviser):
    page = transition(client, convention, "figer").content.decode()
    assert "Le texte est figé" in page
    confirm = client.get(
        reverse("conventions:transition", args=[convention.pk, "mettre-a-la-signature"])
    ).content.decode()
    assert "délibération adoptée manquante" in confirm
    assert str(convention.lead_authority) in confirm
    lead = convention.parties.get(role=PartyRole.LEAD)
    convention.refresh_from_db()
    DeliberationFactory(party=lead, version=convention.current_version)
    transition(client, convention, "mettre-a-la-signature")
    convention.refresh_from_db()
    assert convention.state == ConventionState.SIGNING
    url = reverse("conventions:signature", args=[convention.pk])
    for party in convention.parties.order_by("position"):
        for rep in party.signatories.all():
            client.post(url, {"signatory": f"{party.pk}-{rep.pk}", "signed_on": "2026-11-23"})
    convention.refresh_from_db()
    assert convention.state == ConventionState.SIGNED
    assert convention.signed_on == datetime.date(2026, 11, 23)
    detail = client.get(reverse("conventions:detail", args=[convention.pk])).content.decode()
    assert "Signée, pas encore en vigueur" in detail
    assert "2 signatures sur 2 attendues" in detail


def test_a_refused_transition_is_explained(client, convention, adviser):
    page = transition(client, convention, "rouvrir").content.decode()
    assert "Impossible de rouvrir la convention" in page
    convention.refresh_from_db()
    assert convention.state == ConventionState.DRAFT


def test_signature_in_the_future_is_refused_at_the_field(client, convention, adviser):
    transition(client, convention, "figer")
    convention.refresh_from_db()
    lead = convention.parties.get(role=PartyRole.LEAD)
    DeliberationFactory(party=lead, version=convention.current_version)
    transition(client, convention, "mettre-a-la-signature")
    rep = lead.signatories.get()
    response = client.post(
        reverse("conventions:signature", args=[convention.pk]),
        {"signatory": f"{lead.pk}-{rep.pk}", "signed_on": "2026-12-25"},
    )
    assert "ne peut pas être dans le futur" in response.content.decode()


def test_terminate_renew_and_amend_a_signed_convention(client, convention, adviser):
    convention.state = ConventionState.SIGNED
    convention.save()
    response = client.post(
        reverse("conventions:amend", args=[convention.pk]),
        {"subject": "Ajout d'une fiche action", "changes_action_plan": "on"},
    )
    assert response.status_code == 302
    assert convention.amendments.get().number == 1
    response = client.post(
        reverse("conventions:renew", args=[convention.pk]),
        {"reference": "ctg-renouvelee-2032-2036"},
    )
    assert response.status_code == 302
    assert convention.successor.reference == "ctg-renouvelee-2032-2036"
    response = client.post(
        reverse("conventions:terminate", args=[convention.pk]),
        {
            "mode": TerminationMode.MUTUAL_CONSENT,
            "notice_on": "2026-11-20",
            "effective_on": "2027-01-01",
            "reason": "Fusion des intercommunalités",
        },
    )
    assert "ne peut prendre effet avant le 20/05/2027" in response.content.decode()
    convention.refresh_from_db()
    assert convention.state == ConventionState.SIGNED


@pytest.mark.parametrize("role", [Role.COOPERATION, Role.READER])
def test_party_members_cannot_move_the_lifecycle(client, convention, role):
    client.force_login(UserFactory(role=role, organisation=convention.lead_authority))
    assert transition(client, convention, "figer").status_code == 403
    convention.refresh_from_db()
    assert convention.state == ConventionState.DRAFT


def test_unknown_action_gets_404(client, convention, adviser):
    url = reverse("conventions:transition", args=[convention.pk, "supprimer"])
    assert client.post(url).status_code == 404


def test_amendment_is_deliberated_and_signed_in_the_browser(client, convention, adviser):
    convention.state = ConventionState.SIGNED
    convention.save()
    client.post(
        reverse("conventions:amend", args=[convention.pk]),
        {
            "subject": "Ajout d'une fiche action sur l'inclusion numérique",
            "changes_action_plan": "on",
            "changes_description": "Ajout de la fiche action n° 11 en annexe 3.",
        },
    )
    amendment = convention.amendments.get()
    page = reverse("conventions:amendment", args=[convention.pk, 1])
    client.post(reverse("conventions:amendment_transition", args=[convention.pk, 1, "figer"]))
    lead = convention.parties.get(role=PartyRole.LEAD)
    response = client.post(
        reverse(
            "conventions:amendment_transition", args=[convention.pk, 1, "mettre-a-la-signature"]
        ),
        follow=True,
    )
    assert "il manque la délibération adoptée" in response.content.decode()
    client.post(
        reverse("conventions:amendment_deliberation", args=[convention.pk, 1, lead.pk]),
        {
            "body": "community_council",
            "session_date": "2026-11-10",
            "act_number": "2026-88",
            "subject": "Avenant n° 1",
            "members_in_office": 40,
            "present": 30,
            "proxies": 2,
            "votes_cast": 32,
            "votes_for": 32,
            "votes_against": 0,
            "abstentions": 0,
            "outcome": "adopted_unanimously",
        },
    )
    assert lead.deliberations.get().amendment == amendment
    client.post(
        reverse(
            "conventions:amendment_transition", args=[convention.pk, 1, "mettre-a-la-signature"]
        )
    )
    for party in convention.parties.all():
        for rep in party.signatories.all():
            client.post(
                reverse("conventions:amendment_signature", args=[convention.pk, 1]),
                {"signatory": f"{party.pk}-{rep.pk}", "signed_on": "2026-11-23"},
            )
    amendment.refresh_from_db()
    assert amendment.state == "signed"
    assert "Signé" in client.get(page).content.decode()
