"""Two people saving the same entry at the same instant, on PostgreSQL.

Each save runs in its own thread and connection; the row lock taken before
comparing revisions makes the second wait for the first and then find a newer
revision: exactly one save is written, the other is refused, nothing is lost
silently. SQLite serialises whole transactions, so only PostgreSQL shows it
(CI requires it: see tests/conftest.py).
"""

import threading

import pytest
from django.db import connection, connections

from actionplan import followup
from actionplan.models import FollowUp
from tests.followup_setup import entry_data, signed_convention

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://...")


def test_simultaneous_saves_write_one_and_refuse_the_other(postgres):
    setting = signed_convention()
    entry = setting.entries[(1, 2026, 2)]
    people = [setting.users["adviser"], setting.users["cooperation"]]
    start = threading.Barrier(len(people))
    outcomes = {}

    def save(user):
        try:
            start.wait(timeout=10)
            followup.save_entry(
                user, FollowUp.objects.get(pk=entry.pk), 0, entry_data(achievements=user.username)
            )
            outcomes[user.username] = "saved"
        except followup.StaleEntry:
            outcomes[user.username] = "refused"
        finally:
            connections.close_all()

    threads = [threading.Thread(target=save, args=(user,)) for user in people]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)

    assert sorted(outcomes.values()) == ["refused", "saved"]
    winner = next(name for name, outcome in outcomes.items() if outcome == "saved")
    stored = FollowUp.objects.get(pk=entry.pk)
    assert (stored.revision, stored.achievements) == (1, winner)
