"""URL of the "À faire" page, included in conventions.urls."""

from django.urls import path

from conventions.views.inbox import inbox_page

urlpatterns = [
    path("a-faire/", inbox_page, name="inbox"),
]
