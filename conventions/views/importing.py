"""Import an existing convention: upload its document, review what was read, create it.

The reading and the creation are `conventions.importing.service`'s; the review's
scope, version check and saving are `conventions.importing.review`'s. These views
fetch the import within the user's scope, call them and render.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from conventions.forms.importing import (
    STATUS_CHOICES,
    STATUS_DRAFT,
    STATUS_SIGNED,
    ImportReview,
    ImportUploadForm,
)
from conventions.importing import service
from conventions.importing.result import ReadConvention
from conventions.importing.review import (
    STALE,
    StaleImport,
    data_version,
    delete_import,
    imports_for,
    pending_imports,
    save_corrections,
)
from conventions.models import ImportState

INVALID = "Certaines valeurs sont à corriger : voyez les messages aux champs signalés."


@require_http_methods(["GET", "POST"])
def import_upload(request):
    pending = list(pending_imports(request.user))
    form = ImportUploadForm(
        request.POST if request.method == "POST" else None,
        request.FILES if request.method == "POST" else None,
        user=request.user,
    )
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        caf = form.cleaned_data.get("caf") or request.user.organisation
        try:
            convention_import = service.read_upload(
                user=request.user, caf=caf, file=upload, filename=upload.name
            )
        except service.ImportRefused as refused:
            for problem in refused.problems or [str(refused)]:
                form.add_error("file", problem)
        else:
            messages.success(
                request,
                f"« {convention_import.filename} » a été lu : vérifiez et corrigez ce qui a été "
                f"lu, puis créez la convention.",
            )
            return redirect("conventions:import_review", convention_import.pk)
    return render(request, "conventions/import_upload.html", {"form": form, "pending": pending})


@require_POST
def import_delete(request, pk):
    convention_import = get_object_or_404(imports_for(request.user), pk=pk)
    try:
        delete_import(user=request.user, convention_import=convention_import)
    except StaleImport as error:
        messages.error(request, str(error))
    else:
        messages.success(request, f"L'import de « {convention_import.filename} » a été supprimé.")
    return redirect("conventions:import")


@require_http_methods(["GET", "POST"])
def import_review(request, pk):
    convention_import = get_object_or_404(
        imports_for(request.user).select_related("caf", "convention"), pk=pk
    )
    if convention_import.state == ImportState.CONFIRMED and convention_import.convention_id:
        messages.info(request, "Cet import a déjà donné cette convention.")
        return redirect("conventions:detail", convention_import.convention_id)
    read = ReadConvention.from_dict(convention_import.data)
    version = data_version(convention_import.data)
    if request.method == "POST":
        return _review_post(request, convention_import, read, version)
    status = request.GET.get("etat")
    review = ImportReview(
        read,
        caf=convention_import.caf,
        version=version,
        status=status if status in dict(STATUS_CHOICES) else None,
    )
    return _review_page(request, convention_import, review)


def _review_page(request, convention_import, review, *, errors=(), problems=(), status=200):
    return render(
        request,
        "conventions/import_review.html",
        {
            "convention_import": convention_import,
            "read": review.read,
            "review": review,
            "errors": list(errors),
            "problems": list(problems),
        },
        status=status,
    )


def _review_post(request, convention_import, read, version):
    """Save the corrections; with "Créer la convention", then create it."""
    caf = convention_import.caf
    review = ImportReview(read, caf=caf, version=version, data=request.POST)
    if not review.is_valid():
        if errors := review.structure_errors:
            # Rows that do not stand for what was read cannot be mapped back to it:
            # the page is rebuilt from what is stored.
            fresh = ImportReview(read, caf=caf, version=version)
            if request.POST.get("general-version") != version:
                return _review_page(
                    request, convention_import, fresh, errors=[STALE, *errors], status=409
                )
            return _review_page(request, convention_import, fresh, errors=errors, status=400)
        return _review_page(request, convention_import, review, errors=[INVALID])

    corrected = review.corrected()
    try:
        version = save_corrections(
            user=request.user,
            convention_import=convention_import,
            read=corrected,
            version=review.version,
        )
    except StaleImport as error:
        # The person's input stays, now carrying the stored version: saving it again
        # is a deliberate choice to replace the colleague's corrections.
        convention_import.refresh_from_db()
        data = request.POST.copy()
        data["general-version"] = data_version(convention_import.data)
        kept = ImportReview(read, caf=caf, version=version, data=data)
        kept.is_valid()
        return _review_page(request, convention_import, kept, errors=[str(error)], status=409)

    signed = review.signed
    if "confirm" not in request.POST:
        messages.success(request, "Vos corrections sont enregistrées.")
        url = reverse("conventions:import_review", args=[convention_import.pk])
        return redirect(f"{url}?etat={STATUS_SIGNED if signed else STATUS_DRAFT}")

    problems = service.import_problems(corrected, signed=signed)
    if not problems:
        try:
            convention, warnings = service.confirm_import(
                user=request.user,
                convention_import=convention_import,
                read=corrected,
                signed=signed,
                reference=review.reference,
            )
        except service.ImportRefused as refused:
            problems = refused.problems or [str(refused)]
        else:
            for warning in warnings:
                messages.warning(request, warning)
            messages.success(request, f"La convention « {convention.title} » a été créée.")
            return redirect("conventions:detail", convention.pk)
    # The corrections are saved: the page now stands for them and their new version.
    review = ImportReview.bound_to(
        corrected, caf=caf, version=version, signed=signed, reference=review.reference
    )
    review.add_confirm_errors(signed=signed)
    return _review_page(request, convention_import, review, problems=problems)
