"""Tokens in the admin site: an administrator creates one for a service account (its
secret shown once, in a message), and revokes any."""

from django.contrib import admin, messages
from django.utils import timezone

from api.models import ApiToken
from partners.admin import PlainMarkupMixin


@admin.register(ApiToken)
class ApiTokenAdmin(PlainMarkupMixin, admin.ModelAdmin):
    list_display = [
        "name",
        "user",
        "display_prefix",
        "created_at",
        "expires_on",
        "last_used_at",
        "revoked_at",
    ]
    list_filter = ["revoked_at", "expires_on"]
    list_select_related = ["user"]
    search_fields = ["name", "prefix", "user__username"]
    autocomplete_fields = ["user"]
    actions = ["revoke"]
    fields = [
        "user",
        "name",
        "expires_on",
        "display_prefix",
        "created_at",
        "last_used_at",
        "revoked_at",
    ]
    readonly_fields = ["display_prefix", "created_at", "last_used_at", "revoked_at"]

    @admin.display(description="préfixe")
    def display_prefix(self, token):
        return f"{token.display_prefix}…" if token.prefix else "–"

    def get_readonly_fields(self, request, obj=None):
        # A token's owner never changes: a new owner needs a new token.
        return [*self.readonly_fields, "user"] if obj else self.readonly_fields

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
            return
        token, clear = ApiToken.objects.issue(obj.user, obj.name, obj.expires_on)
        obj.pk, obj.prefix, obj.created_at = token.pk, token.prefix, token.created_at
        obj._state.adding = False
        messages.warning(
            request,
            f"Jeton créé pour {token.user} : {clear} — copiez-le maintenant, il ne sera plus "
            "jamais affiché.",
        )

    @admin.action(description="Révoquer les jetons choisis")
    def revoke(self, request, queryset):
        count = queryset.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())
        self.message_user(request, f"{count} jeton(s) révoqué(s).", messages.SUCCESS)
