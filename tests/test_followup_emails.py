"""E-mails of the quarterly follow-up: once at the opening, one reminder when late.

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

from actionplan import followup, notifications
from actionplan.models import FollowUp, FollowUpNotice, FollowUpState, NoticeKind
from actionplan.tasks import open_current_quarter, send_follow_up_reminders
from ctg.celery import app as celery_app
from partners.models import Role
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
    assert "au plus tard le 31 mars 2026" in message.body
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


def test_reminder_goes_once_to_those_late_after_the_configured_days(setting, mailoutbox, run):
    with at(2026, 1, 2, 6, 0):
        run(open_current_quarter)
    first, second = FollowUp.objects.filter(year=2026, quarter=1).order_by("action_sheet__number")
    followup.save_entry(setting.users["cooperation"], first, 0, entry_data(), submit=True)
    mailoutbox.clear()

    with at(2026, 4, 14, 6, 30):  # 14 days after the quarter's end: not yet
        assert run(send_follow_up_reminders) == 0
    with at(2026, 4, 15, 6, 30):
        assert run(send_follow_up_reminders) == 1
        assert run(send_follow_up_reminders) == 0
    with at(2026, 4, 16, 6, 30):
        assert run(send_follow_up_reminders) == 0

    assert len(mailoutbox) == 2
    message = mailoutbox[0]
    assert message.subject.startswith("Relance : suivi trimestriel T1 2026 à transmettre")
    assert "était attendu le 31 mars 2026" in message.body
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
    with at(2026, 4, 20, 6, 30):
        assert run(send_follow_up_reminders) == 0
    assert mailoutbox == []


def test_reminder_delay_is_a_setting(setting, mailoutbox, run, settings):
    settings.FOLLOWUP_REMINDER_DAYS = 5
    with at(2026, 1, 2, 6, 0):
        run(open_current_quarter)
    mailoutbox.clear()
    with at(2026, 4, 5, 6, 30):
        assert run(send_follow_up_reminders) == 1
    assert len(mailoutbox) == 2


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
    assert settings.FOLLOWUP_REMINDER_DAYS == 15
