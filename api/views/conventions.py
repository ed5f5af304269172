"""Conventions: the list with its filters, and one convention in full."""

import re

from django.db.models import Exists, OuterRef, Prefetch, Q
from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from api.serializers.conventions import ConventionDetailSerializer, ConventionSerializer
from api.views.base import (
    ETagMixin,
    QueryParameters,
    checked_parameters,
    convention_or_404,
    visible_conventions,
    with_updated_at,
)
from conventions.models import (
    Convention,
    ConventionState,
    ConventionVersion,
    Deliberation,
    Document,
    DocumentState,
    Party,
    Signature,
)

YEARS = re.compile(r"([0-9]{4})(?:-([0-9]{4}))?")
SIREN = re.compile(r"[0-9]{9}")
# Beyond these, a year is a typing error (and year 0 has no date for the database).
FIRST_YEAR, LAST_YEAR = 1900, 2200


class ConventionFilters(QueryParameters):
    caf = serializers.CharField(
        required=False, help_text="La Caf : son identifiant dans CTG ou son SIREN (9 chiffres)."
    )
    state = serializers.ChoiceField(
        choices=ConventionState.choices, required=False, help_text="État de la convention."
    )
    territory_siren = serializers.CharField(
        required=False,
        help_text="SIREN d'une organisation partie à la convention (la collectivité, une "
        "commune...).",
    )
    in_force_on = serializers.DateField(
        required=False, help_text="En vigueur à cette date (AAAA-MM-JJ)."
    )
    years = serializers.CharField(
        required=False,
        help_text="Période qui recoupe ces années : « 2026 » ou « 2024-2027 ».",
    )
    updated_since = serializers.DateTimeField(
        required=False,
        help_text="Modifiées (convention, parties, délibérations ou signatures) depuis cet "
        "instant (ISO 8601, par exemple 2026-03-01T00:00:00+01:00).",
    )

    def validate_caf(self, value):
        if not value.isascii() or not value.isdigit() or len(value) > 18:
            raise serializers.ValidationError(
                "Indiquez l'identifiant de la Caf ou son SIREN (9 chiffres)."
            )
        return value

    def validate_territory_siren(self, value):
        if not SIREN.fullmatch(value):
            raise serializers.ValidationError("Un SIREN compte 9 chiffres.")
        return value

    def validate_years(self, value):
        match = YEARS.fullmatch(value)
        if not match:
            raise serializers.ValidationError(
                "Indiquez une année (2026) ou deux années séparées par un tiret (2024-2027)."
            )
        first, last = int(match[1]), int(match[2] or match[1])
        if not (FIRST_YEAR <= first <= LAST_YEAR and FIRST_YEAR <= last <= LAST_YEAR):
            raise serializers.ValidationError(f"Les années vont de {FIRST_YEAR} à {LAST_YEAR}.")
        if last < first:
            raise serializers.ValidationError("La seconde année précède la première.")
        return first, last

    def apply(self, queryset):
        data = self.validated_data
        if "caf" in data:
            caf = data["caf"]
            queryset = queryset.filter(
                Q(caf__siren=caf) if SIREN.fullmatch(caf) else Q(caf_id=int(caf))
            )
        if "state" in data:
            queryset = queryset.filter(state=data["state"])
        if "territory_siren" in data:
            parties = Party.objects.filter(
                convention=OuterRef("pk"), organisation__siren=data["territory_siren"]
            )
            queryset = queryset.filter(Exists(parties))
        if "in_force_on" in data:
            queryset = queryset.in_force(data["in_force_on"])
        if "years" in data:
            first, last = data["years"]
            queryset = queryset.filter(start_date__year__lte=last, end_date__year__gte=first)
        if "updated_since" in data:
            queryset = queryset.filter(updated_at__gte=data["updated_since"])
        return queryset


@extend_schema(
    summary="Conventions",
    description="Les conventions que vous voyez dans l'application : celles de votre Caf "
    "pour un conseiller, celles dont votre organisation est partie sinon ; toutes pour un "
    "administrateur. Pagination par curseur, dans l'ordre des identifiants.",
    parameters=[ConventionFilters],
    tags=["Conventions"],
)
class ConventionList(generics.ListAPIView):
    serializer_class = ConventionSerializer

    def get_queryset(self):
        filters = checked_parameters(self.request, ConventionFilters)
        queryset = visible_conventions(self.request.user).select_related("caf", "lead_authority")
        return filters.apply(with_updated_at(queryset))


def detail_queryset():
    """A convention with everything its detail shows, in a fixed number of queries."""
    parties = Party.objects.select_related("organisation").prefetch_related(
        "signatories",
        Prefetch("signatures", Signature.objects.select_related("representative", "amendment")),
        Prefetch("deliberations", Deliberation.objects.select_related("version", "amendment")),
    )
    documents = (
        Document.objects.filter(state=DocumentState.DONE)
        .select_related("party__organisation", "amendment", "review")
        .order_by("kind", "-requested_at", "-pk")
    )
    return with_updated_at(
        Convention.objects.select_related("caf", "lead_authority").prefetch_related(
            "themes",
            Prefetch("parties", parties),
            Prefetch("versions", ConventionVersion.objects.defer("content").order_by("number")),
            Prefetch("documents", documents, to_attr="done_documents"),
        )
    )


@extend_schema(
    summary="Une convention",
    description="La convention avec ses parties et représentants, signatures, délibérations "
    "(avec leur identifiant ACTES), versions figées (métadonnées) et documents produits "
    "(métadonnées et lien de téléchargement). En-tête ETag ; If-None-Match donne 304.",
    tags=["Conventions"],
)
class ConventionDetail(ETagMixin, generics.RetrieveAPIView):
    serializer_class = ConventionDetailSerializer

    def get_object(self):
        return convention_or_404(self.request.user, self.kwargs["pk"], detail_queryset())
