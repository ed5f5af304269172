"""A real Celery worker writes a Caf-wide export sent through Redis, and a second copy
of the message writes nothing more.

Like tests/test_worker_documents.py (whose worker this reuses): the worker is another
process that reads the committed test data in PostgreSQL and stores the file in this
test's MEDIA_ROOT. Skipped without PostgreSQL or Redis (and CI fails on that skip).
"""

import csv
import io

import pytest

from conventions.models import CafExport, CafExportState
from conventions.tasks import produce_caf_export_task
from tests.followup_setup import signed_convention
from tests.test_worker import broker_app, services, wait_for
from tests.test_worker_documents import document_worker

pytestmark = [
    pytest.mark.worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

__all__ = ["broker_app", "document_worker", "services"]


def test_worker_writes_the_indicators_export_once(document_worker, broker_app):
    setting = signed_convention(sheets=2)
    export = CafExport.objects.create(
        requested_by=setting.users["adviser"],
        kind="indicators",
        format="csv",
        year=2026,
        scope=f"Conventions de la {setting.convention.caf}",
    )

    result = produce_caf_export_task.apply_async((export.pk,), queue=document_worker.queue)
    assert wait_for(result, document_worker) == CafExportState.READY
    again = produce_caf_export_task.apply_async((export.pk,), queue=document_worker.queue)
    assert wait_for(again, document_worker) == CafExportState.READY

    export.refresh_from_db()
    assert export.attempts == 1  # the second message found it ready and did nothing
    with export.file.open("rb") as handle:
        text = handle.read().decode("utf-8")
    rows = list(csv.DictReader(io.StringIO(text.removeprefix("\ufeff")), delimiter=";"))
    assert len(rows) == export.row_count > 0
    assert {row["Référence"] for row in rows} == {setting.convention.reference}
