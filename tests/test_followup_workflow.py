"""The life of a quarterly follow-up entry: who writes, who decides, locking, revisions."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core.exceptions import ValidationError

from actionplan import deadlines, followup
from actionplan.followup import FollowUpError, NotAllowed, StaleEntry
from actionplan.models import FollowUp, FollowUpState, IndicatorValue
from tests.followup_setup import TODAY, entry_data, signed_convention

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def setting():
    return signed_convention()


@pytest.fixture
def entry(setting):
    return setting.entries[(1, 2026, 2)]


def fresh(entry):
    return FollowUp.objects.get(pk=entry.pk)


def test_cooperation_officer_saves_a_draft_with_indicator_values(setting, entry):
    user = setting.users["cooperation"]
    counted, described = setting.indicators[:2]

    followup.save_entry(
        user,
        entry,
        0,
        entry_data(),
        {
            counted.pk: {"value": Decimal("12"), "text": "", "zone_recipients": None},
            described.pk: {"value": None, "text": "Convention signée avec la MSA."},
        },
    )

    saved = fresh(entry)
    assert (saved.state, saved.progress, saved.revision) == (FollowUpState.DRAFT, 40, 1)
    assert entry.revision == 1, "the caller's object shows the new revision"
    values = {v.indicator_id: v for v in IndicatorValue.objects.filter(follow_up=saved)}
    assert values[counted.pk].value == 12
    assert values[described.pk].text == "Convention signée avec la MSA."
    assert (values[counted.pk].year, values[counted.pk].quarter) == (2026, 2)
    record = saved.history.order_by("-history_id").first()
    assert record.history_change_reason == "Brouillon enregistré"


def test_unchanged_indicator_values_add_no_history(setting, entry):
    user = setting.users["cooperation"]
    counted = setting.indicators[0]
    values = {counted.pk: {"value": Decimal("12"), "text": "", "zone_recipients": None}}
    followup.save_entry(user, entry, 0, entry_data(), values)
    followup.save_entry(user, entry, 1, entry_data(progress=45), values)
    assert IndicatorValue.history.filter(indicator=counted).count() == 1


def test_indicators_of_another_sheet_are_refused(setting, entry):
    other_sheet_indicator = setting.indicators[2]
    with pytest.raises(ValueError):
        followup.save_entry(
            setting.users["cooperation"],
            entry,
            0,
            entry_data(),
            {other_sheet_indicator.pk: {"value": Decimal(1), "text": ""}},
        )
    assert fresh(entry).revision == 0


def test_submit_then_validate_locks_the_entry(setting, entry):
    cooperation, adviser = setting.users["cooperation"], setting.users["adviser"]
    followup.save_entry(cooperation, entry, 0, entry_data(), submit=True)
    submitted = fresh(entry)
    assert submitted.state == FollowUpState.SUBMITTED
    assert submitted.submitted_by == cooperation
    assert submitted.submitted_at is not None

    followup.validate(adviser, entry, 1)

    validated = fresh(entry)
    assert validated.state == FollowUpState.VALIDATED
    assert validated.is_locked
    assert validated.validated_by == adviser
    for user in (cooperation, adviser):
        with pytest.raises(FollowUpError, match="validé : il ne peut plus être modifié"):
            followup.save_entry(user, entry, 2, entry_data(progress=90))
    assert fresh(entry).progress == 40


def test_submitted_entry_is_closed_to_the_territory_but_the_adviser_corrects_it(setting, entry):
    followup.save_entry(setting.users["cooperation"], entry, 0, entry_data(), submit=True)
    with pytest.raises(FollowUpError, match="transmis à la Caf"):
        followup.save_entry(setting.users["cooperation"], entry, 1, entry_data(progress=50))

    followup.save_entry(setting.users["adviser"], entry, 1, entry_data(progress=50))

    corrected = fresh(entry)
    assert (corrected.state, corrected.progress) == (FollowUpState.SUBMITTED, 50)
    reason = corrected.history.order_by("-history_id").first().history_change_reason
    assert reason == "Suivi corrigé par la Caf"


def test_adviser_sends_back_with_a_comment_and_the_territory_writes_again(setting, entry):
    followup.save_entry(setting.users["cooperation"], entry, 0, entry_data(), submit=True)
    with pytest.raises(ValidationError) as error:
        followup.send_back(setting.users["adviser"], entry, 1, "  ")
    assert "comment" in error.value.message_dict

    followup.send_back(setting.users["adviser"], entry, 1, "Précisez le nombre de familles.")

    returned = fresh(entry)
    assert returned.state == FollowUpState.RETURNED
    assert returned.adviser_comment == "Précisez le nombre de familles."
    followup.save_entry(setting.users["cooperation"], entry, 2, entry_data(), submit=True)
    assert fresh(entry).state == FollowUpState.SUBMITTED


def test_only_the_adviser_reopens_a_validated_entry_with_a_reason_kept_in_history(setting, entry):
    followup.save_entry(setting.users["cooperation"], entry, 0, entry_data(), submit=True)
    followup.validate(setting.users["adviser"], entry, 1)
    with pytest.raises(NotAllowed):
        followup.reopen(setting.users["cooperation"], entry, 2, "Erreur de saisie")
    with pytest.raises(ValidationError):
        followup.reopen(setting.users["adviser"], entry, 2, "")

    reason = "Le nombre de places a été corrigé par la PMI après le comité technique."
    followup.reopen(setting.users["adviser"], entry, 2, reason)

    reopened = fresh(entry)
    assert reopened.state == FollowUpState.RETURNED
    assert reopened.validated_by is None
    record = reopened.history.order_by("-history_id").first()
    assert record.history_change_reason == f"Réouverture : {reason}"
    assert record.adviser_comment == reason
    assert record.history_user == setting.users["adviser"]


def test_a_long_reason_is_kept_whole_in_the_comment_and_shortened_in_the_history_reason(
    setting, entry
):
    followup.save_entry(setting.users["adviser"], entry, 0, entry_data(), submit=True)
    followup.validate(setting.users["adviser"], entry, 1)
    reason = "Correction demandée par le comité de pilotage. " * 5
    followup.reopen(setting.users["adviser"], entry, 2, reason)
    record = fresh(entry).history.order_by("-history_id").first()
    assert len(record.history_change_reason) == 100
    assert record.history_change_reason.endswith("…")
    assert record.adviser_comment == reason.strip()


@pytest.mark.parametrize(
    ("function", "state"),
    [(followup.validate, FollowUpState.DRAFT), (followup.validate, FollowUpState.OPEN)],
)
def test_only_a_submitted_entry_is_validated(setting, entry, function, state):
    FollowUp.objects.filter(pk=entry.pk).update(state=state)
    with pytest.raises(FollowUpError, match="Seul un suivi transmis peut être validé"):
        function(setting.users["adviser"], entry, 0)


def test_only_a_validated_entry_is_reopened(setting, entry):
    with pytest.raises(FollowUpError, match="Seul un suivi validé peut être rouvert"):
        followup.reopen(setting.users["adviser"], entry, 0, "Pourquoi pas")


def test_an_older_revision_is_refused_and_keeps_what_the_first_person_saved(setting, entry):
    adviser, cooperation = setting.users["adviser"], setting.users["cooperation"]
    # Both opened the page at revision 0; the chargé de coopération saves first.
    followup.save_entry(cooperation, entry, 0, entry_data(achievements="Version de Léa"))

    with pytest.raises(StaleEntry) as error:
        followup.save_entry(adviser, entry, 0, entry_data(achievements="Version de Claire"))

    assert fresh(entry).achievements == "Version de Léa"
    assert error.value.current.achievements == "Version de Léa"
    assert error.value.current.revision == 1
    assert "modifié par Léa Gaschy" in str(error.value)
    assert "votre saisie n'a pas été enregistrée" in str(error.value)


def test_a_decision_on_an_older_revision_is_refused(setting, entry):
    followup.save_entry(setting.users["cooperation"], entry, 0, entry_data(), submit=True)
    followup.save_entry(setting.users["adviser"], entry, 1, entry_data(progress=60))
    with pytest.raises(StaleEntry):
        followup.validate(setting.users["adviser"], entry, 1)
    assert fresh(entry).state == FollowUpState.SUBMITTED


@pytest.mark.parametrize("who", ["reader", "other_cooperation", "other_adviser"])
def test_people_who_may_not_fill_are_refused(setting, entry, who):
    with pytest.raises(NotAllowed):
        followup.save_entry(setting.users[who], entry, 0, entry_data())
    assert fresh(entry).revision == 0


@pytest.mark.parametrize("who", ["cooperation", "reader", "other_cooperation", "other_adviser"])
def test_only_the_caf_adviser_validates(setting, entry, who):
    followup.save_entry(setting.users["cooperation"], entry, 0, entry_data(), submit=True)
    with pytest.raises(NotAllowed, match="Seul le conseiller de la Caf"):
        followup.validate(setting.users[who], entry, 1)
    assert fresh(entry).state == FollowUpState.SUBMITTED


def test_rights_at_a_glance(setting):
    convention = setting.convention
    users = setting.users
    assert [followup.can_fill(users[u], convention) for u in users] == [
        True,  # adviser
        True,  # cooperation
        False,  # reader
        False,  # other_cooperation
        False,  # other_adviser
        True,  # admin
    ]
    assert [followup.can_validate(users[u], convention) for u in users] == [
        True,
        False,
        False,
        False,
        False,
        True,
    ]


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"status": "done", "progress": 80}, "progress", "réalisée est avancée à 100 %"),
        ({"status": "not_started", "progress": 10}, "progress", "non démarrée"),
    ],
)
def test_status_and_progress_agree(setting, entry, changes, field, message):
    with pytest.raises(ValidationError) as error:
        followup.save_entry(setting.users["cooperation"], entry, 0, entry_data(**changes))
    assert message in " ".join(error.value.message_dict[field])
    assert fresh(entry).revision == 0


def test_an_action_in_difficulty_says_which_difficulties_when_submitted(setting, entry):
    user = setting.users["cooperation"]
    followup.save_entry(user, entry, 0, entry_data(status="in_difficulty"))
    with pytest.raises(ValidationError) as error:
        followup.save_entry(user, entry, 1, entry_data(status="in_difficulty"), submit=True)
    assert "difficulties" in error.value.message_dict
    assert fresh(entry).state == FollowUpState.DRAFT


def test_adviser_opens_a_quarter_of_one_convention(setting):
    adviser = setting.users["adviser"]
    with pytest.raises(FollowUpError, match="n'a pas commencé"):
        followup.open_convention_quarter(adviser, setting.convention, 2026, 3)
    with pytest.raises(NotAllowed):
        followup.open_convention_quarter(setting.users["cooperation"], setting.convention, 2026, 2)
    FollowUp.objects.filter(year=2026, quarter=2, action_sheet__number=2).delete()

    assert followup.open_convention_quarter(adviser, setting.convention, 2026, 2) == 1
    assert followup.open_convention_quarter(adviser, setting.convention, 2026, 2) == 0


@pytest.mark.parametrize(
    ("today", "deadline_days", "expected"),
    [
        (datetime.date(2026, 4, 30), 30, (2025, 4)),
        (datetime.date(2026, 5, 1), 30, (2026, 1)),
        (datetime.date(2026, 7, 30), 30, (2026, 1)),
        (datetime.date(2026, 7, 31), 30, (2026, 2)),
        (datetime.date(2026, 4, 2), 1, (2026, 1)),
        (datetime.date(2026, 5, 30), 60, (2025, 4)),
    ],
)
def test_quarter_past_deadline(settings, today, deadline_days, expected):
    settings.FOLLOWUP_DEADLINE_DAYS = deadline_days
    assert deadlines.quarter_past_deadline(today) == expected


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (datetime.date(2026, 4, 19), None),
        (datetime.date(2026, 4, 20), (2026, 1)),
        (datetime.date(2026, 4, 30), (2026, 1)),
        (datetime.date(2026, 5, 1), None),
        (datetime.date(2026, 7, 20), (2026, 2)),
    ],
)
def test_quarter_to_remind_ten_days_before_a_30_day_deadline(settings, today, expected):
    settings.FOLLOWUP_DEADLINE_DAYS, settings.FOLLOWUP_REMINDER_DAYS = 30, 10
    assert deadlines.quarter_to_remind(today) == expected


def test_convention_quarters_cover_the_period(setting):
    quarters = followup.convention_quarters(setting.convention)
    assert len(quarters) == 20
    assert (quarters[0], quarters[-1]) == ((2026, 1), (2030, 4))
