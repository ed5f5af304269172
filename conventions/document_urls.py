"""URL patterns of the documents (PDFs and drafts), included in conventions.urls."""

urlpatterns = []
