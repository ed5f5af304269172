from django.urls import path

from partners import views

app_name = "partners"

urlpatterns = [
    path("organisations/recherche/", views.organisation_search, name="search"),
]
