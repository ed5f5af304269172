"""When a quarter's follow-up is due, and which quarter each daily task is about.

A quarter's entries are due FOLLOWUP_DEADLINE_DAYS days after its last day. The
chargés de coopération are reminded from FOLLOWUP_REMINDER_DAYS days before that
deadline until it, and the Caf's advisers are told the entries still missing once it
has passed. The tasks run every morning and each e-mail is recorded when sent
(FollowUpNotice), so a day missed while beat or a worker was down is caught up the next
morning and nothing is sent twice.
"""

import datetime

from django.conf import settings

from .followup import current_quarter, next_quarter, previous_quarter, quarter_bounds


def deadline(year, quarter):
    """The last day to transmit the quarter's entries."""
    return quarter_bounds(year, quarter)[1] + datetime.timedelta(
        days=settings.FOLLOWUP_DEADLINE_DAYS
    )


def quarter_past_deadline(today):
    """The latest quarter whose deadline has passed."""
    year, quarter = previous_quarter(*current_quarter(today))
    while deadline(year, quarter) >= today:
        year, quarter = previous_quarter(year, quarter)
    return year, quarter


def quarter_to_remind(today):
    """The quarter whose deadline comes within FOLLOWUP_REMINDER_DAYS days, or None."""
    year, quarter = quarter_past_deadline(today)
    # The quarter after the last one past its deadline has the nearest deadline.
    year, quarter = next_quarter(year, quarter)
    due = deadline(year, quarter)
    if due - datetime.timedelta(days=settings.FOLLOWUP_REMINDER_DAYS) <= today:
        return year, quarter
    return None
