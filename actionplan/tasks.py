"""Celery tasks of the action plan. Arguments are plain integers, never objects."""

from celery import shared_task
from django.db import OperationalError
from django.utils import timezone

from . import followup

# Only a lost or refused database connection is worth retrying; any other error
# is a bug that a retry would hide.
RETRY_ON = {"autoretry_for": (OperationalError,), "retry_backoff": True, "max_retries": 5}


@shared_task(**RETRY_ON)
def open_quarter_task(year: int, quarter: int) -> int:
    """Open the follow-up entries of one quarter; returns how many were created."""
    return followup.open_quarter(year, quarter)


@shared_task(**RETRY_ON)
def open_current_quarter() -> int:
    """Open the follow-up entries of today's quarter (local time), for the beat schedule."""
    year, quarter = followup.current_quarter(timezone.localdate())
    return followup.open_quarter(year, quarter)
