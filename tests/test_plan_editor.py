"""The action plan editor: axes, objectives, action sheets with every field, fundings,
indicators and their targets; numbering; scoping; locked outside draft."""

import datetime
import re
from decimal import Decimal

import pytest
from django.urls import reverse

from actionplan.models import ActionSheet, Axis, Funding, Indicator, IndicatorTarget
from conventions.models import ConventionState, PartyRole, Theme
from partners.models import Role
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
def convention():
    convention = ConventionFactory()
    PartyFactory(convention=convention, organisation=convention.caf, role=PartyRole.CAF, position=0)
    PartyFactory(
        convention=convention,
        organisation=convention.lead_authority,
        role=PartyRole.LEAD,
        position=1,
    )
    OrganisationFactory(name="Lièpvre", epci=convention.lead_authority)
    PartyFactory(
        convention=convention, organisation=OrganisationFactory(name="Rombach"), position=2
    )
    return convention


@pytest.fixture
def adviser(client, convention):
    user = UserFactory(role=Role.ADVISER, organisation=convention.caf)
    client.force_login(user)
    return user


@pytest.fixture
def themes():
    return [
        Theme.objects.create(code="petite-enfance", name="Petite enfance", position=1),
        Theme.objects.create(code="jeunesse", name="Jeunesse", position=2),
    ]


def url(name, convention, *args):
    return reverse(f"actionplan:{name}", args=[convention.pk, *args])


def read(client, page):
    """The version the edit page shows, as a browser would send it back."""
    return {"read_version": client.get(page).context["form"]["read_version"].value()}


def indicators_read(client, convention, sheet):
    """The version the indicators page shows, as a browser would send it back."""
    page = client.get(url("sheet_indicators", convention, sheet.pk))
    return {"read_version": page.context["read_version"]}


def management(prefix, total, initial=0):
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


def party(convention, name):
    return convention.parties.get(organisation__name=name)


def sheet_data(on_axis, **overrides):
    """A complete sheet, as the PMA convention's action 6 reads (in a Haut-Rhin setting)."""
    convention = on_axis.convention
    data = {
        "axis": on_axis.pk,
        "objective": "",
        "title": "Généraliser la mise en place des guichets uniques pour la petite enfance",
        "initial_diagnostic": "Difficulté des familles à trouver un mode d'accueil",
        "target_public": "Familles du territoire",
        "operational_objectives": "- Recenser l'offre\n- Ouvrir un guichet unique",
        "implementation": "Mise en place de réunions de travail avec pilotage à définir",
        "deadline": "",
        "deadline_whole_period": "on",
        "pilot_party": party(convention, convention.lead_authority.name).pk,
        "pilot_services": "CAF, communauté de communes",
        "partner_parties": [party(convention, "Rombach").pk],
        "other_partners": "RPE\nPMI",
        "expected_results": "Un guichet unique par bassin de vie",
        "human_means": "Un coordinateur à mi-temps",
        "territory": "Val d'Argent",
        "communes": [convention.lead_authority.member_communes.get().pk],
    }
    data |= management("financements", 2)
    data |= {
        "financements-0-funder": convention.caf.pk,
        "financements-0-amount": "12 500,50",
        "financements-0-human_means": "Conseillère territoriale",
        "financements-1-funder_name": "Fondation des familles",
        "financements-1-amount": "3000",
    }
    return data | overrides


def test_adviser_writes_a_sheet_with_every_field(client, convention, adviser, themes):
    axis = AxisFactory(convention=convention, number=1)
    data = sheet_data(axis, themes=[themes[0].pk])
    response = client.post(url("sheet_create", convention), data)
    sheet = ActionSheet.objects.get(convention=convention)
    assert response.status_code == 302
    assert response["Location"] == url("sheet_indicators", convention, sheet.pk)
    assert sheet.number == 1
    assert sheet.deadline_label == "Sur la durée de la CTG"
    assert sheet.pilot_party.organisation == convention.lead_authority
    assert [p.organisation.name for p in sheet.partner_parties.all()] == ["Rombach"]
    assert [c.name for c in sheet.communes.all()] == ["Lièpvre"]
    assert list(sheet.themes.all()) == [themes[0]]
    assert sheet.operational_objectives == "- Recenser l'offre\n- Ouvrir un guichet unique"
    fundings = {(f.funder_id, f.funder_name, f.amount) for f in sheet.fundings.all()}
    assert fundings == {
        (convention.caf.pk, "", Decimal("12500.50")),
        (None, "Fondation des familles", Decimal("3000")),
    }


def test_sheet_form_labels_every_field(client, convention, adviser):
    AxisFactory(convention=convention)
    page = client.get(url("sheet_create", convention)).content.decode()
    for label in (
        "Thématiques",
        "Diagnostic initial",
        "Public cible",
        "Objectifs opérationnels",
        "Modalités de mise en œuvre",
        "Échéance",
        "Sur la durée de la CTG",
        "Pilote",
        "Services mobilisés et responsables de l&#x27;action",
        "Parties sollicitées",
        "Autres partenaires sollicités",
        "Résultats attendus",
        "Moyens humains",
        "Financeur",
        "Montant (€)",
        "Territoire concerné",
        "Communes concernées",
    ):
        assert label in page, label


def test_bad_input_is_explained_at_the_field_and_nothing_is_saved(client, convention, adviser):
    axis = AxisFactory(convention=convention)
    data = sheet_data(axis, deadline="2027-06-30")
    data["financements-1-funder_name"] = ""
    response = client.post(url("sheet_create", convention), data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "pas les deux" in page
    assert "Indiquez le financeur." in page
    assert "Difficulté des familles à trouver un mode d&#x27;accueil" in page
    assert "12 500,50" in page
    assert not ActionSheet.objects.exists()
    assert not Funding.objects.exists()


def test_a_wrong_funding_leaves_the_sheet_unchanged(client, convention, adviser):
    sheet = ActionSheetFactory(axis=AxisFactory(convention=convention), number=1)
    data = sheet_data(sheet.axis, title="Nouveau titre") | {
        "financements-0-funder_name": "Aussi un nom libre"
    }
    response = client.post(url("sheet_edit", convention, sheet.pk), data)
    assert response.status_code == 200
    assert "pas les deux" in response.content.decode()
    sheet.refresh_from_db()
    assert sheet.title != "Nouveau titre"
    assert not sheet.fundings.exists()


def test_objective_must_belong_to_the_chosen_axis(client, convention, adviser):
    first = AxisFactory(convention=convention, number=1)
    other = ObjectiveFactory(axis=AxisFactory(convention=convention, number=2), number=1)
    response = client.post(url("sheet_create", convention), sheet_data(first, objective=other.pk))
    assert "Cet objectif n&#x27;appartient pas à l&#x27;axe choisi." in response.content.decode()
    assert not ActionSheet.objects.exists()


@pytest.mark.parametrize("field", ["axis", "objective", "pilot_party", "partner_parties"])
def test_ids_of_another_convention_are_field_errors(client, convention, adviser, field):
    axis = AxisFactory(convention=convention)
    other = ConventionFactory(caf=convention.caf)
    foreign = {
        "axis": AxisFactory(convention=other).pk,
        "objective": ObjectiveFactory(axis=AxisFactory(convention=other)).pk,
        "pilot_party": PartyFactory(convention=other).pk,
        "partner_parties": [PartyFactory(convention=other).pk],
    }[field]
    response = client.post(url("sheet_create", convention), sheet_data(axis, **{field: foreign}))
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.content.decode()
    assert not ActionSheet.objects.exists()


def test_communes_outside_the_convention_and_foreign_funders_are_refused(
    client, convention, adviser
):
    axis = AxisFactory(convention=convention)
    stranger = OrganisationFactory(name="Colmar")
    other_epci = OrganisationFactory(as_epci=True)
    data = sheet_data(axis, communes=[stranger.pk]) | {"financements-0-funder": other_epci.pk}
    page = client.post(url("sheet_create", convention), data).content.decode()
    assert page.count("Sélectionnez un choix valide") == 2
    assert not ActionSheet.objects.exists()


def test_ids_of_another_convention_in_urls_get_404(client, convention, adviser):
    other = ConventionFactory(caf=convention.caf)
    axis = AxisFactory(convention=other)
    objective = ObjectiveFactory(axis=axis)
    sheet = ActionSheetFactory(axis=axis)
    for name, pk in (
        ("axis_edit", axis.pk),
        ("axis_delete", axis.pk),
        ("objective_create", axis.pk),
        ("objective_edit", objective.pk),
        ("objective_delete", objective.pk),
        ("sheet_edit", sheet.pk),
        ("sheet_indicators", sheet.pk),
        ("sheet_delete", sheet.pk),
    ):
        assert client.get(url(name, convention, pk)).status_code == 404, name
        assert client.post(url(name, convention, pk), {"title": "Piraté"}).status_code == 404
    for name, pk in (
        ("axis_move", axis.pk),
        ("objective_move", objective.pk),
        ("sheet_move", sheet.pk),
    ):
        assert client.post(url(name, convention, pk), {"direction": "up"}).status_code == 404
    assert Axis.objects.get(pk=axis.pk).title != "Piraté"
    assert ActionSheet.objects.filter(pk=sheet.pk).exists()


def test_adviser_adds_axes_and_objectives_numbered_in_turn(client, convention, adviser):
    for title in ("Construire une offre sociale concertée", "Soutenir les familles"):
        client.post(url("axis_create", convention), {"title": title, "description": ""})
    first, second = convention.axes.order_by("number")
    assert (first.number, second.number) == (1, 2)
    for title in ("Animer une commission intercommunale", "Instance technique du suivi"):
        client.post(url("objective_create", convention, second.pk), {"title": title})
    assert [o.code for o in second.objectives.order_by("number")] == ["2.1", "2.2"]
    page = url("axis_edit", convention, first.pk)
    client.post(page, {"title": "Axe renommé"} | read(client, page))
    first.refresh_from_db()
    assert first.title == "Axe renommé"


def numbers(convention):
    return [
        (s.title, s.number, s.axis.number, s.objective.code if s.objective else None)
        for s in convention.action_sheets.select_related("axis", "objective__axis").order_by(
            "number"
        )
    ]


@pytest.fixture
def plan(convention):
    """Axis 1 with a sheet A and objective 1.1 holding B and C; axis 2 holding D."""
    one = AxisFactory(convention=convention, number=1, title="Un")
    two = AxisFactory(convention=convention, number=2, title="Deux")
    objective = ObjectiveFactory(axis=one, number=1)
    ActionSheetFactory(axis=one, number=1, title="A")
    ActionSheetFactory(axis=one, objective=objective, number=2, title="B")
    ActionSheetFactory(axis=one, objective=objective, number=3, title="C")
    ActionSheetFactory(axis=two, number=4, title="D")
    return {"one": one, "two": two, "objective": objective}


def test_moving_an_axis_renumbers_axes_and_sheets_in_document_order(
    client, convention, adviser, plan
):
    client.post(url("axis_move", convention, plan["two"].pk), {"direction": "up"})
    assert list(convention.axes.order_by("number").values_list("title", flat=True)) == [
        "Deux",
        "Un",
    ]
    assert [(t, n) for t, n, _, _ in numbers(convention)] == [
        ("D", 1),
        ("A", 2),
        ("B", 3),
        ("C", 4),
    ]


def test_moving_a_sheet_swaps_it_with_its_neighbour_only(client, convention, adviser, plan):
    c = convention.action_sheets.get(title="C")
    response = client.post(url("sheet_move", convention, c.pk), {"direction": "up"})
    assert response["Location"].endswith(f"#fiche-{c.pk}")
    assert [t for t, *_ in numbers(convention)] == ["A", "C", "B", "D"]
    # At the top of its group a sheet stays where it is.
    client.post(url("sheet_move", convention, c.pk), {"direction": "up"})
    assert [t for t, *_ in numbers(convention)] == ["A", "C", "B", "D"]
    assert [n for _, n, *_ in numbers(convention)] == [1, 2, 3, 4]


def test_moving_a_sheet_to_another_axis_renumbers_everything(client, convention, adviser, plan):
    a = convention.action_sheets.get(title="A")
    data = sheet_data(plan["two"], title="A")
    page = url("sheet_edit", convention, a.pk)
    client.post(page, data | read(client, page))
    assert [(t, n, axis) for t, n, axis, _ in numbers(convention)] == [
        ("B", 1, 1),
        ("C", 2, 1),
        ("D", 3, 2),
        ("A", 4, 2),
    ]


def test_deleting_keeps_numbers_contiguous(client, convention, adviser, plan):
    ObjectiveFactory(axis=plan["one"], number=2, title="Deuxième objectif")
    client.post(url("sheet_delete", convention, convention.action_sheets.get(title="A").pk))
    assert [(t, n) for t, n, *_ in numbers(convention)] == [("B", 1), ("C", 2), ("D", 3)]
    client.post(url("objective_delete", convention, plan["objective"].pk))
    assert [o.code for o in plan["one"].objectives.order_by("number")] == ["1.1"]
    assert plan["one"].objectives.get().title == "Deuxième objectif"
    # The sheets of a deleted objective stay in their axis.
    assert [(t, objective) for t, _, _, objective in numbers(convention)] == [
        ("B", None),
        ("C", None),
        ("D", None),
    ]
    empty = AxisFactory(convention=convention, number=3, title="Vide")
    client.post(url("axis_move", convention, empty.pk), {"direction": "up"})
    client.post(url("axis_delete", convention, empty.pk))
    assert list(convention.axes.order_by("number").values_list("number", "title")) == [
        (1, "Un"),
        (2, "Deux"),
    ]


def test_an_axis_with_sheets_is_not_deleted(client, convention, adviser, plan):
    response = client.post(url("axis_delete", convention, plan["one"].pk), follow=True)
    assert "contient des fiches actions" in response.content.decode()
    assert convention.axes.count() == 2


def test_editor_lists_the_tree_with_accessible_move_buttons(client, convention, adviser, plan):
    page = client.get(url("plan_edit", convention)).content.decode()
    assert "Axe 1 – Un" in page
    assert "Objectif 1.1 – " in page
    assert "<strong>Action 4</strong> : D" in page
    assert 'Monter<span class="visually-hidden"> l\'axe 2</span>' in page
    assert 'Descendre<span class="visually-hidden"> l\'objectif 1.1</span>' in page


def indicator_data(prefix, **values):
    return {f"{prefix}-{name}": value for name, value in values.items()}


def test_indicator_with_several_targets(client, convention, adviser):
    sheet = ActionSheetFactory(axis=AxisFactory(convention=convention))
    data = (
        management("indicateurs", 1)
        | indicator_data(
            "indicateurs-0",
            label="Nombre de places en EAJE",
            kind="quantitative",
            unit="places",
            periodicity="yearly",
            source="Caf – SIAS",
            baseline_value="42",
            baseline_date="2025-12-31",
        )
        | management("indicateurs-0-cibles", 2)
        | indicator_data("indicateurs-0-cibles-0", value="50", date="2028-12-31")
        | indicator_data("indicateurs-0-cibles-1", value="60,5", date="2030-12-31")
    )
    response = client.post(
        url("sheet_indicators", convention, sheet.pk),
        data | indicators_read(client, convention, sheet),
    )
    assert response.status_code == 302
    indicator = sheet.indicators.get()
    assert (indicator.label, indicator.unit, indicator.baseline_value, indicator.position) == (
        "Nombre de places en EAJE",
        "places",
        Decimal("42"),
        1,
    )
    assert [(t.value, t.date.year) for t in indicator.targets.order_by("date")] == [
        (Decimal("50"), 2028),
        (Decimal("60.5"), 2030),
    ]

    # Edit: a third target, the first one deleted, a second indicator added.
    first, second = indicator.targets.order_by("date")
    data = (
        management("indicateurs", 2, 1)
        | indicator_data(
            "indicateurs-0",
            id=indicator.pk,
            label="Nombre de places en EAJE",
            kind="quantitative",
            unit="places",
            periodicity="yearly",
        )
        | management("indicateurs-0-cibles", 3, 2)
        | indicator_data(
            "indicateurs-0-cibles-0", id=first.pk, value="50", date="2028-12-31", DELETE="on"
        )
        | indicator_data("indicateurs-0-cibles-1", id=second.pk, value="60", date="2030-12-31")
        | indicator_data("indicateurs-0-cibles-2", value="55", date="2029-12-31")
        | indicator_data(
            "indicateurs-1",
            label="Satisfaction des familles",
            kind="qualitative",
            periodicity="end_of_period",
            baseline_text="Non mesurée",
        )
        | management("indicateurs-1-cibles", 1)
        | indicator_data("indicateurs-1-cibles-0", text="Familles satisfaites", date="2030-12-31")
    )
    response = client.post(
        url("sheet_indicators", convention, sheet.pk),
        data | indicators_read(client, convention, sheet),
    )
    assert response.status_code == 302
    assert [(t.value, t.date.year) for t in indicator.targets.order_by("date")] == [
        (Decimal("55"), 2029),
        (Decimal("60"), 2030),
    ]
    qualitative = sheet.indicators.get(kind="qualitative")
    assert qualitative.position == 2
    assert qualitative.targets.get().text == "Familles satisfaites"


def test_wrong_targets_save_nothing_and_keep_the_page(client, convention, adviser):
    sheet = ActionSheetFactory(axis=AxisFactory(convention=convention))
    indicator = IndicatorFactory(action_sheet=sheet, label="Nombre de réunions")
    data = (
        management("indicateurs", 2, 1)
        | indicator_data(
            "indicateurs-0",
            id=indicator.pk,
            label="Nombre de réunions et de participants",
            kind="quantitative",
            unit="réunions",
            periodicity="yearly",
        )
        | management("indicateurs-0-cibles", 1)
        | indicator_data("indicateurs-0-cibles-0", date="2030-12-31")
        | indicator_data(
            "indicateurs-1",
            label="Qualité du partenariat",
            kind="qualitative",
            periodicity="yearly",
        )
        | management("indicateurs-1-cibles", 1)
        | indicator_data("indicateurs-1-cibles-0", value="3", date="2030-12-31")
    )
    response = client.post(
        url("sheet_indicators", convention, sheet.pk),
        data | indicators_read(client, convention, sheet),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert "Indiquez la valeur cible" in page
    assert "Un indicateur qualitatif a une cible rédigée" in page
    assert "Nombre de réunions et de participants" in page
    indicator.refresh_from_db()
    assert indicator.label == "Nombre de réunions"
    assert sheet.indicators.count() == 1
    assert not IndicatorTarget.objects.exists()


def test_targets_without_an_indicator_are_refused(client, convention, adviser):
    sheet = ActionSheetFactory(axis=AxisFactory(convention=convention))
    data = (
        management("indicateurs", 1)
        | indicator_data("indicateurs-0", label="", kind="quantitative", periodicity="yearly")
        | management("indicateurs-0-cibles", 1)
        | indicator_data("indicateurs-0-cibles-0", value="10", date="2030-12-31")
    )
    response = client.post(
        url("sheet_indicators", convention, sheet.pk),
        data | indicators_read(client, convention, sheet),
    )
    assert "Donnez un libellé à l&#x27;indicateur de ces cibles." in response.content.decode()
    assert not Indicator.objects.exists()


@pytest.mark.parametrize("state", [ConventionState.IN_DELIBERATION, ConventionState.SIGNED])
def test_the_plan_is_locked_outside_draft(client, convention, adviser, plan, state):
    convention.state = state
    convention.save()
    d = convention.action_sheets.get(title="D")
    response = client.get(url("plan_edit", convention), follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == url("plan", convention)
    assert "ne se modifie qu&#x27;en préparation" in page
    assert "une convention signée change son plan d&#x27;actions par un avenant" in page
    assert client.post(url("sheet_create", convention), sheet_data(plan["one"])).status_code == 302
    client.post(url("axis_move", convention, plan["two"].pk), {"direction": "up"})
    client.post(url("sheet_delete", convention, d.pk))
    client.post(url("axis_create", convention), {"title": "Nouvel axe"})
    assert convention.action_sheets.count() == 4
    assert convention.axes.get(title="Deux").number == 2
    assert convention.axes.count() == 2


@pytest.mark.parametrize("role", [Role.COOPERATION, Role.READER])
def test_party_users_read_the_plan_but_get_403_on_writes(client, convention, plan, role):
    client.force_login(UserFactory(role=role, organisation=convention.lead_authority))
    assert client.get(url("plan", convention)).status_code == 200
    sheet = convention.action_sheets.first()
    for name, args in (
        ("plan_edit", []),
        ("axis_create", []),
        ("axis_edit", [plan["one"].pk]),
        ("objective_create", [plan["one"].pk]),
        ("sheet_create", []),
        ("sheet_edit", [sheet.pk]),
        ("sheet_indicators", [sheet.pk]),
        ("sheet_delete", [sheet.pk]),
    ):
        assert client.get(url(name, convention, *args)).status_code == 403, name
        assert client.post(url(name, convention, *args), {"title": "X"}).status_code == 403
    for name, pk in (("axis_move", plan["two"].pk), ("sheet_move", sheet.pk)):
        assert client.post(url(name, convention, pk), {"direction": "up"}).status_code == 403
    assert convention.axes.get(title="Deux").number == 2
    assert convention.axes.count() == 2


def test_outsider_adviser_gets_404_and_anonymous_the_login_page(client, convention, plan):
    client.force_login(
        UserFactory(role=Role.ADVISER, organisation=OrganisationFactory(as_caf=True))
    )
    for name in ("plan", "plan_edit", "axis_create", "sheet_create"):
        assert client.get(url(name, convention)).status_code == 404, name
    assert client.post(url("axis_delete", convention, plan["two"].pk)).status_code == 404
    assert convention.axes.count() == 2
    client.logout()
    response = client.get(url("plan", convention))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_moves_only_take_posts(client, convention, adviser, plan):
    assert client.get(url("axis_move", convention, plan["one"].pk)).status_code == 405
    assert client.get(url("objective_move", convention, plan["objective"].pk)).status_code == 405


def test_editor_query_count_does_not_grow_with_the_plan(
    client, convention, adviser, django_assert_max_num_queries
):
    axis = AxisFactory(convention=convention, number=1)
    ActionSheetFactory(axis=axis, objective=ObjectiveFactory(axis=axis), number=1)
    with django_assert_max_num_queries(20) as small:
        client.get(url("plan_edit", convention))
    for number in range(2, 5):
        other = AxisFactory(convention=convention, number=number)
        objectives = [ObjectiveFactory(axis=other, number=n) for n in (1, 2)]
        for index in range(10):
            sheet = ActionSheetFactory(
                axis=other, objective=objectives[index % 2], number=number * 100 + index
            )
            IndicatorFactory(action_sheet=sheet)
    assert convention.action_sheets.count() == 31
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(url("plan_edit", convention))
    assert response.status_code == 200


def test_new_sheet_links_propose_their_axis_or_objective(client, convention, adviser, plan):
    page = client.get(url("sheet_create", convention) + f"?objectif={plan['objective'].pk}")
    form = page.context["form"]
    assert form.initial == {"axis": plan["one"].pk, "objective": plan["objective"].pk}
    foreign = AxisFactory(convention=ConventionFactory(caf=convention.caf))
    page = client.get(url("sheet_create", convention) + f"?axe={foreign.pk}")
    assert page.context["form"].initial == {}


def test_a_dated_deadline_is_kept(client, convention, adviser):
    axis = AxisFactory(convention=convention)
    data = sheet_data(axis, deadline="2027-06-30", deadline_whole_period="")
    client.post(url("sheet_create", convention), data)
    assert ActionSheet.objects.get().deadline == datetime.date(2027, 6, 30)


def test_a_stale_sheet_save_is_refused_with_the_text_kept(client, convention, adviser, plan):
    a = convention.action_sheets.get(title="A")
    page = url("sheet_edit", convention, a.pk)
    mine = sheet_data(plan["one"], title="A", expected_results="Mon texte") | read(client, page)
    theirs = sheet_data(plan["one"], title="A", expected_results="Leur texte") | read(client, page)
    assert client.post(page, theirs).status_code == 302

    response = client.post(page, mine)

    assert response.status_code == 409
    text = response.content.decode()
    assert "pendant que vous les saisissiez" in text
    assert "Mon texte" in text and "Leur texte" in text
    a.refresh_from_db()
    assert a.expected_results == "Leur texte"


def test_an_axis_save_writes_only_its_fields(client, convention, adviser, plan):
    page = url("axis_edit", convention, plan["one"].pk)
    data = {"title": "Un, renommé"} | read(client, page)
    # Meanwhile someone moves axis 2 up: axis 1 is now number 2.
    client.post(url("axis_move", convention, plan["two"].pk), {"direction": "up"})

    assert client.post(page, data).status_code == 302

    assert list(convention.axes.order_by("number").values_list("title", flat=True)) == [
        "Deux",
        "Un, renommé",
    ]


def test_an_axis_save_after_a_freeze_is_refused(client, convention, adviser, plan):
    page = url("axis_edit", convention, plan["one"].pk)
    data = {"title": "Trop tard"} | read(client, page)
    type(convention).objects.filter(pk=convention.pk).update(state=ConventionState.IN_DELIBERATION)

    client.post(page, data)

    plan["one"].refresh_from_db()
    assert plan["one"].title == "Un"


def test_indicators_saved_meanwhile_refuse_a_stale_save(client, convention, adviser):
    sheet = ActionSheetFactory(axis=AxisFactory(convention=convention))

    def one_indicator(label):
        return (
            management("indicateurs", 1)
            | indicator_data(
                "indicateurs-0", label=label, kind="quantitative", periodicity="yearly"
            )
            | management("indicateurs-0-cibles", 0)
        )

    mine = one_indicator("Nombre de familles accueillies") | indicators_read(
        client, convention, sheet
    )
    theirs = one_indicator("Nombre de places") | indicators_read(client, convention, sheet)
    assert client.post(url("sheet_indicators", convention, sheet.pk), theirs).status_code == 302

    response = client.post(url("sheet_indicators", convention, sheet.pk), mine)

    assert response.status_code == 409
    assert "Nombre de familles accueillies" in response.content.decode()
    assert list(sheet.indicators.values_list("label", flat=True)) == ["Nombre de places"]


def test_the_partners_of_a_sheet_are_in_its_history(convention):
    sheet = ActionSheetFactory(axis=AxisFactory(convention=convention))
    rombach = party(convention, "Rombach")

    sheet.partner_parties.set([rombach])

    latest = sheet.history.latest()
    assert [row.party_id for row in latest.partner_parties.all()] == [rombach.pk]


def test_sheet_edit_page_keeps_its_queries_with_more_fundings(
    client, convention, adviser, django_assert_max_num_queries
):
    sheet = ActionSheetFactory(axis=AxisFactory(convention=convention), number=1)
    Funding.objects.create(action_sheet=sheet, funder=convention.caf, amount=Decimal("100"))
    with django_assert_max_num_queries(30) as one_funding:
        client.get(url("sheet_edit", convention, sheet.pk))
    for amount in range(2, 8):
        Funding.objects.create(
            action_sheet=sheet, funder=convention.lead_authority, amount=Decimal(amount)
        )
    with django_assert_max_num_queries(len(one_funding.captured_queries)):
        response = client.get(url("sheet_edit", convention, sheet.pk))
    page = response.content.decode()
    assert page.count('<legend class="h6 float-none w-auto px-2">Financeur ') == 7
    chosen = re.findall(
        r'<select name="financements-\d-funder".*?<option value="(\d+)" selected>', page, re.S
    )
    assert chosen == [str(convention.caf.pk)] + [str(convention.lead_authority.pk)] * 6


def test_sheet_fields_keep_their_attributes_and_errors(client, convention, adviser):
    axis = AxisFactory(convention=convention)
    data = sheet_data(axis, title="T" * 501, deadline="31/02/2027", territory="")
    data["financements-0-amount"] = "douze"
    page = client.post(url("sheet_create", convention), data).content.decode()
    assert 'name="title" cols="40" rows="2" maxlength="500" required aria-invalid="true"' in page
    assert 'aria-describedby="id_title_error" class="textarea form-control is-invalid"' in page
    assert '<p id="error_1_id_title"><strong>Assurez-vous que cette valeur' in page
    assert '<p id="error_1_id_deadline"><strong>Saisissez une date valide.</strong></p>' in page
    assert 'name="deadline" value="31/02/2027" placeholder="jj/mm/aaaa" pattern=' in page
    assert 'name="financements-0-amount" value="douze" inputmode="decimal"' in page
    assert '<label for="id_financements-0-amount" class="form-label">Montant (€)</label>' in page
    assert not ActionSheet.objects.exists()


def test_sheet_lists_and_boxes_keep_their_markup_and_errors(client, convention, adviser, themes):
    axis = AxisFactory(convention=convention)
    stranger = OrganisationFactory(name="Colmar")
    data = sheet_data(axis, communes=[stranger.pk], themes=[themes[1].pk])
    page = client.post(url("sheet_create", convention), data).content.decode()
    assert '<select name="axis" required class="select form-select" id="id_axis">' in page
    assert '<fieldset aria-describedby="id_communes_error id_communes_helptext">' in page
    assert 'class="form-check-input is-invalid" aria-invalid="true" name="communes"' in page
    assert '<div id="id_communes_error" class="invalid-feedback d-block">' in page
    assert f'name="themes" value="{themes[0].pk}" id="id_themes_0">' in page
    assert f'name="themes" value="{themes[1].pk}" id="id_themes_1" checked>' in page
    assert 'name="deadline_whole_period" checked class="checkboxinput form-check-input"' in page
    assert '<select name="financements-0-funder" data-picker aria-describedby=' in page
    assert not ActionSheet.objects.exists()


def test_indicator_fields_keep_their_attributes_and_errors(client, convention, adviser):
    sheet = ActionSheetFactory(axis=AxisFactory(convention=convention))
    data = (
        management("indicateurs", 1)
        | indicator_data("indicateurs-0", label="Places", kind="quantitative", unit="u" * 51)
        | management("indicateurs-0-cibles", 1)
        | indicator_data("indicateurs-0-cibles-0", value="beaucoup", date="2028-12-31")
    )
    response = client.post(
        url("sheet_indicators", convention, sheet.pk),
        data | indicators_read(client, convention, sheet),
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'name="indicateurs-0-unit" value="' + "u" * 51 + '" maxlength="50"' in page
    assert '<p id="error_1_id_indicateurs-0-cibles-0-value"><strong>Saisissez un nombre.' in page
    assert 'name="indicateurs-0-cibles-0-date" value="31/12/2028" placeholder="jj/mm/aaaa"' in page
    assert not sheet.indicators.exists()


def test_indicators_page_keeps_its_queries_with_more_indicators(
    client, convention, adviser, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    sheet = ActionSheetFactory(axis=AxisFactory(convention=convention))

    def add_indicator(label):
        indicator = IndicatorFactory(action_sheet=sheet, label=label)
        for year in (2027, 2028):
            IndicatorTarget.objects.create(
                indicator=indicator, value=Decimal(year - 2000), date=datetime.date(year, 12, 31)
            )

    add_indicator("Indicateur 1")
    page = url("sheet_indicators", convention, sheet.pk)
    client.get(page)
    with CaptureQueriesContext(connection) as with_one:
        client.get(page)
    for number in range(2, 6):
        add_indicator(f"Indicateur {number}")
    with django_assert_max_num_queries(len(with_one)):
        response = client.get(page)
    assert (
        response.content.decode().count('value="2028-12-31"')
        + response.content.decode().count('value="31/12/2028"')
        == 5
    )
