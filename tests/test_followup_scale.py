"""The follow-up page of a 120-action plan (the biggest of the national data set): one
axis at a time with every axis's counts, constant queries, every field labelled, and
saving, transmitting and deciding on one axis, stale saves refused with the text kept.

The plan (1 to 3 indicators per sheet, 20 quarters of entries) is built by bulk inserts;
large_plan() also serves to time the page by hand."""

import datetime
import itertools
import re
from decimal import Decimal
from html.parser import HTMLParser

import pytest
import time_machine
from django.urls import reverse

from actionplan import followup
from actionplan.models import (
    ActionSheet,
    Axis,
    FollowUp,
    FollowUpState,
    Indicator,
    IndicatorKind,
    IndicatorTarget,
    IndicatorValue,
    Objective,
)
from tests.followup_setup import entry_data, signed_convention
from tests.test_followup_pages import form_data

# The last quarter of a 2026-2030 convention: every one of its 20 quarters is past or current.
LAST_QUARTER_DAY = datetime.datetime(2030, 11, 15, 9, 0)
AXES = 5
SHEETS = 120


def large_plan(sheets=SHEETS, axes=AXES, **kwargs):
    """A signed convention of `sheets` action sheets spread over `axes` axes.

    Every quarter but the last is validated; in the last one (T4 2030) the first
    sheet of each axis is transmitted, the second is a draft, the rest are to fill.
    """
    setting = signed_convention(sheets=0, quarters=(), **kwargs)
    convention = setting.convention
    lead = convention.parties.get(organisation=convention.lead_authority)
    first_axis = convention.axes.get()
    axis_rows = [first_axis] + Axis.objects.bulk_create(
        Axis(convention=convention, number=n, title=f"Axe stratégique numéro {n}")
        for n in range(2, axes + 1)
    )
    objectives = Objective.objects.bulk_create(
        Objective(axis=axis, number=1, title=f"Objectif de l'axe {axis.number}")
        for axis in axis_rows
    )
    per_axis = -(-sheets // axes)
    sheet_rows = ActionSheet.objects.bulk_create(
        ActionSheet(
            convention=convention,
            axis=axis_rows[(n - 1) // per_axis],
            objective=objectives[(n - 1) // per_axis],
            number=n,
            title=f"Action numéro {n} : accompagner les familles du territoire",
            pilot_party=lead,
            deadline_whole_period=True,
        )
        for n in range(1, sheets + 1)
    )
    indicators = Indicator.objects.bulk_create(
        Indicator(
            action_sheet=sheet,
            position=i,
            label=f"Indicateur {i + 1} de l'action {sheet.number}",
            unit="" if i == 2 else "familles",
            kind=IndicatorKind.QUALITATIVE if i == 2 else IndicatorKind.QUANTITATIVE,
        )
        for sheet in sheet_rows
        for i in range(1 + sheet.number % 3)
    )
    IndicatorTarget.objects.bulk_create(
        IndicatorTarget(
            indicator=indicator,
            value=None if indicator.kind == IndicatorKind.QUALITATIVE else Decimal(40),
            text="Un partenariat par commune"
            if indicator.kind == IndicatorKind.QUALITATIVE
            else "",
            date=datetime.date(2030, 12, 31),
        )
        for indicator in indicators
    )
    quarters = followup.convention_quarters(convention)
    last = quarters[-1]
    per_sheet_state = {}
    for index, sheet in enumerate(sheet_rows):
        place = index % per_axis
        per_sheet_state[sheet.pk] = (
            FollowUpState.SUBMITTED
            if place == 0
            else FollowUpState.DRAFT
            if place == 1
            else FollowUpState.OPEN
        )
    FollowUp.objects.bulk_create(
        FollowUp(
            action_sheet=sheet,
            year=year,
            quarter=quarter,
            status="in_progress",
            progress=min(100, 5 * (i + 1)),
            achievements="Deux réunions du collectif petite enfance avec les assistantes "
            "maternelles.",
            next_steps="Ouvrir le guichet unique en septembre.",
            state=per_sheet_state[sheet.pk] if (year, quarter) == last else FollowUpState.VALIDATED,
            revision=1,
        )
        for sheet in sheet_rows
        for i, (year, quarter) in enumerate(quarters)
    )
    IndicatorValue.objects.bulk_create(
        IndicatorValue(
            indicator=indicator,
            year=year,
            quarter=quarter,
            value=None if indicator.kind == IndicatorKind.QUALITATIVE else Decimal(7),
            text="Trois conventions signées" if indicator.kind == IndicatorKind.QUALITATIVE else "",
        )
        for indicator in indicators
        for year, quarter in quarters
    )
    setting.sheets = sheet_rows
    setting.indicators = indicators
    setting.entries = {
        (entry.action_sheet.number, entry.year, entry.quarter): entry
        for entry in FollowUp.objects.filter(
            action_sheet__convention=convention, year=last[0], quarter=last[1]
        ).select_related("action_sheet")
    }
    return setting


# -- The tests ------------------------------------------------------------------------

pytestmark = pytest.mark.django_db
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(LAST_QUARTER_DAY, tick=False):
        yield


@pytest.fixture
def large():
    return large_plan()


def page_url(setting, axis=None):
    url = reverse("actionplan:followup", args=[setting.convention.pk, 2030, 4])
    return url if axis is None else f"{url}?axe={axis}"


def sections(page):
    return re.findall(r'<section id="action-(\d+)"', page)


class Fields(HTMLParser):
    """The form fields of a page, the labels' targets, every id and the headings' levels."""

    def __init__(self):
        super().__init__()
        self.fields, self.labelled, self.ids, self.headings = [], set(), [], []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.append(attrs["id"])
        if tag == "label" and attrs.get("for"):
            self.labelled.add(attrs["for"])
        if tag in ("textarea", "select") or (
            tag == "input" and attrs.get("type") not in ("hidden", "submit")
        ):
            self.fields.append(attrs)
        if re.fullmatch(r"h[1-6]", tag):
            self.headings.append(int(tag[1]))


def parse(page):
    parser = Fields()
    parser.feed(page)
    return parser


def test_the_chargé_opens_a_120_action_quarter_on_the_first_axis_waiting_with_constant_queries(
    client, large, django_assert_max_num_queries
):
    small = signed_convention(sheets=2, quarters=((2030, 4),))
    client.force_login(small.users["cooperation"])
    with django_assert_max_num_queries(30) as few:
        response = client.get(page_url(small))
    assert response.status_code == 200
    assert len(sections(response.content.decode())) == 2, "a small plan stays on one page"

    client.force_login(large.users["cooperation"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(page_url(large))
    page = response.content.decode()
    # One axis of five: its 24 actions, each with its form; the other axes are counted.
    assert sections(page) == [str(n) for n in range(1, 25)]
    # Each action transmitted on its own, but the one already transmitted.
    assert len(re.findall(r'name="transmettre" value="\d+"', page)) == 24 - 1
    assert "Les 120 actions du trimestre s'affichent un axe à la fois." in page
    assert re.search(r'aria-current="page" class="fw-semibold">Axe 1 – Petite enfance</a>', page)
    assert (
        '24 actions : <span class="badge text-bg-secondary">23</span> à renseigner · '
        '<span class="badge text-bg-primary">1</span> transmise · '
        '<span class="badge text-bg-success">0</span> validée'
    ) in page
    assert "Enregistrer et transmettre tout l'axe 1 à la Caf" in page
    assert 'name="aller_axe" value="2"' in page
    # The whole page weighed 806 kB with crispy and every axis.
    assert len(response.content) < 150_000


def test_every_field_of_an_axis_is_labelled_and_described(client, large):
    client.force_login(large.users["cooperation"])
    page = client.get(page_url(large, axis=3)).content.decode()
    assert sections(page) == [str(n) for n in range(49, 73)]
    parsed = parse(page)
    assert len(parsed.fields) > 24 * 6
    for field in parsed.fields:
        assert field["id"] in parsed.labelled, f"{field['name']} sans étiquette"
        for described in (field.get("aria-describedby") or "").split():
            assert described in parsed.ids, f"{field['name']} : {described} introuvable"
    assert len(parsed.ids) == len(set(parsed.ids)), "ids en double"
    # Headings in order: never a level skipped on the way down.
    assert parsed.headings[0] == 1
    for before, after in itertools.pairwise(parsed.headings):
        assert after <= before + 1
    # The target of an indicator is read with its field.
    # (Action 49, the first of its axis, is transmitted: read-only for the chargé.)
    indicator = next(i for i in large.indicators if i.action_sheet.number == 50)
    entry = large.entries[(50, 2030, 4)]
    field_id = f"id_suivi-{entry.pk}-indicateur_{indicator.pk}"
    assert re.search(rf'aria-describedby="{field_id}_cible" id="{field_id}"', page)
    assert f'<p id="{field_id}_cible" class="form-text mt-n2">Cible : 40 au 31/12/2030</p>' in page


@pytest.mark.parametrize("axis", ["9", "0", "deux", "1;2"])
def test_an_axis_the_quarter_does_not_hold_is_404(client, large, axis):
    client.force_login(large.users["cooperation"])
    assert client.get(f"{page_url(large)}?axe={axis}").status_code == 404


def test_saving_one_action_of_an_axis_comes_back_to_that_axis(client, large):
    entry = large.entries[(50, 2030, 4)]
    client.force_login(large.users["cooperation"])
    response = client.post(
        page_url(large, axis=3),
        {**form_data(entry, achievements="Relais petite enfance ouvert."), "enregistrer": "1"},
    )
    assert response.status_code == 302
    assert response["Location"] == page_url(large, axis=3) + "#action-50"
    saved = FollowUp.objects.get(pk=entry.pk)
    assert (saved.achievements, saved.state, saved.revision) == (
        "Relais petite enfance ouvert.",
        FollowUpState.DRAFT,
        2,
    )


def test_a_stale_save_on_an_axis_is_refused_and_keeps_the_text(client, large):
    entry = large.entries[(50, 2030, 4)]
    followup.save_entry(
        large.users["adviser"], entry, 1, entry_data(achievements="Texte de Claire")
    )
    client.force_login(large.users["cooperation"])
    response = client.post(
        page_url(large, axis=3),
        {**form_data(entry, revision=1, achievements="Texte de Léa"), "enregistrer": "1"},
    )
    assert response.status_code == 409
    page = response.content.decode()
    assert "Ce suivi a été modifié par Claire Roth pendant que vous le saisissiez" in page
    assert f'name="suivi-{entry.pk}-achievements"' in page
    assert "Texte de Léa</textarea>" in page  # in the form, as typed
    assert "Texte de Claire" in page  # beside the stored version
    assert f'name="suivi-{entry.pk}-revision" value="2"' in page
    assert sections(page) == [str(n) for n in range(49, 73)], "still on the same axis"
    assert FollowUp.objects.get(pk=entry.pk).achievements == "Texte de Claire"


def test_transmitting_all_transmits_the_axis_shown_only(client, large):
    entries = [large.entries[(n, 2030, 4)] for n in range(49, 73)]
    data = {"transmettre": "tout"}
    for entry in entries:
        data.update(form_data(entry, revision=1))
    client.force_login(large.users["cooperation"])
    response = client.post(page_url(large, axis=3), data, follow=True)
    assert "Suivis des actions 50, 51" in response.content.decode()
    states = dict(
        FollowUp.objects.filter(
            action_sheet__convention=large.convention, year=2030, quarter=4
        ).values_list("action_sheet__number", "state")
    )
    assert {states[n] for n in range(49, 73)} == {FollowUpState.SUBMITTED}
    assert states[73] == FollowUpState.SUBMITTED  # first of axis 4, as it was
    assert {states[n] for n in range(74, 97)} <= {FollowUpState.DRAFT, FollowUpState.OPEN}


def test_save_and_go_to_the_next_axis(client, large):
    entry = large.entries[(50, 2030, 4)]
    client.force_login(large.users["cooperation"])
    response = client.post(
        page_url(large, axis=3),
        {**form_data(entry, achievements="Avant de changer d'axe"), "aller_axe": "4"},
    )
    assert response.status_code == 302
    assert response["Location"] == page_url(large, axis=4)
    assert FollowUp.objects.get(pk=entry.pk).achievements == "Avant de changer d'axe"
    assert client.post(page_url(large, axis=3), {"aller_axe": "9"}).status_code == 400


def test_the_adviser_reviews_a_120_action_quarter_axis_by_axis(
    client, large, django_assert_max_num_queries
):
    small = signed_convention(sheets=2, quarters=((2030, 4),))
    client.force_login(small.users["adviser"])
    with django_assert_max_num_queries(30) as few:
        client.get(page_url(small))
    client.force_login(large.users["adviser"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(page_url(large, axis=2))
    page = response.content.decode()
    assert sections(page) == [str(n) for n in range(25, 49)]
    assert "120 actions au T4 2030 :" in page
    assert "Valider les actions transmises de l'axe 2 (1)" in page
    # Correcting an action keeps to its axis.
    entry, draft = large.entries[(25, 2030, 4)], large.entries[(26, 2030, 4)]
    assert f"?corriger={entry.pk}&amp;axe=2#action-25" in page
    assert f"?corriger={draft.pk}&amp;axe=2#action-26" in page

    # A decision answers the action's block; validating the axis validates what it shows.
    decided = client.post(
        reverse(
            "actionplan:followup_decision",
            args=[large.convention.pk, 2030, 4, entry.pk],
        )
        + "?axe=2",
        {
            "decision": "renvoyer",
            f"decision-{entry.pk}-revision": 1,
            f"decision-{entry.pk}-comment": "Précisez.",
        },
        **HTMX,
    )
    assert "Suivi de l&#x27;action 25 renvoyé à la collectivité." in decided.content.decode()
    first = large.entries[(1, 2030, 4)]
    response = client.post(
        reverse("actionplan:followup_validate_all", args=[large.convention.pk, 2030, 4]) + "?axe=1",
        {f"revision-{first.pk}": 1},
        **HTMX,
    )
    assert "Suivi de l&#x27;action 1 validé." in response.content.decode()
    assert sections(response.content.decode()) == [str(n) for n in range(1, 25)]
    assert FollowUp.objects.get(pk=first.pk).state == FollowUpState.VALIDATED


def test_the_adviser_correcting_an_action_gets_its_axis(client, large):
    draft = large.entries[(75, 2030, 4)]
    client.force_login(large.users["adviser"])
    page = client.get(f"{page_url(large)}?corriger={draft.pk}").content.decode()
    assert f'name="suivi-{draft.pk}-achievements"' in page
    assert f'action="{page_url(large, axis=4)}"' in page
