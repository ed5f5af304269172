"""The quarter's page keeps its actions, drawn, and its counts in the plan pages' cache
(conventions/freshness.py): drawn once, and a change shows at once; so does /suivi/ with
each convention's counts of the quarter."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplan import followup, overview
from actionplan.models import FollowUp, IndicatorTarget, IndicatorValue
from actionplan.views import followup as views
from tests.followup_setup import TODAY, entry_data, signed_convention
from tests.test_followup_pages import form_data

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
    """Action 1 transmitted by the chargé de coopération (no form for them any more),
    action 2 still to fill."""
    setting = signed_convention(sheets=2, quarters=((2026, 1),))
    entry = setting.entries[(1, 2026, 1)]
    counted = setting.indicators[0]
    followup.save_entry(
        setting.users["cooperation"],
        entry,
        entry.revision,
        entry_data(achievements="Premier texte transmis."),
        {counted.pk: {"value": Decimal("12"), "text": ""}},
        submit=True,
    )
    return setting


CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]*"')


def url(setting):
    return reverse("actionplan:followup", args=[setting.convention.pk, 2026, 1])


def page(client, setting, who="cooperation"):
    """The quarter's page as this person sees it (its CSRF tokens, new each time, left out)."""
    client.force_login(setting.users[who])
    response = client.get(url(setting))
    assert response.status_code == 200
    return CSRF.sub("", response.content.decode())


def drawings(monkeypatch):
    """How many times the page's actions are drawn, request after request."""
    drawn = []
    draw = views.draw_rows

    def spy(*args, **kwargs):
        drawn.append(len(args[3]))
        return draw(*args, **kwargs)

    monkeypatch.setattr(views, "draw_rows", spy)
    return drawn


def test_the_actions_are_drawn_once_then_read_from_the_cache(client, setting, monkeypatch):
    drawn = drawings(monkeypatch)
    first = page(client, setting)
    assert "Premier texte transmis." in first
    assert "Ce suivi a été transmis à la Caf" in first
    # Action 2's form is kept too, with the revision it was read at.
    entry = setting.entries[(2, 2026, 1)]
    assert f'name="suivi-{entry.pk}-achievements"' in first
    assert f'name="suivi-{entry.pk}-revision" value="0"' in first
    assert drawn == [2]
    assert page(client, setting) == first
    assert drawn == [2]


def test_without_a_shared_cache_the_actions_are_drawn_each_time(
    client, setting, settings, monkeypatch
):
    settings.PLAN_CACHE = False
    drawn = drawings(monkeypatch)
    first = page(client, setting)
    assert "Premier texte transmis." in first
    assert page(client, setting) == first
    assert drawn == [2, 2]


def test_the_form_kept_carries_the_new_revision_once_saved_and_a_stale_save_is_refused(
    client, setting
):
    entry = FollowUp.objects.get(pk=setting.entries[(2, 2026, 1)].pk)
    assert f'name="suivi-{entry.pk}-revision" value="0"' in page(client, setting)
    followup.save_entry(setting.users["adviser"], entry, 0, entry_data(progress=60))
    assert f'name="suivi-{entry.pk}-revision" value="1"' in page(client, setting)
    # A page loaded before that save still sends revision 0: refused, the text kept.
    response = client.post(
        url(setting), form_data(entry, revision=0, achievements="Texte de la collectivité.")
    )
    assert response.status_code == 409
    assert "Texte de la collectivité." in response.content.decode()
    assert FollowUp.objects.get(pk=entry.pk).progress == 60


def test_a_person_renamed_shows_at_once(client, setting):
    assert "par Léa Gaschy" in page(client, setting)
    cooperation = setting.users["cooperation"]
    cooperation.last_name = "Gaschy-Meyer"
    cooperation.save()
    assert "par Léa Gaschy-Meyer" in page(client, setting)


def test_the_review_kept_for_advisers_carries_each_persons_csrf_token(setting):
    client = Client(enforce_csrf_checks=True)
    client.force_login(setting.users["admin"])
    client.get(url(setting))
    client.force_login(setting.users["adviser"])
    shown = client.get(url(setting)).content.decode()
    assert views.TOKEN_SLOT not in shown
    entry = setting.entries[(1, 2026, 1)]
    decision = reverse(
        "actionplan:followup_decision", args=[setting.convention.pk, 2026, 1, entry.pk]
    )
    form = shown[shown.index(f'action="{decision}"') :]
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]*)"', form)[1]
    revision = FollowUp.objects.get(pk=entry.pk).revision
    response = client.post(
        decision,
        {
            "csrfmiddlewaretoken": token,
            "decision": "valider",
            f"decision-{entry.pk}-revision": revision,
        },
    )
    assert response.status_code == 302
    assert "Ce suivi est validé" in page(client, setting, "cooperation")


def queries_of(client, setting, who):
    """The queries of the quarter's page, drawn (the cache just emptied), then kept."""
    client.force_login(setting.users[who])
    counted = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url(setting)).status_code == 200
        counted.append(len(queries))
    return counted


@pytest.mark.parametrize("who", ["cooperation", "reader", "adviser"])
def test_the_page_reads_as_few_queries_drawn_and_kept_whatever_its_actions(client, who):
    small = signed_convention(sheets=1, quarters=((2026, 1),))
    big = signed_convention(sheets=8, quarters=((2026, 1),))
    small_drawn, small_kept = queries_of(client, small, who)
    big_drawn, big_kept = queries_of(client, big, who)
    assert big_drawn <= small_drawn
    assert big_kept <= small_kept < small_drawn


def test_an_entry_sent_back_shows_its_form_at_once(client, setting):
    assert "Premier texte transmis." in page(client, setting)
    entry = FollowUp.objects.get(pk=setting.entries[(1, 2026, 1)].pk)
    followup.send_back(setting.users["adviser"], entry, entry.revision, "Préciser les chiffres.")
    shown = page(client, setting)
    assert f'name="suivi-{entry.pk}-achievements"' in shown
    assert "Préciser les chiffres." in shown
    assert "Ce suivi a été transmis à la Caf" not in shown


def test_a_validated_entry_shows_at_once(client, setting):
    page(client, setting)
    entry = FollowUp.objects.get(pk=setting.entries[(1, 2026, 1)].pk)
    followup.validate(setting.users["adviser"], entry, entry.revision)
    assert "Ce suivi est validé" in page(client, setting)


def test_a_changed_value_and_target_show_at_once(client, setting):
    shown = page(client, setting)
    assert ">12<" in shown
    assert shown.count("40 au 31/12/2030") == 2  # action 2's target too
    value = IndicatorValue.objects.get(indicator=setting.indicators[0])
    value.value = Decimal("17.5")
    value.save()
    IndicatorTarget.objects.filter(indicator=setting.indicators[0]).get().delete()
    IndicatorTarget.objects.create(
        indicator=setting.indicators[0], value=55, date=datetime.date(2029, 12, 31)
    )
    shown = page(client, setting)
    assert ">17,50<" in shown
    assert "55 au 31/12/2029" in shown
    assert shown.count("40 au 31/12/2030") == 1


def test_a_reader_does_not_get_the_chargés_answers_with_their_refusal(client, setting):
    assert "Ce suivi a été transmis à la Caf" in page(client, setting)
    shown = page(client, setting, "reader")
    assert "Premier texte transmis." in shown
    assert "Ce suivi a été transmis à la Caf" not in shown


def test_an_outsider_gets_404_on_a_quarter_whose_answers_are_cached(client, setting):
    page(client, setting)
    client.force_login(setting.users["other_cooperation"])
    url = reverse("actionplan:followup", args=[setting.convention.pk, 2026, 1])
    assert client.get(url).status_code == 404


# -- /suivi/: each convention's counts of the quarter --------------------------------------


def suivi(client, user):
    """The Caf's quarter (T1 2026) as this person sees it (CSRF tokens left out), and the
    queries it made."""
    client.force_login(user)
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("actionplan:caf_followup"), {"trimestre": "2026-T1"})
    assert response.status_code == 200
    return CSRF.sub("", response.content.decode()), len(queries)


def counted_conventions(monkeypatch):
    """The conventions whose entries are counted, request after request."""
    counted = []
    count = overview._states_by_convention

    def spy(year, quarter, convention_ids):
        counted.append(sorted(convention_ids))
        return count(year, quarter, convention_ids)

    monkeypatch.setattr(overview, "_states_by_convention", spy)
    return counted


def test_the_quarters_counts_are_counted_once_then_read_from_the_cache(
    client, setting, monkeypatch
):
    counted = counted_conventions(monkeypatch)
    first = suivi(client, setting.users["adviser"])[0]
    assert "0 validés, 1 transmis, à valider, 0 renvoyés pour complément, 1 non transmis sur 2" in (
        first
    )
    assert suivi(client, setting.users["adviser"])[0] == first
    assert counted == [[setting.convention.pk]]


def test_without_a_shared_cache_the_quarters_counts_are_counted_each_time(
    client, setting, settings, monkeypatch
):
    settings.PLAN_CACHE = False
    counted = counted_conventions(monkeypatch)
    first = suivi(client, setting.users["adviser"])[0]
    assert "1 transmis, à valider" in first
    assert suivi(client, setting.users["adviser"])[0] == first
    assert counted == [[setting.convention.pk]] * 2


def test_a_validation_shows_at_once_on_the_caf_quarter(client, setting):
    assert "0 % validés" in suivi(client, setting.users["adviser"])[0]
    entry = FollowUp.objects.get(pk=setting.entries[(1, 2026, 1)].pk)
    followup.validate(setting.users["adviser"], entry, entry.revision)
    page = suivi(client, setting.users["adviser"])[0]
    assert "50 % validés" in page
    assert "1 validés, 0 transmis, à valider, 0 renvoyés pour complément, 1 non transmis" in page


def test_only_the_conventions_changed_are_counted_again(client, setting, monkeypatch):
    other = signed_convention(sheets=1, quarters=((2026, 1),), caf=setting.convention.caf)
    counted = counted_conventions(monkeypatch)
    suivi(client, setting.users["adviser"])
    assert counted == [sorted([setting.convention.pk, other.convention.pk])]
    entry = FollowUp.objects.get(pk=other.entries[(1, 2026, 1)].pk)
    followup.save_entry(other.users["cooperation"], entry, entry.revision, entry_data())
    suivi(client, setting.users["adviser"])
    assert counted[1:] == [[other.convention.pk]]


def test_the_quarters_counts_are_kept_ten_minutes_at_most(client, setting, monkeypatch):
    other = signed_convention(sheets=1, quarters=((2026, 1),), caf=setting.convention.caf)
    counted = counted_conventions(monkeypatch)
    suivi(client, setting.users["adviser"])
    with time_machine.travel(TODAY + datetime.timedelta(minutes=5), tick=False):
        # The other convention counted again: the counts kept are written again.
        entry = FollowUp.objects.get(pk=other.entries[(1, 2026, 1)].pk)
        followup.save_entry(other.users["cooperation"], entry, entry.revision, entry_data())
        suivi(client, setting.users["adviser"])
    with time_machine.travel(TODAY + datetime.timedelta(minutes=11), tick=False):
        suivi(client, setting.users["adviser"])
    assert counted[1:] == [[other.convention.pk], [setting.convention.pk]]


def test_counts_cached_for_the_administrator_show_an_adviser_their_caf_only(client, setting):
    other = signed_convention(sheets=1, quarters=((2026, 1),), title="CTG du Val d'Argent")
    page = suivi(client, setting.users["admin"])[0]
    assert setting.convention.title in page and "Val d&#x27;Argent" in page
    page = suivi(client, setting.users["adviser"])[0]
    assert setting.convention.title in page and "Val d&#x27;Argent" not in page
    page = suivi(client, other.users["adviser"])[0]
    assert setting.convention.title not in page and "Val d&#x27;Argent" in page


def test_the_caf_quarter_reads_as_few_queries_with_more_conventions(client, setting):
    cold, queries = suivi(client, setting.users["adviser"])
    warm = suivi(client, setting.users["adviser"])[1]
    for _ in range(4):
        signed_convention(sheets=3, quarters=((2026, 1),), caf=setting.convention.caf)
    more, more_queries = suivi(client, setting.users["adviser"])
    assert more.count("<tr>") == cold.count("<tr>") + 4
    assert more_queries == queries
    assert suivi(client, setting.users["adviser"])[1] == warm
