"""The action plan of a convention, nested, in one request and a fixed number of queries."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from actionplan import secrecy
from actionplan.models import ActionSheet, Axis, Funding, Indicator, IndicatorTarget, Objective
from api.serializers.plan import PlanSerializer
from api.views.base import ETagMixin, convention_or_404
from conventions.models import Party, Theme
from partners.models import Organisation


def plan_axes(convention):
    """The axes with everything under them. Every prefetch lands in a plain list (to_attr):
    a related manager per row and relation would cost more than the queries themselves
    on a plan of 120 sheets."""
    indicators = Indicator.objects.order_by("position", "id").prefetch_related(
        Prefetch("targets", IndicatorTarget.objects.order_by("date", "pk"), to_attr="target_list")
    )
    sheets = (
        ActionSheet.objects.select_related("objective__axis", "pilot_party__organisation")
        .prefetch_related(
            Prefetch("themes", Theme.objects.all(), to_attr="theme_list"),
            Prefetch("partner_parties", Party.objects.only("pk"), to_attr="partner_list"),
            Prefetch(
                "communes",
                Organisation.objects.order_by("search_name", "pk"),
                to_attr="commune_list",
            ),
            Prefetch("fundings", Funding.objects.select_related("funder"), to_attr="funding_list"),
            Prefetch("indicators", indicators, to_attr="indicator_list"),
        )
        .order_by("number", "id")
    )
    return list(
        Axis.objects.filter(convention=convention)
        .order_by("number")
        .prefetch_related(
            Prefetch("objectives", Objective.objects.order_by("number"), to_attr="objective_list"),
            Prefetch("action_sheets", sheets, to_attr="sheet_list"),
        )
    )


@extend_schema(
    summary="Plan d'actions",
    description="Le plan d'actions complet : axes, objectifs, fiches actions (avec leurs "
    "moyens), indicateurs et cibles. Les valeurs de référence suivent le secret statistique "
    "de la convention pour qui n'est pas de la Caf. En-tête ETag ; If-None-Match donne 304.",
    responses=PlanSerializer,
    tags=["Plan d'actions et suivi"],
)
class PlanView(ETagMixin, APIView):
    def get(self, request, pk):
        convention = convention_or_404(request.user, pk)
        hide = secrecy.applies_to(request.user, convention)
        plan = {
            "pk": convention.pk,
            "secrecy_applied": hide,
            "secrecy_note": secrecy.secrecy_note(convention) if hide else "",
            "axes": plan_axes(convention),
        }
        context = {"request": request, "convention": convention, "hide_secret": hide}
        return Response(PlanSerializer(plan, context=context).data)
