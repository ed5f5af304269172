"""Caf-wide exports too big for a request, produced by a Celery task into a stored file.

A national year of indicators (1,300 conventions, ~400,000 rows) takes longer to write
than gunicorn gives a request; so does a big Caf's Excel file. The views of
conventions/views/caf_export.py answer a small export directly and hand a big one
(more than CAF_EXPORT_DIRECT_MAX_CONVENTIONS conventions) to request_export(), which
records a CafExport and sends the person to their Exports page.

The CafExport row is the outbox of its task, as Document is for documents:
- request_export() (web request) gives back the same person's identical export still
  waiting or running, else records one and queues its task once the transaction
  commits; a broker that cannot be reached leaves it waiting with no queued_at;
- produce() (worker) claims the waiting row under a lock that skips a row being
  claimed elsewhere, so a duplicated message does nothing; it writes the file in a
  temporary file with caf_export.py's writers (the same bytes as a direct download),
  then stores it;
- sweep() (beat, every two minutes) queues again what the broker or a dead worker
  lost, fails what kept killing its worker, and deletes exports older than
  CAF_EXPORT_KEEP_DAYS days with their file.

Without a broker (the embedded default) the task runs in the request, once it commits.
"""

import datetime
import logging
import tempfile
import time

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.http import QueryDict
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from conventions import caf_export
from conventions.models import CafExport, CafExportFormat, CafExportKind, CafExportState
from conventions.models.caf_export import PENDING_STATES
from partners.models import User

logger = logging.getLogger(__name__)

# Waiting exports whose queuing failed are tried again after this delay.
QUEUE_RETRY_DELAY = datetime.timedelta(seconds=30)
SWEEP_BATCH = 500

INTERRUPTED = (
    "La production de l'export a été interrompue à plusieurs reprises. L'erreur a été "
    "signalée à l'administrateur ; vous pouvez demander l'export à nouveau."
)
FAILED = (
    "La production de l'export a échoué. L'erreur a été enregistrée pour "
    "l'administrateur ; vous pouvez demander l'export à nouveau."
)


def is_direct(conventions):
    """Whether an export of these conventions is small enough to answer in the request."""
    return conventions.count() <= settings.CAF_EXPORT_DIRECT_MAX_CONVENTIONS


# -- Asking for an export (web request) -----------------------------------------------


def request_export(user, kind, format, query, year=None):
    """(export, created): the person's identical export still waiting or running, else a
    new one queued once the transaction commits. The criteria are checked here, so that
    a bad request is refused at once (BadExportRequest, French)."""
    _conventions, scope = caf_export.conventions_for(user, query)
    year = year if kind == CafExportKind.INDICATORS else None
    criteria = caf_export.criteria(query)
    with transaction.atomic():
        # The person's row lock makes a second click wait for the first one's row.
        list(User.objects.select_for_update().filter(pk=user.pk).values_list("pk"))
        existing = CafExport.objects.filter(
            requested_by=user,
            kind=kind,
            format=format,
            year=year,
            criteria=criteria,
            state__in=PENDING_STATES,
        ).first()
        if existing is not None:
            return existing, False
        export = CafExport.objects.create(
            requested_by=user, kind=kind, format=format, year=year, criteria=criteria, scope=scope
        )
        _enqueue(export.pk)
    return export, True


def _enqueue(export_id):
    def enqueue_caf_export():
        dispatch(export_id)

    # robust: the row is committed and the sweep will queue it; nothing that happens
    # while queuing may turn the person's request into an error page. A plain function,
    # not a partial: Django names a failing callback by its __qualname__.
    transaction.on_commit(enqueue_caf_export, robust=True)


def dispatch(export_id):
    """Queue the production of an export. A broker that cannot be reached leaves it
    waiting, with no queued_at, for sweep()."""
    from conventions.tasks import produce_caf_export_task

    try:
        produce_caf_export_task.apply_async((export_id,), retry=False)
    except (BrokerError, OSError):
        logger.warning("Broker unreachable: Caf export %s stays waiting", export_id)
        return False
    CafExport.objects.filter(pk=export_id, state=CafExportState.WAITING).update(
        queued_at=timezone.now()
    )
    return True


# -- Producing it (worker) ------------------------------------------------------------


def _stuck_after():
    """A task runs at most the hard time limit: running longer, its worker was lost."""
    return datetime.timedelta(seconds=settings.DOCUMENT_STUCK_AFTER_SECONDS)


def _claim(export_id):
    """The waiting export, now running, or None when there is nothing to do: gone, being
    claimed by another worker, running elsewhere, or already finished."""
    with transaction.atomic():
        export = (
            CafExport.objects.select_for_update(skip_locked=True)
            .filter(pk=export_id, state=CafExportState.WAITING)
            .first()
        )
        if export is None:
            return None
        if export.attempts >= settings.DOCUMENT_MAX_ATTEMPTS:
            # Given back by workers that died on it each time: stop trying.
            export.state, export.error = CafExportState.FAILED, INTERRUPTED
            export.save(update_fields=["state", "error"])
            return None
        export.state = CafExportState.RUNNING
        export.attempts += 1
        export.error = ""
        export.started_at = timezone.now()
        export.save(update_fields=["state", "attempts", "error", "started_at"])
    return export


def produce(export_id):
    """Write one export's file by id; returns its state. Safe to run twice."""
    export = _claim(export_id)
    if export is None:
        return CafExport.objects.filter(pk=export_id).values_list("state", flat=True).first()
    started = time.perf_counter()
    user = export.requested_by
    try:
        conventions, scope = caf_export.conventions_for(user, QueryDict(export.criteria))
    except caf_export.BadExportRequest as error:
        # The person lost the right to export, or a Caf of the criteria is gone.
        mark_failed(export.pk, str(error))
        return CafExportState.FAILED
    today = timezone.localdate()
    if export.kind == CafExportKind.CONVENTIONS:
        table = caf_export.conventions_table(conventions, today)
        about = caf_export.about(scope, today)
    else:
        table = caf_export.indicators_table(conventions, export.year)
        about = caf_export.about(scope, today, year=export.year)
    with tempfile.TemporaryFile() as stream:
        if export.format == CafExportFormat.XLSX:
            rows = caf_export.workbook(table, about, stream)
        else:
            rows = caf_export.write_csv(table, stream)
        size = stream.tell()
        stream.seek(0)
        return _store(export, stream, rows, size, time.perf_counter() - started)


@transaction.atomic
def _store(export, stream, rows, size, seconds):
    current = CafExport.objects.select_for_update().get(pk=export.pk)
    if current.state != CafExportState.RUNNING or current.started_at != export.started_at:
        # Taken back by the sweep and given to another worker meanwhile: its file wins.
        return current.state
    current.file.save(f"{current.pk}/{current.filename}", File(stream), save=False)
    current.state = CafExportState.READY
    current.file_size = size
    current.row_count = rows
    current.finished_at = timezone.now()
    current.seconds = round(seconds, 3)
    current.save()
    return current.state


def release(export_id):
    """A running export given back to the sweep, which queues it again."""
    CafExport.objects.filter(pk=export_id, state=CafExportState.RUNNING).update(
        state=CafExportState.WAITING, queued_at=None, started_at=None
    )


def mark_failed(export_id, message):
    CafExport.objects.filter(pk=export_id).exclude(state=CafExportState.READY).update(
        state=CafExportState.FAILED, error=message, finished_at=timezone.now()
    )


# -- Sweep (beat) ---------------------------------------------------------------------


def sweep(now=None):
    """Queue again what the broker or a worker lost; fail what kept killing its worker;
    delete the exports older than CAF_EXPORT_KEEP_DAYS with their file."""
    now = now or timezone.now()
    limit = _stuck_after()
    waiting = CafExport.objects.filter(state=CafExportState.WAITING)
    to_queue = list(
        waiting.filter(queued_at__isnull=True, created_at__lt=now - QUEUE_RETRY_DELAY).values_list(
            "pk", flat=True
        )[:SWEEP_BATCH]
    ) + list(
        waiting.filter(queued_at__lt=now - 3 * limit).values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    stuck = CafExport.objects.filter(state=CafExportState.RUNNING, started_at__lt=now - limit)
    failed = stuck.filter(attempts__gte=settings.DOCUMENT_MAX_ATTEMPTS).update(
        state=CafExportState.FAILED, error=INTERRUPTED, finished_at=now
    )
    lost = list(stuck.values_list("pk", flat=True)[:SWEEP_BATCH])
    CafExport.objects.filter(pk__in=lost, state=CafExportState.RUNNING).update(
        state=CafExportState.WAITING, queued_at=None, started_at=None
    )
    queued = sum(dispatch(pk) for pk in to_queue + lost)
    return {"queued": queued, "failed": failed, "deleted": _delete_old(now)}


def _delete_old(now):
    old = list(
        CafExport.objects.filter(
            created_at__lt=now - datetime.timedelta(days=settings.CAF_EXPORT_KEEP_DAYS)
        ).only("pk", "file")[:SWEEP_BATCH]
    )
    for export in old:
        if export.file:
            export.file.delete(save=False)
    CafExport.objects.filter(pk__in=[export.pk for export in old]).delete()
    return len(old)
