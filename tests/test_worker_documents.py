"""A real Celery worker renders a convention PDF sent through Redis.

Like tests/test_worker.py: the worker is another process that reads the committed
test data in PostgreSQL; it also gets this test's MEDIA_ROOT so that the file it
stores can be read back here. Skipped without PostgreSQL or Redis (and CI fails on
that skip).
"""

import hashlib
import uuid

import pytest
from django.conf import settings

from conventions.documents import service
from conventions.models import Document, DocumentKind, DocumentState, PartyRole
from conventions.tasks import render_document_task
from tests.factories import ArticleFactory, ConventionFactory, PartyFactory, RepresentativeFactory
from tests.test_worker import (  # noqa: F401
    broker_app,
    services,
    start_worker,
    stop_worker,
    wait_for,
)

pytestmark = [
    pytest.mark.worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

__all__ = ["broker_app", "services"]


@pytest.fixture
def document_worker(services, tmp_path):
    process = start_worker(
        f"ctg-test-{uuid.uuid4().hex[:12]}",
        tmp_path / "worker.log",
        MEDIA_ROOT=str(settings.MEDIA_ROOT),
    )
    try:
        yield process
    finally:
        stop_worker(process)


def test_worker_renders_and_stores_the_convention_pdf(document_worker, broker_app):
    convention = ConventionFactory()
    caf = PartyFactory(
        convention=convention, organisation=convention.caf, role=PartyRole.CAF,
        requires_deliberation=False,
    )  # fmt: skip
    caf.signatories.set([RepresentativeFactory(organisation=convention.caf)])
    ArticleFactory(convention=convention)
    document = Document(convention=convention, kind=DocumentKind.CONVENTION)
    _content, document.content_hash = service.source_hash(document)
    document.save()

    result = render_document_task.apply_async((document.pk,), queue=document_worker.queue)
    assert wait_for(result, document_worker) == DocumentState.DONE
    again = render_document_task.apply_async((document.pk,), queue=document_worker.queue)
    assert wait_for(again, document_worker) == DocumentState.DONE

    document.refresh_from_db()
    assert document.attempts == 1  # the second run found it done and did nothing
    with document.file.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF")
    assert hashlib.sha256(data).hexdigest() == document.file_hash
