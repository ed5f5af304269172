"""URL patterns of the action plan editor, the plan page and the steering pages,
included in actionplan.urls."""

from django.urls import path

from actionplan.views import plan, steering

PLAN = "conventions/<int:pk>/plan/"
MEETINGS = "conventions/<int:pk>/reunions/"
REVIEWS = "conventions/<int:pk>/bilans/"

urlpatterns = [
    path(PLAN, plan.plan_detail, name="plan"),
    path(f"{PLAN}actions/<int:number>/", plan.sheet_detail, name="sheet"),
    path(f"{PLAN}modifier/", plan.plan_edit, name="plan_edit"),
    path(f"{PLAN}axes/nouveau/", plan.axis_form, name="axis_create"),
    path(f"{PLAN}axes/<int:axis_pk>/", plan.axis_form, name="axis_edit"),
    path(f"{PLAN}axes/<int:axis_pk>/deplacer/", plan.axis_move, name="axis_move"),
    path(f"{PLAN}axes/<int:axis_pk>/supprimer/", plan.axis_delete, name="axis_delete"),
    path(
        f"{PLAN}axes/<int:axis_pk>/objectifs/nouveau/",
        plan.objective_form,
        name="objective_create",
    ),
    path(f"{PLAN}objectifs/<int:objective_pk>/", plan.objective_form, name="objective_edit"),
    path(
        f"{PLAN}objectifs/<int:objective_pk>/deplacer/",
        plan.objective_move,
        name="objective_move",
    ),
    path(
        f"{PLAN}objectifs/<int:objective_pk>/supprimer/",
        plan.objective_delete,
        name="objective_delete",
    ),
    path(f"{PLAN}fiches/nouvelle/", plan.sheet_form, name="sheet_create"),
    path(f"{PLAN}fiches/<int:sheet_pk>/", plan.sheet_form, name="sheet_edit"),
    path(
        f"{PLAN}fiches/<int:sheet_pk>/indicateurs/",
        plan.sheet_indicators,
        name="sheet_indicators",
    ),
    path(f"{PLAN}fiches/<int:sheet_pk>/deplacer/", plan.sheet_move, name="sheet_move"),
    path(f"{PLAN}fiches/<int:sheet_pk>/supprimer/", plan.sheet_delete, name="sheet_delete"),
    path(MEETINGS, steering.meeting_list, name="meetings"),
    path(f"{MEETINGS}nouvelle/", steering.meeting_form, name="meeting_create"),
    path(f"{MEETINGS}<int:meeting_pk>/modifier/", steering.meeting_form, name="meeting_edit"),
    path(f"{MEETINGS}<int:meeting_pk>/supprimer/", steering.meeting_delete, name="meeting_delete"),
    path(
        f"{MEETINGS}<int:meeting_pk>/compte-rendu.pdf",
        steering.meeting_minutes,
        name="meeting_minutes",
    ),
    path(f"{REVIEWS}nouveau/", steering.review_form, name="review_create"),
    path(f"{REVIEWS}<int:review_pk>/", steering.review_detail, name="review"),
    path(f"{REVIEWS}<int:review_pk>/modifier/", steering.review_form, name="review_edit"),
    path(f"{REVIEWS}<int:review_pk>/supprimer/", steering.review_delete, name="review_delete"),
]
