"""Caf-wide downloads: all the conventions of the adviser's Caf (an administrator's:
all, or one Caf with the list's filter), and the indicator values of their plans for a
year. The list's filters apply, within what the person sees; chargés de coopération and
readers follow their own conventions' tracking tables instead (403 here).

Up to CAF_EXPORT_DIRECT_MAX_CONVENTIONS conventions, the file is the answer; a bigger
export is written by a worker (conventions/caf_export_jobs.py) and the person is sent to
their Exports page, which lists their exports and offers each file once ready."""

import tempfile

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET

from conventions import caf_export, caf_export_jobs
from conventions.caf_export import BadExportRequest, may_export
from conventions.models import CafExport, CafExportKind, CafExportState

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv; charset=utf-8"
CONTENT_TYPES = {"xlsx": XLSX, "csv": CSV}
REFUSED = "L'export de toutes les conventions est réservé aux conseillers de la Caf."


def _check_may_export(user):
    if not may_export(user):
        raise PermissionDenied(REFUSED)


def export_year(request):
    """The year asked for (?annee=), else the list's year filter, else this year."""
    return caf_export.parse_year(request.GET.get("annee") or request.GET.get("year") or "")


def caf_export_links(request, query):
    """What the list offers to download with its current filters, or None."""
    if not may_export(request.user):
        return None
    try:
        year = export_year(request)
    except BadExportRequest:
        year = timezone.localdate().year
    suffix = f"?{query.urlencode()}" if query else ""
    return {"year": year, "query": suffix}


def _download(kind, extension):
    def view(request):
        _check_may_export(request.user)
        try:
            conventions, scope = caf_export.conventions_for(request.user, request.GET)
            year = export_year(request) if kind == CafExportKind.INDICATORS else None
        except BadExportRequest as error:
            return HttpResponseBadRequest(str(error), content_type="text/plain; charset=utf-8")
        if not caf_export_jobs.is_direct(conventions):
            return _in_background(request, kind, extension, year)
        today = timezone.localdate()
        if kind == CafExportKind.CONVENTIONS:
            table = caf_export.conventions_table(conventions, today)
            about = caf_export.about(scope, today)
            filename = caf_export.filename("conventions", extension)
        else:
            table = caf_export.indicators_table(conventions, year)
            about = caf_export.about(scope, today, year=year)
            filename = caf_export.filename("indicateurs", extension, year)
        if extension == "csv":
            response = StreamingHttpResponse(caf_export.csv_lines(table), content_type=CSV)
            response["Content-Disposition"] = f'attachment; filename="{filename}"'
            return response
        # An .xlsx file is a zip, written whole: on disk, not in memory. FileResponse
        # closes (and so deletes) it once sent.
        stream = tempfile.TemporaryFile()  # noqa: SIM115
        caf_export.workbook(table, about, stream)
        stream.seek(0)
        return FileResponse(stream, as_attachment=True, filename=filename, content_type=XLSX)

    return require_GET(view)


def _in_background(request, kind, extension, year):
    export, created = caf_export_jobs.request_export(
        request.user, kind, extension, request.GET, year
    )
    if created:
        messages.info(
            request,
            f"L'export « {export.label} » est en préparation : il sera proposé au "
            "téléchargement sur cette page dès qu'il sera prêt.",
        )
    else:
        messages.info(
            request,
            f"L'export « {export.label} » est déjà en préparation : inutile de le demander "
            "à nouveau.",
        )
    return redirect("conventions:caf_exports")


conventions_xlsx = _download(CafExportKind.CONVENTIONS, "xlsx")
conventions_csv = _download(CafExportKind.CONVENTIONS, "csv")
indicators_xlsx = _download(CafExportKind.INDICATORS, "xlsx")
indicators_csv = _download(CafExportKind.INDICATORS, "csv")


@require_GET
def caf_exports(request):
    """The person's exports of the last days, the newest first; polled while one is
    being written (the table alone for htmx)."""
    _check_may_export(request.user)
    exports = list(CafExport.objects.filter(requested_by=request.user))
    pending = [export for export in exports if export.is_pending]
    context = {
        "exports": exports,
        "pending": bool(pending),
        # Only exports waiting for the broker to come back: poll slowly.
        "delayed_only": all(export.is_delayed for export in pending),
        "keep_days": settings.CAF_EXPORT_KEEP_DAYS,
        "caf_export_direct_max": settings.CAF_EXPORT_DIRECT_MAX_CONVENTIONS,
    }
    htmx = request.headers.get("HX-Request") == "true"
    template = "conventions/includes/caf_exports_table.html" if htmx else None
    return render(request, template or "conventions/caf_exports.html", context)


@require_GET
def caf_export_download(request, export_pk):
    """The file of one of the person's own exports; anyone else's is a 404."""
    _check_may_export(request.user)
    export = get_object_or_404(CafExport.objects.filter(requested_by=request.user), pk=export_pk)
    if export.state != CafExportState.READY:
        messages.warning(request, "Cet export n'est pas prêt : il n'y a pas encore de fichier.")
        return redirect("conventions:caf_exports")
    if not export.file or not export.file.storage.exists(export.file.name):
        messages.error(
            request,
            "Le fichier de cet export est introuvable sur le serveur : demandez l'export à "
            "nouveau depuis la liste des conventions.",
        )
        return redirect("conventions:caf_exports")
    return FileResponse(
        export.file.open("rb"),
        as_attachment=True,
        filename=export.filename,
        content_type=CONTENT_TYPES[export.format],
    )
