"""Transmitting or sending back an entry with the broker down: the change is kept, the
e-mail waits for the next morning's digest, and the person never sees an error."""

import pytest
import time_machine

from actionplan import followup
from actionplan.models import FollowUp, FollowUpState
from tests.followup_setup import TODAY, entry_data, signed_convention

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def setting():
    return signed_convention()


def test_an_entry_is_transmitted_and_sent_back_with_the_broker_down(
    setting, broker_down, django_capture_on_commit_callbacks, caplog
):
    entry = setting.entries[(1, 2026, 2)]
    with django_capture_on_commit_callbacks(execute=True):
        followup.save_entry(setting.users["cooperation"], entry, 0, entry_data(), submit=True)
    entry = FollowUp.objects.get(pk=entry.pk)
    assert entry.state == FollowUpState.SUBMITTED

    with django_capture_on_commit_callbacks(execute=True):
        followup.send_back(setting.users["adviser"], entry, entry.revision, "Précisez le budget.")
    assert FollowUp.objects.get(pk=entry.pk).state == FollowUpState.RETURNED
    refused = [record for record in caplog.records if "on_commit()" in record.getMessage()]
    assert len(refused) == 2
