"""An amendment that changes the plan and the parties: working copy, difference, signature."""

import datetime

import pytest
import time_machine
from django.urls import reverse

from actionplan import editing
from actionplan.models import ActionSheet, FollowUp, Indicator, IndicatorValue
from conventions import amendment_plan, lifecycle, parties
from conventions.access import visible_convention
from conventions.lifecycle import LifecycleError
from conventions.models import AmendmentState, Convention, Party, PartyRole
from partners.models import Role
from tests.factories import (
    ActionSheetFactory,
    ArticleFactory,
    AxisFactory,
    ConventionFactory,
    DeliberationFactory,
    IndicatorFactory,
    OrganisationFactory,
    PartyFactory,
    RepresentativeFactory,
    UserFactory,
    caf_party,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2026, 11, 20)
EFFECTIVE = datetime.date(2027, 1, 1)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 20, 10, 0), tick=False):
        yield


def sign(convention, amendment=None):
    for party, person in lifecycle.pending_signatures(convention, amendment=amendment):
        if amendment is None:
            lifecycle.record_signature(
                convention, party=party, representative=person, signed_on=TODAY
            )
        else:
            lifecycle.record_amendment_signature(
                amendment, party=party, representative=person, signed_on=TODAY
            )


@pytest.fixture
def signed():
    """A signed convention, three sheets; sheets 1 and 2 followed in 2026."""
    convention = ConventionFactory(title="CTG du Val d'Argent 2026-2030")
    caf_party(convention)
    lead = PartyFactory(
        convention=convention, organisation=convention.lead_authority, role=PartyRole.LEAD
    )
    lead.signatories.set([RepresentativeFactory(organisation=lead.organisation)])
    leaving = PartyFactory(convention=convention, organisation=OrganisationFactory(name="Lièpvre"))
    leaving.signatories.set([RepresentativeFactory(organisation=leaving.organisation)])
    ArticleFactory(convention=convention)
    axis = AxisFactory(convention=convention, number=1, title="Petite enfance")
    first = ActionSheetFactory(axis=axis, number=1, title="Guichet unique petite enfance")
    second = ActionSheetFactory(axis=axis, number=2, title="Accueil des enfants handicapés")
    ActionSheetFactory(axis=axis, number=3, title="Séjours de vacances")
    indicator = IndicatorFactory(action_sheet=first, label="Demandes reçues au guichet")
    for sheet in (first, second):
        follow_up = FollowUp.objects.create(
            action_sheet=sheet,
            year=2026,
            quarter=3,
            state="validated",
            progress=40,
            status="in_progress",
        )
    IndicatorValue.objects.create(
        indicator=indicator, follow_up=follow_up, year=2026, quarter=3, value=12
    )
    lifecycle.freeze(convention)
    for party in convention.parties.filter(requires_deliberation=True):
        DeliberationFactory(party=party, version=convention.current_version)
    lifecycle.start_signing(convention)
    sign(convention)
    convention.refresh_from_db()
    assert convention.state == "signed"
    return convention


def amended(convention):
    """Sheet 1 retitled with a new indicator, sheets 2 and 3 out, sheet 4 added; Lièpvre
    leaves and Sainte-Croix-aux-Mines joins."""
    amendment = lifecycle.amend(
        convention, subject="Révision du plan d'actions", effective_date=EFFECTIVE
    )
    copy = amendment_plan.start(amendment)
    sheets = {s.number: s for s in copy.action_sheets.all()}
    sheets[1].title = "Guichet unique petite enfance et parentalité"
    sheets[1].save()
    Indicator.objects.create(action_sheet=sheets[1], label="Familles accompagnées")
    editing.delete_action_sheet(sheets[3])
    editing.delete_action_sheet(ActionSheet.objects.get(pk=sheets[2].pk))
    ActionSheet.objects.create(
        convention=copy,
        axis=copy.axes.get(),
        number=2,
        title="Inclusion numérique des familles",
    )
    parties.remove_party(copy.parties.get(organisation__name="Lièpvre"))
    joining = parties.add_party(
        copy, organisation=OrganisationFactory(name="Sainte-Croix-aux-Mines"), role="co_signatory"
    )
    joining.signatories.set([RepresentativeFactory(organisation=joining.organisation)])
    return amendment


def test_the_working_copy_is_edited_but_never_listed(signed):
    amendment = amended(signed)
    copy = amendment.working_copy
    adviser = UserFactory(role=Role.ADVISER, organisation=signed.caf)
    assert list(Convention.objects.visible_to(adviser)) == [signed]
    assert list(Convention.objects.editable_by(adviser)) == [signed]
    assert visible_convention(adviser, copy.pk) == copy
    with pytest.raises(LifecycleError, match="copie de travail d'un avenant"):
        lifecycle.freeze(copy)
    # Starting again gives the same copy.
    assert amendment_plan.start(amendment) == copy


def test_the_difference_says_what_was_and_what_becomes(signed):
    amendment = amended(signed)
    difference = amendment_plan.difference(amendment)
    parties_changes = {(c.kind, c.subject) for c in difference.parties}
    assert parties_changes == {("left", "Lièpvre"), ("joined", "Sainte-Croix-aux-Mines")}
    sheets = {c.subject: c for c in difference.sheets}
    changed = sheets["Fiche action 1 : Guichet unique petite enfance"]
    assert changed.kind == "changed"
    assert (
        "intitulé",
        "Guichet unique petite enfance",
        "Guichet unique petite enfance et parentalité",
    ) in changed.lines
    assert ("indicateur ajouté", "—", "Familles accompagnées") in changed.lines
    # Followed, sheet 2 is closed with its past; never followed, sheet 3 simply goes.
    assert sheets["Fiche action 2 : Accueil des enfants handicapés"].kind == "closed"
    assert sheets["Fiche action 3 : Séjours de vacances"].kind == "removed"
    assert sheets["Fiche action 2 : Inclusion numérique des familles"].kind == "added"


def test_signing_the_amendment_applies_it_in_one_go_and_keeps_the_follow_up(signed):
    amendment = amended(signed)
    before = amendment_plan.difference(amendment).as_json()
    amendment.changes_description = "Annexe 3 révisée ; entrée et sortie de communes."
    amendment.save()
    lifecycle.freeze_amendment(amendment)
    copy = amendment.working_copy
    with pytest.raises(LifecycleError, match="plus en préparation"):
        editing.delete_action_sheet(copy.action_sheets.first())
    for party in lifecycle.parties_missing_deliberation(signed, amendment):
        DeliberationFactory(party=party, amendment=amendment)
    lifecycle.start_amendment_signing(amendment)
    sign(signed, amendment)
    amendment.refresh_from_db()
    assert amendment.state == AmendmentState.SIGNED

    plan = {s.title: s for s in signed.action_sheets.all()}
    kept = plan["Guichet unique petite enfance et parentalité"]
    assert (kept.number, kept.closed_on, kept.started_on) == (1, None, None)
    assert kept.follow_ups.count() == 1
    assert sorted(i.label for i in kept.indicators.all()) == [
        "Demandes reçues au guichet",
        "Familles accompagnées",
    ]
    assert kept.indicators.get(label="Demandes reçues au guichet").values.count() == 1
    closed = plan["Accueil des enfants handicapés"]
    assert (closed.number, closed.closed_on) == (2, EFFECTIVE)
    assert closed.follow_ups.count() == 1
    added = plan["Inclusion numérique des familles"]
    assert (added.number, added.started_on, added.closed_on) == (2, EFFECTIVE, None)
    assert "Séjours de vacances" not in plan
    assert Party.objects.get(convention=signed, organisation__name="Lièpvre").left_on == EFFECTIVE
    joined = Party.objects.get(convention=signed, organisation__name="Sainte-Croix-aux-Mines")
    assert joined.joined_on == EFFECTIVE and joined.signatories.count() == 1
    # The working copy is gone; what changed stays readable on the amendment.
    assert amendment.working_copy is None
    assert not Convention.objects.filter(is_working_copy=True).exists()
    assert amendment_plan.difference(amendment).as_json() == before


def test_a_party_that_left_signs_no_later_amendment(signed):
    amendment = amended(signed)
    amendment.changes_description = "Sortie de Lièpvre."
    amendment.save()
    lifecycle.freeze_amendment(amendment)
    for party in lifecycle.parties_missing_deliberation(signed, amendment):
        DeliberationFactory(party=party, amendment=amendment)
    lifecycle.start_amendment_signing(amendment)
    sign(signed, amendment)
    second = lifecycle.amend(signed, subject="Deuxième avenant")
    signing = {p.organisation.name for p, _ in lifecycle.pending_signatures(signed, second)}
    assert "Lièpvre" not in signing and "Sainte-Croix-aux-Mines" in signing


def test_discarding_the_working_copy_leaves_the_convention_as_it_was(signed):
    amendment = amended(signed)
    amendment_plan.discard(amendment)
    amendment.refresh_from_db()
    assert amendment.working_copy is None and not amendment.changes_action_plan
    assert not Convention.objects.filter(is_working_copy=True).exists()
    assert signed.action_sheets.count() == 3
    assert not amendment_plan.difference(amendment)


def test_the_amendment_page_starts_shows_and_discards_the_changes(client, signed):
    from django.urls import reverse

    adviser = UserFactory(role=Role.ADVISER, organisation=signed.caf)
    outsider = UserFactory(role=Role.ADVISER, organisation=OrganisationFactory(as_caf=True))
    amendment = lifecycle.amend(signed, subject="Révision du plan d'actions")
    page = reverse("conventions:amendment", args=[signed.pk, amendment.number])
    start = reverse(
        "conventions:amendment_transition", args=[signed.pk, amendment.number, "modifier-le-plan"]
    )
    client.force_login(outsider)
    assert client.post(start).status_code == 404
    client.force_login(adviser)
    assert client.post(start).status_code == 302
    amendment.refresh_from_db()
    copy = amendment.working_copy
    assert "Aucune modification pour l'instant" in client.get(page).content.decode()
    # The ordinary editors open on the copy; its own page leads back to the amendment.
    assert client.get(reverse("actionplan:plan_edit", args=[copy.pk])).status_code == 200
    assert client.get(reverse("conventions:parties", args=[copy.pk])).status_code == 200
    assert client.get(reverse("conventions:detail", args=[copy.pk])).url == page
    sheet = copy.action_sheets.get(number=3)
    editing.delete_action_sheet(sheet)
    shown = client.get(page).content.decode()
    assert "Suppression</strong> : Fiche action 3 : Séjours de vacances" in shown
    client.force_login(outsider)
    assert client.get(reverse("actionplan:plan_edit", args=[copy.pk])).status_code == 404
    client.force_login(adviser)
    discard = reverse(
        "conventions:amendment_transition",
        args=[signed.pk, amendment.number, "abandonner-le-plan"],
    )
    client.post(discard)
    assert not Convention.objects.filter(pk=copy.pk).exists()
    assert signed.action_sheets.count() == 3


def test_after_the_amendment_each_quarter_follows_the_plan_in_force_then(signed):
    from actionplan import followup, overview

    amendment = amended(signed)
    amendment.changes_description = "Annexe 3 révisée."
    amendment.save()
    lifecycle.freeze_amendment(amendment)
    for party in lifecycle.parties_missing_deliberation(signed, amendment):
        DeliberationFactory(party=party, amendment=amendment)
    lifecycle.start_amendment_signing(amendment)
    sign(signed, amendment)
    titles = {s.pk: s.title for s in signed.action_sheets.all()}

    # 2026 T4, before the effective date: sheets 1 and 2 (since closed), not the new one.
    followup.open_quarter(2026, 4)
    before = FollowUp.objects.filter(year=2026, quarter=4)
    assert sorted(titles[f.action_sheet_id] for f in before) == [
        "Accueil des enfants handicapés",
        "Guichet unique petite enfance et parentalité",
    ]
    # 2027 T1, from the effective date: sheet 1 and the new one.
    followup.open_quarter(2027, 1)
    after = FollowUp.objects.filter(year=2027, quarter=1)
    assert sorted(titles[f.action_sheet_id] for f in after) == [
        "Guichet unique petite enfance et parentalité",
        "Inclusion numérique des familles",
    ]
    actions, _indicators, _counts = overview.plan_standing(signed, 2026, 3)
    assert sorted(a.sheet.title for a in actions) == [
        "Accueil des enfants handicapés",
        "Guichet unique petite enfance et parentalité",
    ]


def test_the_plan_page_shows_closed_and_added_sheets_and_opens_each(client, signed):
    from django.urls import reverse

    amendment = amended(signed)
    amendment.changes_description = "Annexe 3 révisée."
    amendment.save()
    lifecycle.freeze_amendment(amendment)
    for party in lifecycle.parties_missing_deliberation(signed, amendment):
        DeliberationFactory(party=party, amendment=amendment)
    lifecycle.start_amendment_signing(amendment)
    sign(signed, amendment)
    client.force_login(UserFactory(role=Role.ADVISER, organisation=signed.caf))
    page = client.get(reverse("actionplan:plan", args=[signed.pk])).content.decode()
    assert "close le 1 janvier 2027" in page
    assert "en vigueur depuis le 1 janvier 2027" in page
    # Number 2 names the new sheet; the closed sheet 2 is reached by its id.
    sheet_two = reverse("actionplan:sheet", args=[signed.pk, 2])
    assert "Inclusion numérique des familles" in client.get(sheet_two).content.decode()
    closed = signed.action_sheets.get(closed_on__isnull=False)
    shown = client.get(sheet_two, {"fiche": closed.pk}).content.decode()
    assert "Accueil des enfants handicapés" in shown
    assert client.get(sheet_two, {"fiche": "x"}).status_code == 200
    assert client.get(sheet_two, {"fiche": "999999"}).status_code == 404
    # A closed sheet whose number no sheet took again opens by its number too.
    sheet_one = signed.action_sheets.get(number=1)
    sheet_one.closed_on = EFFECTIVE
    sheet_one.save()
    shown = client.get(reverse("actionplan:sheet", args=[signed.pk, 1]))
    assert "Guichet unique petite enfance et parentalité" in shown.content.decode()


def test_a_tracking_table_number_names_the_sheet_in_force(signed):
    from actionplan.tracking_import import Plan

    closed = signed.action_sheets.get(number=2)
    closed.closed_on = EFFECTIVE
    closed.save()
    added = ActionSheetFactory(axis=closed.axis, number=2, title="Inclusion numérique")
    assert Plan(signed).by_number[2] == added


def test_line_breaks_sent_by_a_browser_are_no_change(signed):
    """A textarea comes back with CRLF line breaks: the sheet is not shown as changed."""
    sheet = signed.action_sheets.get(number=1)
    sheet.operational_objectives = "Recenser les besoins\nInformer les familles"
    sheet.save()
    amendment = lifecycle.amend(signed, subject="Relecture")
    copy = amendment_plan.start(amendment)
    twin = copy.action_sheets.get(number=1)
    twin.operational_objectives = "Recenser les besoins \r\nInformer les familles\r\n"
    twin.save()
    assert not amendment_plan.difference(amendment)


def test_the_cached_plan_page_shows_the_applied_amendment_at_once(signed, client, settings):
    settings.PLAN_CACHE = True
    client.force_login(UserFactory(role=Role.ADVISER, organisation=signed.caf))
    url = reverse("actionplan:plan", args=[signed.pk])
    assert "Inclusion numérique des familles" not in client.get(url).content.decode()
    amendment = amended(signed)
    amendment.changes_description = "Annexe 3 révisée."
    amendment.save()
    lifecycle.freeze_amendment(amendment)
    for party in lifecycle.parties_missing_deliberation(signed, amendment):
        DeliberationFactory(party=party, amendment=amendment)
    lifecycle.start_amendment_signing(amendment)
    sign(signed, amendment)
    page = client.get(url).content.decode()
    assert "Inclusion numérique des familles" in page
    closed = 'Accueil des enfants handicapés</a> <span class="badge text-bg-secondary">close le'
    assert closed in page
