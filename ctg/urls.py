from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "CTG – administration"
admin.site.site_title = "CTG – administration"
admin.site.index_title = "Référentiels et conventions"

urlpatterns = [
    path("", include("conventions.urls")),
    path("", include("actionplan.urls")),
    path("compte/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
]
