from django.urls import path

from conventions import views
from conventions.document_urls import urlpatterns as document_urlpatterns
from conventions.import_urls import urlpatterns as import_urlpatterns
from conventions.inbox_urls import urlpatterns as inbox_urlpatterns
from conventions.template_urls import urlpatterns as template_urlpatterns
from conventions.views import caf_export
from conventions.views.history import convention_history

app_name = "conventions"

urlpatterns = [
    path("", views.home, name="home"),
    path("conventions/", views.convention_list, name="list"),
    # Caf-wide downloads (the list's filters apply): conventions, indicators of a year.
    path(
        "conventions/export/conventions.xlsx",
        caf_export.conventions_xlsx,
        name="caf_export_conventions_xlsx",
    ),
    path(
        "conventions/export/conventions.csv",
        caf_export.conventions_csv,
        name="caf_export_conventions_csv",
    ),
    path(
        "conventions/export/indicateurs.xlsx",
        caf_export.indicators_xlsx,
        name="caf_export_indicators_xlsx",
    ),
    path(
        "conventions/export/indicateurs.csv",
        caf_export.indicators_csv,
        name="caf_export_indicators_csv",
    ),
    # The person's exports written in the background, and their files.
    path("exports/", caf_export.caf_exports, name="caf_exports"),
    path(
        "exports/<int:export_pk>/fichier",
        caf_export.caf_export_download,
        name="caf_export_download",
    ),
    path("conventions/nouvelle/", views.convention_create, name="create"),
    path("conventions/<int:pk>/", views.convention_detail, name="detail"),
    path("conventions/<int:pk>/historique/", convention_history, name="history"),
    path("conventions/<int:pk>/parties/", views.party_list, name="parties"),
    path("conventions/<int:pk>/textes/", views.edit_general, name="edit_general"),
    path("conventions/<int:pk>/articles/", views.edit_articles, name="edit_articles"),
    path("conventions/<int:pk>/equipements/", views.edit_equipment, name="edit_equipment"),
    path("conventions/<int:pk>/pilotage/", views.edit_steering, name="edit_steering"),
    path("conventions/<int:pk>/signatures/", views.record_signature, name="signature"),
    path("conventions/<int:pk>/deja-signee/", views.record_signed, name="record_signed"),
    path(
        "conventions/<int:pk>/parties/<int:party_pk>/deliberation/",
        views.deliberation_form,
        name="deliberation_create",
    ),
    path(
        "conventions/<int:pk>/deliberations/<int:deliberation_pk>/",
        views.deliberation_detail,
        name="deliberation",
    ),
    path(
        "conventions/<int:pk>/deliberations/<int:deliberation_pk>/scan.pdf",
        views.deliberation_scan,
        name="deliberation_scan",
    ),
    path(
        "conventions/<int:pk>/parties/<int:party_pk>/deliberation/<int:deliberation_pk>/",
        views.deliberation_form,
        name="deliberation_edit",
    ),
    path("conventions/<int:pk>/resilier/", views.terminate, name="terminate"),
    path("conventions/<int:pk>/renouveler/", views.renew, name="renew"),
    path("conventions/<int:pk>/avenants/nouveau/", views.amend, name="amend"),
    path("conventions/<int:pk>/avenants/<int:number>/", views.amendment_detail, name="amendment"),
    path(
        "conventions/<int:pk>/avenants/<int:number>/modifier/",
        views.amendment_edit,
        name="amendment_edit",
    ),
    path(
        "conventions/<int:pk>/avenants/<int:number>/etat/<slug:action>/",
        views.amendment_transition,
        name="amendment_transition",
    ),
    path(
        "conventions/<int:pk>/avenants/<int:number>/signatures/",
        views.amendment_signature,
        name="amendment_signature",
    ),
    path(
        "conventions/<int:pk>/avenants/<int:number>/parties/<int:party_pk>/deliberation/",
        views.deliberation_form,
        name="amendment_deliberation",
    ),
    path(
        "conventions/<int:pk>/etat/<slug:action>/", views.convention_transition, name="transition"
    ),
    path("conventions/<int:pk>/parties/<int:party_pk>/", views.party_edit, name="party_edit"),
    path(
        "conventions/<int:pk>/parties/<int:party_pk>/deplacer/",
        views.party_move,
        name="party_move",
    ),
    path(
        "conventions/<int:pk>/parties/<int:party_pk>/retirer/",
        views.party_remove,
        name="party_remove",
    ),
]

urlpatterns += document_urlpatterns + import_urlpatterns + template_urlpatterns
urlpatterns += inbox_urlpatterns
