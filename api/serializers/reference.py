"""Organisations of the reference data and the people who represent them."""

from rest_framework import serializers

from api.serializers.base import DescribedModelSerializer, label_field
from partners.models import Organisation, Representative


class OrganisationSummarySerializer(DescribedModelSerializer):
    kind_label = label_field("get_kind_display", "Type de l'organisation, en clair.")

    class Meta:
        model = Organisation
        fields = ["id", "name", "kind", "kind_label", "siren", "insee_code"]
        extra_kwargs = {"id": {"help_text": "Identifiant de l'organisation dans CTG."}}


class OrganisationSerializer(OrganisationSummarySerializer):
    department = serializers.CharField(
        source="department.code",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="Code du département (par exemple « 68 »).",
    )
    epci_kind_label = label_field("get_epci_kind_display", "Nature de l'EPCI, en clair.")

    class Meta(OrganisationSummarySerializer.Meta):
        fields = [
            *OrganisationSummarySerializer.Meta.fields,
            "epci_kind",
            "epci_kind_label",
            "department",
            "epci",
            "population",
            "population_year",
            "early_childhood_competence",
            "address",
            "postcode",
            "city",
            "is_active",
        ]
        extra_kwargs = {
            **OrganisationSummarySerializer.Meta.extra_kwargs,
            "epci": {"help_text": "Identifiant de l'EPCI de rattachement d'une commune."},
        }


class RepresentativeSerializer(DescribedModelSerializer):
    full_name = serializers.CharField(
        read_only=True,
        help_text="Nom tel que l'écrivent les conventions (« Monsieur Denis PETIT »).",
    )

    class Meta:
        model = Representative
        fields = [
            "id",
            "civility",
            "first_name",
            "last_name",
            "full_name",
            "role_title",
            "mandate_start",
            "mandate_end",
        ]
        extra_kwargs = {"id": {"help_text": "Identifiant du représentant dans CTG."}}
