"""The Documents section: ask for a document, follow its rendering, download it, and
return a signed copy. Every lookup is scoped: outsiders get 404, readers 403 on writes."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_POST

from conventions.access import can_edit, can_record_deliberation, visible_convention
from conventions.documents import service
from conventions.documents.signed_copies import accept_signed_copy
from conventions.documents.signing import SignedCopyRefused
from conventions.models import Document, DocumentFormat, DocumentKind, DocumentState

MAX_SIGNED_COPY_BYTES = 40 * 1024 * 1024
DELAYED = (
    "Le service de production des documents est momentanément indisponible : la "
    "production reprendra d'elle-même dès son retour."
)


def _is_htmx(request):
    return request.headers.get("HX-Request") == "true"


def _section_context(request, convention):
    documents = service.latest_documents(convention)
    editable = can_edit(request.user, convention)
    parties = [
        party
        for party in convention.parties.select_related("organisation").order_by("position", "pk")
        if party.is_signatory
        and party.role != "caf"
        and can_record_deliberation(request.user, convention, party)
    ]
    years = list(range(convention.start_date.year, convention.end_date.year + 1))
    return {
        "convention": convention,
        "documents": documents,
        "pending": any(d.is_pending for d in documents),
        # Only documents waiting for the broker to come back: poll slowly.
        "delayed_only": all(d.is_delayed() for d in documents if d.is_pending),
        "delayed_message": DELAYED,
        "can_edit": editable,
        "deliberation_parties": parties,
        "amendments": list(convention.amendments.all()) if editable else [],
        "reviews": list(convention.reviews.all()) if editable else [],
        "years": years,
        "signing_open": convention.state in ("signing", "signed"),
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
        party = get_object_or_404(convention.parties, pk=request.POST.get("party") or 0)
        if not can_record_deliberation(request.user, convention, party):
            raise PermissionDenied("Vous ne pouvez pas préparer la délibération de cette partie.")
        target["party"] = party
        fmt = request.POST.get("format", DocumentFormat.PDF)
        target["format"] = fmt if fmt in DocumentFormat.values else DocumentFormat.PDF
        return kind, target
    if not can_edit(request.user, convention):
        raise PermissionDenied("Vous ne pouvez que consulter les documents de cette convention.")
    if kind == DocumentKind.AMENDMENT:
        target["amendment"] = get_object_or_404(
            convention.amendments, pk=request.POST.get("amendment") or 0
        )
    elif kind == DocumentKind.REVIEW:
        target["review"] = get_object_or_404(convention.reviews, pk=request.POST.get("review") or 0)
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


@require_GET
def document_download(request, pk, document_pk):
    """The stored file, only for people who may see the convention; never a media URL."""
    convention = visible_convention(request.user, pk)
    document = get_object_or_404(
        Document.objects.filter(convention=convention, state=DocumentState.DONE), pk=document_pk
    )
    if not document.file or not document.file.storage.exists(document.file.name):
        service.recover_missing_file(document)
        messages.warning(
            request,
            f"{document.label} : le fichier est introuvable sur le serveur (sauvegarde "
            "restaurée sans ses fichiers ?). Il est produit à nouveau ; téléchargez-le dans "
            "un instant.",
        )
        return redirect("conventions:documents", pk=convention.pk)
    content_type = {
        DocumentFormat.PDF: "application/pdf",
        DocumentFormat.DOCX: (
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        ),
    }[document.format]
    return FileResponse(
        document.file.open("rb"),
        as_attachment=True,
        filename=document.filename,
        content_type=content_type,
    )


@require_POST
def signed_copy_upload(request, pk, document_pk):
    """Check a returned signed PDF against the issued one and record who signed."""
    convention = visible_convention(request.user, pk)
    if not can_edit(request.user, convention):
        raise PermissionDenied("Seul le conseiller de la Caf enregistre les exemplaires signés.")
    document = get_object_or_404(
        Document.objects.filter(
            convention=convention, kind=DocumentKind.SIGNED_READY, state=DocumentState.DONE
        ),
        pk=document_pk,
    )
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
