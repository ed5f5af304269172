"""Quarterly follow-up entries and indicator values, as read and as written."""

from collections.abc import Mapping

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from actionplan import secrecy
from actionplan.models import (
    FollowUp,
    FollowUpStatus,
    IndicatorKind,
    Meeting,
    Review,
)
from api.serializers.base import DescribedModelSerializer, absolute, label_field

DECIMAL = {"max_digits": 14, "decimal_places": 2}


def disclosed(context, convention, value):
    """(value as shown, zone_recipients as shown, secret) under the caller's secrecy rule."""
    if value is None:
        return None, None, False
    secret = context["hide_secret"] and secrecy.is_secret(
        convention, value.value, value.zone_recipients
    )
    if secret:
        return None, None, True
    return value.value, value.zone_recipients, False


class IndicatorValueSerializer(serializers.Serializer):
    indicator = serializers.IntegerField(
        source="indicator_id", help_text="Identifiant de l'indicateur."
    )
    action_sheet = serializers.IntegerField(
        source="indicator.action_sheet_id", help_text="Identifiant de la fiche action."
    )
    year = serializers.IntegerField(help_text="Année.")
    quarter = serializers.IntegerField(help_text="Trimestre (1 à 4).")
    value = serializers.SerializerMethodField(
        help_text="Valeur du trimestre ; vide si non renseignée ou masquée par le secret "
        "statistique (voir « secret »)."
    )
    text = serializers.CharField(help_text="Appréciation, pour un indicateur qualitatif.")
    zone_recipients = serializers.SerializerMethodField(
        help_text="Allocataires de la zone décrite ; vide si inconnu ou masqué."
    )
    secret = serializers.SerializerMethodField(
        help_text="Vrai si la valeur est masquée pour vous par le secret statistique."
    )

    def _shown(self, value):
        return disclosed(self.context, self.context["convention"], value)

    @extend_schema_field(serializers.DecimalField(**DECIMAL, allow_null=True))
    def get_value(self, value):
        shown = self._shown(value)[0]
        return (
            None if shown is None else serializers.DecimalField(**DECIMAL).to_representation(shown)
        )

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_zone_recipients(self, value):
        return self._shown(value)[1]

    def get_secret(self, value) -> bool:
        return self._shown(value)[2]


class FollowUpSerializer(DescribedModelSerializer):
    convention = serializers.IntegerField(
        source="action_sheet.convention_id",
        read_only=True,
        help_text="Identifiant de la convention.",
    )
    action_sheet_number = serializers.IntegerField(
        source="action_sheet.number", read_only=True, help_text="Numéro de la fiche action."
    )
    action_sheet_title = serializers.CharField(
        source="action_sheet.title", read_only=True, help_text="Intitulé de la fiche action."
    )
    state_label = label_field("get_state_display", "État du suivi, en clair.")
    status_label = label_field("get_status_display", "Avancement de l'action, en clair.")
    submitted_by = serializers.SerializerMethodField(help_text="Qui l'a transmis à la Caf.")
    validated_by = serializers.SerializerMethodField(help_text="Qui l'a validé.")
    indicator_values = serializers.SerializerMethodField(
        help_text="Valeurs des indicateurs de la fiche pour ce trimestre."
    )

    class Meta:
        model = FollowUp
        fields = [
            "id",
            "convention",
            "action_sheet",
            "action_sheet_number",
            "action_sheet_title",
            "year",
            "quarter",
            "state",
            "state_label",
            "status",
            "status_label",
            "progress",
            "achievements",
            "difficulties",
            "next_steps",
            "adviser_comment",
            "submitted_at",
            "submitted_by",
            "validated_at",
            "validated_by",
            "revision",
            "indicator_values",
        ]
        extra_kwargs = {
            "id": {"help_text": "Identifiant du suivi dans CTG."},
            "action_sheet": {"help_text": "Identifiant de la fiche action."},
            "revision": {
                "help_text": "Révision du suivi : à renvoyer telle quelle avec toute "
                "modification (verrouillage optimiste)."
            },
        }

    @staticmethod
    def _person(user):
        return (user.get_full_name() or user.username) if user else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_submitted_by(self, entry):
        return self._person(entry.submitted_by)

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_validated_by(self, entry):
        return self._person(entry.validated_by)

    @extend_schema_field(IndicatorValueSerializer(many=True))
    def get_indicator_values(self, entry):
        values = self.context["values"].get((entry.action_sheet_id, entry.year, entry.quarter), [])
        return IndicatorValueSerializer(values, many=True, context=self.context).data


# -- Writing ----------------------------------------------------------------------------


class StrictInput(serializers.Serializer):
    # A body's unknown name answers 400: a misspelt field ("achievments") silently ignored
    # would save an empty text in its place. The names of the read representation
    # (`echoed`) are accepted and ignored, so that a caller may send back what it read.

    echoed = frozenset()

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            unknown = sorted(set(data) - set(self.fields) - self.echoed)
            if unknown:
                known = ", ".join(self.fields)
                raise serializers.ValidationError(
                    {name: [f"Champ inconnu ; les champs sont : {known}."] for name in unknown}
                )
        return super().to_internal_value(data)


class IndicatorValueInputSerializer(StrictInput):
    echoed = frozenset(IndicatorValueSerializer().fields)

    indicator = serializers.IntegerField(help_text="Identifiant d'un indicateur de la fiche.")
    value = serializers.DecimalField(
        **DECIMAL,
        required=False,
        allow_null=True,
        default=None,
        help_text="Valeur d'un indicateur quantitatif ; vide pour l'effacer.",
    )
    text = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Appréciation d'un indicateur qualitatif.",
    )
    zone_recipients = serializers.IntegerField(
        required=False,
        allow_null=True,
        default=None,
        min_value=0,
        help_text="Allocataires de la zone décrite (secret statistique), s'il est connu.",
    )


class EntryInputSerializer(StrictInput):
    # What a chargé de coopération (or the Caf's adviser) writes for one entry.

    echoed = frozenset(FollowUpSerializer.Meta.fields)

    revision = serializers.IntegerField(
        min_value=0, help_text="La révision du suivi lue avant la modification."
    )
    status = serializers.ChoiceField(
        choices=FollowUpStatus.choices, help_text="Avancement de l'action."
    )
    progress = serializers.IntegerField(
        min_value=0, max_value=100, help_text="Réalisation, en pourcentage (0 à 100)."
    )
    achievements = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Réalisations."
    )
    difficulties = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Difficultés."
    )
    next_steps = serializers.CharField(
        required=False, allow_blank=True, default="", help_text="Prochaines étapes."
    )
    indicator_values = IndicatorValueInputSerializer(
        many=True,
        required=False,
        default=list,
        help_text="Valeurs du trimestre des indicateurs de la fiche ; un indicateur absent "
        "de la liste garde sa valeur.",
    )

    def validate_indicator_values(self, given):
        indicators = {i.pk: i for i in self.context["entry"].action_sheet.indicators.all()}
        errors = {}
        seen = set()
        for index, item in enumerate(given):
            indicator = indicators.get(item["indicator"])
            if indicator is None:
                errors[index] = {"indicator": ["Cet indicateur n'appartient pas à la fiche."]}
            elif item["indicator"] in seen:
                errors[index] = {"indicator": ["Cet indicateur est donné deux fois."]}
            elif indicator.kind == IndicatorKind.QUALITATIVE and item["value"] is not None:
                errors[index] = {
                    "value": ["Un indicateur qualitatif a une appréciation, pas une valeur."]
                }
            elif indicator.kind == IndicatorKind.QUANTITATIVE and item["text"]:
                errors[index] = {
                    "text": ["Un indicateur quantitatif a une valeur, pas une appréciation."]
                }
            seen.add(item["indicator"])
        if errors:
            raise serializers.ValidationError(
                [errors.get(index, {}) for index in range(len(given))]
            )
        return given

    def entry_data(self):
        return {
            name: self.validated_data[name]
            for name in ("status", "progress", "achievements", "difficulties", "next_steps")
        }

    def values_by_indicator(self):
        return {
            item["indicator"]: {
                "value": item["value"],
                "text": item["text"],
                "zone_recipients": item["zone_recipients"],
            }
            for item in self.validated_data["indicator_values"]
        }


class DecisionInputSerializer(StrictInput):
    revision = serializers.IntegerField(
        min_value=0, help_text="La révision du suivi lue avant la décision."
    )


class SendBackInputSerializer(DecisionInputSerializer):
    comment = serializers.CharField(
        required=False,
        allow_blank=True,
        default="",
        help_text="Ce qui est à compléter ou à corriger (obligatoire).",
    )


# -- Steering -----------------------------------------------------------------------------


class MeetingSerializer(DescribedModelSerializer):
    kind_label = label_field("get_kind_display", "Instance, en clair.")
    minutes_url = serializers.SerializerMethodField(
        help_text="Téléchargement du compte rendu (page de l'application, droits vérifiés), "
        "s'il y en a un."
    )

    class Meta:
        model = Meeting
        fields = [
            "id",
            "kind",
            "kind_label",
            "title",
            "date",
            "attendees",
            "decisions",
            "minutes_url",
        ]
        extra_kwargs = {"id": {"help_text": "Identifiant de la réunion dans CTG."}}

    @extend_schema_field(serializers.URLField(allow_null=True))
    def get_minutes_url(self, meeting):
        if not meeting.minutes:
            return None
        return absolute(self, "actionplan:meeting_minutes", meeting.convention_id, meeting.pk)


class ReviewSerializer(DescribedModelSerializer):
    kind_label = label_field("get_kind_display", "Nature du bilan, en clair.")
    follow_ups = serializers.PrimaryKeyRelatedField(
        many=True, read_only=True, help_text="Identifiants des suivis examinés."
    )
    leads_to_amendment = serializers.IntegerField(
        source="leads_to_amendment.number",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="Numéro de l'avenant qui en découle, s'il y en a un.",
    )

    class Meta:
        model = Review
        fields = [
            "id",
            "kind",
            "kind_label",
            "date",
            "meeting",
            "summary",
            "follow_ups",
            "leads_to_amendment",
        ]
        extra_kwargs = {
            "id": {"help_text": "Identifiant du bilan dans CTG."},
            "meeting": {"help_text": "Identifiant de la réunion où il a été présenté."},
        }
