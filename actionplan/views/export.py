"""Downloads of the shared tracking table, for anyone who may see the convention.

Statistical secrecy is applied inside actionplan.export, whoever downloads.
"""

from django.http import Http404, HttpResponse

from actionplan import export
from conventions.access import visible_convention
from conventions.models import Convention

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _convention(request, pk):
    return visible_convention(request.user, pk, Convention.objects.select_related("caf"))


def export_xlsx(request, pk):
    convention = _convention(request, pk)
    response = HttpResponse(export.workbook(convention), content_type=XLSX)
    response["Content-Disposition"] = (
        f'attachment; filename="{export.filename(convention, "xlsx")}"'
    )
    return response


def export_csv(request, pk, table):
    convention = _convention(request, pk)
    if table not in export.TABLES:
        raise Http404("Tableau inconnu.")
    response = HttpResponse(
        export.csv_text(convention, table), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{export.filename(convention, "csv", table)}"'
    )
    return response
