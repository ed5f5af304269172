"""Celery tasks of the action plan. Arguments are plain integers, never objects.

Every task is idempotent: the opening creates only missing entries, and each
e-mail is recorded as sent in the transaction that sends it (notifications.py):
FollowUpNotice for the opening and reminders, SentEmail for the entries told
to the advisers (transmitted) and to the chargés de coopération (sent back),
at once or in the daily digest.
The e-mail tasks are enqueued once the transaction that found the work has
committed, so that a worker never looks for rows it cannot see yet.
"""

import smtplib
from functools import partial

from celery import shared_task
from django.conf import settings
from django.db import OperationalError, transaction
from django.utils import timezone

from . import followup, notifications
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
    task = send_opening_emails if kind == NoticeKind.OPENING else send_reminder_emails
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


@shared_task(**RETRY_ON)
def open_current_quarter() -> int:
    """Open the follow-up entries of today's quarter (local time), for the beat schedule."""
    year, quarter = followup.current_quarter(timezone.localdate())
    return _open(year, quarter)


@shared_task(**RETRY_ON)
def send_follow_up_reminders() -> int:
    """Daily: enqueue the reminders of the quarter now FOLLOWUP_REMINDER_DAYS days late.

    Returns the number of conventions with someone to remind.
    """
    year, quarter = followup.reminder_quarter(timezone.localdate(), settings.FOLLOWUP_REMINDER_DAYS)
    with transaction.atomic():
        return _enqueue_notices(NoticeKind.REMINDER, year, quarter)


@shared_task(**MAIL_RETRY_ON)
def send_opening_emails(convention_id: int, year: int, quarter: int) -> int:
    """Tell the convention's chargés de coopération that the quarter is open; once each."""
    return notifications.send_notices(NoticeKind.OPENING, convention_id, year, quarter)


@shared_task(**MAIL_RETRY_ON)
def send_reminder_emails(convention_id: int, year: int, quarter: int) -> int:
    """Remind them of the entries still not submitted; once each per quarter."""
    return notifications.send_notices(NoticeKind.REMINDER, convention_id, year, quarter)


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
