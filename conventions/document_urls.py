"""URL patterns of the documents (PDFs and drafts), included in conventions.urls."""

from django.urls import path

from conventions.views import documents

urlpatterns = [
    path("conventions/<int:pk>/documents/", documents.documents_section, name="documents"),
    path(
        "conventions/<int:pk>/documents/demander/",
        documents.document_request,
        name="document_request",
    ),
    path(
        "conventions/<int:pk>/documents/<int:document_pk>/fichier/",
        documents.document_download,
        name="document_download",
    ),
    path(
        "conventions/<int:pk>/documents/<int:document_pk>/apercu/",
        documents.document_preview,
        name="document_preview",
    ),
    path(
        "conventions/<int:pk>/documents/<int:document_pk>/exemplaire-signe/",
        documents.signed_copy_upload,
        name="signed_copy_upload",
    ),
    path(
        "conventions/<int:pk>/documents/<int:document_pk>/certificat-signatures.pdf",
        documents.document_completion,
        name="document_completion",
    ),
    path(
        "conventions/<int:pk>/documents/exemplaires-signes/<int:copy_pk>/confirmer/",
        documents.signed_copy_confirm,
        name="signed_copy_confirm",
    ),
]
