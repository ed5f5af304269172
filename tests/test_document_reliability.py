"""Documents survive a broker outage, a lost worker and a restore without media files.

The Document row is the outbox of its task: what could not be queued, or what a
dead worker left rendering, is queued again by the sweep or by asking again.
"""

import datetime
import html
import logging

import pytest
import time_machine
from django.db import IntegrityError
from django.urls import reverse
from django.utils import timezone

from conventions import lifecycle
from conventions.documents import service
from conventions.models import Document, DocumentKind, DocumentState, PartyRole
from conventions.tasks import sweep_documents, warm_up_rendering
from partners.models import Role
from tests.factories import (
    ArticleFactory,
    ConventionFactory,
    DeliberationFactory,
    OrganisationFactory,
    PartyFactory,
    RepresentativeFactory,
    UserFactory,
    caf_party,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def convention():
    with time_machine.travel(datetime.datetime(2026, 1, 10, 10), tick=False):
        convention = ConventionFactory()
        caf_party(convention)
        for organisation, role in (
            (convention.lead_authority, PartyRole.LEAD),
            (OrganisationFactory(name="Lièpvre"), PartyRole.CO_SIGNATORY),
        ):
            party = PartyFactory(convention=convention, organisation=organisation, role=role)
            party.signatories.set([RepresentativeFactory(organisation=organisation)])
        ArticleFactory(convention=convention)
    return convention


@pytest.fixture
def adviser(convention):
    return UserFactory(role=Role.ADVISER, organisation=convention.caf)


def test_asking_for_a_document_with_the_broker_down_is_recorded_and_delayed_not_an_error(
    client, convention, adviser, broker_down, django_capture_on_commit_callbacks
):
    client.force_login(adviser)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("conventions:document_request", args=[convention.pk]),
            {"kind": "convention"},
        )

    assert response.status_code == 302
    document = Document.objects.get(convention=convention)
    assert document.state == DocumentState.WAITING
    assert document.queued_at is None
    with time_machine.travel(timezone.now() + datetime.timedelta(seconds=15)):
        section = html.unescape(
            client.get(
                reverse("conventions:documents", args=[convention.pk]),
                headers={"HX-Request": "true"},
            ).content.decode()
        )
    assert "Production retardée" in section
    assert "reprendra d'elle-même" in section
    assert 'hx-trigger="every 30s"' in section


def test_a_transition_that_issues_a_document_succeeds_with_the_broker_down(
    convention, broker_down, django_capture_on_commit_callbacks
):
    version = lifecycle.freeze(convention)
    for party in convention.parties.exclude(role=PartyRole.CAF):
        DeliberationFactory(party=party, version=version, session_date=datetime.date(2026, 1, 5))
    with django_capture_on_commit_callbacks(execute=True):
        lifecycle.start_signing(convention)
        service.request_document(convention, DocumentKind.SIGNED_READY)

    convention.refresh_from_db()
    assert convention.state == "signing"
    assert Document.objects.get(kind=DocumentKind.SIGNED_READY).state == DocumentState.WAITING


def test_the_sweep_renders_what_the_broker_could_not_queue_once_it_is_back(
    convention, broker_down, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        document = service.request_document(convention, DocumentKind.CONVENTION)
    broker_down.conf.task_always_eager = True  # the broker is back (run in process)

    assert sweep_documents() == {"queued": 0, "failed": 0}  # too early: queuing may be on
    with time_machine.travel(timezone.now() + datetime.timedelta(minutes=1)):
        assert sweep_documents()["queued"] == 1

    document.refresh_from_db()
    assert document.state == DocumentState.DONE
    assert document.file


def _lost_rendering(convention, attempts=1, minutes_ago=10):
    with time_machine.travel(timezone.now() - datetime.timedelta(minutes=minutes_ago)):
        return Document.objects.create(
            convention=convention,
            kind=DocumentKind.CONVENTION,
            content_hash=service.source_hash(
                Document(convention=convention, kind=DocumentKind.CONVENTION)
            )[1],
            state=DocumentState.RENDERING,
            started_at=timezone.now(),
            attempts=attempts,
        )


def test_a_rendering_left_by_a_dead_worker_is_rendered_again_by_the_sweep(convention):
    document = _lost_rendering(convention)

    assert sweep_documents() == {"queued": 1, "failed": 0}

    document.refresh_from_db()
    assert document.state == DocumentState.DONE
    assert document.attempts == 2


def test_a_recent_rendering_is_left_to_its_worker(convention):
    document = _lost_rendering(convention, minutes_ago=1)

    assert sweep_documents() == {"queued": 0, "failed": 0}
    document.refresh_from_db()
    assert document.state == DocumentState.RENDERING


def test_a_document_that_kept_killing_its_worker_fails_with_a_french_message(convention):
    document = _lost_rendering(convention, attempts=3)

    assert sweep_documents() == {"queued": 0, "failed": 1}

    document.refresh_from_db()
    assert document.state == DocumentState.FAILED
    assert "interrompue à plusieurs reprises" in document.error


def test_a_message_given_back_after_the_last_attempt_does_not_render_again(convention):
    document = _lost_rendering(convention, attempts=3, minutes_ago=0)

    assert service.render(document.pk) == DocumentState.FAILED
    document.refresh_from_db()
    assert document.attempts == 3


def test_asking_again_for_a_stuck_document_renders_it(
    convention, django_capture_on_commit_callbacks
):
    document = _lost_rendering(convention)

    with django_capture_on_commit_callbacks(execute=True):
        again = service.request_document(convention, DocumentKind.CONVENTION)

    assert again.pk == document.pk
    document.refresh_from_db()
    assert document.state == DocumentState.DONE


def test_a_done_document_whose_file_was_lost_is_rendered_again_on_download(
    client, convention, adviser, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        document = service.request_document(convention, DocumentKind.CONVENTION)
    document.refresh_from_db()
    document.file.storage.delete(document.file.name)
    client.force_login(adviser)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(
            reverse("conventions:document_download", args=[convention.pk, document.pk]),
            follow=True,
        )

    assert response.status_code == 200
    assert "le fichier est introuvable sur le serveur" in response.content.decode()
    document.refresh_from_db()
    assert document.state == DocumentState.DONE
    assert document.file.storage.exists(document.file.name)


def test_asking_again_for_a_document_whose_file_was_lost_does_not_answer_up_to_date(
    convention, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        document = service.request_document(convention, DocumentKind.CONVENTION)
    document.refresh_from_db()
    document.file.storage.delete(document.file.name)

    with django_capture_on_commit_callbacks(execute=True):
        again = service.request_document(convention, DocumentKind.CONVENTION)

    assert again.pk == document.pk
    again.refresh_from_db()
    assert again.file.storage.exists(again.file.name)


@pytest.fixture
def signing(convention):
    version = lifecycle.freeze(convention)
    for party in convention.parties.exclude(role=PartyRole.CAF):
        DeliberationFactory(party=party, version=version, session_date=datetime.date(2026, 1, 5))
    lifecycle.start_signing(convention)
    return convention


def test_a_signed_ready_pdf_whose_file_was_lost_is_issued_anew_and_says_so(
    signing, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        issued = service.request_document(signing, DocumentKind.SIGNED_READY)
    issued.refresh_from_db()
    issued.file.storage.delete(issued.file.name)

    with django_capture_on_commit_callbacks(execute=True):
        again = service.request_document(signing, DocumentKind.SIGNED_READY)

    assert again.pk != issued.pk
    issued.refresh_from_db()
    assert issued.state == DocumentState.FAILED
    assert "a été perdu" in issued.error
    again.refresh_from_db()
    assert again.state == DocumentState.DONE


def test_the_database_refuses_a_second_signed_ready_pdf_for_one_version(signing):
    issued = service.request_document(signing, DocumentKind.SIGNED_READY)

    with pytest.raises(IntegrityError):
        Document.objects.create(
            convention=signing,
            kind=DocumentKind.SIGNED_READY,
            version=issued.version,
            content_hash="another",
        )


def test_the_worker_warm_up_raises_nothing(caplog):
    with caplog.at_level(logging.ERROR, logger="conventions.tasks"):
        warm_up_rendering()

    assert not caplog.records
