"""Admin site for conventions, their templates and the acts that make them binding.

The lifecycle (freeze, deliberations, signature, termination) is driven by
the application, which checks every transition: here its dates and state are
shown read-only, and frozen versions cannot be changed at all.
"""

import json

from django import forms
from django.contrib import admin
from django.core.paginator import Paginator
from django.db import models
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.html import format_html, format_html_join

from conventions.models import (
    Amendment,
    Article,
    CafExport,
    Convention,
    ConventionImport,
    ConventionTemplate,
    ConventionVersion,
    Deliberation,
    Party,
    PartyRole,
    Signature,
    SteeringInstance,
    TemplateArticle,
    Theme,
)
from partners.admin import (
    NEWEST_FIRST,
    EstimatedCountPaginator,
    HistoryAdmin,
    LabelledFieldsMixin,
    PlainMarkupMixin,
    change_links,
)

SMALL_TEXTAREA = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 40})}}


@admin.register(Theme)
class ThemeAdmin(LabelledFieldsMixin, HistoryAdmin):
    list_display = ["name", "code", "position"]
    list_editable = ["position"]
    search_fields = ["name", "code"]
    prepopulated_fields = {"code": ["name"]}


def article_list(articles, url_name, add_url):
    """The articles (a queryset) as links to their own change pages, where their text is
    changed, and a link to add one: the owner's page drew every article's text in full in
    an inline (160 to 420 KB, 120 to 270 ms of processor time)."""
    items = format_html_join(
        "",
        '<li><a href="{}">Article {} – {}</a>{}</li>',
        (
            (
                reverse(url_name, args=[pk]),
                number,
                title,
                " (compétences de chaque collectivité)" if party_blocks else "",
            )
            for pk, number, title, party_blocks in articles.order_by("number").values_list(
                "pk", "number", "title", "has_party_blocks"
            )
        ),
    )
    listed = format_html("<ul>{}</ul>", items) if items else "Aucun article."
    return format_html('{}<p><a href="{}">Ajouter un article</a></p>', listed, add_url)


class ArticleFields:
    """The change page of one article: its text in full."""

    fields = ["number", "title", "body", "has_party_blocks"]
    list_display = ["__str__", "owner", "has_party_blocks"]
    ordering = NEWEST_FIRST


@admin.register(TemplateArticle)
class TemplateArticleAdmin(ArticleFields, HistoryAdmin):
    fields = ["template", *ArticleFields.fields]
    list_select_related = ["template"]
    search_fields = ["title", "template__name"]
    autocomplete_fields = ["template"]

    @admin.display(description="modèle", ordering="template__name")
    def owner(self, obj):
        return obj.template


@admin.register(ConventionTemplate)
class ConventionTemplateAdmin(HistoryAdmin):
    list_display = ["name", "caf", "is_active"]
    list_filter = ["is_active", ("caf", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["caf"]
    search_fields = ["name", "caf__name"]
    autocomplete_fields = ["caf", "created_from"]
    readonly_fields = ["article_links"]

    @admin.display(description="articles")
    def article_links(self, obj):
        if obj.pk is None:
            return "Les articles s'ajoutent une fois le modèle enregistré."
        return article_list(
            obj.articles.all(),
            "admin:conventions_templatearticle_change",
            reverse("admin:conventions_templatearticle_add") + f"?template={obj.pk}",
        )


class PartyForm(forms.ModelForm):
    class Meta:
        model = Party
        fields = [
            "convention",
            "organisation",
            "role",
            "position",
            "short_name",
            "competences",
            "signatories",
            "requires_deliberation",
        ]

    def clean(self):
        cleaned_data = super().clean()
        organisation = cleaned_data.get("organisation")
        signatories = cleaned_data.get("signatories")
        if organisation is not None and signatories:
            Party(organisation=organisation).validate_signatories(signatories)
        return cleaned_data


@admin.register(Article)
class ArticleAdmin(ArticleFields, HistoryAdmin):
    fields = ["convention", *ArticleFields.fields]
    list_select_related = ["convention"]
    search_fields = ["title", "convention__title", "convention__reference"]
    autocomplete_fields = ["convention"]

    @admin.display(description="convention", ordering="convention__title")
    def owner(self, obj):
        return obj.convention


@admin.register(SteeringInstance)
class SteeringInstanceAdmin(HistoryAdmin):
    """Each steering body on its own page, linked from its convention's page."""

    ordering = NEWEST_FIRST
    list_display = ["name", "convention", "periodicity"]
    list_select_related = ["convention"]
    search_fields = ["name", "convention__title", "convention__reference"]
    fields = ["convention", "position", "name", "missions", "composition", "periodicity"]
    autocomplete_fields = ["convention"]
    formfield_overrides = SMALL_TEXTAREA


LIFECYCLE_FIELDS = [
    "state",
    "frozen_at",
    "signing_started_at",
    "signed_on",
    "termination_mode",
    "termination_notice_on",
    "terminated_on",
    "termination_reason",
]


@admin.register(Convention)
class ConventionAdmin(HistoryAdmin):
    list_display = [
        "title",
        "reference",
        "caf",
        "territory_name",
        "start_date",
        "end_date",
        "state",
        "situation",
    ]
    list_filter = ["state", ("caf", admin.RelatedOnlyFieldListFilter), "themes"]
    list_select_related = ["caf"]
    search_fields = ["title", "reference", "territory_name"]
    date_hierarchy = "start_date"
    # About 1,300 conventions nationally: counted at once, without first asking PostgreSQL's
    # statistics whether the table is big.
    paginator = Paginator
    autocomplete_fields = ["caf", "lead_authority", "template", "predecessor", "equipment"]
    filter_horizontal = ["themes"]
    change_select_related = ["lead_authority", "template", "predecessor", "created_by"]
    prepopulated_fields = {"reference": ["title"]}
    readonly_fields = [
        *LIFECYCLE_FIELDS,
        "created_at",
        "created_by",
        "party_links",
        "article_links",
        "steering_links",
        "version_links",
    ]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title",
                    "reference",
                    "caf",
                    "lead_authority",
                    "territory_name",
                    ("start_date", "end_date"),
                    "template",
                    "predecessor",
                    "themes",
                ]
            },
        ),
        (
            "Texte et annexes",
            {
                "classes": ["collapse"],
                "fields": [
                    "visas",
                    "preamble",
                    "diagnostic_summary",
                    "evaluation_text",
                    "equipment",
                ],
            },
        ),
        (
            "Parties",
            {
                "description": "Chaque partie (organisation, rôle, signataires) se modifie sur "
                "sa propre page.",
                "fields": ["party_links"],
            },
        ),
        (
            "Articles",
            {
                "description": "Le texte de chaque article se modifie sur sa propre page.",
                "fields": ["article_links"],
            },
        ),
        (
            "Instances de pilotage",
            {
                "description": "Chaque instance se modifie sur sa propre page.",
                "fields": ["steering_links"],
            },
        ),
        (
            "Signature et secret statistique",
            {
                "fields": [
                    "signing_place",
                    "originals_count",
                    "statistical_secrecy",
                    "secrecy_min_recipients",
                    "secrecy_min_value",
                ]
            },
        ),
        (
            "Cycle de vie",
            {
                "description": "Les changements d'état se font dans l'application, qui "
                "vérifie chaque étape (délibérations, signatures).",
                "fields": [*LIFECYCLE_FIELDS, "created_at", "created_by"],
            },
        ),
        (
            "Versions figées",
            {
                "description": "Les textes figés, sur lesquels les conseils ont délibéré, se "
                "lisent sur leur propre page.",
                "fields": ["version_links"],
            },
        ),
    ]

    @admin.display(description="situation")
    def situation(self, obj):
        return obj.status_label()

    @admin.display(description="parties")
    def party_links(self, obj):
        """The parties as links to their own pages: drawn as an inline, even with their
        organisation read-only, a convention of 47 parties took 190 ms of processor time."""
        if obj.pk is None:
            return "Les parties s'ajoutent une fois la convention enregistrée."
        parties = obj.parties.order_by("position", "pk").values_list(
            "pk", "position", "organisation__name", "role", "short_name"
        )
        items = format_html_join(
            "",
            '<li><a href="{}">{} – {}</a>{}</li>',
            (
                (
                    reverse("admin:conventions_party_change", args=[pk]),
                    name,
                    PartyRole(role).label,
                    f" ({short_name})" if short_name else "",
                )
                for pk, _, name, role, short_name in parties
            ),
        )
        listed = format_html("<ol>{}</ol>", items) if items else "Aucune partie."
        add_url = reverse("admin:conventions_party_add") + f"?convention={obj.pk}"
        return format_html('{}<p><a href="{}">Ajouter une partie</a></p>', listed, add_url)

    @admin.display(description="articles")
    def article_links(self, obj):
        if obj.pk is None:
            return "Les articles s'ajoutent une fois la convention enregistrée."
        return article_list(
            obj.articles.all(),
            "admin:conventions_article_change",
            reverse("admin:conventions_article_add") + f"?convention={obj.pk}",
        )

    @admin.display(description="instances de pilotage")
    def steering_links(self, obj):
        if obj.pk is None:
            return "Les instances de pilotage s'ajoutent une fois la convention enregistrée."
        return change_links(
            obj.steering_instances.order_by("position", "pk").values_list("pk", "name"),
            "admin:conventions_steeringinstance_change",
            reverse("admin:conventions_steeringinstance_add") + f"?convention={obj.pk}",
            "Ajouter une instance de pilotage",
            "Aucune instance de pilotage.",
            tag="ol",
        )

    @admin.display(description="versions figées")
    def version_links(self, obj):
        """Read-only, the versions need no form: drawn as an inline, they took a formset."""
        versions = (
            obj.versions.order_by("number").values_list(
                "pk", "number", "frozen_at", "frozen_by__username", "content_hash"
            )
            if obj.pk
            else []
        )
        items = format_html_join(
            "",
            '<li><a href="{}">Version {}</a> – figée le {} par {} (empreinte {}…)</li>',
            (
                (
                    reverse("admin:conventions_conventionversion_change", args=[pk]),
                    number,
                    formats.localize(timezone.localtime(frozen_at)) if frozen_at else "—",
                    frozen_by or "—",
                    content_hash[:12],
                )
                for pk, number, frozen_at, frozen_by, content_hash in versions
            ),
        )
        return format_html("<ol>{}</ol>", items) if items else "Aucune version figée."

    def save_model(self, request, obj, form, change):
        if not change and obj.created_by_id is None:
            obj.created_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Party)
class PartyAdmin(HistoryAdmin):
    ordering = NEWEST_FIRST
    list_display = ["organisation", "convention", "role", "position", "requires_deliberation"]
    list_filter = ["role", "requires_deliberation"]
    list_select_related = ["organisation", "convention"]
    search_fields = ["organisation__name", "convention__title", "convention__reference"]
    autocomplete_fields = ["convention", "organisation", "signatories"]
    form = PartyForm

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.list_select_related)


@admin.register(Deliberation)
class DeliberationAdmin(HistoryAdmin):
    ordering = NEWEST_FIRST
    list_display = ["party", "convention", "session_date", "act_number", "outcome", "votes"]
    list_filter = ["body", "outcome"]
    list_select_related = ["party__organisation", "party__convention"]
    search_fields = [
        "act_number",
        "subject",
        "actes_id",
        "party__organisation__name",
        "party__convention__title",
    ]
    date_hierarchy = "session_date"
    autocomplete_fields = ["party", "version", "amendment"]
    readonly_fields = ["recorded_at"]

    @admin.display(description="convention", ordering="party__convention__title")
    def convention(self, obj):
        return obj.party.convention

    @admin.display(description="votes")
    def votes(self, obj):
        return obj.votes_label


@admin.register(Signature)
class SignatureAdmin(HistoryAdmin):
    ordering = NEWEST_FIRST
    list_display = ["representative", "party", "amendment", "signed_on", "recorded_by"]
    list_select_related = [
        "representative__organisation",
        "party__organisation",
        "amendment__convention",
        "recorded_by",
    ]
    search_fields = [
        "representative__last_name",
        "party__organisation__name",
        "party__convention__title",
    ]
    date_hierarchy = "signed_on"
    autocomplete_fields = ["party", "representative", "amendment"]
    readonly_fields = ["recorded_by"]

    def save_model(self, request, obj, form, change):
        if not change and obj.recorded_by_id is None:
            obj.recorded_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Amendment)
class AmendmentAdmin(HistoryAdmin):
    list_display = ["__str__", "subject", "state", "effective_date", "signed_on"]
    list_filter = ["state"]
    list_select_related = ["convention"]
    search_fields = ["subject", "convention__title", "convention__reference"]
    autocomplete_fields = ["convention"]
    readonly_fields = ["state", "frozen_at", "content_hash", "signed_on", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("convention")


@admin.register(ConventionVersion)
class ConventionVersionAdmin(admin.ModelAdmin):
    """Frozen versions are evidence: they can be read, never added, changed or deleted."""

    list_display = ["convention", "number", "frozen_at", "frozen_by", "short_hash"]
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50
    ordering = NEWEST_FIRST
    list_select_related = ["convention", "frozen_by"]
    search_fields = ["convention__title", "convention__reference", "content_hash"]
    date_hierarchy = "frozen_at"
    fields = ["convention", "number", "frozen_at", "frozen_by", "content_hash", "pretty_content"]
    readonly_fields = fields

    @admin.display(description="empreinte")
    def short_hash(self, obj):
        return f"{obj.content_hash[:12]}…"

    @admin.display(description="contenu figé")
    def pretty_content(self, obj):
        text = json.dumps(obj.content, ensure_ascii=False, indent=2)
        return format_html('<pre style="white-space: pre-wrap">{}</pre>', text)

    def get_queryset(self, request):
        queryset = super().get_queryset(request).select_related(*self.list_select_related)
        if request.resolver_match and request.resolver_match.url_name.endswith("_changelist"):
            # The list shows no content: 50 KB of JSON a version, 100 versions a page.
            queryset = queryset.defer("content")
        return queryset

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ConventionImport)
class ConventionImportAdmin(HistoryAdmin):
    """Uploaded documents are kept as sources: read here, changed only through the application."""

    list_display = ["filename", "caf", "state", "uploaded_at", "uploaded_by", "convention"]
    list_filter = ["state"]
    list_select_related = ["caf", "uploaded_by", "convention"]
    search_fields = ["filename", "convention__title"]
    date_hierarchy = "uploaded_at"
    readonly_fields = [
        "caf",
        "file",
        "filename",
        "file_sha256",
        "state",
        "convention",
        "uploaded_at",
        "uploaded_by",
        "confirmed_at",
        "confirmed_by",
        "data",
    ]

    def has_add_permission(self, request):
        return False


@admin.register(CafExport)
class CafExportAdmin(PlainMarkupMixin, admin.ModelAdmin):
    """Caf-wide exports written in the background: shown to follow the queue, never
    changed here (the sweep deletes them after CAF_EXPORT_KEEP_DAYS days)."""

    list_display = ["__str__", "requested_by", "state", "created_at", "seconds", "row_count"]
    list_filter = ["state", "kind", "format"]
    list_select_related = ["requested_by"]
    search_fields = ["requested_by__username", "scope"]
    date_hierarchy = "created_at"
    ordering = NEWEST_FIRST

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False
