"""Query counts of the follow-up and dashboard pages do not grow with the plan: the
signed PMA convention (10 actions) with all 20 quarters followed reads no more
queries than a one-action convention with a single quarter."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.urls import reverse

from actionplan import followup
from actionplan.models import FollowUp, FollowUpState, IndicatorKind, IndicatorValue
from conventions.models import Convention, ConventionState
from partners.models import User
from tests.factories import ActionSheetFactory, AxisFactory, ConventionFactory, IndicatorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    # The last quarter of the PMA convention: all 20 are past or current.
    with time_machine.travel(datetime.datetime(2027, 12, 15, 9, 0), tick=False):
        yield


@pytest.fixture
def pma(demo):
    convention = Convention.objects.get(reference="pma-2023-2027")
    sheets = list(convention.action_sheets.prefetch_related("indicators"))
    existing = set(
        FollowUp.objects.filter(action_sheet__convention=convention).values_list(
            "action_sheet_id", "year", "quarter"
        )
    )
    quarters = followup.convention_quarters(convention)
    assert len(quarters) == 20
    FollowUp.objects.bulk_create(
        FollowUp(
            action_sheet=sheet,
            year=year,
            quarter=quarter,
            status="in_progress",
            progress=5 * index,
            state=FollowUpState.VALIDATED,
        )
        for sheet in sheets
        for index, (year, quarter) in enumerate(quarters)
        if (sheet.pk, year, quarter) not in existing
    )
    values = set(
        IndicatorValue.objects.filter(indicator__action_sheet__convention=convention).values_list(
            "indicator_id", "year", "quarter"
        )
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(indicator=indicator, year=year, quarter=quarter, value=Decimal(7))
        for sheet in sheets
        for indicator in sheet.indicators.all()
        if indicator.kind == IndicatorKind.QUANTITATIVE
        for year, quarter in quarters
        if (indicator.pk, year, quarter) not in values
    )
    assert FollowUp.objects.filter(action_sheet__convention=convention).count() == 200
    return convention


@pytest.fixture
def small(pma):
    convention = ConventionFactory(
        caf=pma.caf,
        state=ConventionState.SIGNED,
        start_date=datetime.date(2027, 1, 1),
        end_date=datetime.date(2031, 12, 31),
    )
    sheet = ActionSheetFactory(axis=AxisFactory(convention=convention))
    IndicatorFactory(action_sheet=sheet)
    FollowUp.objects.create(action_sheet=sheet, year=2027, quarter=4)
    return convention


@pytest.fixture
def adviser(client, demo):
    user = User.objects.get(username="conseiller.doubs")
    client.force_login(user)
    return user


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("followup", [2027, 4]),
        ("dashboard", []),
        ("dashboard_quarter", [2027, 4]),
    ],
)
def test_pma_with_20_quarters_reads_as_few_queries_as_a_small_convention(
    client, adviser, pma, small, name, args, django_assert_max_num_queries
):
    with django_assert_max_num_queries(25) as few:
        response = client.get(reverse(f"actionplan:{name}", args=[small.pk, *args]))
    assert response.status_code == 200
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse(f"actionplan:{name}", args=[pma.pk, *args]))
    assert response.status_code == 200
    page = response.content.decode()
    assert "T4 2027" in page
    if name == "followup":
        assert page.count('<section id="action-') == 10


def test_the_submitted_page_reads_a_fixed_number_of_queries_too(
    client, adviser, pma, small, django_assert_max_num_queries
):
    """Saving one action of ten re-reads nothing per action."""
    entry = FollowUp.objects.get(action_sheet__convention=small, year=2027, quarter=4)
    data = {
        f"suivi-{entry.pk}-revision": 0,
        f"suivi-{entry.pk}-status": "in_progress",
        f"suivi-{entry.pk}-progress": 10,
        "enregistrer": "1",
    }
    url = reverse("actionplan:followup", args=[small.pk, 2027, 4])
    with django_assert_max_num_queries(40) as few:
        assert client.post(url, data).status_code == 302
    FollowUp.objects.filter(action_sheet__convention=pma, year=2027, quarter=4).update(
        state=FollowUpState.DRAFT
    )
    entry = FollowUp.objects.get(
        action_sheet__convention=pma, action_sheet__number=1, year=2027, quarter=4
    )
    data = {
        f"suivi-{entry.pk}-revision": entry.revision,
        f"suivi-{entry.pk}-status": "in_progress",
        f"suivi-{entry.pk}-progress": 95,
        "enregistrer": "1",
    }
    url = reverse("actionplan:followup", args=[pma.pk, 2027, 4])
    with django_assert_max_num_queries(len(few.captured_queries) + 4):
        assert client.post(url, data).status_code == 302
    entry.refresh_from_db()
    assert entry.progress == 95


def test_caf_view_and_home_list_the_pma_completeness(client, adviser, pma, small):
    page = client.get(reverse("actionplan:caf_followup")).content.decode()
    assert pma.title in page
    assert "10 / 10" in page
    home = client.get(reverse("conventions:home")).content.decode()
    assert "Suivi du T4 2027 par convention" in home
