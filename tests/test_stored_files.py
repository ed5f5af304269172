"""Uploads that nothing names any more leave the storage once the change commits."""

import datetime

import pytest
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction

from actionplan.models import Meeting
from tests.factories import ConventionFactory, DeliberationFactory

pytestmark = pytest.mark.django_db


def _meeting(name="compte-rendu.pdf"):
    meeting = Meeting.objects.create(
        convention=ConventionFactory(), kind="copil", date=datetime.date(2025, 11, 18)
    )
    meeting.minutes.save(name, ContentFile(b"%PDF-1.4 minutes"), save=True)
    return meeting


def test_the_minutes_of_a_deleted_meeting_are_deleted(django_capture_on_commit_callbacks):
    meeting = _meeting()
    name = meeting.minutes.name

    with django_capture_on_commit_callbacks(execute=True):
        meeting.delete()

    assert not default_storage.exists(name)


def test_a_replaced_scan_is_deleted_and_the_new_one_kept(django_capture_on_commit_callbacks):
    deliberation = DeliberationFactory()
    deliberation.scan.save("premier.pdf", ContentFile(b"%PDF-1.4 un"), save=True)
    first = deliberation.scan.name

    with django_capture_on_commit_callbacks(execute=True):
        deliberation.scan.save("second.pdf", ContentFile(b"%PDF-1.4 deux"), save=True)

    assert not default_storage.exists(first)
    assert default_storage.exists(deliberation.scan.name)


def test_a_rolled_back_deletion_keeps_the_file(django_capture_on_commit_callbacks):
    meeting = _meeting()
    name, pk = meeting.minutes.name, meeting.pk

    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        meeting.delete()
        raise RuntimeError("échec après la suppression")

    assert default_storage.exists(name)
    assert Meeting.objects.filter(pk=pk).exists()


def test_a_file_another_row_still_names_is_kept(django_capture_on_commit_callbacks):
    meeting = _meeting()
    twin = _meeting()
    twin.minutes.name = meeting.minutes.name
    twin.save()

    with django_capture_on_commit_callbacks(execute=True):
        meeting.delete()

    assert default_storage.exists(twin.minutes.name)
