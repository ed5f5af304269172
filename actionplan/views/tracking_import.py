"""Import a tracking table: upload, preview cell by cell, confirm.

The reading, the preview and the writing are actionplan.tracking_import's; these
views fetch the convention within the user's scope, call it and render. Only
the person who uploaded a table sees its preview and confirms it.
"""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from actionplan import followup, overview, tracking_import
from actionplan.forms.tracking_import import QUARTER_VALUE, TrackingImportForm
from actionplan.models import ImportMode, TrackingImport
from conventions.access import visible_convention
from conventions.models import Convention


def _convention(request, pk):
    convention = visible_convention(request.user, pk, Convention.objects.select_related("caf"))
    if not followup.can_fill(request.user, convention):
        raise PermissionDenied("Vous ne pouvez que consulter le suivi de cette convention.")
    return convention


def _import(request, convention, import_pk):
    imports = TrackingImport.objects.filter(convention=convention, uploaded_by=request.user)
    return get_object_or_404(imports.select_related("uploaded_by"), pk=import_pk)


@require_http_methods(["GET", "POST"])
def upload(request, pk):
    convention = _convention(request, pk)
    may_seed = followup.can_validate(request.user, convention)
    if request.method == "POST":
        form = TrackingImportForm(
            request.POST, request.FILES, convention=convention, may_seed=may_seed
        )
    else:
        chosen = QUARTER_VALUE.fullmatch(request.GET.get("trimestre", ""))
        year, quarter = (
            (int(chosen[1]), int(chosen[2])) if chosen else overview.default_quarter(convention)
        )
        form = TrackingImportForm(
            initial={"quarter": f"{year}-T{quarter}"}, convention=convention, may_seed=may_seed
        )
    if request.method == "POST" and form.is_valid():
        file = form.cleaned_data["file"]
        year, quarter = form.cleaned_data["year_quarter"]
        try:
            record = tracking_import.upload(
                request.user,
                convention,
                file.name,
                file.read(),
                form.cleaned_data["mode"],
                year,
                quarter,
            )
        except followup.NotAllowed as error:
            raise PermissionDenied(str(error)) from error
        except tracking_import.ImportRefused as error:
            form.add_error(error.field if error.field in form.fields else "file", str(error))
        else:
            return redirect("actionplan:tracking_import_preview", convention.pk, record.pk)
    return render(
        request,
        "actionplan/tracking_import_upload.html",
        {"convention": convention, "form": form, "may_seed": may_seed},
    )


def _preview_page(request, convention, record, error="", status=200):
    summary = record.summary
    return render(
        request,
        "actionplan/tracking_import_preview.html",
        {
            "convention": convention,
            "record": record,
            "history": record.mode == ImportMode.HISTORY,
            "changes": summary.get("changes", []),
            "refusals": summary.get("refusals", []),
            "entry_count": len(summary.get("entries", [])),
            "error": error,
        },
        status=status,
    )


@require_GET
def preview(request, pk, import_pk):
    convention = _convention(request, pk)
    return _preview_page(request, convention, _import(request, convention, import_pk))


@require_POST
def confirm(request, pk, import_pk):
    convention = _convention(request, pk)
    record = _import(request, convention, import_pk)
    try:
        count = tracking_import.apply(request.user, record)
    except followup.NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except tracking_import.StaleImport as error:
        return _preview_page(request, convention, record, str(error), status=409)
    except tracking_import.ImportRefused as error:
        return _preview_page(request, convention, record, str(error), status=400)
    plural = "s" if count > 1 else ""
    if record.mode == ImportMode.HISTORY:
        messages.success(
            request,
            f"Reprise du tableau de suivi : {count} suivi{plural} trimestriel{plural} "
            f"enregistré{plural} et validé{plural}.",
        )
        return redirect("actionplan:dashboard", convention.pk)
    messages.success(
        request,
        f"Tableau de suivi importé : {count} action{plural} mise{plural} à jour pour le "
        f"{record.period_label}.",
    )
    return redirect("actionplan:followup", convention.pk, record.year, record.quarter)
