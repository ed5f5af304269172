from django.urls import path

from conventions.views import importing, importing_source

urlpatterns = [
    path("conventions/importer/", importing.import_upload, name="import"),
    path("conventions/importer/<int:pk>/", importing.import_review, name="import_review"),
    path(
        "conventions/importer/<int:pk>/supprimer/",
        importing.import_delete,
        name="import_delete",
    ),
    path(
        "conventions/<int:pk>/document-source/",
        importing_source.import_source,
        name="import_source",
    ),
]
