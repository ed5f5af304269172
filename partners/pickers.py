"""The organisation picker: a text input that Tom Select (static/js/pickers.js) turns
into a search field with suggestions from `partners:search`.

Only the chosen organisation is sent with the page, never the hundreds (thousands for
an administrator) allowed. Without the script the field still works: one types a name
or a SIREN, or copies a suggestion offered in the error message.
"""

from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.urls import reverse

from partners.search import Unresolved, describe, resolve


class OrganisationPicker(forms.TextInput):
    def __init__(self, attrs=None):
        super().__init__(
            attrs={
                "placeholder": "Tapez un nom ou un SIREN",
                "autocomplete": "off",
                "data-organisation-picker": "",
                **(attrs or {}),
            }
        )
        self.search = {}

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget_attrs = context["widget"]["attrs"]
        widget_attrs["data-search-url"] = (
            f"{reverse('partners:search')}?{urlencode(self.search)}"
            if self.search
            else reverse("partners:search")
        )
        chosen = self.chosen(value)
        if chosen is not None:
            context["widget"]["value"] = describe(chosen)
            widget_attrs["data-selected-id"] = chosen.pk
            widget_attrs["data-selected-label"] = describe(chosen)
        return context

    def chosen(self, value):
        """The organisation shown as chosen: the initial one, or the one the person
        picked when the form comes back with an error elsewhere."""
        if value in (None, ""):
            return None
        try:
            return resolve(self.choices.queryset.select_related("department"), str(value))
        except Unresolved:
            return None


class OrganisationPickerField(forms.ModelChoiceField):
    """An organisation of ``queryset``, chosen with the picker. ``search`` holds the
    query parameters of the suggestions (type, departement, dans): they only order
    and narrow the suggestions; ``queryset`` alone decides what is accepted."""

    widget = OrganisationPicker

    def __init__(self, queryset, *, search=None, **kwargs):
        super().__init__(queryset, **kwargs)
        self.search = search or {}

    @property
    def search(self):
        return self.widget.search

    @search.setter
    def search(self, params):
        self.widget.search = {key: value for key, value in params.items() if value}

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            return resolve(self.queryset.select_related("department"), str(value))
        except Unresolved as error:
            raise ValidationError(str(error), code="invalid_choice") from error

    def prepare_value(self, value):
        return value.pk if hasattr(value, "_meta") else value
