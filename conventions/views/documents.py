"""The Documents section: ask for a document, follow its rendering, download it, and
return a signed copy. Every lookup is scoped: outsiders get 404, readers 403 on writes."""

from csp.decorators import csp
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from conventions.access import can_edit, can_record_deliberation, visible_convention
from conventions.documents import offers, service
from conventions.documents.completion import completion_pdf
from conventions.documents.signed_copies import accept_signed_copy, confirm_signature
from conventions.documents.signing import SignedCopyRefused
from conventions.models import (
    SIGNED_READY_KINDS,
    Document,
    DocumentFormat,
    DocumentKind,
    DocumentState,
    SignedCopy,
)
from ctg.forms import id_or_none

MAX_SIGNED_COPY_BYTES = 40 * 1024 * 1024
QUARTERS = [(0, "Année entière"), (1, "T1"), (2, "T2"), (3, "T3"), (4, "T4")]
DELAYED = (
    "Le service de production des documents est momentanément indisponible : la "
    "production reprendra d'elle-même dès son retour."
)


def _is_htmx(request):
    return request.headers.get("HX-Request") == "true"


def _section_context(request, convention):
    documents = service.latest_documents(convention)
    editable = can_edit(request.user, convention)
    offered = offers.document_offers(
        request.user,
        convention,
        amendments=list(convention.amendments.all()) if editable else [],
        reviews=list(convention.reviews.all()) if editable else [],
    )
    return {
        "convention": convention,
        "documents": documents,
        "pending": any(d.is_pending for d in documents),
        # Only documents waiting for the broker to come back: poll slowly.
        "delayed_only": all(d.is_delayed() for d in documents if d.is_pending),
        "delayed_message": DELAYED,
        "can_edit": editable,
        "offers": offered,
        "quarters": QUARTERS,
        "signers_authenticated": bool(settings.SIGNATURE_TRUST_ROOTS_DIR),
    }


@require_GET
def documents_section(request, pk):
    """The section alone for htmx (polled while rendering), or as a page of its own."""
    convention = visible_convention(request.user, pk)
    context = {**_section_context(request, convention), "show_messages": False}
    template = "documents/section.html" if _is_htmx(request) else "documents/documents_page.html"
    return render(request, template, context)


def _target(request, convention):
    """The kind asked for and what it is about, checked against the user's rights."""
    kind = request.POST.get("kind", "")
    if kind not in DocumentKind.values:
        raise Http404
    target = {}
    if kind == DocumentKind.DELIBERATION_DRAFT:
        party = get_object_or_404(convention.parties, pk=id_or_none(request.POST.get("party")))
        if not can_record_deliberation(request.user, convention, party):
            raise PermissionDenied("Vous ne pouvez pas préparer la délibération de cette partie.")
        target["party"] = party
        fmt = request.POST.get("format", DocumentFormat.PDF)
        target["format"] = fmt if fmt in DocumentFormat.values else DocumentFormat.PDF
        return kind, target
    if not can_edit(request.user, convention):
        raise PermissionDenied("Vous ne pouvez que consulter les documents de cette convention.")
    if kind in (DocumentKind.AMENDMENT, DocumentKind.AMENDMENT_SIGNED_READY):
        target["amendment"] = get_object_or_404(
            convention.amendments, pk=id_or_none(request.POST.get("amendment"))
        )
    elif kind == DocumentKind.REVIEW:
        target["review"] = get_object_or_404(
            convention.reviews, pk=id_or_none(request.POST.get("review"))
        )
    elif kind == DocumentKind.FOLLOW_UP_REPORT:
        try:
            year = int(request.POST.get("year", ""))
            quarter = int(request.POST.get("quarter") or 0)
        except ValueError as error:
            raise Http404 from error
        if not convention.start_date.year <= year <= convention.end_date.year or not (
            0 <= quarter <= 4
        ):
            raise Http404
        target["year"], target["quarter"] = year, quarter or None
    return kind, target


@require_POST
def document_request(request, pk):
    convention = visible_convention(request.user, pk)
    kind, target = _target(request, convention)
    try:
        document = service.request_document(convention, kind, user=request.user, **target)
    except service.DocumentError as error:
        messages.error(request, str(error))
    else:
        if document.state == DocumentState.DONE:
            messages.info(request, f"{document.label} : déjà à jour, prêt à télécharger.")
        else:
            messages.success(request, f"{document.label} : production demandée.")
    if _is_htmx(request):
        context = {**_section_context(request, convention), "show_messages": True}
        return render(request, "documents/section.html", context)
    return redirect("conventions:documents", pk=convention.pk)


CONTENT_TYPES = {
    DocumentFormat.PDF: "application/pdf",
    DocumentFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}
# A preview is a PDF alone in its own tab: it loads nothing, submits nothing, and may
# not be framed by any page. Chrome shows a PDF through a plugin, hence object-src.
PREVIEW_POLICY = {
    "default-src": ["'none'"],
    "object-src": ["'self'"],
    "base-uri": ["'none'"],
    "form-action": ["'none'"],
    "frame-ancestors": ["'none'"],
}


def _stored_file(request, pk, document_pk, formats=tuple(DocumentFormat.values)):
    """(convention, document) of a produced file the user may see, or a redirect to the
    Documents page when its file was lost (it is produced again)."""
    convention = visible_convention(request.user, pk)
    document = get_object_or_404(
        Document.objects.filter(
            convention=convention, state=DocumentState.DONE, format__in=formats
        ).select_related("party__organisation", "amendment", "review"),
        pk=document_pk,
    )
    document.convention = convention
    if not document.file or not document.file.storage.exists(document.file.name):
        service.recover_missing_file(document)
        messages.warning(
            request,
            f"{document.label} : le fichier est introuvable sur le serveur (sauvegarde "
            "restaurée sans ses fichiers ?). Il est produit à nouveau ; téléchargez-le dans "
            "un instant.",
        )
        return convention, None
    return convention, document


@require_GET
def document_download(request, pk, document_pk):
    """The stored file, only for people who may see the convention; never a media URL."""
    convention, document = _stored_file(request, pk, document_pk)
    if document is None:
        return redirect("conventions:documents", pk=convention.pk)
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.filename,
        content_type=CONTENT_TYPES[document.format],
    )


@require_GET
@csp(PREVIEW_POLICY)
def document_preview(request, pk, document_pk):
    """A produced PDF shown by the browser in a new tab, scoped like the download."""
    convention, document = _stored_file(request, pk, document_pk, formats=[DocumentFormat.PDF])
    if document is None:
        return redirect("conventions:documents", pk=convention.pk)
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=False,
        filename=document.filename,
        content_type=CONTENT_TYPES[DocumentFormat.PDF],
    )
    response["X-Frame-Options"] = "DENY"
    response["Cache-Control"] = "private, no-cache"
    response["Cross-Origin-Resource-Policy"] = "same-origin"
    return response


def _issued_signed_ready(convention, document_pk):
    """A signed-ready PDF of this convention (or of one of its amendments), produced."""
    return get_object_or_404(
        Document.objects.filter(
            convention=convention, kind__in=SIGNED_READY_KINDS, state=DocumentState.DONE
        ).select_related("amendment"),
        pk=document_pk,
    )


@require_POST
def signed_copy_upload(request, pk, document_pk):
    """Check a returned signed PDF against the issued one and record who signed."""
    convention = visible_convention(request.user, pk)
    if not can_edit(request.user, convention):
        raise PermissionDenied("Seul le conseiller de la Caf enregistre les exemplaires signés.")
    document = _issued_signed_ready(convention, document_pk)
    upload = request.FILES.get("signed_file")
    if upload is None:
        messages.error(request, "Choisissez le PDF signé à déposer.")
    elif upload.size > MAX_SIGNED_COPY_BYTES:
        messages.error(request, "Le fichier dépasse 40 Mo : ce n'est pas le document émis.")
    else:
        try:
            with transaction.atomic():
                copy, recorded = accept_signed_copy(document, upload.read(), user=request.user)
        except SignedCopyRefused as error:
            messages.error(request, f"Exemplaire signé refusé. {error}")
        else:
            names = ", ".join(s["signer"] for s in copy.signers)
            messages.success(
                request,
                f"Exemplaire signé accepté : {len(copy.signers)} signature"
                f"{'s' if len(copy.signers) > 1 else ''} valide"
                f"{'s' if len(copy.signers) > 1 else ''} ({names}) ; "
                f"{recorded} nouvelle{'s' if recorded > 1 else ''} signature"
                f"{'s' if recorded > 1 else ''} enregistrée{'s' if recorded > 1 else ''}.",
            )
    return redirect("conventions:documents", pk=convention.pk)


@require_POST
def signed_copy_confirm(request, pk, copy_pk):
    """The adviser confirms a signature whose certificate did not authenticate its person."""
    convention = visible_convention(request.user, pk)
    if not can_edit(request.user, convention):
        raise PermissionDenied("Seul le conseiller de la Caf confirme une signature.")
    copy = get_object_or_404(SignedCopy.objects.filter(document__convention=convention), pk=copy_pk)
    field_name = request.POST.get("field", "")
    signer = next((s for s in copy.signers if s["field"] == field_name), None)
    try:
        with transaction.atomic():
            recorded = confirm_signature(copy, field_name, user=request.user)
    except SignedCopyRefused as error:
        messages.error(request, str(error))
    else:
        state = "confirmée et enregistrée" if recorded else "confirmée (déjà enregistrée)"
        messages.success(request, f"Signature de {signer['signer']} {state}.")
    return redirect("conventions:documents", pk=convention.pk)


@require_GET
def document_completion(request, pk, document_pk):
    """The certificate of completion of a signed-ready PDF, once the convention is signed."""
    convention = visible_convention(request.user, pk)
    document = _issued_signed_ready(convention, document_pk)
    if document.all_signed_on is None or not document.signed_copies.exists():
        raise Http404("Aucun certificat : toutes les signatures ne sont pas recueillies.")
    response = HttpResponse(completion_pdf(document), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="certificat-signatures-{convention.reference}.pdf"'
    )
    response["Cache-Control"] = "private, no-cache"
    return response
