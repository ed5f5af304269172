"""E-mails of the quarterly follow-up: once at the opening, one reminder when late;
to the advisers when entries are transmitted, to the chargés de coopération when one
is sent back, or in one daily digest for those who chose it.

Time is frozen across a quarter change; the beat tasks run twice and nothing
is sent twice. Tasks run eagerly; the e-mail tasks are enqueued on commit, so
the tests run the captured on-commit callbacks.
"""

import datetime
import smtplib
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.db import transaction

from actionplan import followup, notifications
from actionplan.models import FollowUp, FollowUpNotice, FollowUpState, NoticeKind
from actionplan.tasks import (
    notify_missing_follow_ups,
    open_current_quarter,
    send_daily_digests,
    send_follow_up_reminders,
)
from ctg.celery import app as celery_app
from partners.models import Role, SentEmail
from tests.factories import UserFactory
from tests.followup_setup import entry_data, signed_convention

pytestmark = pytest.mark.django_db
PARIS = ZoneInfo("Europe/Paris")


def at(*args):
    return time_machine.travel(datetime.datetime(*args, tzinfo=PARIS), tick=False)


@pytest.fixture
def setting():
    setting = signed_convention(quarters=())
    commune = setting.convention.parties.get(role="co_signatory").organisation
    setting.users["commune_cooperation"] = UserFactory(
        role=Role.COOPERATION, organisation=commune, email="enfance@lievre.fr"
    )
    setting.users["inactive"] = UserFactory(
        role=Role.COOPERATION, organisation=setting.convention.lead_authority, is_active=False
    )
    return setting


def recipients(outbox):
    return sorted(address for message in outbox for address in message.to)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    """Run a beat task and the e-mail tasks it enqueues on commit."""

    def run(task):
        with django_capture_on_commit_callbacks(execute=True):
            return task.delay().get()

    return run


def test_opening_mails_each_cooperation_officer_of_the_parties_once_per_quarter(
    setting, mailoutbox, run
):
    expected = sorted(
        [setting.users["cooperation"].email, setting.users["commune_cooperation"].email]
    )
    with at(2026, 3, 31, 23, 30):
        assert run(open_current_quarter) == 2
        assert run(open_current_quarter) == 0
    assert recipients(mailoutbox) == expected
    message = mailoutbox[0]
    assert message.subject == f"Suivi trimestriel T1 2026 à renseigner – {setting.convention.title}"
    assert "2 actions à renseigner" in message.body
    # Due 30 days after the quarter's end (FOLLOWUP_DEADLINE_DAYS).
    assert "au plus tard le 30 avril 2026" in message.body
    url = f"{settings.SITE_URL}/conventions/{setting.convention.pk}/suivi/2026/T1/"
    assert url in message.body
    assert "&#x27;" not in message.body

    mailoutbox.clear()
    with at(2026, 4, 1, 0, 30):
        assert run(open_current_quarter) == 2
        assert run(open_current_quarter) == 0
    assert recipients(mailoutbox) == expected
    assert "T2 2026" in mailoutbox[0].subject
    assert FollowUpNotice.objects.filter(kind=NoticeKind.OPENING).count() == 4


def test_nobody_else_is_mailed(setting, mailoutbox, run):
    with at(2026, 4, 1, 6, 0):
        run(open_current_quarter)
    sent = recipients(mailoutbox)
    for who in ("adviser", "reader", "other_cooperation", "other_adviser", "admin", "inactive"):
        assert setting.users[who].email not in sent


def test_a_cooperation_officer_added_later_gets_the_opening_mail_next_morning(
    setting, mailoutbox, run
):
    with at(2026, 4, 1, 6, 0):
        run(open_current_quarter)
    mailoutbox.clear()
    newcomer = UserFactory(role=Role.COOPERATION, organisation=setting.convention.lead_authority)
    with at(2026, 4, 2, 6, 0):
        run(open_current_quarter)
    assert recipients(mailoutbox) == [newcomer.email]


def test_reminder_goes_once_to_those_late_before_the_deadline(setting, mailoutbox, run):
    with at(2026, 1, 2, 6, 0):
        run(open_current_quarter)
    first, second = FollowUp.objects.filter(year=2026, quarter=1).order_by("action_sheet__number")
    followup.save_entry(setting.users["cooperation"], first, 0, entry_data(), submit=True)
    mailoutbox.clear()

    # Due on 30 April; reminded from ten days before (FOLLOWUP_REMINDER_DAYS).
    with at(2026, 4, 19, 6, 30):
        assert run(send_follow_up_reminders) == 0
    with at(2026, 4, 20, 6, 30):
        assert run(send_follow_up_reminders) == 1
        assert run(send_follow_up_reminders) == 0
    with at(2026, 4, 21, 6, 30):
        assert run(send_follow_up_reminders) == 0

    assert len(mailoutbox) == 2
    message = mailoutbox[0]
    assert message.subject.startswith("Relance : suivi trimestriel T1 2026 à transmettre")
    assert "est attendu au plus tard le 30 avril 2026" in message.body
    assert "avant le 30 avril" in message.subject
    assert "1 action n'a pas encore été transmise" in message.body
    assert f"Action {second.action_sheet.number} : {second.action_sheet.title} (à renseigner)" in (
        message.body
    )
    assert first.action_sheet.title + " (" not in message.body
    assert FollowUpNotice.objects.filter(kind=NoticeKind.REMINDER).count() == 2


def test_no_reminder_when_everything_was_submitted(setting, mailoutbox, run):
    with at(2026, 1, 2, 6, 0):
        run(open_current_quarter)
    FollowUp.objects.update(state=FollowUpState.SUBMITTED)
    mailoutbox.clear()
    with at(2026, 4, 25, 6, 30):
        assert run(send_follow_up_reminders) == 0
    assert mailoutbox == []


def test_deadline_and_reminder_delay_are_settings(setting, mailoutbox, run, settings):
    settings.FOLLOWUP_DEADLINE_DAYS = 15
    settings.FOLLOWUP_REMINDER_DAYS = 5
    with at(2026, 1, 2, 6, 0):
        run(open_current_quarter)
    mailoutbox.clear()
    with at(2026, 4, 9, 6, 30):
        assert run(send_follow_up_reminders) == 0
    with at(2026, 4, 10, 6, 30):
        assert run(send_follow_up_reminders) == 1
    assert len(mailoutbox) == 2
    assert "au plus tard le 15 avril 2026" in mailoutbox[0].body


def test_advisers_learn_the_entries_missing_once_the_deadline_has_passed(setting, mailoutbox, run):
    with at(2026, 1, 2, 6, 0):
        run(open_current_quarter)
    first, _ = FollowUp.objects.filter(year=2026, quarter=1).order_by("action_sheet__number")
    followup.save_entry(setting.users["cooperation"], first, 0, entry_data(), submit=True)
    mailoutbox.clear()
    with at(2026, 4, 30, 6, 45):  # the deadline itself: not yet
        assert run(notify_missing_follow_ups) == 0
    with at(2026, 5, 1, 6, 45):
        assert run(notify_missing_follow_ups) == 1
        assert run(notify_missing_follow_ups) == 0
    with at(2026, 5, 2, 6, 45):
        assert run(notify_missing_follow_ups) == 0
    assert recipients(mailoutbox) == [setting.users["adviser"].email]
    message = mailoutbox[0]
    assert message.subject == (
        f"Suivi T1 2026 manquant après l'échéance – {setting.convention.title}"
    )
    assert "était le 30 avril 2026. 1 action n'a toujours pas été transmise" in message.body


def test_a_mail_that_could_not_be_sent_is_not_recorded_and_goes_next_time(
    setting, mailoutbox, monkeypatch
):
    with at(2026, 4, 1, 6, 0):
        followup.open_quarter(2026, 2)

    def refuse(message, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("serveur indisponible")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMessage.send", refuse)
        with pytest.raises(smtplib.SMTPException):
            notifications.send_notices(NoticeKind.OPENING, setting.convention.pk, 2026, 2)
    assert not FollowUpNotice.objects.exists()

    assert notifications.send_notices(NoticeKind.OPENING, setting.convention.pk, 2026, 2) == 2
    assert notifications.send_notices(NoticeKind.OPENING, setting.convention.pk, 2026, 2) == 0
    assert len(mailoutbox) == 2


def test_conventions_to_notify_in_one_query(setting, django_assert_num_queries):
    with at(2026, 4, 1, 6, 0):
        followup.open_quarter(2026, 2)
    without_officer = signed_convention(quarters=((2026, 2),))
    without_officer.users["cooperation"].delete()
    with django_assert_num_queries(1):
        ids = notifications.conventions_to_notify(NoticeKind.OPENING, 2026, 2)
    assert ids == [setting.convention.pk]


def test_beat_reminds_every_morning_after_the_opening():
    entry = settings.CELERY_BEAT_SCHEDULE["send-follow-up-reminders"]
    assert entry["task"] == send_follow_up_reminders.name
    assert entry["task"] in celery_app.tasks
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({6}, {30})
    assert (settings.FOLLOWUP_DEADLINE_DAYS, settings.FOLLOWUP_REMINDER_DAYS) == (30, 10)
    missing = settings.CELERY_BEAT_SCHEDULE["notify-missing-follow-ups"]
    assert missing["task"] == notify_missing_follow_ups.name
    assert missing["task"] in celery_app.tasks


# -- Transmissions, send-backs and the daily digest ---------------------------------


@pytest.fixture
def opened(setting):
    with at(2026, 4, 1, 6, 0):
        followup.open_quarter(2026, 2)
    setting.users["second_adviser"] = UserFactory(
        role=Role.ADVISER, organisation=setting.convention.caf, first_name="Marc"
    )
    return setting


def quarter_entries():
    return list(FollowUp.objects.filter(year=2026, quarter=2).order_by("action_sheet__number"))


def transmit(user, entries, capture):
    """The chargé transmits these entries together (one request), e-mails run on commit."""
    with capture(execute=True), transaction.atomic():
        for entry in entries:
            entry.refresh_from_db()
            followup.save_entry(user, entry, entry.revision, entry_data(), submit=True)


def test_one_transmission_makes_one_email_per_adviser_listing_its_entries(
    opened, mailoutbox, django_capture_on_commit_callbacks
):
    first, second = quarter_entries()
    transmit(opened.users["cooperation"], [first, second], django_capture_on_commit_callbacks)
    assert recipients(mailoutbox) == sorted(
        [opened.users["adviser"].email, opened.users["second_adviser"].email]
    )
    message = next(m for m in mailoutbox if m.to == [opened.users["adviser"].email])
    title = opened.convention.title
    assert message.subject == f"Suivi transmis à valider : T2 2026 – {title}"
    assert message.body.startswith("Bonjour Claire,")
    organisation = opened.convention.lead_authority
    assert f"Léa Gaschy ({organisation}) a transmis à la Caf le suivi du T2 2026" in message.body
    assert "2 actions à relire et à valider" in message.body
    assert "- Action 1 : Action numéro 1 (en cours, 40 %)" in message.body
    assert "- Action 2 : Action numéro 2 (en cours, 40 %)" in message.body
    assert f"{settings.SITE_URL}/conventions/{opened.convention.pk}/suivi/2026/T2/" in message.body
    for who in ("cooperation", "other_adviser", "admin", "reader"):
        assert opened.users[who].email not in recipients(mailoutbox)


def test_a_retried_transmission_task_sends_nothing_twice(
    opened, mailoutbox, django_capture_on_commit_callbacks
):
    first, second = quarter_entries()
    transmit(opened.users["cooperation"], [first], django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 2
    assert notifications.send_transmissions(opened.convention.pk, 2026, 2) == 0
    assert len(mailoutbox) == 2
    # A later transmission tells only what is new.
    transmit(opened.users["cooperation"], [second], django_capture_on_commit_callbacks)
    assert len(mailoutbox) == 4
    assert "Action numéro 2" in mailoutbox[-1].body
    assert "Action numéro 1" not in mailoutbox[-1].body


def test_a_transmission_whose_email_failed_is_sent_on_retry(
    opened, mailoutbox, monkeypatch, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        followup.save_entry(
            opened.users["cooperation"], quarter_entries()[0], 0, entry_data(), submit=True
        )

    def refuse(message, fail_silently=False):
        raise smtplib.SMTPServerDisconnected("serveur indisponible")

    with monkeypatch.context() as patch:
        patch.setattr("django.core.mail.EmailMessage.send", refuse)
        with pytest.raises(smtplib.SMTPException):
            notifications.send_transmissions(opened.convention.pk, 2026, 2)
    assert not SentEmail.objects.exists()
    assert notifications.send_transmissions(opened.convention.pk, 2026, 2) == 2
    assert notifications.send_transmissions(opened.convention.pk, 2026, 2) == 0
    assert len(mailoutbox) == 2


def test_an_entry_sent_back_tells_the_officer_who_transmitted_it_with_the_comment(
    opened, mailoutbox, django_capture_on_commit_callbacks
):
    first, _ = quarter_entries()
    transmit(opened.users["cooperation"], [first], django_capture_on_commit_callbacks)
    mailoutbox.clear()
    first.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        followup.send_back(
            opened.users["adviser"], first, first.revision, "Précisez le nombre de places créées."
        )
    assert recipients(mailoutbox) == [opened.users["cooperation"].email]
    (message,) = mailoutbox
    title = opened.convention.title
    assert message.subject == f"Suivi renvoyé pour complément : T2 2026 – {title}"
    assert f"{opened.convention.caf} vous renvoie pour complément le suivi du T2 2026" in (
        message.body
    )
    assert (
        "- Action 1 : Action numéro 1\n  Commentaire de la Caf : Précisez le nombre de places"
        in (message.body)
    )
    assert notifications.send_sent_back(opened.convention.pk, 2026, 2) == 0


def test_an_entry_transmitted_by_the_adviser_and_sent_back_tells_every_officer(
    opened, mailoutbox, django_capture_on_commit_callbacks
):
    first, _ = quarter_entries()
    transmit(opened.users["adviser"], [first], django_capture_on_commit_callbacks)
    mailoutbox.clear()
    first.refresh_from_db()
    with django_capture_on_commit_callbacks(execute=True):
        followup.send_back(opened.users["adviser"], first, first.revision, "À compléter.")
    assert recipients(mailoutbox) == sorted(
        [opened.users["cooperation"].email, opened.users["commune_cooperation"].email]
    )


def test_the_daily_digest_replaces_the_immediate_emails_and_never_repeats(
    opened, mailoutbox, run, django_capture_on_commit_callbacks
):
    adviser = opened.users["adviser"]
    adviser.daily_digest = True
    adviser.save()
    first, second = quarter_entries()
    transmit(opened.users["cooperation"], [first], django_capture_on_commit_callbacks)
    transmit(opened.users["cooperation"], [second], django_capture_on_commit_callbacks)
    assert adviser.email not in recipients(mailoutbox)
    assert len(mailoutbox) == 2  # the second adviser, told at once each time
    mailoutbox.clear()

    with at(2026, 5, 11, 7, 0):
        assert run(send_daily_digests) == 1
        assert run(send_daily_digests) == 1  # enqueued again, but nothing new to tell
    (digest,) = mailoutbox
    assert digest.to == [adviser.email]
    assert digest.subject == "Résumé CTG du 11 mai 2026 : 2 suivis transmis à valider"
    assert "2 suivis d'actions ont été transmis à la Caf et attendent votre validation" in (
        digest.body
    )
    assert f"{opened.convention.title} – T2 2026" in digest.body
    assert "- Action 1 : Action numéro 1 (en cours, 40 %)" in digest.body
    assert f"{settings.SITE_URL}/a-faire/" in digest.body

    # Back to immediate e-mails: what the digest told is not told again.
    adviser.daily_digest = False
    adviser.save()
    mailoutbox.clear()
    assert notifications.send_transmissions(opened.convention.pk, 2026, 2) == 0
    assert mailoutbox == []


def test_the_officers_digest_lists_the_entries_sent_back_with_the_comment(
    opened, mailoutbox, run, django_capture_on_commit_callbacks
):
    officer = opened.users["cooperation"]
    officer.daily_digest = True
    officer.save()
    first, _ = quarter_entries()
    transmit(officer, [first], django_capture_on_commit_callbacks)
    first.refresh_from_db()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        followup.send_back(opened.users["adviser"], first, first.revision, "Ajoutez les dates.")
    assert mailoutbox == []
    with at(2026, 5, 11, 7, 0):
        run(send_daily_digests)
    (digest,) = mailoutbox
    assert digest.to == [officer.email]
    assert "la Caf vous a renvoyé pour complément 1 suivi d'action" in digest.body
    assert "Commentaire de la Caf : Ajoutez les dates." in digest.body


def test_nobody_without_news_gets_a_digest(opened, mailoutbox, run):
    opened.users["adviser"].daily_digest = True
    opened.users["adviser"].save()
    with at(2026, 5, 11, 7, 0):
        run(send_daily_digests)
    assert mailoutbox == []


def test_beat_sends_the_digests_at_seven():
    entry = settings.CELERY_BEAT_SCHEDULE["send-daily-digests"]
    assert entry["task"] == send_daily_digests.name
    assert entry["task"] in celery_app.tasks
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({7}, {0})
