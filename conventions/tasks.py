"""Celery tasks of the conventions. Arguments are ids, never objects."""

import logging

from celery import shared_task
from celery.signals import worker_process_init, worker_ready
from django.db import InterfaceError, OperationalError

from conventions import caf_export_jobs
from conventions.documents import service

logger = logging.getLogger(__name__)

# Only a lost database connection is worth retrying; any other error is a bug or
# bad data that a retry would only repeat, so the document is marked failed at once.
TRANSIENT_ERRORS = (OperationalError, InterfaceError)
MAX_RETRIES = 3


@shared_task(bind=True, max_retries=MAX_RETRIES)
def render_document_task(self, document_id: int) -> str:
    """Render one Document (idempotent: a document already done is left as is)."""
    try:
        return service.render(document_id)
    except TRANSIENT_ERRORS as error:
        if self.request.retries >= MAX_RETRIES:
            service.mark_failed(
                document_id,
                "La base de données est restée indisponible pendant la production du "
                "document. Demandez-le à nouveau dans quelques minutes.",
            )
            raise
        raise self.retry(exc=error, countdown=5 * 2**self.request.retries) from error
    except Exception:
        logger.exception("Rendering document %s failed", document_id)
        service.mark_failed(
            document_id,
            "La production du document a échoué. L'erreur a été enregistrée pour "
            "l'administrateur ; vous pouvez demander le document à nouveau.",
        )
        return "failed"


@shared_task
def sweep_documents() -> dict:
    """Queue again the documents that a broker outage or a lost worker left pending."""
    return service.sweep()


@shared_task
def produce_caf_export_task(export_id: int) -> str | None:
    """Write one Caf-wide export's file (idempotent: an export claimed, running or
    finished is left as is, so a duplicated message does nothing)."""
    try:
        return caf_export_jobs.produce(export_id)
    except TRANSIENT_ERRORS:
        # The sweep is the retry: back to waiting, it is queued again in a minute (if the
        # database cannot even take that, the sweep finds it running past the limit).
        logger.warning("Database lost while producing Caf export %s", export_id)
        caf_export_jobs.release(export_id)
        return "waiting"
    except Exception:
        logger.exception("Producing Caf export %s failed", export_id)
        caf_export_jobs.mark_failed(export_id, caf_export_jobs.FAILED)
        return "failed"


@shared_task
def sweep_caf_exports() -> dict:
    """Queue again the exports a broker outage or a lost worker left pending, and delete
    those older than CAF_EXPORT_KEEP_DAYS days."""
    return caf_export_jobs.sweep()


@worker_ready.connect
@worker_process_init.connect
def warm_up_rendering(**kwargs):
    """Load WeasyPrint, its fonts and pyHanko once when a worker starts, so that the
    first document asked for does not also pay for that (about two seconds)."""
    try:
        from conventions.documents.pdf import html_to_pdf
        from conventions.documents.signing import add_signature_fields

        rendered = html_to_pdf(
            '<p style="font-family: Liberation Sans">é <b>é</b> <i>é</i></p>'
            '<div data-signature-field="x" style="height: 20mm"></div>'
        )
        page, box = rendered.boxes["x"]
        add_signature_fields(rendered.data, [{"name": "x", "page": page, "box": box}])
    except Exception:  # a warm-up must never stop a worker from starting
        logger.exception("Warming up the PDF rendering failed")
