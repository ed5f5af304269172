"""Which document to reuse or render, and the rendering itself (run by the Celery task).

request_document() runs in the web request: it computes the SHA-256 of what
the document would be made from; an existing document with that hash is
returned as is, otherwise a Document row is created in the waiting state and
the task is queued once the transaction commits. render() runs in the worker
from the document's id only; it is idempotent: a document already done is left
alone, and a file already rendered from the same content is reused rather than
rendered again.

A signed-ready PDF, once issued for a frozen version, is never regenerated: the
people signing must all sign the same bytes (the database holds one per version).
Changing the text means reopening, freezing a new version, and issuing that
version's PDF. Only a signed-ready PDF whose stored file was lost is issued again,
as a new document that says so.

The Document row is the outbox of its task: a broker that cannot be reached
leaves it waiting with no queued_at, a worker that dies leaves it rendering past
DOCUMENT_STUCK_AFTER_SECONDS; sweep() (a beat task) queues both again, and
asking again for such a document queues it at once.
"""

import datetime
import hashlib
import logging
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from kombu.exceptions import OperationalError as BrokerError

from conventions.models import (
    SIGNED_READY_KINDS,
    Amendment,
    AmendmentState,
    Convention,
    ConventionState,
    Document,
    DocumentFormat,
    DocumentKind,
    DocumentState,
)

from . import pdf
from .convention import convention_content, document_hash

logger = logging.getLogger(__name__)


class DocumentError(Exception):
    """A document that cannot be asked for now; the message is French and user-facing."""


@dataclass
class Rendered:
    data: bytes
    page_count: int | None = None
    signature_fields: list = field(default_factory=list)


# -- What each kind is made from ----------------------------------------------


def _convention_source(document):
    version = document.version
    return convention_content(
        document.convention,
        version,
        signed_ready=document.kind == DocumentKind.SIGNED_READY,
    )


def _render_convention(document, content):
    doc = dict(content)
    doc["running_title"] = (
        f"Convention territoriale globale – {content['territory']} {content['period']}"
    )
    parties = {p["party_id"]: p for p in content["parties"]}
    caf = content["caf"]
    lead = next((p for p in content["parties"] if p["role"] == "lead"), None)
    doc["caf_logo"] = pdf.data_uri(caf["logo"]) if caf else ""
    doc["lead_logo"] = pdf.data_uri(lead["logo"]) if lead else ""
    doc["logo_strip"] = [
        {"name": p["name"], "src": pdf.data_uri(p["logo"])}
        for p in parties.values()
        if p["logo"] and p is not caf and p is not lead
    ]
    signed_ready = document.kind == DocumentKind.SIGNED_READY
    html = pdf.render_html("documents/convention.html", doc)
    result = pdf.html_to_pdf(html, signature_boxes=signed_ready)
    if signed_ready:
        return with_signature_fields(result, content["signature_groups"])
    return Rendered(data=result.data, page_count=result.page_count)


def with_signature_fields(result, signature_groups):
    """The rendered PDF with one empty signature field in each signing person's box."""
    from .signing import add_signature_fields

    fields = []
    for group in signature_groups:
        for person in group["people"]:
            page, box = result.boxes[person["field"]]
            fields.append(
                {
                    "name": person["field"],
                    "signer": person["name"],
                    "party": group["party_id"],
                    "representative": person["representative_id"],
                    "page": page,
                    "box": box,
                }
            )
    data = add_signature_fields(result.data, fields)
    return Rendered(data=data, page_count=result.page_count, signature_fields=fields)


def _other_kinds():
    from . import others

    return others.KINDS


def _kind(document):
    """(content builder, renderer) of a document's kind and format."""
    if document.kind in (DocumentKind.CONVENTION, DocumentKind.SIGNED_READY):
        return _convention_source, _render_convention
    return _other_kinds()[(document.kind, document.format)]


def source_hash(document):
    source, _render = _kind(document)
    content = source(document)
    return content, document_hash(
        {
            "kind": document.kind,
            "format": document.format,
            "layout": pdf.layout_fingerprint(),
            **content,
        }
    )


# -- Asking for a document (web request) --------------------------------------


def request_document(
    convention, kind, *, user=None, force=False, format=DocumentFormat.PDF, **target
):
    """The document for this content: reused when unchanged, else queued for rendering.

    force renders a new Document row even when one exists for this content; the
    task then reuses the stored file (same hash) instead of rendering again.
    """
    target = {key: value for key, value in target.items() if value is not None}
    if kind == DocumentKind.SIGNED_READY:
        return _request_signed_ready(convention, user=user)
    if kind == DocumentKind.AMENDMENT_SIGNED_READY:
        return _request_amendment_signed_ready(convention, target.get("amendment"), user=user)
    if kind == DocumentKind.CONVENTION and convention.state != ConventionState.DRAFT:
        target.setdefault("version", convention.current_version)
    document = Document(convention=convention, kind=kind, format=format, **target)
    _content, digest = source_hash(document)
    if not force:
        existing = (
            Document.objects.filter(
                convention=convention, kind=kind, format=format, content_hash=digest, **target
            )
            .exclude(state=DocumentState.FAILED)
            .order_by("-requested_at")
            .first()
        )
        if existing is not None:
            return _revived(existing)
    document.content_hash = digest
    document.version_number = document.version.number if document.version else None
    document.requested_by = user if user and user.is_authenticated else None
    document.save()
    _enqueue(document)
    return document


@transaction.atomic
def _request_signed_ready(convention, *, user=None):
    # The convention's row lock makes simultaneous requests wait for the first one.
    convention = Convention.objects.select_for_update().get(pk=convention.pk)
    if convention.state not in (ConventionState.SIGNING, ConventionState.SIGNED):
        raise DocumentError(
            "Le document prêt à signer s'émet quand la convention est « À la signature » ; "
            f"elle est « {convention.get_state_display()} »."
        )
    version = convention.current_version
    return _issue_once(
        Document.objects.filter(
            convention=convention, kind=DocumentKind.SIGNED_READY, version=version
        ),
        Document(
            convention=convention,
            kind=DocumentKind.SIGNED_READY,
            version=version,
            version_number=version.number,
            requested_by=user if user and user.is_authenticated else None,
        ),
    )


@transaction.atomic
def _request_amendment_signed_ready(convention, amendment, *, user=None):
    """The amendment's signed-ready PDF, issued once, like the convention's."""
    amendment_id = getattr(amendment, "pk", amendment)
    # The amendment's row lock makes simultaneous requests wait for the first one.
    amendment = (
        Amendment.objects.select_for_update().filter(convention=convention, pk=amendment_id).first()
    )
    if amendment is None or amendment.state not in (
        AmendmentState.SIGNING,
        AmendmentState.SIGNED,
    ):
        raise DocumentError(
            "L'avenant prêt à signer s'émet quand l'avenant est « À la signature »."
        )
    return _issue_once(
        Document.objects.filter(amendment=amendment, kind=DocumentKind.AMENDMENT_SIGNED_READY),
        Document(
            convention=convention,
            kind=DocumentKind.AMENDMENT_SIGNED_READY,
            amendment=amendment,
            requested_by=user if user and user.is_authenticated else None,
        ),
    )


def _issue_once(issued_documents, document):
    """A signed-ready PDF is issued once, never regenerated in place: the one issued (of
    `issued_documents`), else `document`, saved and queued. A lost file fails the issued
    one, saying why, and issues the new one."""
    issued_documents = issued_documents.exclude(state=DocumentState.FAILED).order_by("requested_at")
    issued = issued_documents.first()
    if issued is not None and not _file_lost(issued):
        return _revived(issued)
    if issued is not None:
        Document.objects.filter(pk=issued.pk).update(
            state=DocumentState.FAILED,
            error="Le fichier de ce document prêt à signer a été perdu sur le serveur. Un "
            "nouveau document a été émis : les signatures doivent porter sur celui-ci.",
        )
    _content, document.content_hash = source_hash(document)
    try:
        with transaction.atomic():
            document.save()
    except IntegrityError:
        # Issued meanwhile by a request that did not wait for the lock (another database
        # connection outside it): the one issued is the one.
        return issued_documents.first()
    _enqueue(document)
    return document


def _file_lost(document):
    """A document marked done whose file is no longer in storage (restored database
    without its media, a file removed by hand)."""
    if document.state != DocumentState.DONE:
        return False
    return not document.file or not document.file.storage.exists(document.file.name)


def is_stuck(document, now=None):
    """Pending for longer than a task can take: its message or its worker was lost."""
    now = now or timezone.now()
    limit = datetime.timedelta(seconds=settings.DOCUMENT_STUCK_AFTER_SECONDS)
    if document.state == DocumentState.RENDERING:
        return document.started_at is None or document.started_at < now - limit
    if document.state == DocumentState.WAITING:
        if document.queued_at is None:
            return document.requested_at < now - QUEUE_RETRY_DELAY
        return document.queued_at < now - 3 * limit
    return False


def _revived(document):
    """The document as asked for again: a lost file is rendered again, a stuck
    rendering is queued again; anything else is returned as it is."""
    if _file_lost(document):
        logger.warning("Stored file of document %s is missing; rendering it again", document.pk)
        Document.objects.filter(pk=document.pk).update(
            state=DocumentState.WAITING,
            file="",
            file_hash="",
            error="",
            queued_at=None,
            started_at=None,
        )
        document.refresh_from_db()
        _enqueue(document)
    elif document.is_pending and is_stuck(document):
        Document.objects.filter(pk=document.pk).update(
            state=DocumentState.WAITING, queued_at=None, started_at=None
        )
        document.refresh_from_db()
        _enqueue(document)
    return document


def recover_missing_file(document):
    """Called by a download that found no file: render it again (a signed-ready PDF is
    issued anew, never silently). Returns the document being produced."""
    if document.kind == DocumentKind.SIGNED_READY:
        return _request_signed_ready(document.convention)
    if document.kind == DocumentKind.AMENDMENT_SIGNED_READY:
        return _request_amendment_signed_ready(document.convention, document.amendment_id)
    with transaction.atomic():
        return _revived(document)


def _enqueue(document):
    document_id = document.pk
    transaction.on_commit(lambda: dispatch(document_id))


def dispatch(document_id):
    """Queue the rendering of a document. A broker that cannot be reached leaves the
    document waiting, with no queued_at, for sweep(): the user's request never fails
    for it (the page says the production is delayed)."""
    from conventions.tasks import render_document_task

    try:
        render_document_task.apply_async((document_id,), retry=False)
    except (BrokerError, OSError):
        logger.warning("Broker unreachable: document %s stays waiting", document_id)
        return False
    Document.objects.filter(pk=document_id, state=DocumentState.WAITING).update(
        queued_at=timezone.now()
    )
    return True


# Waiting documents whose queuing failed are tried again after this delay.
QUEUE_RETRY_DELAY = datetime.timedelta(seconds=30)
SWEEP_BATCH = 500


def sweep(now=None):
    """Queue again what the broker or a worker lost; fail what kept killing its worker.
    Returns how many documents were queued again and failed."""
    now = now or timezone.now()
    limit = datetime.timedelta(seconds=settings.DOCUMENT_STUCK_AFTER_SECONDS)
    waiting = Document.objects.filter(state=DocumentState.WAITING)
    to_queue = list(
        waiting.filter(
            queued_at__isnull=True, requested_at__lt=now - QUEUE_RETRY_DELAY
        ).values_list("pk", flat=True)[:SWEEP_BATCH]
    ) + list(
        waiting.filter(queued_at__lt=now - 3 * limit).values_list("pk", flat=True)[:SWEEP_BATCH]
    )
    stuck = Document.objects.filter(state=DocumentState.RENDERING, started_at__lt=now - limit)
    failed = stuck.filter(attempts__gte=settings.DOCUMENT_MAX_ATTEMPTS).update(
        state=DocumentState.FAILED, error=INTERRUPTED
    )
    lost = list(stuck.values_list("pk", flat=True)[:SWEEP_BATCH])
    Document.objects.filter(pk__in=lost, state=DocumentState.RENDERING).update(
        state=DocumentState.WAITING, queued_at=None, started_at=None
    )
    queued = sum(dispatch(pk) for pk in to_queue + lost)
    return {"queued": queued, "failed": failed}


INTERRUPTED = (
    "La production du document a été interrompue à plusieurs reprises. L'erreur a été "
    "signalée à l'administrateur ; vous pouvez demander le document à nouveau."
)


# -- Rendering (worker) --------------------------------------------------------


def render(document_id):
    """Render one document by id; returns its state. Safe to run twice."""
    with transaction.atomic():
        document = Document.objects.select_for_update().filter(pk=document_id).first()
        if document is None or document.state in (DocumentState.DONE, DocumentState.FAILED):
            return document.state if document else None
        if (
            document.state == DocumentState.RENDERING
            and document.attempts >= settings.DOCUMENT_MAX_ATTEMPTS
        ):
            # Given back by workers that died on it each time: stop trying.
            document.state = DocumentState.FAILED
            document.error = INTERRUPTED
            document.save(update_fields=["state", "error"])
            return document.state
        document.state = DocumentState.RENDERING
        document.attempts += 1
        document.error = ""
        document.started_at = timezone.now()
        document.save(update_fields=["state", "attempts", "error", "started_at"])

    started = time.perf_counter()
    document = Document.objects.select_related(
        "convention", "version", "amendment", "party__organisation", "review"
    ).get(pk=document_id)
    if document.kind in SIGNED_READY_KINDS:
        # The hash recorded at issue time is the one the signatories sign against.
        content, digest = source_hash(document)
        digest = document.content_hash or digest
    else:
        content, digest = source_hash(document)

    twin = (
        Document.objects.filter(
            convention=document.convention,
            kind=document.kind,
            format=document.format,
            content_hash=digest,
            state=DocumentState.DONE,
        )
        .exclude(pk=document.pk)
        .exclude(file="")
        .first()
    )
    if twin is not None and twin.file.storage.exists(twin.file.name):
        document.file.name = twin.file.name
        document.file_hash = twin.file_hash
        document.file_size = twin.file_size
        document.page_count = twin.page_count
        document.signature_fields = twin.signature_fields
    else:
        _source, renderer = _kind(document)
        rendered = renderer(document, content)
        # Named after the content it is made from, under upload_to ("documents/").
        name = f"{document.convention.reference}/{digest}.{document.format}"
        document.file.save(name, ContentFile(rendered.data), save=False)
        document.file_hash = hashlib.sha256(rendered.data).hexdigest()
        document.file_size = len(rendered.data)
        document.page_count = rendered.page_count
        document.signature_fields = rendered.signature_fields
    document.content_hash = digest
    document.state = DocumentState.DONE
    document.rendered_at = timezone.now()
    document.render_seconds = round(time.perf_counter() - started, 3)
    document.save()
    return document.state


def mark_failed(document_id, message):
    Document.objects.filter(pk=document_id).exclude(state=DocumentState.DONE).update(
        state=DocumentState.FAILED, error=message
    )


def latest_documents(convention):
    """The newest document of each kind and target, for the Documents section."""
    seen, latest = set(), []
    documents = (
        convention.documents.select_related("party__organisation", "amendment", "review")
        .prefetch_related("signed_copies")
        .order_by("-requested_at", "-pk")
    )
    for document in documents:
        key = (
            document.kind,
            document.format,
            document.version_id,
            document.party_id,
            document.amendment_id,
            document.review_id,
            document.year,
            document.quarter,
        )
        if key not in seen:
            seen.add(key)
            latest.append(document)
    order = list(DocumentKind.values)
    latest.sort(key=lambda d: (order.index(d.kind), -(d.version_number or 0), d.pk))
    return latest
