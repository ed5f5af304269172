"""Organisations of the reference data: public facts, open to every signed-in caller."""

from drf_spectacular.utils import extend_schema
from rest_framework import generics, serializers

from api.serializers.reference import OrganisationSerializer
from api.views.base import ETagMixin, QueryParameters, checked_parameters
from api.views.conventions import SIREN
from partners.models import Organisation, OrganisationKind

TAGS = ["Référentiel"]


class OrganisationFilters(QueryParameters):
    siren = serializers.CharField(required=False, help_text="SIREN exact (9 chiffres).")
    q = serializers.CharField(
        required=False,
        max_length=100,
        help_text="Recherche dans le nom : chaque mot, sans tenir compte des accents.",
    )
    kind = serializers.ChoiceField(
        choices=OrganisationKind.choices, required=False, help_text="Type d'organisation."
    )

    def validate_siren(self, value):
        if not SIREN.fullmatch(value):
            raise serializers.ValidationError("Un SIREN compte 9 chiffres.")
        return value


@extend_schema(
    summary="Organisations du référentiel",
    description="Caf, intercommunalités, communes, syndicats... Recherche par SIREN ou par nom.",
    parameters=[OrganisationFilters],
    tags=TAGS,
)
class OrganisationList(generics.ListAPIView):
    serializer_class = OrganisationSerializer

    def get_queryset(self):
        data = checked_parameters(self.request, OrganisationFilters).validated_data
        queryset = Organisation.objects.select_related("department")
        if "siren" in data:
            queryset = queryset.filter(siren=data["siren"])
        if "q" in data:
            queryset = queryset.matching(data["q"])
        if "kind" in data:
            queryset = queryset.filter(kind=data["kind"])
        return queryset


@extend_schema(summary="Une organisation", tags=TAGS)
class OrganisationDetail(ETagMixin, generics.RetrieveAPIView):
    serializer_class = OrganisationSerializer
    queryset = Organisation.objects.select_related("department")
