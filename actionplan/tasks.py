"""Celery tasks of the action plan. Arguments are plain integers, never objects.

Every task is idempotent: the opening creates only missing entries, and each
e-mail is recorded as sent in the transaction that sends it (notifications.py):
FollowUpNotice for the opening and reminders, SentEmail for the entries told
to the advisers (transmitted) and to the chargés de coopération (sent back),
at once or in the daily digest.
The e-mail tasks are enqueued once the transaction that found the work has
committed, so that a worker never looks for rows it cannot see yet.
"""

import datetime
import smtplib
from functools import partial

from celery import shared_task
from django.db import OperationalError, transaction
from django.utils import timezone

from . import deadlines, followup, notifications
from .models import NoticeKind

# Only a lost or refused database connection is worth retrying; any other error
# is a bug that a retry would hide.
RETRY_ON = {"autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5}
# E-mails also retry when the mail server is unreachable or refuses for now;
# what was sent before the failure is recorded and not sent again.
MAIL_RETRY_ON = {
    "autoretry_for": (OperationalError, smtplib.SMTPException, ConnectionError, TimeoutError),
    "retry_backoff": 60,
    "max_retries": 5,
}


def _enqueue_notices(kind, year, quarter):
    """One e-mail task per convention with someone to tell, sent after commit."""
    task = {
        NoticeKind.OPENING: send_opening_emails,
        NoticeKind.REMINDER: send_reminder_emails,
        NoticeKind.MISSING: send_missing_emails,
    }[kind]
    conventions = notifications.conventions_to_notify(kind, year, quarter)
    for convention_id in conventions:
        transaction.on_commit(partial(task.delay, convention_id, year, quarter))
    return len(conventions)


def _open(year, quarter):
    with transaction.atomic():
        created = followup.open_quarter(year, quarter)
        _enqueue_notices(NoticeKind.OPENING, year, quarter)
    return created


@shared_task(**RETRY_ON)
def open_quarter_task(year: int, quarter: int) -> int:
    """Open the follow-up entries of one quarter; returns how many were created."""
    return _open(year, quarter)


def _today(today):
    """The day a daily task works for: today (local time) unless given, as an ISO date."""
    return datetime.date.fromisoformat(today) if today else timezone.localdate()


@shared_task(**RETRY_ON)
def open_current_quarter(today: str | None = None) -> int:
    """Open the follow-up entries of today's quarter (local time), for the beat schedule."""
    year, quarter = followup.current_quarter(_today(today))
    return _open(year, quarter)


@shared_task(**RETRY_ON)
def send_follow_up_reminders(today: str | None = None) -> int:
    """Daily: enqueue the reminders of the quarter whose deadline is near (deadlines.py).

    Returns the number of conventions with someone to remind.
    """
    due = deadlines.quarter_to_remind(_today(today))
    if due is None:
        return 0
    with transaction.atomic():
        return _enqueue_notices(NoticeKind.REMINDER, *due)


@shared_task(**RETRY_ON)
def notify_missing_follow_ups(today: str | None = None) -> int:
    """Daily: tell the advisers the entries still missing of the last quarter past its
    deadline. Returns the number of conventions with someone to tell."""
    year, quarter = deadlines.quarter_past_deadline(_today(today))
    with transaction.atomic():
        return _enqueue_notices(NoticeKind.MISSING, year, quarter)


@shared_task(**MAIL_RETRY_ON)
def send_opening_emails(convention_id: int, year: int, quarter: int) -> int:
    """Tell the convention's chargés de coopération that the quarter is open; once each."""
    return notifications.send_notices(NoticeKind.OPENING, convention_id, year, quarter)


@shared_task(**MAIL_RETRY_ON)
def send_reminder_emails(convention_id: int, year: int, quarter: int) -> int:
    """Remind them of the entries still not submitted; once each per quarter."""
    return notifications.send_notices(NoticeKind.REMINDER, convention_id, year, quarter)


@shared_task(**MAIL_RETRY_ON)
def send_missing_emails(convention_id: int, year: int, quarter: int) -> int:
    """Tell the Caf's advisers the entries missing after the deadline; once each per quarter."""
    return notifications.send_notices(NoticeKind.MISSING, convention_id, year, quarter)


@shared_task(**MAIL_RETRY_ON)
def send_transmission_emails(convention_id: int, year: int, quarter: int) -> int:
    """Tell the Caf's advisers the entries of a quarter just transmitted, in one e-mail each."""
    return notifications.send_transmissions(convention_id, year, quarter)


@shared_task(**MAIL_RETRY_ON)
def send_sent_back_emails(convention_id: int, year: int, quarter: int) -> int:
    """Tell the chargés de coopération the entries of a quarter sent back, with the comment."""
    return notifications.send_sent_back(convention_id, year, quarter)


@shared_task(**RETRY_ON)
def send_daily_digests() -> int:
    """Daily: one digest task per person who chose it; returns how many were enqueued."""
    with transaction.atomic():
        recipients = notifications.digest_recipients()
        for user_id in recipients:
            transaction.on_commit(partial(send_digest.delay, user_id))
    return len(recipients)


@shared_task(**MAIL_RETRY_ON)
def send_digest(user_id: int) -> int:
    """The morning e-mail of one person: what was transmitted or sent back since the last."""
    return notifications.send_digest(user_id, timezone.localdate())
