"""Admin site of the webhooks: endpoints per Caf, and every delivery and attempt, read-only.

Deliveries and their attempts are the record of what was sent and answered: they
can be read and sent again, never changed.
"""

import json

from django import forms
from django.contrib import admin, messages
from django.utils.html import format_html

from partners.admin import EstimatedCountPaginator, HistoryAdmin, PlainMarkupMixin

from . import delivery as delivery_service
from .events import send_test_event
from .models import SUBSCRIBABLE_EVENTS, Attempt, Delivery, Endpoint, Event


class EndpointForm(forms.ModelForm):
    url = forms.URLField(label="Adresse de réception", max_length=500, assume_scheme="https")
    events = forms.MultipleChoiceField(
        label="Événements",
        choices=SUBSCRIBABLE_EVENTS,
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Les événements envoyés à cette adresse.",
    )

    class Meta:
        model = Endpoint
        fields = ["caf", "name", "url", "events", "is_active"]


def _pretty_json(value):
    text = json.dumps(value, ensure_ascii=False, indent=2)
    return format_html('<pre style="white-space: pre-wrap">{}</pre>', text)


class ReadOnlyMixin:
    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Endpoint)
class EndpointAdmin(HistoryAdmin):
    form = EndpointForm
    list_display = ["name", "caf", "url", "event_list", "is_active", "created_at"]
    list_filter = ["is_active", ("caf", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["caf"]
    search_fields = ["name", "url", "caf__name"]
    autocomplete_fields = ["caf"]
    actions = ["send_test", "regenerate_secret"]

    def get_fields(self, request, obj=None):
        # The secret is drawn when the endpoint is saved: shown from then on.
        fields = ["caf", "name", "url", "events", "is_active"]
        return fields + ["secret", "created_at"] if obj else fields

    def get_readonly_fields(self, request, obj=None):
        return ["secret", "created_at"] if obj else []

    @admin.display(description="événements")
    def event_list(self, obj):
        return ", ".join(obj.event_labels) or "aucun"

    @admin.action(description="Envoyer un événement de test")
    def send_test(self, request, queryset):
        for endpoint in queryset.select_related("caf"):
            send_test_event(endpoint)
        self.message_user(
            request,
            f"Événement de test mis en file pour {queryset.count()} point(s) de réception ; "
            "le résultat apparaît dans « Envois ».",
            messages.SUCCESS,
        )

    @admin.action(description="Régénérer le secret de signature")
    def regenerate_secret(self, request, queryset):
        for endpoint in queryset:
            endpoint.secret = Endpoint._meta.get_field("secret").get_default()
            endpoint.save(update_fields=["secret"])
        self.message_user(
            request,
            "Nouveau secret enregistré : communiquez-le au système qui reçoit, l'ancien ne "
            "vérifie plus les envois.",
            messages.WARNING,
        )


class AttemptInline(ReadOnlyMixin, admin.TabularInline):
    model = Attempt
    fields = ["number", "started_at", "duration_ms", "status_code", "error", "response_body"]
    readonly_fields = fields
    extra = 0
    can_delete = False


class DeliveryInline(ReadOnlyMixin, admin.TabularInline):
    model = Delivery
    fields = ["endpoint", "state", "attempts", "last_status_code", "delivered_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True


@admin.register(Event)
class EventAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["occurred_at", "event_type", "caf", "id"]
    list_filter = ["event_type", ("caf", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["caf"]
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    date_hierarchy = "occurred_at"
    search_fields = ["=id"]
    fields = ["id", "event_type", "caf", "occurred_at", "pretty_payload"]
    readonly_fields = fields
    inlines = [DeliveryInline]

    @admin.display(description="contenu envoyé")
    def pretty_payload(self, obj):
        return _pretty_json(obj.payload)


@admin.register(Delivery)
class DeliveryAdmin(ReadOnlyMixin, PlainMarkupMixin, admin.ModelAdmin):
    list_display = [
        "created_at",
        "event_type",
        "caf",
        "endpoint_name",
        "state",
        "attempts",
        "last_status_code",
        "next_attempt_at",
    ]
    list_filter = [
        "state",
        "event__event_type",
        ("endpoint__caf", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = ["event", "endpoint__caf"]
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    date_hierarchy = "created_at"
    search_fields = ["=id", "=event__id", "endpoint__name", "endpoint__url"]
    fields = [
        "id",
        "event",
        "endpoint",
        "state",
        "attempts",
        "next_attempt_at",
        "last_status_code",
        "last_error",
        "last_response",
        "created_at",
        "delivered_at",
        "pretty_payload",
    ]
    readonly_fields = fields
    inlines = [AttemptInline]
    actions = ["retry_now"]

    @admin.display(description="événement", ordering="event__event_type")
    def event_type(self, obj):
        return obj.event.get_event_type_display()

    @admin.display(description="Caf", ordering="endpoint__caf__name")
    def caf(self, obj):
        return obj.endpoint.caf

    @admin.display(description="point de réception", ordering="endpoint__name")
    def endpoint_name(self, obj):
        return obj.endpoint.name

    @admin.display(description="contenu envoyé")
    def pretty_payload(self, obj):
        return _pretty_json(obj.event.payload)

    @admin.action(description="Envoyer à nouveau maintenant")
    def retry_now(self, request, queryset):
        count = delivery_service.retry_now(queryset)
        self.message_user(
            request, f"{count} envoi(s) mis en file ; les envois déjà remis sont ignorés."
        )


@admin.register(Attempt)
class AttemptAdmin(ReadOnlyMixin, admin.ModelAdmin):
    list_display = ["started_at", "delivery", "number", "status_code", "duration_ms", "error"]
    list_filter = ["delivery__state", "delivery__event__event_type"]
    list_select_related = ["delivery__event", "delivery__endpoint"]
    paginator = EstimatedCountPaginator
    show_full_result_count = False
    date_hierarchy = "started_at"
    fields = [
        "delivery",
        "number",
        "started_at",
        "duration_ms",
        "status_code",
        "error",
        "response_body",
    ]
    readonly_fields = fields
