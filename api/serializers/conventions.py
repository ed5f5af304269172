"""Conventions with their parties, signatures, deliberations, versions and documents.

Each serializer lists its fields explicitly: a field added to a model appears in the
API only when it is added here, described.
"""

from django.utils import timezone
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from api.serializers.base import DescribedModelSerializer, absolute, label_field
from api.serializers.reference import OrganisationSummarySerializer, RepresentativeSerializer
from conventions.models import (
    Convention,
    ConventionVersion,
    Deliberation,
    Document,
    Party,
    Signature,
)


class ConventionSerializer(DescribedModelSerializer):
    # A convention as the list gives it.

    state_label = label_field("get_state_display", "État de la convention, en clair.")
    status_label = serializers.SerializerMethodField(
        help_text="État tel qu'on le dit, « En vigueur » ou « Échue » calculés sur les dates.",
    )
    caf = OrganisationSummarySerializer(read_only=True, help_text="La Caf signataire.")
    lead_authority = OrganisationSummarySerializer(
        read_only=True, help_text="La collectivité chef de file."
    )
    updated_at = serializers.DateTimeField(
        read_only=True,
        help_text="Dernière modification connue de la convention, de ses parties, "
        "délibérations ou signatures (historique des modifications).",
    )
    url = serializers.SerializerMethodField(help_text="Adresse de la convention dans l'API.")

    class Meta:
        model = Convention
        fields = [
            "id",
            "url",
            "reference",
            "title",
            "state",
            "state_label",
            "status_label",
            "caf",
            "lead_authority",
            "territory_name",
            "start_date",
            "end_date",
            "signed_on",
            "terminated_on",
            "updated_at",
        ]
        extra_kwargs = {"id": {"help_text": "Identifiant de la convention dans CTG."}}

    def get_status_label(self, convention) -> str:
        return convention.status_label(self.context.setdefault("today", timezone.localdate()))

    def get_url(self, convention) -> str:
        return absolute(self, "api:convention", convention.pk)


class PartySerializer(DescribedModelSerializer):
    organisation = OrganisationSummarySerializer(read_only=True, help_text="L'organisation partie.")
    role_label = label_field("get_role_display", "Rôle de la partie, en clair.")
    signatories = RepresentativeSerializer(
        many=True, read_only=True, help_text="Les personnes qui signent pour cette partie."
    )

    class Meta:
        model = Party
        fields = [
            "id",
            "organisation",
            "role",
            "role_label",
            "position",
            "short_name",
            "requires_deliberation",
            "competences",
            "signatories",
            "joined_on",
            "left_on",
        ]
        extra_kwargs = {"id": {"help_text": "Identifiant de la partie dans CTG."}}


class SignatureSerializer(DescribedModelSerializer):
    representative = RepresentativeSerializer(read_only=True, help_text="La personne qui a signé.")
    amendment = serializers.IntegerField(
        source="amendment.number",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="Numéro de l'avenant signé ; vide pour la convention elle-même.",
    )

    class Meta:
        model = Signature
        fields = ["id", "party", "representative", "signed_on", "amendment"]
        extra_kwargs = {
            "id": {"help_text": "Identifiant de la signature dans CTG."},
            "party": {"help_text": "Identifiant de la partie pour laquelle la personne a signé."},
        }


class DeliberationSerializer(DescribedModelSerializer):
    version = serializers.IntegerField(
        source="version.number",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="Numéro de la version figée sur laquelle le conseil a délibéré.",
    )
    amendment = serializers.IntegerField(
        source="amendment.number",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="Numéro de l'avenant délibéré ; vide pour la convention elle-même.",
    )
    body_label = label_field("get_body_display", "Organe délibérant, en clair.")
    outcome_label = label_field("get_outcome_display", "Décision, en clair.")
    scan_url = serializers.SerializerMethodField(
        help_text="Téléchargement de la délibération scannée (page de l'application, droits "
        "vérifiés), s'il y en a une."
    )

    class Meta:
        model = Deliberation
        # Explicit: fields added to the model later appear once listed here.
        fields = [
            "id",
            "party",
            "version",
            "amendment",
            "body",
            "body_label",
            "session_date",
            "act_number",
            "subject",
            "members_elected",
            "members_in_office",
            "present",
            "proxies",
            "excused",
            "absent",
            "voters",
            "votes_cast",
            "votes_for",
            "votes_against",
            "abstentions",
            "outcome",
            "outcome_label",
            "second_convocation",
            "first_session_date",
            "chair",
            "rapporteur",
            "session_secretary",
            "convocation_on",
            "posted_on",
            "sent_to_prefecture_on",
            "received_by_prefecture_on",
            "actes_id",
            "published_on",
            "scan_url",
            "recorded_at",
        ]
        extra_kwargs = {
            "id": {"help_text": "Identifiant de la délibération dans CTG."},
            "party": {"help_text": "Identifiant de la partie dont le conseil a délibéré."},
            "actes_id": {
                "help_text": "Identifiant ACTES de l'accusé de réception en préfecture, par "
                "exemple 068-246800395-20251002-DEL_2025_41-DE."
            },
        }

    def get_scan_url(self, deliberation) -> str | None:
        if not deliberation.scan:
            return None
        convention_pk = self.context["convention"].pk
        return absolute(self, "conventions:deliberation_scan", convention_pk, deliberation.pk)


class VersionSerializer(DescribedModelSerializer):
    class Meta:
        model = ConventionVersion
        fields = ["number", "content_hash", "frozen_at"]


class DocumentSerializer(DescribedModelSerializer):
    kind_label = label_field("get_kind_display", "Nature du document, en clair.")
    label = serializers.CharField(read_only=True, help_text="Intitulé du document.")
    filename = serializers.CharField(read_only=True, help_text="Nom du fichier téléchargé.")
    amendment = serializers.IntegerField(
        source="amendment.number",
        read_only=True,
        allow_null=True,
        default=None,
        help_text="Numéro de l'avenant, pour un document d'avenant.",
    )
    download_url = serializers.SerializerMethodField(
        help_text="Téléchargement du fichier (page de l'application : une session connectée "
        "y est demandée et les droits y sont vérifiés)."
    )

    class Meta:
        model = Document
        fields = [
            "id",
            "kind",
            "kind_label",
            "label",
            "format",
            "version_number",
            "amendment",
            "party",
            "year",
            "quarter",
            "filename",
            "file_size",
            "file_hash",
            "page_count",
            "rendered_at",
            "download_url",
        ]
        extra_kwargs = {
            "id": {"help_text": "Identifiant du document dans CTG."},
            "party": {"help_text": "Identifiant de la partie, pour un projet de délibération."},
        }

    def get_download_url(self, document) -> str:
        return absolute(
            self, "conventions:document_download", self.context["convention"].pk, document.pk
        )


class ConventionLinksSerializer(serializers.Serializer):
    plan = serializers.URLField(help_text="Le plan d'actions complet.")
    follow_ups = serializers.URLField(help_text="Les suivis trimestriels.")
    indicator_values = serializers.URLField(help_text="Les valeurs des indicateurs.")
    meetings = serializers.URLField(help_text="Les réunions de pilotage.")
    reviews = serializers.URLField(help_text="Les bilans.")


class ConventionDetailSerializer(ConventionSerializer):
    # A convention in full, with everything around it (detail_queryset: fixed queries).

    themes = serializers.SlugRelatedField(
        many=True, read_only=True, slug_field="name", help_text="Thématiques couvertes."
    )
    termination_mode_label = label_field(
        "get_termination_mode_display", "Mode de résiliation, en clair."
    )
    parties = PartySerializer(many=True, read_only=True, help_text="Les parties, dans l'ordre.")
    signatures = serializers.SerializerMethodField(
        help_text="Les signatures de la convention et de ses avenants."
    )
    deliberations = serializers.SerializerMethodField(
        help_text="Les délibérations des conseils, avec leur identifiant ACTES."
    )
    versions = VersionSerializer(
        many=True, read_only=True, help_text="Les versions figées du texte (métadonnées)."
    )
    documents = serializers.SerializerMethodField(
        help_text="Les documents produits et prêts à télécharger (métadonnées et lien)."
    )
    links = serializers.SerializerMethodField(
        help_text="Adresses, dans l'API, du plan d'actions, du suivi, des réunions et bilans."
    )

    class Meta(ConventionSerializer.Meta):
        fields = [
            *ConventionSerializer.Meta.fields,
            "themes",
            "signing_place",
            "originals_count",
            "statistical_secrecy",
            "secrecy_min_recipients",
            "secrecy_min_value",
            "frozen_at",
            "signing_started_at",
            "termination_mode",
            "termination_mode_label",
            "termination_notice_on",
            "termination_reason",
            "predecessor",
            "parties",
            "signatures",
            "deliberations",
            "versions",
            "documents",
            "links",
        ]
        extra_kwargs = {
            **ConventionSerializer.Meta.extra_kwargs,
            "predecessor": {"help_text": "Identifiant de la convention précédente, renouvelée."},
        }

    def nested_context(self, convention):
        return {**self.context, "convention": convention}

    @extend_schema_field(SignatureSerializer(many=True))
    def get_signatures(self, convention):
        signatures = [s for party in convention.parties.all() for s in party.signatures.all()]
        return SignatureSerializer(
            signatures, many=True, context=self.nested_context(convention)
        ).data

    @extend_schema_field(DeliberationSerializer(many=True))
    def get_deliberations(self, convention):
        rows = [d for party in convention.parties.all() for d in party.deliberations.all()]
        return DeliberationSerializer(rows, many=True, context=self.nested_context(convention)).data

    @extend_schema_field(DocumentSerializer(many=True))
    def get_documents(self, convention):
        return DocumentSerializer(
            convention.done_documents, many=True, context=self.nested_context(convention)
        ).data

    @extend_schema_field(ConventionLinksSerializer)
    def get_links(self, convention):
        return {
            name: absolute(self, f"api:{name}", convention.pk)
            for name in ("plan", "follow_ups", "indicator_values", "meetings", "reviews")
        }
