"""The API under /api/: version 1 at /api/v1/, its schema and documentation page.

Every view of the API is marked `login_not_required`: the session middleware would
send a caller without a session to the login page, when the API authenticates each
call by its bearer token (api/authentication.py) and answers 401 itself.
"""

from django.contrib.auth.decorators import login_not_required
from django.urls import path, re_path

from api.views import conventions, docs, followup, plan, problems, reference, steering

app_name = "api"


def route(view):
    # OPTIONS is refused (405, no metadata class): out of the methods, it is out of the
    # Allow header too, which would otherwise offer it.
    methods = [method for method in view.http_method_names if method != "options"]
    return login_not_required(view.as_view(http_method_names=methods))


CONVENTION = "v1/conventions/<int:pk>/"
FOLLOW_UP = "v1/suivis/<int:pk>/"

urlpatterns = [
    path("schema/", route(docs.SchemaView), name="schema"),
    path("docs/", route(docs.DocsView), name="docs"),
    path("v1/conventions/", route(conventions.ConventionList), name="conventions"),
    path(CONVENTION, route(conventions.ConventionDetail), name="convention"),
    path(f"{CONVENTION}plan/", route(plan.PlanView), name="plan"),
    path(f"{CONVENTION}suivis/", route(followup.FollowUpList), name="follow_ups"),
    path(
        f"{CONVENTION}valeurs-indicateurs/",
        route(followup.IndicatorValueList),
        name="indicator_values",
    ),
    path(f"{CONVENTION}reunions/", route(steering.MeetingList), name="meetings"),
    path(f"{CONVENTION}bilans/", route(steering.ReviewList), name="reviews"),
    path(FOLLOW_UP, route(followup.FollowUpDetail), name="follow_up"),
    path(f"{FOLLOW_UP}transmettre/", route(followup.FollowUpTransmit), name="follow_up_transmit"),
    path(f"{FOLLOW_UP}valider/", route(followup.FollowUpValidate), name="follow_up_validate"),
    path(f"{FOLLOW_UP}renvoyer/", route(followup.FollowUpSendBack), name="follow_up_send_back"),
    path("v1/organisations/", route(reference.OrganisationList), name="organisations"),
    path(
        "v1/organisations/<int:pk>/",
        route(reference.OrganisationDetail),
        name="organisation",
    ),
    path("v1/problemes/<slug:name>/", route(problems.ProblemTypeView), name="problem"),
    re_path(r"^.*$", route(problems.UnknownAddress)),
]
