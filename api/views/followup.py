"""Quarterly follow-up: reading entries and values, and the four writes of the pages.

The writes call the very functions the follow-up page calls (actionplan/followup.py):
same rights, same rules, same revision check, same French messages.
"""

from collections import defaultdict

from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import generics, serializers
from rest_framework.exceptions import ValidationError
from rest_framework.generics import get_object_or_404
from rest_framework.response import Response
from rest_framework.views import APIView

from actionplan import followup, secrecy
from actionplan.models import FollowUp, FollowUpState, IndicatorValue
from api.problems import ApiProblem
from api.serializers.followup import (
    DecisionInputSerializer,
    EntryInputSerializer,
    FollowUpSerializer,
    IndicatorValueSerializer,
    SendBackInputSerializer,
)
from api.views.base import (
    ETagMixin,
    QueryParameters,
    checked_parameters,
    convention_or_404,
    visible_conventions,
)

TAGS = ["Plan d'actions et suivi"]


class QuarterFilters(QueryParameters):
    year = serializers.IntegerField(
        required=False, min_value=2000, max_value=2100, help_text="Année (par exemple 2026)."
    )
    quarter = serializers.IntegerField(
        required=False, min_value=1, max_value=4, help_text="Trimestre, de 1 à 4."
    )

    def apply(self, queryset):
        for name in ("year", "quarter"):
            if name in self.validated_data:
                queryset = queryset.filter(**{name: self.validated_data[name]})
        return queryset


class FollowUpFilters(QuarterFilters):
    state = serializers.ChoiceField(
        choices=FollowUpState.choices, required=False, help_text="État du suivi."
    )

    def apply(self, queryset):
        queryset = super().apply(queryset)
        if "state" in self.validated_data:
            queryset = queryset.filter(state=self.validated_data["state"])
        return queryset


def values_of(entries):
    """{(sheet id, year, quarter): [IndicatorValue]} for these entries, in one query."""
    if not entries:
        return {}
    wanted = {(e.action_sheet_id, e.year, e.quarter) for e in entries}
    values = (
        IndicatorValue.objects.filter(
            indicator__action_sheet_id__in={key[0] for key in wanted},
            year__in={key[1] for key in wanted},
            quarter__in={key[2] for key in wanted},
        )
        .select_related("indicator")
        .order_by("indicator__position", "indicator_id")
    )
    found = defaultdict(list)
    for value in values:
        key = (value.indicator.action_sheet_id, value.year, value.quarter)
        if key in wanted:
            found[key].append(value)
    return found


def _context(request, convention, entries):
    return {
        "request": request,
        "convention": convention,
        "hide_secret": secrecy.applies_to(request.user, convention),
        "values": values_of(entries),
    }


@extend_schema(
    summary="Suivis trimestriels d'une convention",
    description="Les suivis de chaque fiche action par trimestre, avec les valeurs des "
    "indicateurs du trimestre (secret statistique appliqué selon votre rôle, comme dans "
    "l'application).",
    parameters=[FollowUpFilters],
    tags=TAGS,
)
class FollowUpList(generics.ListAPIView):
    serializer_class = FollowUpSerializer

    def get_queryset(self):
        self.convention = convention_or_404(self.request.user, self.kwargs["pk"])
        filters = checked_parameters(self.request, FollowUpFilters)
        return filters.apply(
            FollowUp.objects.filter(action_sheet__convention=self.convention).select_related(
                "action_sheet", "submitted_by", "validated_by"
            )
        )

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        context = _context(request, self.convention, page)
        return self.get_paginated_response(
            FollowUpSerializer(page, many=True, context=context).data
        )


@extend_schema(
    summary="Valeurs des indicateurs d'une convention",
    description="Les valeurs trimestrielles de tous les indicateurs du plan (secret "
    "statistique appliqué selon votre rôle, comme dans l'application).",
    parameters=[QuarterFilters],
    tags=TAGS,
)
class IndicatorValueList(generics.ListAPIView):
    serializer_class = IndicatorValueSerializer

    def get_queryset(self):
        self.convention = convention_or_404(self.request.user, self.kwargs["pk"])
        filters = checked_parameters(self.request, QuarterFilters)
        return filters.apply(
            IndicatorValue.objects.filter(
                indicator__action_sheet__convention=self.convention
            ).select_related("indicator")
        )

    def get_serializer_context(self):
        context = super().get_serializer_context()
        context["convention"] = self.convention
        context["hide_secret"] = secrecy.applies_to(self.request.user, self.convention)
        return context


def entry_or_404(user, pk):
    entries = FollowUp.objects.filter(
        action_sheet__convention__in=visible_conventions(user)
    ).select_related("action_sheet__convention", "submitted_by", "validated_by")
    return get_object_or_404(entries, pk=pk)


def entry_response(request, pk):
    entry = entry_or_404(request.user, pk)
    context = _context(request, entry.action_sheet.convention, [entry])
    return Response(FollowUpSerializer(entry, context=context).data)


def stale_message(error):
    """The page's message, without what only the page does (show both versions side by
    side): the caller is told to read the entry again."""
    who = f" par {error.author}" if error.author else ""
    return (
        f"Ce suivi a été modifié{who} pendant que vous le saisissiez : votre saisie n'a pas "
        f"été enregistrée. Relisez-le (révision {error.current.revision}), vérifiez, puis "
        "recommencez avec cette révision."
    )


def apply_domain(function, *args):
    """Call a domain function of actionplan/followup.py; its refusals become problems."""
    try:
        function(*args)
    except followup.NotAllowed as error:
        raise ApiProblem("acces-refuse", str(error)) from error
    except followup.StaleEntry as error:
        revision = error.current.revision
        raise ApiProblem(
            "revision-perimee", stale_message(error), extra={"current_revision": revision}
        ) from error
    except followup.FollowUpError as error:
        raise ApiProblem("conflit", str(error)) from error
    except DjangoValidationError as error:
        raise ValidationError(
            {
                ("non_field_errors" if name == "__all__" else name): messages
                for name, messages in error.message_dict.items()
            }
        ) from error


WRITE_ERRORS = {
    400: OpenApiResponse(description="Données invalides (problème avec « errors »)."),
    403: OpenApiResponse(description="Votre rôle ne permet pas cette action."),
    404: OpenApiResponse(description="Suivi introuvable ou hors de votre périmètre."),
    409: OpenApiResponse(
        description="Révision périmée (revision-perimee), ou état du suivi qui ne permet pas "
        "l'action (conflit)."
    ),
}


class FollowUpDetail(ETagMixin, APIView):
    @extend_schema(
        summary="Un suivi trimestriel",
        description="En-tête ETag ; If-None-Match donne 304.",
        responses=FollowUpSerializer,
        tags=TAGS,
    )
    def get(self, request, pk):
        return entry_response(request, pk)

    @extend_schema(
        summary="Enregistrer un suivi en brouillon",
        description="Le chargé de coopération d'une partie (ou le conseiller de la Caf) "
        "enregistre le suivi d'un trimestre ouvert, sans le transmettre. La révision lue est "
        "obligatoire : si le suivi a changé depuis, rien n'est enregistré (409).",
        request=EntryInputSerializer,
        responses={200: FollowUpSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def put(self, request, pk):
        return _save(request, pk, submit=False)


def _save(request, pk, submit):
    entry = entry_or_404(request.user, pk)
    given = EntryInputSerializer(data=request.data, context={"entry": entry})
    given.is_valid(raise_exception=True)
    apply_domain(
        followup.save_entry,
        request.user,
        entry,
        given.validated_data["revision"],
        given.entry_data(),
        given.values_by_indicator(),
        submit,
    )
    return entry_response(request, pk)


class FollowUpTransmit(APIView):
    @extend_schema(
        summary="Transmettre un suivi à la Caf",
        description="Enregistre le suivi et le transmet à la Caf, avec les mêmes règles que "
        "la page (une action en difficulté décrit ses difficultés...).",
        request=EntryInputSerializer,
        responses={200: FollowUpSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request, pk):
        return _save(request, pk, submit=True)


class FollowUpValidate(APIView):
    @extend_schema(
        summary="Valider un suivi transmis",
        description="Le conseiller de la Caf valide un suivi transmis : il est alors verrouillé.",
        request=DecisionInputSerializer,
        responses={200: FollowUpSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request, pk):
        entry = entry_or_404(request.user, pk)
        given = DecisionInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        apply_domain(followup.validate, request.user, entry, given.validated_data["revision"])
        return entry_response(request, pk)


class FollowUpSendBack(APIView):
    @extend_schema(
        summary="Renvoyer un suivi pour complément",
        description="Le conseiller de la Caf renvoie un suivi transmis à la collectivité, en "
        "disant ce qui est à compléter (commentaire obligatoire).",
        request=SendBackInputSerializer,
        responses={200: FollowUpSerializer, **WRITE_ERRORS},
        tags=TAGS,
    )
    def post(self, request, pk):
        entry = entry_or_404(request.user, pk)
        given = SendBackInputSerializer(data=request.data)
        given.is_valid(raise_exception=True)
        apply_domain(
            followup.send_back,
            request.user,
            entry,
            given.validated_data["revision"],
            given.validated_data["comment"],
        )
        return entry_response(request, pk)
