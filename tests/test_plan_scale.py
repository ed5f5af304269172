"""A 120-sheet plan followed for 20 quarters (the biggest plans of the national data set):
the plan page, its sheets, the plan dashboard, the Caf's quarter (/suivi/) and the
tracking table read a fixed number of queries and stay small.

`build_large_plan()` is also the fixture of the in-process timings reported for
issue 11 (run it in a shell against a scratch database).
"""

import datetime
import io
import random
import re
from dataclasses import dataclass
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.db import transaction
from django.test.utils import override_settings
from django.urls import reverse
from django.utils.html import escape

from actionplan import export
from actionplan.models import (
    ActionSheet,
    Axis,
    FollowUp,
    FollowUpState,
    FollowUpStatus,
    Funding,
    Indicator,
    IndicatorKind,
    IndicatorTarget,
    IndicatorValue,
    Objective,
    Review,
    ReviewKind,
)
from conventions.models import ConventionState, PartyRole, Theme
from partners.models import Role
from tests.factories import ConventionFactory, OrganisationFactory, PartyFactory, UserFactory

pytestmark = pytest.mark.django_db

# The last quarter of a 2021-2025 convention: all 20 quarters are past or current.
TODAY = datetime.datetime(2025, 11, 20, 9, 0)
QUARTERS = [(year, quarter) for year in range(2021, 2026) for quarter in (1, 2, 3, 4)]
PARAGRAPH = (
    "Le territoire compte une offre d'accueil du jeune enfant inférieure à la moyenne "
    "départementale, inégalement répartie entre le bourg-centre et les communes rurales ; "
    "les familles monoparentales y sont plus nombreuses et les horaires atypiques fréquents. "
)


@dataclass
class LargePlan:
    convention: object
    sheets: list
    indicators: list
    adviser: object
    reader: object


def build_large_plan(sheet_count=120, quarters=QUARTERS, seed=11):
    """A signed convention with `sheet_count` sheets using every field, 1 to 3 indicators
    each, and an entry for every sheet and quarter (values for the reported ones); bulk
    inserts, so that building 120 x 20 takes a second or two."""
    rng = random.Random(seed)
    convention = ConventionFactory(
        state=ConventionState.SIGNED,
        start_date=datetime.date(quarters[0][0], 3 * quarters[0][1] - 2, 1),
        end_date=datetime.date(quarters[-1][0], 12, 31),
        lead_authority__siren=None,
        statistical_secrecy=True,
    )
    caf = PartyFactory(convention=convention, organisation=convention.caf, role=PartyRole.CAF)
    lead = PartyFactory(
        convention=convention, organisation=convention.lead_authority, role=PartyRole.LEAD
    )
    communes = [
        OrganisationFactory(name=f"Commune membre {n}", epci=convention.lead_authority, siren=None)
        for n in range(4)
    ]
    partners = [
        PartyFactory(convention=convention, organisation=commune) for commune in communes[:2]
    ]
    theme, _ = Theme.objects.get_or_create(
        code="petite-enfance", defaults={"name": "Petite enfance"}
    )
    axes = Axis.objects.bulk_create(
        Axis(convention=convention, number=n, title=f"Axe stratégique numéro {n} du territoire")
        for n in range(1, 5)
    )
    objectives = Objective.objects.bulk_create(
        Objective(axis=axis, number=n, title=f"Objectif {axis.number}.{n} partagé")
        for axis in axes
        for n in (1, 2, 3)
    )
    sheets = ActionSheet.objects.bulk_create(
        ActionSheet(
            convention=convention,
            axis=axes[(number - 1) * len(axes) // sheet_count],
            objective=(
                objectives[(number - 1) * len(axes) // sheet_count * 3 + number % 3]
                if number % 4
                else None
            ),
            number=number,
            title=f"Action {number} : développer l'accueil des familles du territoire",
            initial_diagnostic=PARAGRAPH * 3,
            target_public="Familles avec enfants de moins de six ans, assistantes maternelles.",
            operational_objectives=PARAGRAPH * 2,
            implementation=PARAGRAPH * 2,
            deadline=datetime.date(2025, 12, 31) if number % 2 else None,
            deadline_whole_period=not number % 2,
            pilot_party=lead,
            pilot_services="Service enfance-jeunesse, coordinatrice petite enfance.",
            other_partners="PMI, Éducation nationale.",
            expected_results=PARAGRAPH,
            human_means="Un ETP de coordination.",
            territory="Ensemble du territoire intercommunal",
        )
        for number in range(1, sheet_count + 1)
    )
    ActionSheet.themes.through.objects.bulk_create(
        ActionSheet.themes.through(actionsheet_id=sheet.pk, theme_id=theme.pk) for sheet in sheets
    )
    ActionSheet.partner_parties.through.objects.bulk_create(
        ActionSheet.partner_parties.through(actionsheet_id=sheet.pk, party_id=party.pk)
        for sheet in sheets
        for party in (caf, *partners)
    )
    ActionSheet.communes.through.objects.bulk_create(
        ActionSheet.communes.through(actionsheet_id=sheet.pk, organisation_id=commune.pk)
        for sheet in sheets
        for commune in communes
    )
    Funding.objects.bulk_create(
        Funding(action_sheet=sheet, funder=convention.caf, amount=Decimal(1500 * sheet.number))
        for sheet in sheets
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(
            action_sheet=sheet,
            position=position,
            label=f"Indicateur {position} de l'action {sheet.number}",
            kind=IndicatorKind.QUALITATIVE if position == 3 else IndicatorKind.QUANTITATIVE,
            unit="" if position == 3 else "places",
            baseline_value=None if position == 3 else Decimal(10 + sheet.number % 7),
            baseline_date=datetime.date(2020, 12, 31),
            source="Caf, SIAS",
        )
        for sheet in sheets
        for position in range(1, 2 + sheet.number % 3)
    )
    IndicatorTarget.objects.bulk_create(
        IndicatorTarget(
            indicator=indicator,
            value=None if indicator.kind == IndicatorKind.QUALITATIVE else Decimal(60),
            text="Un partenariat par commune"
            if indicator.kind == IndicatorKind.QUALITATIVE
            else "",
            date=datetime.date(2025, 12, 31),
        )
        for indicator in indicators
    )
    statuses = [FollowUpStatus.IN_PROGRESS] * 6 + [
        FollowUpStatus.IN_DIFFICULTY,
        FollowUpStatus.DONE,
        FollowUpStatus.POSTPONED,
    ]
    entries = []
    for sheet in sheets:
        for index, (year, quarter) in enumerate(quarters):
            last = index == len(quarters) - 1
            state = (
                rng.choice(list(FollowUpState))
                if last
                else FollowUpState.VALIDATED
                if rng.random() < 0.95
                else FollowUpState.RETURNED
            )
            status = rng.choice(statuses)
            entries.append(
                FollowUp(
                    action_sheet=sheet,
                    year=year,
                    quarter=quarter,
                    state=state,
                    status=status,
                    progress=100 if status == FollowUpStatus.DONE else 5 * (index % 20),
                    achievements=f"Trimestre {index + 1} : " + PARAGRAPH,
                    difficulties="Recrutement difficile." if index % 3 == 0 else "",
                    next_steps="Réunir le comité technique en fin de trimestre.",
                )
            )
    FollowUp.objects.bulk_create(entries, batch_size=2000)
    entry_of = {(e.action_sheet_id, e.year, e.quarter): e for e in entries}
    IndicatorValue.objects.bulk_create(
        (
            IndicatorValue(
                indicator=indicator,
                follow_up=entry_of[(indicator.action_sheet_id, year, quarter)],
                year=year,
                quarter=quarter,
                value=(
                    None
                    if indicator.kind == IndicatorKind.QUALITATIVE
                    else Decimal(rng.randint(0, 60))
                ),
                text="Partenariat noué." if indicator.kind == IndicatorKind.QUALITATIVE else "",
                zone_recipients=rng.choice([None, 50, 400]),
            )
            for indicator in indicators
            for year, quarter in quarters
            if entry_of[(indicator.action_sheet_id, year, quarter)].state
            in (FollowUpState.SUBMITTED, FollowUpState.VALIDATED)
        ),
        batch_size=2000,
    )
    adviser = UserFactory(role=Role.ADVISER, organisation=convention.caf)
    reader = UserFactory(role=Role.READER, organisation=convention.lead_authority)
    return LargePlan(convention, sheets, indicators, adviser, reader)


@pytest.fixture(scope="module")
def plans(django_db_setup, django_db_blocker):
    """The 120-sheet plan and a one-sheet plan followed for one quarter, built once for
    the module inside a transaction rolled back at its end."""
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=hashers),
        transaction.atomic(),
    ):
        yield build_large_plan(), build_large_plan(sheet_count=1, quarters=QUARTERS[-1:])
        transaction.set_rollback(True)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


def test_plan_page_of_120_sheets_is_an_outline_linking_to_each_sheet(
    client, plans, django_assert_max_num_queries
):
    large, small = plans
    client.force_login(small.reader)
    with django_assert_max_num_queries(25) as few:
        assert client.get(reverse("actionplan:plan", args=[small.convention.pk])).status_code == 200
    client.force_login(large.reader)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("actionplan:plan", args=[large.convention.pk]))
    page = response.content.decode()
    for number in (1, 60, 120):
        assert reverse("actionplan:sheet", args=[large.convention.pk, number]) in page
    assert page.count('<article class="border-start') == 120
    # The full sheets weighed 946 KB on the national data set; the outline stays small.
    assert len(response.content) < 150_000


def latest_statuses(plan):
    """What the dashboard must count, computed the long way: each sheet's latest entry
    submitted or validated."""
    latest = {}
    for entry in FollowUp.objects.filter(
        action_sheet__convention=plan.convention,
        state__in=[FollowUpState.SUBMITTED, FollowUpState.VALIDATED],
    ).order_by("year", "quarter"):
        latest[entry.action_sheet_id] = entry.get_status_display()
    return latest


def test_dashboard_of_120_sheets_counts_the_latest_reports_in_as_few_queries(
    client, plans, django_assert_max_num_queries
):
    large, small = plans
    client.force_login(small.adviser)
    url = reverse("actionplan:dashboard", args=[small.convention.pk])
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    client.force_login(large.adviser)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("actionplan:dashboard", args=[large.convention.pk]))
    page = response.content.decode()
    counts = {}
    for label in latest_statuses(large).values():
        counts[label] = counts.get(label, 0) + 1
    for label, count in counts.items():
        assert f'<tr><td>{label}</td><td class="text-end">{count}</td></tr>' in page, label
    # Every quarter's entries, counted by state, in the table under the columns chart.
    validated = FollowUp.objects.filter(
        action_sheet__convention=large.convention,
        year=2021,
        quarter=1,
        state=FollowUpState.VALIDATED,
    ).count()
    assert f'<tr><td>T1 2021</td><td class="text-end">{validated}</td>' in page
    # Many indicators: the chart's description sums them up, the table gives each one.
    assert "indicateurs chiffrés avec une cible :" in page
    assert page.count("<tr><td>") >= len(large.indicators)


def test_dashboard_shows_each_indicator_latest_value_with_secrecy(client, plans):
    large, _ = plans
    indicator = next(i for i in large.indicators if i.kind == IndicatorKind.QUANTITATIVE)
    latest = (
        IndicatorValue.objects.filter(indicator=indicator, value__isnull=False)
        .order_by("year", "quarter")
        .last()
    )
    client.force_login(large.reader)  # outside the Caf: secrecy applies
    page = client.get(reverse("actionplan:dashboard", args=[large.convention.pk])).content
    row = page.decode().split(f"<td>{escape(indicator.label)} (places)</td>")[1].split("</tr>")[0]
    if latest.zone_recipients == 50 or 0 < latest.value < 5:
        assert "masquée (secret statistique)" in row
    else:
        assert f"{latest.value:.0f} <span" in row
        assert f"(T{latest.quarter} {latest.year})" in row


def test_workbook_of_120_sheets_over_20_quarters_has_every_row(
    plans, django_assert_max_num_queries
):
    large, _ = plans
    with django_assert_max_num_queries(6):
        content = export.workbook(large.convention)
    book = openpyxl.load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Convention", "Actions", "Indicateurs", "Suivi détaillé"]
    actions = list(book["Actions"].iter_rows(values_only=True))
    assert len(actions) == 1 + 120
    assert len(actions[0]) == 6 + 2 * 20 + 4
    assert actions[0][6] == "T1 2021 – avancement"
    assert len(list(book["Indicateurs"].iter_rows(values_only=True))) == 1 + len(large.indicators)
    assert book["Suivi détaillé"].max_row == 1 + 120 * 20
    assert book["Actions"]["D2"].alignment.wrap_text
    assert book["Actions"].freeze_panes == "E2"
    # Statistical secrecy: no value about a zone under the threshold leaves the Caf.
    hidden = IndicatorValue.objects.filter(
        indicator__action_sheet__convention=large.convention,
        zone_recipients=50,
        value__isnull=False,
    ).first()
    header = [cell.value for cell in book["Indicateurs"][1]]
    column = header.index(f"T{hidden.quarter} {hidden.year}")
    labels = [cell.value for cell in book["Indicateurs"]["D"]]
    row = labels.index(hidden.indicator.label) + 1
    assert book["Indicateurs"].cell(row=row, column=column + 1).value is None


# -- The Caf's quarter across many conventions (/suivi/) ----------------------------


@pytest.fixture
def many():
    """61 conventions of one Caf in force in T4 2025, one sheet each; the quarter opened
    for 60 of them, with one, then two... entries validated; and one of another Caf."""
    caf = OrganisationFactory(as_caf=True, name="Caf du Haut-Rhin")
    conventions = [
        ConventionFactory(
            caf=caf,
            title=f"CTG numéro {n:02}",
            state=ConventionState.SIGNED,
            start_date=datetime.date(2023, 1, 1),
            end_date=datetime.date(2027, 12, 31),
        )
        for n in range(61)
    ]
    other = ConventionFactory(
        title="CTG d'une autre Caf",
        state=ConventionState.SIGNED,
        start_date=datetime.date(2023, 1, 1),
        end_date=datetime.date(2027, 12, 31),
    )
    axes = Axis.objects.bulk_create(Axis(convention=c, number=1, title="Axe") for c in conventions)
    sheets = ActionSheet.objects.bulk_create(
        ActionSheet(convention=c, axis=a, number=n, title=f"Action {n}")
        for c, a in zip(conventions, axes, strict=True)
        for n in (1, 2)
    )
    FollowUp.objects.bulk_create(
        FollowUp(
            action_sheet=sheet,
            year=2025,
            quarter=4,
            state=(
                FollowUpState.VALIDATED
                if sheet.convention.title >= "CTG numéro 30" or sheet.number == 1
                else FollowUpState.SUBMITTED
            ),
        )
        for sheet in sheets
        if sheet.convention_id != conventions[0].pk  # not opened for the first one
    )
    return {
        "caf": caf,
        "conventions": conventions,
        "other": other,
        "adviser": UserFactory(role=Role.ADVISER, organisation=caf),
        "admin": UserFactory(administrator=True),
    }


def suivi(client, **params):
    response = client.get(reverse("actionplan:caf_followup"), {"trimestre": "2025-T4", **params})
    assert response.status_code == 200
    return response.content.decode()


def test_caf_quarter_is_paginated_by_50_least_complete_first(client, many):
    client.force_login(many["adviser"])
    first = suivi(client)
    assert "61 conventions en vigueur, 60 dont le trimestre est ouvert" in first
    assert "Page 1 sur 2" in first
    assert first.count("<tr>") - 1 == 50
    # Not opened first, then half validated (numbers 01 to 29), then complete.
    assert first.index("CTG numéro 00") < first.index("CTG numéro 01")
    assert "CTG numéro 55" not in first
    assert "CTG d&#x27;une autre Caf" not in first
    second = suivi(client, page=2)
    assert "Page 2 sur 2" in second
    assert second.count("<tr>") - 1 == 11
    assert "CTG numéro 60" in second and "CTG numéro 01" not in second
    assert "?trimestre=2025-T4&amp;page=1" in second


def test_caf_quarter_filters_by_state_and_keeps_the_filter_in_links(client, many):
    client.force_login(many["adviser"])
    page = suivi(client, etat="a-valider")
    assert "29 correspondent au filtre" in page
    assert "CTG numéro 01" in page and "CTG numéro 30" not in page
    assert "CTG numéro 00" not in page
    assert 'href="/suivi/?trimestre=2025-T3&amp;etat=a-valider"' in page
    assert '<option value="a-valider" selected>' in page
    page = suivi(client, etat="non-ouvert")
    assert "1 correspond au filtre" in page and "CTG numéro 00" in page
    # A forged state shows everything rather than failing.
    assert "Page 1 sur 2" in suivi(client, etat="<script>")


def test_administrator_chooses_a_caf_and_pages_keep_it(client, many):
    client.force_login(many["admin"])
    everything = suivi(client)
    # Not opened, hence first: the other Caf's convention.
    assert "CTG d&#x27;une autre Caf" in everything
    assert f'<option value="{many["caf"].pk}">Caf du Haut-Rhin</option>' in everything
    page = suivi(client, caf=many["caf"].pk)
    assert "61 conventions en vigueur" in page
    assert f"?trimestre=2025-T4&amp;caf={many['caf'].pk}&amp;page=2" in page
    assert "CTG d&#x27;une autre Caf" not in page
    assert "61 conventions" not in suivi(client, caf="abc")
    # The adviser is offered no choice of Caf.
    client.force_login(many["adviser"])
    assert 'name="caf"' not in suivi(client)


def test_caf_quarter_reads_a_fixed_number_of_queries(client, many, django_assert_max_num_queries):
    lone = UserFactory(adviser=True)
    ConventionFactory(
        caf=lone.organisation,
        state=ConventionState.SIGNED,
        start_date=datetime.date(2023, 1, 1),
        end_date=datetime.date(2027, 12, 31),
    )
    client.force_login(lone)
    with django_assert_max_num_queries(20) as few:
        suivi(client)
    client.force_login(many["admin"])
    with django_assert_max_num_queries(len(few.captured_queries) + 1):  # the list of Cafs
        suivi(client)


def test_review_form_of_120_sheets_offers_entries_of_the_last_four_quarters(client, plans):
    """2,400 entries: whole quarters for all twenty, entry by entry for the last four."""
    large, _small = plans
    client.force_login(large.adviser)
    response = client.get(reverse("actionplan:review_create", args=[large.convention.pk]))
    form = response.context["form"]
    assert len(form.fields["quarters"].choices) == 20
    assert len(form.fields["follow_ups"].choices) == 4 * 120
    # It weighed 646 KB with a checkbox for each of the 2,400 entries.
    assert len(response.content) < 250_000


def _review_of_last_quarter(plan, *singles):
    """A review of the plan's whole last quarter and of `singles` (year, quarter, sheet)."""
    entries = FollowUp.objects.filter(action_sheet__convention=plan.convention)
    review = Review.objects.create(
        convention=plan.convention, kind=ReviewKind.YEARLY, date=datetime.date(2025, 11, 18)
    )
    year, quarter = QUARTERS[-1]
    chosen = list(entries.filter(year=year, quarter=quarter))
    chosen += [
        entries.get(year=year, quarter=quarter, action_sheet__number=number)
        for year, quarter, number in singles
    ]
    review.follow_ups.set(chosen)
    return reverse("actionplan:review_edit", args=[plan.convention.pk, review.pk])


def test_review_edit_form_ticks_what_it_holds_in_as_many_queries_for_120_sheets(
    client, plans, django_assert_max_num_queries
):
    large, small = plans
    client.force_login(small.adviser)
    with django_assert_max_num_queries(30) as few:
        assert client.get(_review_of_last_quarter(small)).status_code == 200
    single = FollowUp.objects.get(
        action_sheet__convention=large.convention, year=2025, quarter=3, action_sheet__number=7
    )
    url = _review_of_last_quarter(large, (2025, 3, 7))
    client.force_login(large.adviser)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    page = response.content.decode()
    # The whole quarter is ticked as a quarter, the other entry one by one.
    assert re.findall(r'name="quarters" value="([\d-]+)"[^>]*checked', page) == ["2025-4"]
    assert re.findall(r'name="follow_ups" value="(\d+)"[^>]*checked', page) == [str(single.pk)]
    label = f'for="id_follow_ups_{len(large.sheets) * 2 + 6}">Action 7 (T3 2025) : '
    assert label in page
