"""URL patterns of the quarterly follow-up, the plan dashboard and the exports."""

from django.urls import path

from actionplan.views import dashboard, export, followup, followup_review, tracking_import

CONVENTION = "conventions/<int:pk>/"
QUARTER = f"{CONVENTION}suivi/<int:year>/T<int:quarter>/"

urlpatterns = [
    path(f"{CONVENTION}suivi/", followup.followup_current, name="followup_current"),
    path(QUARTER, followup.followup_quarter, name="followup"),
    path(f"{QUARTER}ouvrir/", followup.open_quarter, name="open_quarter"),
    path(
        f"{QUARTER}suivis/<int:entry_pk>/decision/",
        followup_review.decide_entry,
        name="followup_decision",
    ),
    path(f"{QUARTER}valider-tout/", followup_review.validate_all, name="followup_validate_all"),
    path(f"{CONVENTION}tableau-de-bord/", dashboard.plan_dashboard, name="dashboard"),
    path(
        f"{CONVENTION}tableau-de-bord/<int:year>/T<int:quarter>/",
        dashboard.plan_dashboard,
        name="dashboard_quarter",
    ),
    path(f"{CONVENTION}suivi/tableau-de-suivi.xlsx", export.export_xlsx, name="export_xlsx"),
    path(
        f"{CONVENTION}suivi/tableau-de-suivi-<slug:table>.csv",
        export.export_csv,
        name="export_csv",
    ),
    path(f"{CONVENTION}suivi/importer/", tracking_import.upload, name="tracking_import"),
    path(
        f"{CONVENTION}suivi/importer/<int:import_pk>/",
        tracking_import.preview,
        name="tracking_import_preview",
    ),
    path(
        f"{CONVENTION}suivi/importer/<int:import_pk>/confirmer/",
        tracking_import.confirm,
        name="tracking_import_confirm",
    ),
    path("suivi/", dashboard.caf_followup, name="caf_followup"),
]
