"""Optimistic concurrency for every editing form: no lost update.

A form carries, in a hidden field, the version of what it showed: the SHA-256 of
the values it edits as they were read from the database. Saving recomputes that
version from the rows locked for the save; if it differs, someone saved in
between (on this page, another page or the admin site), and the save is refused
with StaleVersion: the page shows the person's text again, as typed, beside the
version now stored (HTTP 409), and nothing is written.

A version is computed from values, not from a counter column, so any model and
any set of rows (an article formset, a sheet with its fundings) can be guarded
without a migration.
"""

import hashlib
import json

from django import forms
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction

FIELD = "read_version"


def version_of(*parts):
    """The version of JSON-able parts (values, lists of rows)."""
    payload = json.dumps(parts, cls=DjangoJSONEncoder, sort_keys=True, default=str)
    return hashlib.sha256(payload.encode()).hexdigest()


def _rows(queryset, fields):
    """Values of these fields, in primary key order; many-to-many fields as sorted ids."""
    model = queryset.model
    plain = [name for name in fields if not model._meta.get_field(name).many_to_many]
    related = [name for name in fields if model._meta.get_field(name).many_to_many]
    rows = list(queryset.order_by("pk").values("pk", *plain))
    for name in related:
        relation = model._meta.get_field(name)
        source, target = relation.m2m_field_name(), relation.m2m_reverse_field_name()
        pairs = relation.remote_field.through.objects.filter(
            **{f"{source}__in": [row["pk"] for row in rows]}
        )
        chosen = {}
        for owner, value in pairs.values_list(source, target):
            chosen.setdefault(owner, []).append(value)
        for row in rows:
            row[name] = sorted(chosen.get(row["pk"], []))
    return rows


def rows_version(queryset, fields):
    """The version of rows: their values for these fields, in primary key order."""
    return version_of(_rows(queryset, fields))


def stored_values(instance, fields):
    """The values stored now for one instance, by field name."""
    rows = _rows(type(instance)._default_manager.filter(pk=instance.pk), fields)
    return rows[0] if rows else {}


def instance_version(instance, fields):
    return rows_version(type(instance)._default_manager.filter(pk=instance.pk), fields)


class StaleVersion(Exception):
    """Someone saved what this form edits since it was shown; the message is French."""

    def __init__(self, author=None):
        self.author = author
        who = f" par {author}" if author else ""
        super().__init__(
            f"Ces informations ont été modifiées{who} pendant que vous les saisissiez : votre "
            "saisie n'a pas été enregistrée. Elle est reprise ci-dessous, à côté de la version "
            "enregistrée ; vérifiez puis enregistrez à nouveau."
        )


def last_author(*instances):
    """Who saved last among these instances (their history), as people read it."""
    records = [
        instance.history.select_related("history_user").order_by("-history_date").first()
        for instance in instances
        if instance is not None and instance.pk and hasattr(instance, "history")
    ]
    records = [record for record in records if record is not None and record.history_user]
    if not records:
        return None
    user = max(records, key=lambda record: record.history_date).history_user
    return user.get_full_name() or user.username


def check_version(read, current, *instances):
    """Raise StaleVersion when the version read differs from the current one."""
    if read != current:
        raise StaleVersion(last_author(*instances))


def form_fields(form):
    """The model fields a model form edits: what its version covers and its save writes."""
    return [name for name in form._meta.fields if name in form.fields]


def form_version(form, *related):
    """The version of what a model form shows: its instance's fields (nothing for a new
    one) and related rows, each given as (queryset, fields)."""
    parts = []
    if form.instance.pk:
        parts.append(instance_version(form.instance, form_fields(form)))
    parts.extend(rows_version(queryset, fields) for queryset, fields in related)
    return version_of(*parts)


def save_own_fields(form, extra=()):
    """Save a valid model form writing only the fields it edits (and extra ones set by the
    caller), so that a change made meanwhile to other fields is never overwritten."""
    instance = form.save(commit=False)
    if instance.pk is None:
        instance.save()
    else:
        concrete = {f.name for f in instance._meta.concrete_fields}
        instance.save(update_fields=[n for n in [*form_fields(form), *extra] if n in concrete])
    form.save_m2m()
    return instance


@transaction.atomic
def save_form(form, *, guard=None):
    """Save an edited model form: its row locked, `guard(locked row)` checked (a state that
    still allows the change, raising the caller's error), its version compared with the one
    the form was read at (StaleVersion), then only its fields written."""
    model = type(form.instance)
    locked = model._default_manager.select_for_update().get(pk=form.instance.pk)
    if guard is not None:
        guard(locked)
    check_version(read_version(form), form_version(form), locked)
    return save_own_fields(form)


def refused(form, error):
    """What a page shows after a stale save: the message and the differences; the form
    then carries the version stored now, so that saving again after checking is accepted."""
    stored = stored_values(form.instance, form_fields(form)) if form.instance.pk else {}
    form.data = form.data.copy()
    form.data[form.add_prefix(FIELD)] = form_version(form)
    return {"message": str(error), "differences": differences(form, stored)}


class VersionField(forms.CharField):
    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        kwargs.setdefault("label", "version lue")
        super().__init__(**kwargs)


def add_version_field(form, version):
    """Give a form the hidden field carrying the version it shows."""
    form.fields[FIELD] = VersionField(initial=version)


def read_version(form):
    """The version a bound form was read at ("" when absent: an old page, a forged post)."""
    return form.data.get(form.add_prefix(FIELD), "") if form.is_bound else ""


def differences(form, stored):
    """Rows (label, typed, stored) of the fields where the person's text differs from the
    version stored now, as people read them, to show beside the refused form."""
    rows = []
    for name, field in form.fields.items():
        if name == FIELD or name not in stored:
            continue
        typed = _display(field, _typed(form, name, field))
        now = _display(field, stored[name])
        if typed != now:
            rows.append((field.label, typed, now))
    return rows


def _typed(form, name, field):
    key = form.add_prefix(name)
    if isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField):
        return form.data.getlist(key) if hasattr(form.data, "getlist") else form.data.get(key)
    if isinstance(field, forms.BooleanField):
        return key in form.data and form.data.get(key) not in ("", "false", "False", "0")
    return form.data.get(key, "")


def _display(field, value):
    if isinstance(field, forms.ModelMultipleChoiceField):
        chosen = field.queryset.filter(pk__in=[v for v in value or [] if str(v).isdigit()])
        return ", ".join(sorted(field.label_from_instance(obj) for obj in chosen))
    if isinstance(field, forms.ModelChoiceField):
        chosen = field.queryset.filter(pk=value).first() if str(value).isdigit() else None
        return field.label_from_instance(chosen) if chosen else ""
    if isinstance(field, forms.BooleanField):
        return "oui" if value else "non"
    if getattr(field, "choices", None):
        return str(dict(field.choices).get(value, value or ""))
    return "" if value is None else str(value).replace("\r\n", "\n").strip()
