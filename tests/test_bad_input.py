"""Inputs a browser can send that once answered HTTP 500: each is a 404 or a French message."""

import pytest
from django.urls import reverse

from actionplan.models import Indicator, ReviewKind
from conventions.models import ConventionTemplate, PartyRole
from partners.models import Role
from tests.factories import (
    ActionSheetFactory,
    AxisFactory,
    ConventionFactory,
    IndicatorFactory,
    PartyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def convention():
    convention = ConventionFactory()
    PartyFactory(convention=convention, organisation=convention.caf, role=PartyRole.CAF)
    PartyFactory(convention=convention, organisation=convention.lead_authority, role=PartyRole.LEAD)
    return convention


@pytest.fixture
def adviser(client, convention):
    user = UserFactory(role=Role.ADVISER, organisation=convention.caf)
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    ("year", "message"),
    [
        ("0", "supérieure ou égale à 2000"),
        ("-5", "supérieure ou égale à 2000"),
        ("10000", "inférieure ou égale à 2100"),
        ("1e9", "inférieure ou égale à 2100"),
        ("abc", "Saisissez un nombre"),
    ],
)
def test_a_year_filter_out_of_range_is_a_french_message_not_an_error(
    client, adviser, year, message
):
    response = client.get(reverse("conventions:list"), {"year": year})

    assert response.status_code == 200
    assert message in response.content.decode()


@pytest.mark.parametrize("quarter", ["0000-T1", "9999-T4", "2026-T9", "x"])
def test_an_impossible_quarter_of_the_caf_follow_up_is_not_an_error(client, adviser, quarter):
    response = client.get(reverse("actionplan:caf_followup"), {"trimestre": quarter})

    assert response.status_code in (200, 404)


def test_a_forged_objective_in_the_new_sheet_link_is_ignored(client, adviser, convention):
    AxisFactory(convention=convention)

    response = client.get(
        reverse("actionplan:sheet_create", args=[convention.pk]), {"objectif": "abc", "axe": "x"}
    )

    assert response.status_code == 200


@pytest.fixture
def sheet(convention):
    return ActionSheetFactory(axis=AxisFactory(convention=convention))


def test_an_empty_post_of_the_indicators_is_refused_and_writes_nothing(
    client, adviser, convention, sheet
):
    IndicatorFactory(action_sheet=sheet)

    response = client.post(reverse("actionplan:sheet_indicators", args=[convention.pk, sheet.pk]))

    assert response.status_code == 200
    assert "ManagementForm" in response.content.decode()
    assert Indicator.objects.filter(action_sheet=sheet).count() == 1


def test_a_formset_claiming_thousands_of_rows_is_capped(client, adviser, convention, sheet):
    response = client.post(
        reverse("actionplan:sheet_indicators", args=[convention.pk, sheet.pk]),
        {
            "indicateurs-TOTAL_FORMS": "2000",
            "indicateurs-INITIAL_FORMS": "0",
            "indicateurs-MIN_NUM_FORMS": "0",
            "indicateurs-MAX_NUM_FORMS": "1000",
        },
    )

    assert response.status_code == 200
    assert response.context["formset"].total_form_count() <= 100
    assert not Indicator.objects.filter(action_sheet=sheet).exists()


def test_a_request_larger_than_any_upload_is_refused_before_it_is_read(client, adviser):
    response = client.post(
        reverse("conventions:list"), data=b"x", content_type="application/pdf",
        CONTENT_LENGTH=str(60 * 1024 * 1024),
    )  # fmt: skip

    assert response.status_code == 413
    assert "Envoi trop volumineux" in response.content.decode()
    assert "dépasse 50,0" in response.content.decode()


def _claiming(prefix, total="2000"):
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": "0",
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


@pytest.mark.parametrize(
    ("page", "prefix"), [("edit_articles", "articles"), ("edit_steering", "steering_instances")]
)
def test_convention_rows_claiming_thousands_of_forms_are_capped(
    client, adviser, convention, page, prefix
):
    response = client.post(reverse(f"conventions:{page}", args=[convention.pk]), _claiming(prefix))

    assert response.status_code == 200
    assert response.context["formset"].total_form_count() <= 100
    assert "Veuillez soumettre au plus" in response.content.decode()
    assert not convention.articles.exists() and not convention.steering_instances.exists()


def test_template_articles_claiming_thousands_of_forms_are_capped(client, adviser):
    template = ConventionTemplate.objects.create(name="Modèle de la Caf", caf=adviser.organisation)
    url = reverse("conventions:template_articles", args=[template.pk])
    version = client.get(url).context["version"]["version"].value()

    response = client.post(url, {"version": version, **_claiming("articles")})

    assert response.status_code == 200
    assert response.context["formset"].total_form_count() <= 100
    assert "Veuillez soumettre au plus 100 formulaires" in response.content.decode()
    assert not template.articles.exists()


def test_a_review_citing_an_id_beyond_any_database_integer_is_a_french_message(
    client, adviser, convention
):
    response = client.post(
        reverse("actionplan:review_create", args=[convention.pk]),
        {"kind": ReviewKind.YEARLY, "date": "2026-01-15", "follow_ups": "99999999999999999999"},
    )

    assert response.status_code == 200
    assert "Le bilan n'est pas enregistré" in response.content.decode()
    assert "n’en fait pas partie" in str(response.context["form"].errors["follow_ups"])
    assert not convention.reviews.exists()


@pytest.mark.parametrize("field", ["party", "amendment", "review"])
def test_a_forged_id_when_asking_for_a_document_is_a_404(client, adviser, convention, field):
    kind = {"party": "deliberation_draft", "amendment": "amendment", "review": "review"}[field]

    response = client.post(
        reverse("conventions:document_request", args=[convention.pk]),
        {"kind": kind, field: "0000-T1", "format": "docx"},
    )

    assert response.status_code == 404
