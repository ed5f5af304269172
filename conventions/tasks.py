"""Celery tasks of the conventions. Arguments are ids, never objects."""

import logging

from celery import shared_task
from django.db import InterfaceError, OperationalError

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
