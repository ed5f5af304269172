"""Admin site for action plans and their follow-up: axes, action sheets, indicators, meetings."""

import datetime

from django import forms
from django.contrib import admin
from django.db import models
from django.db.models import Max, Min
from django.urls import reverse
from django.utils import formats

from actionplan.models import (
    ActionSheet,
    Axis,
    FollowUp,
    FollowUpNotice,
    Funding,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Meeting,
    Objective,
    Review,
    TrackingImport,
)
from conventions.models import Convention
from partners.admin import NEWEST_FIRST, HistoryAdmin, LabelledTabularInline, change_links

SMALL_TEXTAREA = {models.TextField: {"widget": forms.Textarea(attrs={"rows": 3, "cols": 40})}}


class YearFilter(admin.SimpleListFilter):
    """The years of the conventions' periods, without reading every row for its year
    (the default filter runs SELECT DISTINCT over the whole table)."""

    title = "année"
    parameter_name = "year"

    def lookups(self, request, model_admin):
        span = Convention.objects.aggregate(first=Min("start_date"), last=Max("end_date"))
        first = span["first"] or datetime.date.today()
        last = span["last"] or first
        return [(str(year), str(year)) for year in range(first.year, last.year + 1)]

    def queryset(self, request, queryset):
        if self.value() is None:
            return queryset
        return queryset.filter(year=self.value())


class ObjectiveInline(LabelledTabularInline):
    model = Objective
    fields = ["number", "title", "description"]
    formfield_overrides = SMALL_TEXTAREA
    extra = 0


@admin.register(Axis)
class AxisAdmin(HistoryAdmin):
    ordering = NEWEST_FIRST
    list_display = ["__str__", "convention"]
    list_select_related = ["convention"]
    search_fields = ["title", "convention__title", "convention__reference"]
    autocomplete_fields = ["convention"]
    inlines = [ObjectiveInline]


@admin.register(Objective)
class ObjectiveAdmin(HistoryAdmin):
    """Registered so that action sheets can pick their objective by searching."""

    ordering = NEWEST_FIRST
    list_display = ["__str__", "axis", "convention"]
    list_select_related = ["axis__convention"]
    search_fields = ["title", "axis__title", "axis__convention__title"]
    autocomplete_fields = ["axis"]

    @admin.display(description="convention", ordering="axis__convention__title")
    def convention(self, obj):
        return obj.axis.convention

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.list_select_related)


@admin.register(Funding)
class FundingAdmin(HistoryAdmin):
    """Each funder's means on its own page, linked from its action sheet's page."""

    ordering = NEWEST_FIRST
    list_display = ["__str__", "amount"]
    list_select_related = ["funder", "action_sheet"]
    search_fields = ["funder__name", "funder_name", "action_sheet__title"]
    fields = ["action_sheet", "funder", "funder_name", "amount", "human_means", "comment"]
    autocomplete_fields = ["action_sheet", "funder"]
    formfield_overrides = SMALL_TEXTAREA


@admin.register(ActionSheet)
class ActionSheetAdmin(HistoryAdmin):
    ordering = NEWEST_FIRST
    list_display = ["__str__", "convention", "axis", "pilot_party", "deadline_label"]
    list_filter = ["themes", "deadline_whole_period"]
    list_select_related = ["convention", "axis", "pilot_party__organisation"]
    search_fields = ["title", "convention__title", "convention__reference"]
    autocomplete_fields = [
        "convention",
        "axis",
        "objective",
        "pilot_party",
        "partner_parties",
        "communes",
    ]
    filter_horizontal = ["themes"]
    change_select_related = ["convention", "axis", "objective__axis", "pilot_party__organisation"]
    readonly_fields = ["indicator_links", "funding_links"]
    fieldsets = [
        (None, {"fields": ["convention", "axis", "objective", "number", "title", "themes"]}),
        (
            "Contenu de la fiche",
            {
                "fields": [
                    "initial_diagnostic",
                    "target_public",
                    "operational_objectives",
                    "implementation",
                    "expected_results",
                    "human_means",
                ]
            },
        ),
        (
            "Pilotage, partenaires et territoire",
            {
                "fields": [
                    ("deadline", "deadline_whole_period"),
                    "pilot_party",
                    "pilot_services",
                    "partner_parties",
                    "other_partners",
                    "communes",
                    "territory",
                ]
            },
        ),
        (
            "Indicateurs",
            {
                "description": "Chaque indicateur et ses cibles se modifient sur sa propre page.",
                "fields": ["indicator_links"],
            },
        ),
        (
            "Moyens mobilisés",
            {
                "description": "Les moyens de chaque financeur se modifient sur leur propre page.",
                "fields": ["funding_links"],
            },
        ),
    ]

    @admin.display(description="échéance")
    def deadline_label(self, obj):
        return obj.deadline_label

    @admin.display(description="indicateurs")
    def indicator_links(self, obj):
        if obj.pk is None:
            return "Les indicateurs s'ajoutent une fois la fiche enregistrée."
        return change_links(
            obj.indicators.order_by("position", "pk").values_list("pk", "label"),
            "admin:actionplan_indicator_change",
            reverse("admin:actionplan_indicator_add") + f"?action_sheet={obj.pk}",
            "Ajouter un indicateur",
            "Aucun indicateur.",
            tag="ol",
        )

    @admin.display(description="moyens mobilisés")
    def funding_links(self, obj):
        if obj.pk is None:
            return "Les moyens s'ajoutent une fois la fiche enregistrée."
        fundings = obj.fundings.order_by("pk").values_list(
            "pk", "funder__name", "funder_name", "amount"
        )
        return change_links(
            (
                (
                    pk,
                    f"{funder or name or '—'} – {formats.localize(amount)} €"
                    if amount is not None
                    else funder or name or "—",
                )
                for pk, funder, name, amount in fundings
            ),
            "admin:actionplan_funding_change",
            reverse("admin:actionplan_funding_add") + f"?action_sheet={obj.pk}",
            "Ajouter un moyen mobilisé",
            "Aucun moyen mobilisé.",
        )


class IndicatorTargetInline(LabelledTabularInline):
    model = IndicatorTarget
    fields = ["date", "value", "text"]
    formfield_overrides = SMALL_TEXTAREA
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(HistoryAdmin):
    ordering = NEWEST_FIRST
    list_display = ["label", "action_sheet", "kind", "unit", "periodicity"]
    list_filter = ["kind", "periodicity"]
    list_select_related = ["action_sheet"]
    search_fields = ["label", "action_sheet__title", "action_sheet__convention__title"]
    autocomplete_fields = ["action_sheet"]
    inlines = [IndicatorTargetInline]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(HistoryAdmin):
    ordering = NEWEST_FIRST
    list_display = ["indicator", "year", "quarter", "value", "follow_up"]
    list_filter = [YearFilter, "quarter"]
    list_select_related = ["indicator", "follow_up__action_sheet"]
    search_fields = ["indicator__label", "indicator__action_sheet__title"]
    autocomplete_fields = ["indicator", "follow_up"]


@admin.register(FollowUp)
class FollowUpAdmin(HistoryAdmin):
    ordering = NEWEST_FIRST
    list_display = ["action_sheet", "period_label", "status", "progress", "state"]
    list_filter = ["state", "status", YearFilter, "quarter"]
    list_select_related = ["action_sheet"]
    search_fields = ["action_sheet__title", "action_sheet__convention__title"]
    autocomplete_fields = ["action_sheet"]
    readonly_fields = ["submitted_at", "submitted_by", "validated_at", "validated_by", "revision"]

    @admin.display(description="trimestre", ordering="year")
    def period_label(self, obj):
        return obj.period_label

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("action_sheet")


@admin.register(Meeting)
class MeetingAdmin(HistoryAdmin):
    ordering = NEWEST_FIRST
    list_display = ["__str__", "convention", "title"]
    list_filter = ["kind"]
    list_select_related = ["convention"]
    search_fields = ["title", "convention__title", "decisions"]
    date_hierarchy = "date"
    autocomplete_fields = ["convention"]


@admin.register(Review)
class ReviewAdmin(HistoryAdmin):
    ordering = NEWEST_FIRST
    list_display = ["__str__", "convention", "meeting", "leads_to_amendment"]
    list_filter = ["kind"]
    list_select_related = ["convention", "meeting", "leads_to_amendment__convention"]
    search_fields = ["summary", "convention__title"]
    date_hierarchy = "date"
    autocomplete_fields = ["convention", "meeting", "leads_to_amendment", "follow_ups"]


@admin.register(FollowUpNotice)
class FollowUpNoticeAdmin(HistoryAdmin):
    """What the follow-up e-mail tasks sent: read only, the record that prevents resending."""

    list_display = ["sent_at", "kind", "convention", "period_label", "recipient", "email"]
    list_filter = ["kind", "year", "quarter"]
    list_select_related = ["convention", "recipient"]
    search_fields = ["convention__title", "recipient__username", "email"]
    date_hierarchy = "sent_at"

    @admin.display(description="trimestre", ordering="year")
    def period_label(self, obj):
        return f"T{obj.quarter} {obj.year}"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(TrackingImport)
class TrackingImportAdmin(HistoryAdmin):
    """Imported tracking tables, kept with their preview: read here, applied in the application."""

    list_display = ["filename", "convention", "mode", "year", "quarter", "created_at", "applied_at"]
    list_filter = ["mode"]
    list_select_related = ["convention"]
    search_fields = ["filename", "convention__title"]
    date_hierarchy = "created_at"
    readonly_fields = [
        "convention",
        "mode",
        "year",
        "quarter",
        "file",
        "filename",
        "file_sha256",
        "uploaded_by",
        "created_at",
        "applied_at",
        "summary",
    ]

    def has_add_permission(self, request):
        return False
