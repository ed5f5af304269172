"""A convention's plan pages are drawn once and kept in the cache (conventions/freshness.py),
and every way the plan changes shows at once: a cached page never shows stale data."""

import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplan import copy, editing, followup, tracking_import
from actionplan.models import (
    ActionSheet,
    FollowUp,
    FollowUpState,
    IndicatorTarget,
    IndicatorValue,
)
from actionplan.models.tracking_import import ImportMode
from conventions import freshness
from conventions.models import Theme
from partners.models import Role
from tests.factories import (
    ActionSheetFactory,
    AxisFactory,
    ConventionFactory,
    IndicatorFactory,
    UserFactory,
)
from tests.followup_setup import TODAY, entry_data, signed_convention

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture(autouse=True)
def _plan_cache(settings):
    settings.PLAN_CACHE = True


@pytest.fixture
def setting():
    return signed_convention(sheets=2, quarters=((2026, 1),))


def dashboard(client, convention, year=2026, quarter=1):
    url = reverse("actionplan:dashboard_quarter", args=[convention.pk, year, quarter])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def outline(client, convention):
    response = client.get(reverse("actionplan:plan", args=[convention.pk]))
    assert response.status_code == 200
    return response.content.decode()


def exported(client, convention, table):
    url = reverse("actionplan:export_csv", args=[convention.pk, table])
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode("utf-8-sig")


def queries_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


def drawn_and_cached(client, url, convention):
    """Queries of the page drawn (the person's other cached figures already made), then
    of the page read from the cache."""
    client.get(url)
    freshness.plan_changed(convention.pk)
    return queries_of(client, url), queries_of(client, url)


@pytest.mark.parametrize("name", ["actionplan:dashboard", "actionplan:plan"])
def test_plan_pages_are_drawn_once_then_read_from_the_cache(client, setting, name):
    client.force_login(setting.users["cooperation"])
    drawn, cached = drawn_and_cached(
        client, reverse(name, args=[setting.convention.pk]), setting.convention
    )
    assert cached < drawn


def test_csv_export_is_written_once_then_read_from_the_cache(client, setting):
    client.force_login(setting.users["adviser"])
    url = reverse("actionplan:export_csv", args=[setting.convention.pk, "suivi"])
    written, cached = drawn_and_cached(client, url, setting.convention)
    assert cached < written


def test_without_a_shared_cache_nothing_is_kept(client, setting, settings):
    settings.PLAN_CACHE = False
    client.force_login(setting.users["cooperation"])
    url = reverse("actionplan:dashboard", args=[setting.convention.pk])
    drawn, again = drawn_and_cached(client, url, setting.convention)
    assert again == drawn


def test_outsider_gets_404_from_a_cached_dashboard(client, setting):
    client.force_login(setting.users["adviser"])
    dashboard(client, setting.convention)
    client.force_login(setting.users["other_adviser"])
    url = reverse("actionplan:dashboard_quarter", args=[setting.convention.pk, 2026, 1])
    assert client.get(url).status_code == 404


def test_a_figure_the_adviser_sees_stays_hidden_from_a_reader_under_secrecy(client):
    setting = signed_convention(
        sheets=1, quarters=((2026, 1),), statistical_secrecy=True, secrecy_min_value=5
    )
    entry = setting.entries[(1, 2026, 1)]
    IndicatorValue.objects.create(
        indicator=setting.indicators[0], follow_up=entry, year=2026, quarter=1, value=3
    )
    FollowUp.objects.filter(pk=entry.pk).update(state=FollowUpState.SUBMITTED)
    freshness.plan_changed(setting.convention.pk)
    client.force_login(setting.users["adviser"])
    assert "masquée (secret statistique)" not in dashboard(client, setting.convention)
    client.force_login(setting.users["reader"])
    assert "masquée (secret statistique)" in dashboard(client, setting.convention)


def test_a_submitted_follow_up_shows_at_once_on_the_dashboard(client, setting):
    client.force_login(setting.users["cooperation"])
    assert "axe 1 : 0 % (2 actions)" in dashboard(client, setting.convention)
    entry = setting.entries[(1, 2026, 1)]
    followup.save_entry(
        setting.users["cooperation"], entry, entry.revision, entry_data(progress=40), submit=True
    )
    assert "axe 1 : 20 % (2 actions)" in dashboard(client, setting.convention)


def test_a_quarter_validated_in_bulk_shows_at_once_on_the_dashboard(client, setting):
    chargee, adviser = setting.users["cooperation"], setting.users["adviser"]
    for number in (1, 2):
        entry = setting.entries[(number, 2026, 1)]
        followup.save_entry(chargee, entry, entry.revision, entry_data(), submit=True)
    label = followup.quarter_label(2026, 1)
    client.force_login(adviser)
    assert f"{label} : 0 validés, 2 transmis" in dashboard(client, setting.convention)
    revisions = {
        pk: str(revision)
        for pk, revision in FollowUp.objects.filter(
            action_sheet__convention=setting.convention
        ).values_list("pk", "revision")
    }
    followup.validate_all(adviser, setting.convention, 2026, 1, revisions)
    assert f"{label} : 2 validés, 0 transmis" in dashboard(client, setting.convention)


def test_a_quarter_opened_in_bulk_shows_at_once_on_the_dashboard(client, setting):
    adviser = setting.users["adviser"]
    client.force_login(adviser)
    label = followup.quarter_label(2026, 2)
    assert f"{label} : " not in dashboard(client, setting.convention, 2026, 2)
    followup.open_convention_quarter(adviser, setting.convention, 2026, 2)
    assert f"{label} : 0 validés, 0 transmis, 2 en attente" in dashboard(
        client, setting.convention, 2026, 2
    )


def test_a_new_indicator_value_shows_at_once_in_the_export(client, setting):
    client.force_login(setting.users["adviser"])
    assert "1234" not in exported(client, setting.convention, "indicateurs")
    IndicatorValue.objects.create(
        indicator=setting.indicators[0],
        follow_up=setting.entries[(1, 2026, 1)],
        year=2026,
        quarter=1,
        value=Decimal("1234"),
    )
    assert "1234" in exported(client, setting.convention, "indicateurs")


def test_a_changed_target_shows_at_once_in_the_export(client, setting):
    client.force_login(setting.users["adviser"])
    assert "987" not in exported(client, setting.convention, "indicateurs")
    target = setting.indicators[0].targets.get()
    target.value = 987
    target.save()
    assert "987" in exported(client, setting.convention, "indicateurs")


def test_copied_targets_show_at_once_in_the_export(client, setting):
    client.force_login(setting.users["adviser"])
    source = IndicatorFactory(label="Places d'une autre convention")
    IndicatorTarget.objects.create(indicator=source, value=765, date=datetime.date(2030, 12, 31))
    copied = IndicatorFactory(action_sheet=setting.sheets[1], label="Places copiées")
    assert "765" not in exported(client, setting.convention, "indicateurs")
    copy.copy_targets(source, copied)
    assert "765" in exported(client, setting.convention, "indicateurs")


def test_renaming_the_pilot_shows_at_once_on_the_outline(client, setting):
    client.force_login(setting.users["cooperation"])
    assert "Communauté des Trois Vallées" not in outline(client, setting.convention)
    pilot = setting.sheets[0].pilot_party.organisation
    pilot.name = "Communauté des Trois Vallées"
    pilot.save()
    assert "Communauté des Trois Vallées" in outline(client, setting.convention)


def test_a_theme_given_to_a_sheet_shows_at_once_on_the_outline(client, setting):
    theme = Theme.objects.create(code="jeunesse", name="Jeunesse et citoyenneté")
    client.force_login(setting.users["cooperation"])
    assert "Jeunesse et citoyenneté" not in outline(client, setting.convention)
    setting.sheets[0].themes.add(theme)
    assert "Jeunesse et citoyenneté" in outline(client, setting.convention)


def test_sheets_renumbered_in_bulk_show_at_once_on_the_outline(client):
    convention = ConventionFactory()
    axis = AxisFactory(convention=convention, number=1)
    first = ActionSheetFactory(axis=axis, number=1, title="Relais petite enfance")
    ActionSheetFactory(axis=axis, number=2, title="Lieu d'accueil enfants-parents")
    client.force_login(UserFactory(role=Role.ADVISER, organisation=convention.caf))
    assert "Action 1 : Relais petite enfance" in outline(client, convention)
    editing.move_action_sheet(first, 1)
    page = outline(client, convention)
    assert "Action 2 : Relais petite enfance" in page
    assert "Action 1 : Lieu d&#x27;accueil enfants-parents" in page


def test_a_lost_generation_never_serves_an_older_page(client, setting):
    """The cache lost the convention's generation (evicted) while the rows changed
    without a signal: the page is drawn again, not read from before."""
    client.force_login(setting.users["cooperation"])
    assert "Action numéro 1" in outline(client, setting.convention)
    ActionSheet.objects.filter(pk=setting.sheets[0].pk).update(title="Guichet unique")
    cache.delete(freshness._plan_key(setting.convention.pk))
    assert "Guichet unique" in outline(client, setting.convention)


def test_a_day_later_the_dashboard_is_drawn_again(client, setting):
    """What is late depends on the day: the dashboard of one day is not the next one's."""
    client.force_login(setting.users["adviser"])
    with time_machine.travel(datetime.datetime(2026, 3, 31, 9, 0), tick=False):
        assert "suivi en retard" not in dashboard(client, setting.convention)
    assert "suivi en retard (" in dashboard(client, setting.convention)


def test_past_quarters_seeded_from_the_cafs_table_show_at_once_in_the_export(client):
    setting = signed_convention(
        sheets=1,
        quarters=((2023, 3),),
        start_date=datetime.date(2023, 1, 1),
        end_date=datetime.date(2027, 12, 31),
    )
    adviser = setting.users["adviser"]
    client.force_login(adviser)
    assert "Groupe de travail constitué." not in exported(client, setting.convention, "suivi")
    book = openpyxl.Workbook()
    book.active.append(["N°", "Intitulé de l'action", "T1 2023", "T1 2023 commentaire"])
    book.active.append([1, "Action numéro 1", "En cours (50 %)", "Groupe de travail constitué."])
    content = io.BytesIO()
    book.save(content)
    record = tracking_import.upload(
        adviser,
        setting.convention,
        "suivi-caf.xlsx",
        content.getvalue(),
        ImportMode.HISTORY,
    )
    assert tracking_import.apply(adviser, record) == 1
    assert "Groupe de travail constitué." in exported(client, setting.convention, "suivi")
