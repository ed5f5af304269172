from django.urls import path

from conventions.views import templates

urlpatterns = [
    path("modeles/", templates.template_list, name="templates"),
    path("modeles/<int:pk>/", templates.template_detail, name="template"),
    path("modeles/<int:pk>/modifier/", templates.template_edit, name="template_edit"),
    path("modeles/<int:pk>/articles/", templates.template_articles, name="template_articles"),
    path("modeles/<int:pk>/historique/", templates.template_history, name="template_history"),
    path(
        "conventions/<int:pk>/utiliser-comme-modele/",
        templates.template_from_convention,
        name="template_from_convention",
    ),
]
