from django.urls import path

from conventions import views

app_name = "conventions"

urlpatterns = [
    path("", views.home, name="home"),
    path("conventions/", views.convention_list, name="list"),
    path("conventions/nouvelle/", views.convention_create, name="create"),
    path("conventions/<int:pk>/", views.convention_detail, name="detail"),
]
