"""The quarter's page keeps the answers of the actions shown without a form in the plan
pages' cache (conventions/freshness.py): drawn once, and a change shows at once."""

import datetime
import re
from decimal import Decimal

import pytest
import time_machine
from django.template.loader import render_to_string
from django.urls import reverse

from actionplan import followup
from actionplan.models import FollowUp, IndicatorTarget, IndicatorValue
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


def page(client, setting, who="cooperation"):
    """The quarter's page as this person sees it (its CSRF tokens, new each time, left out)."""
    client.force_login(setting.users[who])
    url = reverse("actionplan:followup", args=[setting.convention.pk, 2026, 1])
    response = client.get(url)
    assert response.status_code == 200
    return CSRF.sub("", response.content.decode())


def drawn_answers(monkeypatch):
    """The entries whose answers are drawn, request after request."""
    drawn = []

    def spy(template_name, context=None, *args, **kwargs):
        if template_name == "actionplan/includes/followup_entry_readonly.html":
            drawn.append(context["entry"].pk)
        return render_to_string(template_name, context, *args, **kwargs)

    monkeypatch.setattr("actionplan.views.followup.render_to_string", spy)
    return drawn


def test_answers_without_a_form_are_drawn_once_then_read_from_the_cache(
    client, setting, monkeypatch
):
    drawn = drawn_answers(monkeypatch)
    first = page(client, setting)
    assert "Premier texte transmis." in first
    assert "Ce suivi a été transmis à la Caf" in first
    # Action 2 keeps its form, drawn at each request.
    entry = setting.entries[(2, 2026, 1)]
    assert f'name="suivi-{entry.pk}-achievements"' in first
    assert drawn == [setting.entries[(1, 2026, 1)].pk]
    assert page(client, setting) == first
    assert drawn == [setting.entries[(1, 2026, 1)].pk]


def test_without_a_shared_cache_the_answers_are_drawn_each_time(
    client, setting, settings, monkeypatch
):
    settings.PLAN_CACHE = False
    drawn = drawn_answers(monkeypatch)
    first = page(client, setting)
    assert "Premier texte transmis." in first
    assert page(client, setting) == first
    assert drawn == []  # the template draws them, nothing is kept


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
