"""The document a convention was imported from, for the people who may see the convention."""

from django.http import FileResponse, Http404
from django.views.decorators.http import require_GET

from conventions.access import visible_convention
from conventions.importing.service import source_document


@require_GET
def import_source(request, pk):
    convention = visible_convention(request.user, pk)
    source = source_document(request.user, convention)
    if source is None:
        raise Http404("Cette convention n'a pas de document source.")
    if not source.file.storage.exists(source.file.name):
        raise Http404("Le document source n'est plus disponible sur le serveur.")
    # Served as an attachment: an uploaded file is never rendered by the browser here.
    return FileResponse(source.file.open("rb"), as_attachment=True, filename=source.filename)
