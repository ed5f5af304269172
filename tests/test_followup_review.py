"""The adviser's review page of a quarter: every action read-only with its own decision,
taken without reloading the page (htmx) or with a plain form; the whole quarter validated
in one all-or-nothing step; a 40-action plan on a light page with constant queries; and a
quarter still to come that says when it opens."""

import datetime
import re

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from actionplan import followup
from actionplan.followup import FollowUpError, NotAllowed
from actionplan.models import FollowUp, FollowUpState
from actionplan.views.followup import opening_day
from tests.followup_setup import TODAY, entry_data, signed_convention

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}
CAST = ["adviser", "admin", "cooperation", "reader", "other_cooperation", "other_adviser"]
# Who may decide, and what the others get: 404 outside the convention, 403 inside it.
DECIDING = [302, 302, 403, 403, 404, 404]


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def setting():
    return signed_convention(sheets=3)


def page_url(setting, year=2026, quarter=2):
    return reverse("actionplan:followup", args=[setting.convention.pk, year, quarter])


def decision_url(setting, entry):
    return reverse(
        "actionplan:followup_decision",
        args=[setting.convention.pk, entry.year, entry.quarter, entry.pk],
    )


def validate_all_url(setting, year=2026, quarter=2):
    return reverse("actionplan:followup_validate_all", args=[setting.convention.pk, year, quarter])


def submit(setting, *numbers, **changes):
    """The chargé de coopération transmits these actions of T2 2026 (revision 1 each)."""
    entries = [setting.entries[(number, 2026, 2)] for number in numbers]
    for entry in entries:
        followup.save_entry(
            setting.users["cooperation"], entry, 0, entry_data(**changes), submit=True
        )
    return entries


def fresh(entry):
    return FollowUp.objects.get(pk=entry.pk)


def block(page, number):
    """The HTML of one action's block on the review page."""
    start = page.index(f'<section id="action-{number}"')
    return page[start : page.index("</section>", start)]


# -- The review page ------------------------------------------------------------------


@pytest.mark.parametrize("who", ["adviser", "admin"])
def test_the_caf_reads_the_answers_without_forms_and_decides_each_transmitted_action(
    client, setting, who
):
    first, second = submit(setting, 1, 2)
    followup.validate(setting.users["adviser"], second, 1)
    client.force_login(setting.users[who])

    page = client.get(page_url(setting)).content.decode()

    assert 'name="suivi-' not in page, "no editable answer on the review page"
    assert "Deux réunions du collectif petite enfance." in block(page, 1)
    transmitted = block(page, 1)
    assert f'hx-post="{decision_url(setting, first)}"' in transmitted
    assert 'hx-target="#action-1"' in transmitted
    assert 'Valider<span class="visually-hidden"> le suivi de l\'action 1</span>' in transmitted
    assert "Renvoyer l'action 1 à la collectivité" in transmitted
    assert re.search(rf'<label\s+for="id_decision-{first.pk}-comment"', transmitted)
    validated = block(page, 2)
    assert "Validé le 10/05/2026 par Claire Roth." in validated
    assert "Motif de la réouverture" in validated
    not_transmitted = block(page, 3)
    assert "Non transmis" in not_transmitted
    assert "<form" not in not_transmitted and "<button" not in not_transmitted
    assert 'role="status" aria-live="polite"' in page
    assert "Valider toutes les actions transmises (1)" in page
    for count, label in [(1, "transmise à valider"), (1, "validée"), (1, "à renseigner")]:
        assert f"{count}</span> {label}" in page


def test_the_chargé_still_fills_in_the_quarter_on_one_form(client, setting):
    entry = setting.entries[(1, 2026, 2)]
    client.force_login(setting.users["cooperation"])
    page = client.get(page_url(setting)).content.decode()
    assert f'name="suivi-{entry.pk}-achievements"' in page
    assert "Enregistrer les brouillons" in page
    assert "Valider toutes les actions transmises" not in page
    assert "/decision/" not in page


def test_readers_see_the_answers_and_no_decision(client, setting):
    submit(setting, 1)
    client.force_login(setting.users["reader"])
    page = client.get(page_url(setting)).content.decode()
    assert "Deux réunions du collectif petite enfance." in page
    assert "/decision/" not in page and "valider-tout" not in page


# -- One decision, without reloading the page -------------------------------------------


def test_validating_one_action_with_htmx_answers_its_block_the_counts_and_a_spoken_line(
    client, setting
):
    (entry,) = submit(setting, 1)
    client.force_login(setting.users["adviser"])

    response = client.post(
        decision_url(setting, entry),
        {"decision": "valider", f"decision-{entry.pk}-revision": 1},
        **HTMX,
    )

    assert response.status_code == 200
    answer = response.content.decode()
    assert "<html" not in answer, "the block alone, not the page"
    assert answer.lstrip().startswith('<section id="action-1"')
    assert "Suivi de l&#x27;action 1 validé.</p>" in block(answer, 1)
    assert 'tabindex="-1" autofocus>Action 1 –' in answer, "the focus comes back to the block"
    assert "Validé le 10/05/2026 par Claire Roth." in block(answer, 1)
    assert '<div id="revue-bilan" hx-swap-oob="true">' in answer
    assert "1</span> validée" in answer
    assert "Valider toutes les actions transmises" not in answer
    assert '<div id="revue-annonce" hx-swap-oob="innerHTML">Suivi de l&#x27;action 1 validé.' in (
        answer
    )
    saved = fresh(entry)
    assert (saved.state, saved.validated_by) == (FollowUpState.VALIDATED, setting.users["adviser"])


def test_sending_back_needs_a_comment_asked_for_at_the_field(client, setting):
    (entry,) = submit(setting, 1)
    client.force_login(setting.users["adviser"])

    refused = client.post(
        decision_url(setting, entry),
        {"decision": "renvoyer", f"decision-{entry.pk}-revision": 1},
        **HTMX,
    )

    assert refused.status_code == 200
    answer = refused.content.decode()
    assert "Indiquez ce qui est à compléter ou à corriger." in answer
    assert re.search(r'<textarea[^>]*autofocus[^>]*aria-invalid="true"', answer)
    assert "autofocus>Action 1" not in answer, "the focus goes to the field to fill in"
    assert '<details class="flex-grow-1" open>' in answer
    assert "Action 1 : Indiquez ce qui est à compléter ou à corriger." in answer
    assert fresh(entry).state == FollowUpState.SUBMITTED

    response = client.post(
        decision_url(setting, entry),
        {
            "decision": "renvoyer",
            f"decision-{entry.pk}-revision": 1,
            f"decision-{entry.pk}-comment": "Ajoutez le nombre de familles reçues.",
        },
        **HTMX,
    )

    answer = response.content.decode()
    assert "Suivi de l&#x27;action 1 renvoyé à la collectivité." in answer
    assert "Ajoutez le nombre de familles reçues." in answer
    assert "/decision/" not in block(answer, 1), "nothing left to decide"
    saved = fresh(entry)
    assert (saved.state, saved.adviser_comment) == (
        FollowUpState.RETURNED,
        "Ajoutez le nombre de familles reçues.",
    )


def test_without_javascript_a_decision_is_a_post_then_a_redirect(client, setting):
    first, second = submit(setting, 1, 2)
    client.force_login(setting.users["adviser"])

    response = client.post(
        decision_url(setting, first), {"decision": "valider", f"decision-{first.pk}-revision": 1}
    )

    assert response.status_code == 302
    assert response["Location"] == page_url(setting) + "#action-1"
    page = client.get(response["Location"]).content.decode()
    assert "Suivi de l&#x27;action 1 validé." in page

    refused = client.post(
        decision_url(setting, second), {"decision": "renvoyer", f"decision-{second.pk}-revision": 1}
    )
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "<html" in page, "the whole page again, with the error at the field"
    assert "Indiquez ce qui est à compléter ou à corriger." in block(page, 2)
    assert fresh(second).state == FollowUpState.SUBMITTED


def test_a_decision_on_an_action_changed_meanwhile_shows_the_stored_version(client, setting):
    (entry,) = submit(setting, 1)
    # Another person of the Caf corrects it after the adviser loaded the page (revision 1).
    followup.save_entry(
        setting.users["admin"], entry, 1, entry_data(achievements="Chiffres de la PMI ajoutés.")
    )
    client.force_login(setting.users["adviser"])
    data = {"decision": "valider", f"decision-{entry.pk}-revision": 1}

    answer = client.post(decision_url(setting, entry), data, **HTMX)

    assert answer.status_code == 200, "htmx swaps 2xx answers only"
    text = answer.content.decode()
    assert "Ce suivi a été modifié" in text
    assert "Chiffres de la PMI ajoutés." in text
    assert f'name="decision-{entry.pk}-revision" value="2"' in text
    assert fresh(entry).state == FollowUpState.SUBMITTED
    assert client.post(decision_url(setting, entry), data).status_code == 409


def test_an_action_not_transmitted_is_not_validated_even_from_a_forged_post(client, setting):
    entry = setting.entries[(1, 2026, 2)]
    client.force_login(setting.users["adviser"])
    response = client.post(
        decision_url(setting, entry),
        {"decision": "valider", f"decision-{entry.pk}-revision": 0},
        **HTMX,
    )
    assert "Seul un suivi transmis peut être validé" in response.content.decode()
    assert fresh(entry).state == FollowUpState.OPEN


@pytest.mark.parametrize(("who", "status"), list(zip(CAST, DECIDING, strict=True)))
def test_who_may_decide_on_one_action(client, setting, who, status):
    (entry,) = submit(setting, 1)
    client.force_login(setting.users[who])
    response = client.post(
        decision_url(setting, entry), {"decision": "valider", f"decision-{entry.pk}-revision": 1}
    )
    assert response.status_code == status
    expected = FollowUpState.VALIDATED if status == 302 else FollowUpState.SUBMITTED
    assert fresh(entry).state == expected


def test_deciding_needs_a_post_and_a_known_action_of_this_quarter(client, setting):
    (entry,) = submit(setting, 1)
    client.force_login(setting.users["adviser"])
    assert client.get(decision_url(setting, entry)).status_code == 405
    assert client.post(decision_url(setting, entry), {"decision": "effacer"}).status_code == 400
    assert client.post(decision_url(setting, entry), {"decision": "valider"}).status_code == 400
    other = signed_convention().entries[(1, 2026, 2)]
    url = reverse("actionplan:followup_decision", args=[setting.convention.pk, 2026, 2, other.pk])
    assert client.post(url, {"decision": "valider"}).status_code == 404
    client.logout()
    response = client.post(decision_url(setting, entry), {"decision": "valider"})
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert fresh(entry).state == FollowUpState.SUBMITTED


# -- Correcting an action -------------------------------------------------------------


def test_the_adviser_corrects_one_action_behind_its_link(client, setting):
    first, second = submit(setting, 1, 2)
    client.force_login(setting.users["adviser"])
    page = client.get(page_url(setting)).content.decode()
    link = f"{page_url(setting)}?corriger={first.pk}#action-1"
    assert f'href="{link}"' in page

    page = client.get(page_url(setting), {"corriger": first.pk}).content.decode()

    assert f'name="suivi-{first.pk}-achievements"' in page
    assert f'name="suivi-{second.pk}-' not in page, "only the action being corrected"
    assert "Enregistrer la correction de l'action 1" in page
    data = {
        f"suivi-{first.pk}-revision": 1,
        **{f"suivi-{first.pk}-{k}": v for k, v in entry_data(progress=45).items()},
        "enregistrer": "1",
    }
    response = client.post(page_url(setting), data)
    assert response["Location"] == page_url(setting) + "#action-1"
    saved = fresh(first)
    assert (saved.state, saved.progress) == (FollowUpState.SUBMITTED, 45)
    assert saved.history.order_by("-history_id").first().history_change_reason == (
        "Suivi corrigé par la Caf"
    )


def test_a_validated_action_is_reopened_before_it_is_corrected(client, setting):
    (entry,) = submit(setting, 1)
    followup.validate(setting.users["adviser"], entry, 1)
    client.force_login(setting.users["adviser"])
    page = client.get(page_url(setting), {"corriger": entry.pk}).content.decode()
    assert f'name="suivi-{entry.pk}-achievements"' not in page
    assert client.get(page_url(setting), {"corriger": "²"}).status_code == 200
    assert "Rouvrir le suivi de l'action 1" in page


# -- Validating the whole quarter -----------------------------------------------------


def test_validate_all_validates_every_action_shown_in_one_step(setting):
    entries = submit(setting, 1, 2, 3)
    adviser = setting.users["adviser"]

    validated = followup.validate_all(
        adviser, setting.convention, 2026, 2, {e.pk: 1 for e in entries}
    )

    assert [e.action_sheet.number for e in validated] == [1, 2, 3]
    for entry in entries:
        saved = fresh(entry)
        assert (saved.state, saved.revision, saved.validated_by) == (
            FollowUpState.VALIDATED,
            2,
            adviser,
        )
        assert saved.validated_at == timezone.now()
        record = saved.history.order_by("-history_id").first()
        assert record.history_change_reason == followup.BULK_VALIDATION_REASON
        assert record.history_user == adviser


def test_one_action_changed_since_shown_refuses_the_whole_step(setting):
    entries = submit(setting, 1, 2, 3)
    shown = {entry.pk: 1 for entry in entries}
    # The second action was corrected after the page was shown.
    followup.save_entry(setting.users["admin"], entries[1], 1, entry_data(achievements="Corrigé."))

    with pytest.raises(FollowUpError) as refusal:
        followup.validate_all(setting.users["adviser"], setting.convention, 2026, 2, shown)

    message = str(refusal.value)
    assert "Le suivi de l'action 2 « Action numéro 2 » a été modifié" in message
    assert "aucune action n'a été validée" in message
    assert [fresh(e).state for e in entries] == [FollowUpState.SUBMITTED] * 3
    assert [fresh(e).revision for e in entries] == [1, 2, 1]
    assert not FollowUp.history.filter(history_change_reason=followup.BULK_VALIDATION_REASON)


def test_several_actions_sent_back_meanwhile_are_all_named(setting):
    entries = submit(setting, 1, 2, 3)
    shown = {entry.pk: 1 for entry in entries}
    for entry in entries[1:]:
        followup.send_back(setting.users["adviser"], entry, 1, "À compléter.")
    with pytest.raises(FollowUpError, match="Les suivis des actions 2 et 3 ont été modifiés"):
        followup.validate_all(setting.users["adviser"], setting.convention, 2026, 2, shown)
    assert fresh(entries[0]).state == FollowUpState.SUBMITTED


def test_an_action_transmitted_after_the_page_was_shown_waits(setting):
    (first,) = submit(setting, 1)
    shown = {first.pk: 1}
    (second,) = submit(setting, 2)
    followup.validate_all(setting.users["adviser"], setting.convention, 2026, 2, shown)
    assert (fresh(first).state, fresh(second).state) == (
        FollowUpState.VALIDATED,
        FollowUpState.SUBMITTED,
    )


def test_validate_all_refuses_what_the_quarter_does_not_hold(setting):
    (entry,) = submit(setting, 1)
    adviser, convention = setting.users["adviser"], setting.convention
    with pytest.raises(FollowUpError, match="Aucune action transmise"):
        followup.validate_all(adviser, convention, 2026, 2, {})
    other = setting.entries[(1, 2026, 1)]
    with pytest.raises(FollowUpError, match="n'appartient plus à ce trimestre"):
        followup.validate_all(adviser, convention, 2026, 2, {entry.pk: 1, other.pk: 0})
    assert fresh(entry).state == FollowUpState.SUBMITTED


@pytest.mark.parametrize("who", ["cooperation", "reader", "other_adviser"])
def test_only_the_caf_adviser_validates_a_quarter(setting, who):
    (entry,) = submit(setting, 1)
    with pytest.raises(NotAllowed):
        followup.validate_all(setting.users[who], setting.convention, 2026, 2, {entry.pk: 1})
    assert fresh(entry).state == FollowUpState.SUBMITTED


def test_validate_all_with_htmx_refreshes_the_list(client, setting):
    first, second = submit(setting, 1, 2)
    client.force_login(setting.users["adviser"])
    page = client.get(page_url(setting)).content.decode()
    for entry in (first, second):
        assert f'<input type="hidden" name="revision-{entry.pk}" value="1">' in page

    response = client.post(
        validate_all_url(setting), {f"revision-{first.pk}": 1, f"revision-{second.pk}": 1}, **HTMX
    )

    answer = response.content.decode()
    assert response.status_code == 200 and "<html" not in answer
    assert answer.lstrip().startswith('<div id="revue">')
    assert "2 suivis validés (actions 1 et 2)." in answer
    assert '<div id="revue-annonce" hx-swap-oob="innerHTML">2 suivis validés' in answer
    assert "2</span> validées" in answer
    assert "Valider toutes les actions transmises" not in answer
    assert {fresh(first).state, fresh(second).state} == {FollowUpState.VALIDATED}


def test_validate_all_without_javascript_is_a_post_then_a_redirect(client, setting):
    first, second = submit(setting, 1, 2)
    client.force_login(setting.users["adviser"])
    response = client.post(
        validate_all_url(setting),
        {f"revision-{first.pk}": 1, f"revision-{second.pk}": 1},
        follow=True,
    )
    assert response.redirect_chain == [(page_url(setting), 302)]
    assert "2 suivis validés (actions 1 et 2)." in response.content.decode()


def test_validate_all_on_a_stale_page_validates_nothing_and_says_which_action(client, setting):
    first, second = submit(setting, 1, 2)
    followup.send_back(setting.users["admin"], second, 1, "Il manque le bilan financier.")
    client.force_login(setting.users["adviser"])
    data = {f"revision-{first.pk}": 1, f"revision-{second.pk}": 1}

    answer = client.post(validate_all_url(setting), data, **HTMX).content.decode()

    assert "Le suivi de l&#x27;action 2 « Action numéro 2 » a été modifié" in answer
    assert '<div id="revue-annonce" hx-swap-oob="innerHTML">Le suivi de l&#x27;action 2' in answer
    # The list shows the quarter as it is now: only the first action waits.
    assert "Valider toutes les actions transmises (1)" in answer
    assert fresh(first).state == FollowUpState.SUBMITTED

    page = client.post(validate_all_url(setting), data, follow=True).content.decode()
    assert "aucune action n&#x27;a été validée" in page
    assert fresh(first).state == FollowUpState.SUBMITTED


@pytest.mark.parametrize(("who", "status"), list(zip(CAST, DECIDING, strict=True)))
def test_who_may_validate_a_quarter(client, setting, who, status):
    (entry,) = submit(setting, 1)
    client.force_login(setting.users[who])
    response = client.post(validate_all_url(setting), {f"revision-{entry.pk}": 1})
    assert response.status_code == status
    expected = FollowUpState.VALIDATED if status == 302 else FollowUpState.SUBMITTED
    assert fresh(entry).state == expected


def test_validate_all_needs_a_post_and_readable_revisions(client, setting):
    (entry,) = submit(setting, 1)
    client.force_login(setting.users["adviser"])
    assert client.get(validate_all_url(setting)).status_code == 405
    for unreadable in ("x", "²", "-1"):
        response = client.post(validate_all_url(setting), {f"revision-{entry.pk}": unreadable})
        assert response.status_code == 400
    assert client.post(validate_all_url(setting, 2031, 1)).status_code == 404
    assert fresh(entry).state == FollowUpState.SUBMITTED


# -- A 40-action plan -----------------------------------------------------------------


def _transmit_everything(setting):
    FollowUp.objects.filter(
        action_sheet__convention=setting.convention, year=2026, quarter=2
    ).update(
        state=FollowUpState.SUBMITTED,
        status="in_progress",
        progress=40,
        achievements="Deux réunions du collectif petite enfance avec les assistantes maternelles.",
        next_steps="Ouvrir le guichet unique en septembre.",
        submitted_at=timezone.now(),
        submitted_by=setting.users["cooperation"],
        revision=1,
    )


def _measure(client, setting, who):
    client.force_login(setting.users[who])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(page_url(setting))
    assert response.status_code == 200
    return len(queries), len(response.content)


@pytest.mark.parametrize("who", ["adviser", "cooperation"])
def test_the_page_of_a_40_action_plan_keeps_its_queries_and_stays_light(
    client, django_assert_max_num_queries, who
):
    small, large = signed_convention(sheets=5), signed_convention(sheets=40)
    for setting in (small, large):
        _transmit_everything(setting)
    small_queries, small_size = _measure(client, small, who)

    client.force_login(large.users[who])
    with django_assert_max_num_queries(small_queries):
        response = client.get(page_url(large))

    page = response.content.decode()
    assert page.count('<section id="action-') == 40
    if who == "adviser":
        # Before the review page, the adviser's page of these 40 actions weighed 328 kB,
        # 8 kB more per action: every answer was an editable form.
        assert len(response.content) < 175_000  # 328 kB before the review page
        assert (len(response.content) - small_size) / 35 < 4_000
        assert "Valider toutes les actions transmises (40)" in page


def test_validating_a_40_action_quarter_takes_as_many_queries_as_5(
    client, django_assert_max_num_queries
):
    small, large = signed_convention(sheets=5), signed_convention(sheets=40)
    for setting in (small, large):
        _transmit_everything(setting)

    def shown(setting):
        return {
            f"revision-{entry.pk}": 1
            for (_, year, quarter), entry in setting.entries.items()
            if (year, quarter) == (2026, 2)
        }

    client.force_login(small.users["adviser"])
    with CaptureQueriesContext(connection) as queries:
        client.post(validate_all_url(small), shown(small), **HTMX)

    client.force_login(large.users["adviser"])
    with django_assert_max_num_queries(len(queries)):
        response = client.post(validate_all_url(large), shown(large), **HTMX)

    assert "40 suivis validés" in response.content.decode()
    validated = FollowUp.objects.filter(
        action_sheet__convention=large.convention, state=FollowUpState.VALIDATED
    )
    assert validated.count() == 40


# -- A quarter still to come ----------------------------------------------------------


@pytest.mark.parametrize("who", ["cooperation", "adviser"])
def test_a_quarter_still_to_come_says_when_it_opens(client, setting, who):
    client.force_login(setting.users[who])
    response = client.get(page_url(setting, 2026, 4))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Ce trimestre s'ouvrira le 1er octobre 2026" in page
    assert "au plus tard le 30 janvier 2027" in page
    assert "Ouvrir le T4 2026 maintenant" not in page


def test_a_past_quarter_never_opened_does_not_announce_an_opening(client, setting):
    FollowUp.objects.filter(year=2026, quarter=1).delete()
    client.force_login(setting.users["cooperation"])
    page = client.get(page_url(setting, 2026, 1)).content.decode()
    assert "Le suivi de ce trimestre n'est pas ouvert" in page
    assert "ouvrira" not in page


def test_the_opening_day_of_a_quarter(setting):
    convention = setting.convention
    today = datetime.date(2026, 5, 10)
    assert opening_day(convention, 2026, 3, today) == datetime.date(2026, 7, 1)
    assert opening_day(convention, 2027, 1, today) == datetime.date(2027, 1, 1)
    assert opening_day(convention, 2026, 2, today) is None
    convention.state = "terminated"
    assert opening_day(convention, 2026, 3, today) is None
