"""The read-only plan: an outline with a summary of each sheet, and each sheet's own page
with every field, for everyone who sees the convention, in a constant number of queries."""

import datetime

import pytest
from django.urls import reverse

from actionplan.models import Funding, IndicatorTarget
from conventions.models import Convention, PartyRole, Theme
from partners.models import Role, User
from tests.factories import (
    ActionSheetFactory,
    AxisFactory,
    ConventionFactory,
    IndicatorFactory,
    ObjectiveFactory,
    OrganisationFactory,
    PartyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def pma(demo):
    return Convention.objects.get(reference="pma-2023-2027")


def plan_url(convention):
    return reverse("actionplan:plan", args=[convention.pk])


def sheet_url(convention, number):
    return reverse("actionplan:sheet", args=[convention.pk, number])


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("conseiller.doubs", 200),
        ("lecteur.valentigney", 200),
        ("conseiller.hautrhin", 404),
        ("cooperation.valdargent", 404),
    ],
)
def test_who_reads_the_pma_plan(client, pma, username, status):
    client.force_login(User.objects.get(username=username))
    assert client.get(plan_url(pma)).status_code == status


@pytest.mark.parametrize(
    ("username", "status"),
    [
        ("conseiller.doubs", 200),
        ("lecteur.valentigney", 200),
        ("conseiller.hautrhin", 404),
        ("cooperation.valdargent", 404),
    ],
)
def test_who_reads_a_pma_sheet(client, pma, username, status):
    client.force_login(User.objects.get(username=username))
    assert client.get(sheet_url(pma, 6)).status_code == status


def test_a_sheet_number_outside_the_plan_is_404(client, pma):
    client.force_login(User.objects.get(username="lecteur.valentigney"))
    assert client.get(sheet_url(pma, 11)).status_code == 404


def test_the_pma_plan_summarises_each_sheet_and_links_to_it(client, pma):
    client.force_login(User.objects.get(username="lecteur.valentigney"))
    page = client.get(plan_url(pma)).content.decode()
    assert "Plan d'actions 2023-2027" in page
    assert "3 axes, 10 fiches actions" in page
    assert "Axe 3 – Plan d&#x27;actions décliné en 10 fiches" in page
    assert "Action 6 : Généraliser la mise en place des guichets uniques" in page
    for number in range(1, 11):
        assert f'href="{sheet_url(pma, number)}"' in page
        assert f'id="action-{number}"' in page
    assert page.count("Pilote : CA Pays de Montbéliard Agglomération") >= 1
    assert page.count("Échéance : sur la durée de la CTG") == 10
    assert "Nombre de participants" in page  # an indicator's label
    # The long texts are on the sheets' own pages.
    assert "Diagnostic initial" not in page


def test_the_pma_sheets_read_as_the_document(client, pma):
    client.force_login(User.objects.get(username="lecteur.valentigney"))
    pages = [client.get(sheet_url(pma, number)).content.decode() for number in range(1, 11)]
    for label in (
        "Diagnostic initial",
        "Objectifs opérationnels",
        "Services mobilisés et responsables de l'action",
        "Partenaires sollicités",
        "Moyens humains et financiers",
        "Public cible",
        "Modalités de mise en œuvre",
        "Échéances de réalisation",
        "Résultats attendus",
        "Indicateurs d'évaluation",
        "Territoire concerné",
    ):
        assert all(label in page for page in pages), label
    assert all("Sur la durée de la CTG" in page for page in pages)
    sixth = pages[5]
    assert "Fiche action 6" in sixth
    assert "Action 6 : Généraliser la mise en place des guichets uniques" in sixth
    assert "Besoins de concertation des acteurs" in "".join(pages)
    assert "Pilote : CA Pays de Montbéliard Agglomération" in "".join(pages)
    assert "Valentigney" in "".join(pages)
    # The sheets around it, and the way back to the plan.
    assert f'href="{sheet_url(pma, 5)}"' in sixth and f'href="{sheet_url(pma, 7)}"' in sixth
    assert f'href="{plan_url(pma)}#action-6"' in sixth
    assert '<span aria-hidden="true">‹</span> Action' not in pages[0]
    assert f'href="{sheet_url(pma, 2)}"' in pages[0]
    assert "Action 11 <span" not in pages[9]
    # A reader is not offered the editor.
    assert reverse("actionplan:plan_edit", args=[pma.pk]) not in "".join(pages)


def test_adviser_of_a_draft_convention_is_offered_the_editor(client, demo):
    vda = Convention.objects.get(reference="val-d-argent-2026-2030")
    client.force_login(User.objects.get(username="conseiller.hautrhin"))
    page = client.get(plan_url(vda)).content.decode()
    assert reverse("actionplan:plan_edit", args=[vda.pk]) in page
    assert "Objectif 2.3 – Maintenir l&#x27;offre de service aux familles" in page
    client.force_login(User.objects.get(username="cooperation.valdargent"))
    page = client.get(plan_url(vda)).content.decode()
    assert reverse("actionplan:plan_edit", args=[vda.pk]) not in page


def test_adviser_of_a_signed_convention_is_pointed_to_an_amendment(client, pma):
    client.force_login(User.objects.get(username="conseiller.doubs"))
    page = client.get(plan_url(pma)).content.decode()
    assert reverse("actionplan:plan_edit", args=[pma.pk]) not in page
    assert reverse("conventions:amend", args=[pma.pk]) in page


def test_the_convention_page_links_to_the_plan_and_meetings(client, pma):
    client.force_login(User.objects.get(username="lecteur.valentigney"))
    page = client.get(reverse("conventions:detail", args=[pma.pk])).content.decode()
    assert plan_url(pma) in page
    assert reverse("actionplan:meetings", args=[pma.pk]) in page


def full_convention(sheet_count):
    """A convention whose every sheet uses every field: themes, partners, communes,
    fundings, indicators with targets."""
    # No SIREN: generated ones could meet the real ones of the demo data.
    convention = ConventionFactory(lead_authority__siren=None)
    adviser = UserFactory(role=Role.ADVISER, organisation=convention.caf)
    caf = PartyFactory(convention=convention, organisation=convention.caf, role=PartyRole.CAF)
    lead = PartyFactory(
        convention=convention, organisation=convention.lead_authority, role=PartyRole.LEAD
    )
    communes = [
        OrganisationFactory(name=f"Commune membre {n}", epci=convention.lead_authority, siren=None)
        for n in range(3)
    ]
    theme, _ = Theme.objects.get_or_create(code="petite-enfance", name="Petite enfance")
    axes = [AxisFactory(convention=convention, number=n) for n in (1, 2, 3)]
    objectives = [ObjectiveFactory(axis=axis, number=1) for axis in axes]
    for number in range(1, sheet_count + 1):
        axis = axes[number % 3]
        sheet = ActionSheetFactory(
            axis=axis,
            objective=objectives[number % 3] if number % 2 else None,
            number=number,
            pilot_party=lead,
            deadline=datetime.date(2028, 12, 31),
            deadline_whole_period=False,
        )
        sheet.themes.set([theme])
        sheet.partner_parties.set([caf, lead])
        sheet.communes.set(communes)
        Funding.objects.create(action_sheet=sheet, funder=convention.caf, amount=1500)
        Funding.objects.create(action_sheet=sheet, funder_name="Région", human_means="Un ETP")
        for position in (1, 2, 3):
            indicator = IndicatorFactory(action_sheet=sheet, position=position)
            for year in (2028, 2030):
                IndicatorTarget.objects.create(
                    indicator=indicator, value=10 * position, date=datetime.date(year, 12, 31)
                )
    return convention, adviser


def test_plan_page_query_count_does_not_grow_with_sheets(
    client, pma, django_assert_max_num_queries
):
    small, small_adviser = full_convention(1)
    large, large_adviser = full_convention(40)
    client.force_login(small_adviser)
    with django_assert_max_num_queries(25) as one_sheet:
        client.get(plan_url(small))
    client.force_login(large_adviser)
    with django_assert_max_num_queries(len(one_sheet.captured_queries)):
        response = client.get(plan_url(large))
    page = response.content.decode()
    assert "Action 40 :" in page
    client.force_login(User.objects.get(username="conseiller.doubs"))
    with django_assert_max_num_queries(len(one_sheet.captured_queries)):
        response = client.get(plan_url(pma))
    assert response.status_code == 200


def test_sheet_page_shows_every_field_in_a_constant_number_of_queries(
    client, pma, django_assert_max_num_queries
):
    small, small_adviser = full_convention(1)
    large, large_adviser = full_convention(40)
    client.force_login(small_adviser)
    with django_assert_max_num_queries(25) as one_sheet:
        client.get(sheet_url(small, 1))
    client.force_login(large_adviser)
    with django_assert_max_num_queries(len(one_sheet.captured_queries)):
        response = client.get(sheet_url(large, 40))
    page = response.content.decode()
    assert "Action 40 :" in page
    assert "1 500 €" in page or "1\xa0500 €" in page
    assert "Cibles : 10 réunions au 31/12/2028 ; 10 réunions au 31/12/2030" in page
    assert "Communes : Commune membre 0, Commune membre 1, Commune membre 2" in page
    # Edited from its own page while the convention is in preparation.
    assert (
        reverse("actionplan:sheet_edit", args=[large.pk, large.action_sheets.get(number=40).pk])
        in page
    )
