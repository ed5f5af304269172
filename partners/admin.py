"""Admin site for the reference data: départements, organisations, representatives, users.

The Organisation table holds every French commune (about 35,000 rows), so its
changelist joins what it displays (list_select_related), skips the second
unfiltered count (show_full_result_count) and searches SIREN and INSEE codes
by exact match, which uses their unique indexes.
"""

import datetime
import html
import re

from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.contrib.admin.widgets import FilteredSelectMultiple
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.paginator import Paginator
from django.db import connections, models
from django.forms.models import BaseInlineFormSet
from django.forms.utils import flatatt
from django.template import loader
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from partners.models import (
    Department,
    Equipment,
    EquipmentType,
    Organisation,
    OrganisationKind,
    Representative,
    User,
)


class FrenchRecordContextHelper(HistoricalRecordContextHelper):
    """Shows changed values as people read them: « Oui », labels of choices, French dates."""

    def prepare_delta_change_value(self, change, value):
        field = self.model._meta.get_field(change.field)
        if isinstance(field, models.ManyToManyField):
            return super().prepare_delta_change_value(change, value)
        if value is None or value == "":
            return "—"
        if isinstance(value, bool):
            return "Oui" if value else "Non"
        if field.choices:
            return dict(field.flatchoices).get(value, value)
        if isinstance(value, datetime.datetime):
            return formats.localize(timezone.localtime(value))
        if isinstance(value, datetime.date | int | float) or hasattr(value, "as_tuple"):
            return formats.localize(value)
        return value


def french_history_list_template():
    """django-simple-history's change list, with the one header its French catalogue lacks."""
    template = loader.get_template(SimpleHistoryAdmin.object_history_list_template)
    source = template.template.source.replace("{% trans 'Changes' %}", "Modifications")
    return template.backend.from_string(source)


# The biggest tables (800,000 follow-ups, their values, 45,000 action sheets, their
# parties and signatures) are listed newest first: the primary key's index serves the
# page, where the models' own ordering sorts every row by a related table's columns
# (a convention's dates and title).
NEWEST_FIRST = ["-pk"]


class EstimatedCountPaginator(Paginator):
    """Counts an unfiltered list of a big PostgreSQL table from the planner's statistics.

    COUNT(*) reads every row: 50 to 100 ms for the 800,000 follow-ups of the national data
    set, on every page of their list. Unfiltered, the table's row count as the planner
    knows it (pg_class.reltuples, kept by autovacuum's ANALYZE) is as good for paging; a
    filtered or searched list, a small table or one never analysed is counted exactly.
    The last page of an estimate a little too high is empty, never an error."""

    EXACT_BELOW = 20_000

    @cached_property
    def count(self):
        return self._estimate() or super().count

    def _estimate(self):
        queryset = self.object_list
        connection = connections[queryset.db]
        query = queryset.query
        if connection.vendor != "postgresql" or query.where or query.distinct:
            return None
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT reltuples::bigint FROM pg_class WHERE oid = %s::regclass",
                [connection.ops.quote_name(queryset.model._meta.db_table)],
            )
            row = cursor.fetchone()
        estimate = row[0] if row else -1
        return estimate if estimate >= self.EXACT_BELOW else None


def _text(value):
    """conditional_escape without its check for lazy strings: a tenth of the time."""
    return value.__html__() if hasattr(value, "__html__") else html.escape(str(value))


class PlainFilteredSelectMultiple(FilteredSelectMultiple):
    """filter_horizontal's double list, its options written here: drawn by two templates
    each, the 356 permissions of a user's page took a third of the page's time."""

    def render(self, name, value, attrs=None, renderer=None):
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [f'<select name="{_text(widget["name"])}"{flatatt(widget["attrs"])}>']
        for group_name, options, _ in widget["optgroups"]:
            if group_name:
                parts.append(f'\n  <optgroup label="{_text(group_name)}">')
            parts.extend(
                f'\n  <option value="{_text(option["value"])}"'
                f"{' selected' if option['selected'] else ''}>{_text(option['label'])}</option>"
                for option in options
            )
            if group_name:
                parts.append("\n  </optgroup>")
        parts.append("\n</select>")
        return mark_safe("".join(parts))


class PlainMarkupMixin:
    """What the admin draws once per row or per option, written here instead of through a
    widget's templates: the checkbox of each row of a list (a fifth of a list's time) and
    the options of filter_horizontal's double lists."""

    def action_checkbox(self, obj):
        label = gettext("Select this object for an action - {}").format(_text(obj))
        return mark_safe(
            f'<input type="checkbox" name="{ACTION_CHECKBOX_NAME}" value="{_text(obj.pk)}" '
            f'class="action-select" aria-label="{label}">'
        )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        filtered = [*self.filter_horizontal, *self.filter_vertical]
        if "widget" not in kwargs and db_field.name in filtered:
            kwargs["widget"] = PlainFilteredSelectMultiple(
                db_field.verbose_name, db_field.name in self.filter_vertical
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)


class HistoryAdmin(PlainMarkupMixin, SimpleHistoryAdmin):
    """SimpleHistoryAdmin whose history page is entirely in French; its lists are paged
    without counting the biggest tables' rows (EstimatedCountPaginator) and without a
    second count of the whole table when filtered, 50 rows a page (drawing 100 rows of
    a list took most of its time)."""

    paginator = EstimatedCountPaginator
    show_full_result_count = False
    list_per_page = 50

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["queryset"] = self._searched_rows(db_field, request)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if "queryset" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["queryset"] = self._searched_rows(db_field, request)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def _searched_rows(self, db_field, request):
        """The rows a search picker offers, as their own admin lists them: joined to what
        their names show (a party's organisation, an objective's axis), so that the chosen
        ones are named without one query each."""
        model_admin = self.admin_site.get_model_admin(db_field.remote_field.model)
        return model_admin.get_queryset(request)

    def get_historical_record_context_helper(self, request, historical_record):
        return FrenchRecordContextHelper(self.model, historical_record)

    def set_history_delta_changes(self, request, historical_records, *args, **kwargs):
        super().set_history_delta_changes(request, historical_records, *args, **kwargs)
        for record in historical_records:
            # An empty reason would otherwise print as "None".
            record.history_change_reason = record.history_change_reason or ""

    def history_view(self, request, object_id, extra_context=None):
        extra_context = {
            "object_history_list_template": french_history_list_template(),
            **(extra_context or {}),
        }
        return super().history_view(request, object_id, extra_context)


PERMISSION_ACTIONS = {
    "add": "ajouter",
    "change": "modifier",
    "delete": "supprimer",
    "view": "consulter",
}


def french_permission_label(permission):
    """ "Conventions | Peut modifier : convention" instead of "Can change convention"."""
    model = permission.content_type.model_class()
    action = permission.codename.partition("_")[0]
    if model is None or action not in PERMISSION_ACTIONS:
        return str(permission)
    original = getattr(model, "instance_type", None)  # simple_history's historical models
    subject = (
        f"historique de {original._meta.verbose_name}" if original else model._meta.verbose_name
    )
    app = model._meta.app_config.verbose_name
    return f"{app} | Peut {PERMISSION_ACTIONS[action]} : {subject}"


class FrenchPermissionsMixin:
    permission_fields = ()

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        formfield = super().formfield_for_manytomany(db_field, request=request, **kwargs)
        if db_field.name in self.permission_fields:
            formfield.label_from_instance = french_permission_label
        return formfield


admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(FrenchPermissionsMixin, PlainMarkupMixin, BaseGroupAdmin):
    permission_fields = ("permissions",)


class LabelledFieldsMixin:
    """Names each input after its field. A tabular inline or an editable list column
    shows the name only in the column heading, which assistive technologies do not tie
    to the input of each row."""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        if formfield is not None:
            formfield.widget.attrs.setdefault("aria-label", str(formfield.label))
        return formfield


class LabelledInlineFormSet(BaseInlineFormSet):
    def _construct_form(self, i, **kwargs):
        form = super()._construct_form(i, **kwargs)
        # A row names its parent (a funding: "funder – sheet", a frozen version: "convention
        # – version 2"): given here, not read again by one query per row.
        setattr(form.instance, self.fk.name, self.instance)
        return form

    def add_fields(self, form, index):
        super().add_fields(form, index)
        if "DELETE" in form.fields:
            form.fields["DELETE"].widget.attrs["aria-label"] = "Supprimer"


class LabelledTabularInline(LabelledFieldsMixin, admin.TabularInline):
    formset = LabelledInlineFormSet


@admin.register(Department)
class DepartmentAdmin(HistoryAdmin):
    list_display = ["code", "name", "linking_type"]
    search_fields = ["code", "name"]


class RepresentativeInline(LabelledTabularInline):
    model = Representative
    fields = [
        "civility",
        "first_name",
        "last_name",
        "role_title",
        "mandate_start",
        "mandate_end",
        "email",
    ]
    extra = 0


class MemberCommuneInline(LabelledTabularInline):
    """The communes of an EPCI, read-only: membership is edited on the commune itself."""

    model = Organisation
    fk_name = "epci"
    verbose_name = "commune membre"
    verbose_name_plural = "communes membres"
    fields = ["name", "insee_code", "population"]
    readonly_fields = fields
    ordering = ["name"]
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Organisation)
class OrganisationAdmin(HistoryAdmin):
    list_display = [
        "name",
        "kind",
        "epci_kind",
        "siren",
        "insee_code",
        "department",
        "epci",
        "population",
        "is_active",
    ]
    list_filter = ["kind", "epci_kind", "department", "is_active"]
    list_select_related = ["department", "epci"]
    search_fields = ["name", "=siren", "=insee_code"]
    search_help_text = "Nom, SIREN (9 chiffres) ou code commune INSEE (5 caractères)."
    autocomplete_fields = ["epci", "department"]
    # Unique with the id: the changelist adds no tie-breaker and the index serves the page.
    ordering = ["search_name", "id"]
    fieldsets = [
        (None, {"fields": ["kind", "name", "epci_kind", "is_active"]}),
        (
            "Identifiants et territoire",
            {
                "fields": [
                    "siren",
                    "insee_code",
                    "department",
                    "epci",
                    "population",
                    "population_year",
                    "early_childhood_competence",
                ]
            },
        ),
        ("Coordonnées", {"fields": ["address", "postcode", "city", "logo"]}),
    ]

    def get_inlines(self, request, obj):
        if obj is not None and obj.kind == OrganisationKind.EPCI:
            return [RepresentativeInline, MemberCommuneInline]
        return [RepresentativeInline]

    def get_search_results(self, request, queryset, search_term):
        # "200 066 389" is how a SIREN is often written: search it as one code.
        if re.fullmatch(r"[\d ]+", search_term.strip()):
            search_term = search_term.replace(" ", "")
        return super().get_search_results(request, queryset, search_term)


class InOfficeFilter(admin.SimpleListFilter):
    title = "en fonction"
    parameter_name = "en_fonction"

    def lookups(self, request, model_admin):
        return [("oui", "En fonction"), ("non", "Mandat terminé")]

    def queryset(self, request, queryset):
        if self.value() == "oui":
            return queryset.in_office()
        if self.value() == "non":
            return queryset.filter(mandate_end__lt=datetime.date.today())
        return queryset


@admin.register(Representative)
class RepresentativeAdmin(HistoryAdmin):
    ordering = NEWEST_FIRST
    list_display = [
        "last_name",
        "first_name",
        "role_title",
        "organisation",
        "mandate_start",
        "mandate_end",
    ]
    list_filter = [InOfficeFilter, "civility"]
    list_select_related = ["organisation"]
    search_fields = ["last_name", "first_name", "role_title", "organisation__name"]
    autocomplete_fields = ["organisation"]

    def get_queryset(self, request):
        # __str__ names the organisation: autocomplete lists stay at one query.
        return super().get_queryset(request).select_related("organisation")


@admin.register(EquipmentType)
class EquipmentTypeAdmin(LabelledFieldsMixin, HistoryAdmin):
    list_display = ["code", "name", "position"]
    list_editable = ["position"]
    search_fields = ["code", "name"]


@admin.register(Equipment)
class EquipmentAdmin(HistoryAdmin):
    list_display = ["name", "equipment_type", "organisation", "manager", "capacity", "is_active"]
    list_filter = ["equipment_type", "is_active"]
    list_select_related = ["equipment_type", "organisation"]
    search_fields = ["name", "manager", "organisation__name", "equipment_type__code"]
    autocomplete_fields = ["organisation"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*self.list_select_related)


class OrganisationKindFilter(admin.ChoicesFieldListFilter):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.title = "type d'organisation"


@admin.register(User)
class UserAdmin(FrenchPermissionsMixin, HistoryAdmin, BaseUserAdmin):
    permission_fields = ("user_permissions",)
    fieldsets = [
        *BaseUserAdmin.fieldsets[:2],
        ("Rôle et organisation", {"fields": ["role", "organisation"]}),
        *BaseUserAdmin.fieldsets[2:],
    ]
    # Recorded by the application, never typed; read-only, they also drop Django's split
    # date and time inputs, which have no label of their own.
    readonly_fields = ["last_login", "date_joined"]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": [
                    "username",
                    "email",
                    "first_name",
                    "last_name",
                    "usable_password",
                    "password1",
                    "password2",
                ],
            },
        ),
        ("Rôle et organisation", {"fields": ["role", "organisation"]}),
    ]
    list_display = [
        "username",
        "email",
        "first_name",
        "last_name",
        "role",
        "organisation",
        "is_staff",
        "is_active",
    ]
    list_filter = [
        "role",
        ("organisation__kind", OrganisationKindFilter),
        "is_staff",
        "is_superuser",
        "is_active",
        "groups",
    ]
    list_select_related = ["organisation"]
    search_fields = ["username", "first_name", "last_name", "email", "organisation__name"]
    autocomplete_fields = ["organisation"]
