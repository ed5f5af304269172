"""The action plan in one document: axes, objectives, sheets, indicators and targets."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from actionplan import secrecy
from actionplan.models import ActionSheet, Axis, Funding, Indicator, IndicatorTarget, Objective
from api.serializers.base import DescribedModelSerializer, label_field
from api.serializers.reference import OrganisationSummarySerializer


class TargetSerializer(DescribedModelSerializer):
    class Meta:
        model = IndicatorTarget
        fields = ["value", "text", "date"]


class IndicatorSerializer(DescribedModelSerializer):
    kind_label = label_field("get_kind_display", "Nature de l'indicateur, en clair.")
    periodicity_label = label_field("get_periodicity_display", "Périodicité, en clair.")
    baseline_value = serializers.SerializerMethodField(
        help_text="Valeur de référence ; vide si le secret statistique la masque pour vous."
    )
    baseline_secret = serializers.SerializerMethodField(
        help_text="Vrai si la valeur de référence est masquée par le secret statistique."
    )
    targets = TargetSerializer(
        many=True, read_only=True, source="target_list", help_text="Les cibles, par échéance."
    )

    class Meta:
        model = Indicator
        fields = [
            "id",
            "position",
            "label",
            "kind",
            "kind_label",
            "unit",
            "baseline_value",
            "baseline_secret",
            "baseline_text",
            "baseline_date",
            "periodicity",
            "periodicity_label",
            "source",
            "closed_on",
            "targets",
        ]
        extra_kwargs = {"id": {"help_text": "Identifiant de l'indicateur dans CTG."}}

    def _secret(self, indicator):
        return self.context["hide_secret"] and secrecy.is_secret(
            self.context["convention"], indicator.baseline_value
        )

    @extend_schema_field(serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True))
    def get_baseline_value(self, indicator):
        if indicator.baseline_value is None or self._secret(indicator):
            return None
        return serializers.DecimalField(max_digits=14, decimal_places=2).to_representation(
            indicator.baseline_value
        )

    def get_baseline_secret(self, indicator) -> bool:
        return self._secret(indicator)


class FundingSerializer(DescribedModelSerializer):
    funder = OrganisationSummarySerializer(
        read_only=True, allow_null=True, help_text="Le financeur, s'il est au référentiel."
    )

    class Meta:
        model = Funding
        fields = ["id", "funder", "funder_name", "amount", "human_means", "comment"]
        extra_kwargs = {"id": {"help_text": "Identifiant du moyen mobilisé dans CTG."}}


class SheetSerializer(DescribedModelSerializer):
    objective = serializers.CharField(
        source="objective.code",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="Code de l'objectif (par exemple « 1.2 »), s'il y en a un.",
    )
    themes = serializers.SerializerMethodField(help_text="Thématiques de l'action.")
    partner_parties = serializers.SerializerMethodField(
        help_text="Identifiants des parties sollicitées."
    )
    pilot = serializers.CharField(
        source="pilot_party.organisation.name",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="Nom de l'organisation pilote.",
    )
    communes = OrganisationSummarySerializer(
        many=True, read_only=True, source="commune_list", help_text="Communes concernées."
    )
    fundings = FundingSerializer(
        many=True, read_only=True, source="funding_list", help_text="Moyens mobilisés."
    )
    indicators = IndicatorSerializer(
        many=True,
        read_only=True,
        source="indicator_list",
        help_text="Indicateurs d'évaluation, avec leurs cibles.",
    )

    class Meta:
        model = ActionSheet
        fields = [
            "id",
            "number",
            "title",
            "objective",
            "themes",
            "initial_diagnostic",
            "target_public",
            "operational_objectives",
            "implementation",
            "deadline",
            "deadline_whole_period",
            "pilot_party",
            "pilot",
            "pilot_services",
            "partner_parties",
            "other_partners",
            "expected_results",
            "human_means",
            "communes",
            "territory",
            "started_on",
            "closed_on",
            "fundings",
            "indicators",
        ]
        extra_kwargs = {
            "id": {"help_text": "Identifiant de la fiche action dans CTG."},
            "pilot_party": {"help_text": "Identifiant de la partie pilote."},
        }

    def get_themes(self, sheet) -> list[str]:
        return [theme.name for theme in sheet.theme_list]

    def get_partner_parties(self, sheet) -> list[int]:
        return [party.pk for party in sheet.partner_list]


class ObjectiveSerializer(DescribedModelSerializer):
    code = serializers.CharField(read_only=True, help_text="Code de l'objectif (« 1.2 »).")

    class Meta:
        model = Objective
        fields = ["id", "number", "code", "title", "description"]
        extra_kwargs = {"id": {"help_text": "Identifiant de l'objectif dans CTG."}}


class AxisSerializer(DescribedModelSerializer):
    objectives = ObjectiveSerializer(
        many=True, read_only=True, source="objective_list", help_text="Objectifs de l'axe."
    )
    sheets = SheetSerializer(
        many=True,
        read_only=True,
        source="sheet_list",
        help_text="Fiches actions de l'axe, closes comprises (voir « closed_on »).",
    )

    class Meta:
        model = Axis
        fields = ["id", "number", "title", "description", "objectives", "sheets"]
        extra_kwargs = {"id": {"help_text": "Identifiant de l'axe dans CTG."}}


class PlanSerializer(serializers.Serializer):
    convention = serializers.IntegerField(source="pk", help_text="Identifiant de la convention.")
    secrecy_applied = serializers.BooleanField(
        help_text="Vrai si le secret statistique masque pour vous les petites valeurs."
    )
    secrecy_note = serializers.CharField(
        help_text="La règle de secret statistique appliquée, en clair (vide sinon)."
    )
    axes = AxisSerializer(many=True, help_text="Axes stratégiques, dans l'ordre.")
