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
from django.contrib.admin.views.main import IS_POPUP_VAR, TO_FIELD_VAR, ChangeList
from django.contrib.admin.widgets import (
    AutocompleteSelect,
    FilteredSelectMultiple,
    RelatedFieldWidgetWrapper,
)
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import connections, models
from django.forms.models import BaseInlineFormSet
from django.forms.renderers import BaseRenderer, get_default_renderer
from django.forms.utils import flatatt
from django.template import loader
from django.templatetags.static import static
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.functional import cached_property
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from django.utils.translation import gettext
from simple_history.admin import SimpleHistoryAdmin
from simple_history.template_utils import HistoricalRecordContextHelper

from ctg.links import row_links
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


def change_links(rows, url_name, add_url, add_label, empty_label, tag="ul"):
    """Rows (primary key, text) as links to their own change pages, and a link to add
    one: drawn as an inline, each row's form took milliseconds of the owner's page."""
    items = format_html_join(
        "",
        '<li><a href="{}">{}</a></li>',
        ((reverse(url_name, args=[pk]), text) for pk, text in rows),
    )
    listed = format_html("<{}>{}</{}>", tag, items, tag) if items else empty_label
    return format_html('{}<p><a href="{}">{}</a></p>', listed, add_url, add_label)


def _attrs(attrs):
    """django/forms/widgets/attrs.html: True gives the bare name, False leaves it out."""
    return "".join(
        f" {_text(name)}" if value is True else f' {_text(name)}="{_text(value)}"'
        for name, value in (attrs or {}).items()
        if value is not False
    )


def _input(context):
    widget = context["widget"]
    value = "" if widget["value"] is None else f' value="{_text(widget["value"])}"'
    return (
        f'<input type="{_text(widget["type"])}" name="{_text(widget["name"])}"{value}'
        f"{_attrs(widget['attrs'])}>"
    )


def _textarea(context):
    widget = context["widget"]
    value = _text(widget["value"]) if widget["value"] else ""
    return f'<textarea name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>\n{value}</textarea>'


def _select(context):
    widget = context["widget"]
    parts = [f'<select name="{_text(widget["name"])}"{_attrs(widget["attrs"])}>']
    for group_name, options, _ in widget["optgroups"]:
        if group_name:
            parts.append(f'\n  <optgroup label="{_text(group_name)}">')
        for option in options:
            if option["template_name"] != "django/forms/widgets/select_option.html":
                return None
            parts.append(
                f'\n  <option value="{_text(option["value"])}"{_attrs(option["attrs"])}>'
                f"{_text(option['label'])}</option>\n"
            )
        if group_name:
            parts.append("\n  </optgroup>")
    parts.append("\n</select>")
    return "".join(parts)


def _label(context):
    if not context["use_tag"]:
        return _text(context["label"])
    tag = _text(context["tag"])
    return f"<{tag}{_attrs(context['attrs'])}>{_text(context['label'])}</{tag}>"


class PlainRenderer(BaseRenderer):
    """Writes the admin forms' labels and plain inputs, text areas and lists in Python,
    with the markup of Django's templates; any other template is drawn by the project's
    renderer. Two to four templates for each of the 20 to 40 fields of a change page
    took a sixth of its time."""

    WRITERS = {
        "django/forms/label.html": _label,
        "django/forms/widgets/textarea.html": _textarea,
        "django/forms/widgets/select.html": _select,
        **{
            f"django/forms/widgets/{kind}.html": _input
            for kind in ["input", "text", "number", "email", "url", "hidden", "date", "time"]
        },
    }

    def get_template(self, template_name):
        return get_default_renderer().get_template(template_name)

    def render(self, template_name, context, request=None):
        write = self.WRITERS.get(template_name)
        html = write(context) if write else None
        if html is None:
            return get_default_renderer().render(template_name, context, request)
        return html


PLAIN_RENDERER = PlainRenderer()


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


class PlainFieldsets:
    """The fieldsets of a change page (admin/includes/fieldset.html's markup) written here:
    that template's tests and lookups for each of a page's 20 to 40 fields took a fifth of
    the page's time. Drawn by admin/plain_change_form.html."""

    def __init__(self, adminform):
        self.adminform = adminform

    def __str__(self):
        return mark_safe(
            "".join(
                self._fieldset(fieldset, f"fieldset-0-{index}-heading")
                for index, fieldset in enumerate(self.adminform)
            )
        )

    def _fieldset(self, fieldset, heading_id):
        labelled = f' aria-labelledby="{heading_id}"' if fieldset.name else ""
        parts = [f'<fieldset class="module aligned {_text(fieldset.classes)}"{labelled}>']
        collapsible = fieldset.name and fieldset.is_collapsible
        if fieldset.name:
            heading = f'<h2 id="{heading_id}" class="fieldset-heading">{_text(fieldset.name)}</h2>'
            parts.append(f"<details><summary>{heading}</summary>" if collapsible else heading)
        if fieldset.description:
            parts.append(f'<div class="description">{fieldset.description}</div>')
        parts.extend(self._line(line) for line in fieldset)
        parts.append("</details></fieldset>" if collapsible else "</fieldset>")
        return "".join(parts)

    def _line(self, line):
        fields = list(line)
        single = len(fields) == 1
        classes = "form-row"
        line_errors = line.errors() if single else ""
        if line_errors:
            classes += " errors"
        if not line.has_visible_field:
            classes += " hidden"
        classes += "".join(f" field-{_text(name)}" for name in map(_field_name, fields) if name)
        parts = [f'<div class="{classes}">']
        parts.append(line_errors if single else '<div class="flex-container form-multiline">')
        parts.extend(self._field(field, single) for field in fields)
        if not single:
            parts.append("</div>")
        parts.append("</div>")
        return "".join(parts)

    def _field(self, field, single):
        bound = field.field
        hidden = not field.is_readonly and bound.is_hidden
        box = "flex-container"
        errors = ""
        if not single:
            name = _field_name(field)
            box += f" fieldBox field-{_text(name)}" if name else " fieldBox"
            if not field.is_readonly:
                errors = field.errors()
                box += " errors" if errors else ""
            box += " hidden" if hidden else ""
        if field.is_checkbox:
            box += " checkbox-row"
            content = f"{_text(bound)}{_text(field.label_tag())}"
        elif field.is_readonly:
            content = (
                f'{_text(field.label_tag())}<div class="readonly">{_text(field.contents())}</div>'
            )
        else:
            content = f"{_text(field.label_tag())}{_text(bound)}"
        parts = [f'<div>{errors}<div class="{box}">{content}</div>']
        help_text = bound["help_text"] if field.is_readonly else bound.help_text
        if help_text:
            label_id = "" if field.is_readonly else bound.id_for_label
            helptext_id = f' id="{_text(label_id)}_helptext"' if label_id else ""
            hidden_class = " hidden" if hidden else ""
            parts.append(
                f'<div class="help{hidden_class}"{helptext_id}><div>{help_text}</div></div>'
            )
        parts.append("</div>")
        return "".join(parts)


def _field_name(field):
    return field.field["name"] if field.is_readonly else field.field.name


class PlainRelatedFieldWidgetWrapper(RelatedFieldWidgetWrapper):
    """The add, change, delete and view links beside a related field, written here, and
    the widget they wrap drawn by the form's renderer (Django's wrapper draws it with the
    default one): two templates each for the six to nine pickers of a change page."""

    def render(self, name, value, attrs=None, renderer=None):
        parts = [self.widget.render(name, value, attrs, renderer)]
        if not self.is_hidden:
            parts.extend(self._links(name))
        model_ref = (
            ""
            if self.rel.limit_choices_to
            else f' data-model-ref="{_text(self.rel.model._meta.model_name)}"'
        )
        return mark_safe(f'<div class="related-widget-wrapper"{model_ref}>{"".join(parts)}</div>')

    def _links(self, name):
        rel_opts = self.rel.model._meta
        info = (rel_opts.app_label, rel_opts.model_name)
        to_field = self.rel.get_related_field().name
        params = _text(f"{TO_FIELD_VAR}={to_field}&{IS_POPUP_VAR}=1")
        model = {"model": _text(rel_opts.verbose_name)}
        name = _text(name)

        def link(kind, icon, title, target, popup=' data-popup="yes"'):
            return (
                f'<a class="related-widget-wrapper-link {kind}-related" id="{kind}_id_{name}" '
                f'{target}{popup} title="{title % model}"><img src="{_text(static(icon))}" '
                'alt="" width="24" height="24"></a>'
            )

        if self.can_change_related:
            url = _text(self.get_related_url(info, "change", "__fk__"))
            yield link(
                "change",
                "admin/img/icon-changelink.svg",
                gettext("Change selected %(model)s"),
                f'data-href-template="{url}?{params}"',
            )
        if self.can_add_related:
            url = _text(self.get_related_url(info, "add"))
            yield link(
                "add",
                "admin/img/icon-addlink.svg",
                gettext("Add another %(model)s"),
                f'href="{url}?{params}"',
            )
        if self.can_delete_related:
            url = _text(self.get_related_url(info, "delete", "__fk__"))
            yield link(
                "delete",
                "admin/img/icon-deletelink.svg",
                gettext("Delete selected %(model)s"),
                f'data-href-template="{url}?{params}"',
            )
        if self.can_view_related:
            url = _text(self.get_related_url(info, "change", "__fk__"))
            yield link(
                "view",
                "admin/img/icon-viewlink.svg",
                gettext("View selected %(model)s"),
                f'data-href-template="{url}?{_text(f"{TO_FIELD_VAR}={to_field}")}"',
                popup="",
            )


class NamedAutocompleteSelect(AutocompleteSelect):
    """A search picker that names its chosen row from the object of the change page when
    that object was read joined to it (HistoryAdmin.change_select_related), instead of
    one query a picker; with nothing chosen, it builds no query at all."""

    known = None  # (value, label) of the object's related row

    def optgroups(self, name, value, attr=None):
        selected = {str(v) for v in value if str(v) not in self.choices.field.empty_values}
        if selected and (self.known is None or selected != {str(self.known[0])}):
            return super().optgroups(name, value, attr)
        options = [] if self.is_required else [self.create_option(name, "", "", False, 0)]
        if selected:
            option_value, label = self.known
            options.append(self.create_option(name, option_value, label, selected, len(options)))
        return [(None, options, 0)]


class PlainChangeList(ChangeList):
    """Links each row of a list to its change page by one URL reversed for the page
    (ctg.links.row_links, for integer keys), not by one reverse a row."""

    @cached_property
    def change_url(self):
        return row_links(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_change",
            current_app=self.model_admin.admin_site.name,
        )

    def url_for_result(self, result):
        pk = getattr(result, self.pk_attname)
        if type(pk) is not int:
            return super().url_for_result(result)
        return self.change_url(pk)


class PlainMarkupMixin:
    """What the admin draws once per row, per option or per field, written here instead of
    through templates: the checkbox of each row of a list (a fifth of a list's time), each
    row's link, the options of filter_horizontal's double lists, and the change form's
    fieldsets, labels, plain inputs and related fields' links (PlainFieldsets,
    PlainRenderer, PlainRelatedFieldWidgetWrapper), with Django's markup."""

    change_form_template = "admin/plain_change_form.html"

    def action_checkbox(self, obj):
        label = gettext("Select this object for an action - {}").format(_text(obj))
        return mark_safe(
            f'<input type="checkbox" name="{ACTION_CHECKBOX_NAME}" value="{_text(obj.pk)}" '
            f'class="action-select" aria-label="{label}">'
        )

    def render_change_form(self, request, context, *args, **kwargs):
        context["plain_fieldsets"] = PlainFieldsets(context["adminform"])
        return super().render_change_form(request, context, *args, **kwargs)

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        formfield = super().formfield_for_dbfield(db_field, request, **kwargs)
        wrapper = getattr(formfield, "widget", None)
        if type(wrapper) is RelatedFieldWidgetWrapper:
            formfield.widget = PlainRelatedFieldWidgetWrapper(
                wrapper.widget,
                wrapper.rel,
                wrapper.admin_site,
                can_add_related=wrapper.can_add_related,
                can_change_related=wrapper.can_change_related,
                can_delete_related=wrapper.can_delete_related,
                can_view_related=wrapper.can_view_related,
            )
        return formfield

    def get_changelist(self, request, **kwargs):
        return PlainChangeList

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.default_renderer = PLAIN_RENDERER  # a class made for this request
        return form

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

    # Related rows the change page's object is read with: its search pickers and read-only
    # fields name them without one query each.
    change_select_related = []

    def get_object(self, request, object_id, from_field=None):
        if not self.change_select_related or from_field is not None:
            return super().get_object(request, object_id, from_field)
        queryset = self.get_queryset(request).select_related(*self.change_select_related)
        try:
            return queryset.get(pk=self.opts.pk.to_python(object_id))
        except (self.model.DoesNotExist, ValidationError, ValueError):
            return None

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        for name, field in form.base_fields.items() if obj is not None else ():
            picker = getattr(field.widget, "widget", None)
            if isinstance(picker, NamedAutocompleteSelect):
                model_field = obj._meta.get_field(name)
                related = model_field.get_cached_value(obj, default=None)
                if related is not None:
                    value = getattr(related, model_field.target_field.attname)
                    picker.known = (value, field.label_from_instance(related))
        return form

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if "queryset" not in kwargs and db_field.name in self.get_autocomplete_fields(request):
            kwargs["queryset"] = self._searched_rows(db_field, request)
            if "widget" not in kwargs and not db_field.remote_field.limit_choices_to:
                kwargs["widget"] = NamedAutocompleteSelect(
                    db_field, self.admin_site, using=kwargs.get("using")
                )
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
