"""Form fields shared by every app."""

import datetime

from django import forms

DATE_HELP = "jj/mm/aaaa"


class DateInput(forms.DateInput):
    """A date typed the French way (jj/mm/aaaa) in every browser.

    A text input rather than type="date": native pickers show the browser's locale,
    send ISO dates and are missing or clumsy in some browsers. The pattern also lets
    ISO dates through, as pasted from elsewhere or sent by tests; the field accepts
    both (French input formats of the locale plus ISO, which Django always adds).
    """

    input_type = "text"

    def __init__(self, attrs=None):
        super().__init__(
            attrs={
                "placeholder": DATE_HELP,
                "pattern": r"\d{1,2}/\d{1,2}/\d{4}|\d{4}-\d{2}-\d{2}",
                "title": "Date au format jj/mm/aaaa",
                "autocomplete": "off",
                **(attrs or {}),
            },
            format="%d/%m/%Y",
        )

    def format_value(self, value):
        # Initial values read from JSON (the import's review page) are ISO strings.
        if isinstance(value, str):
            try:
                value = datetime.date.fromisoformat(value)
            except ValueError:
                return value
        return super().format_value(value)


class DateField(forms.DateField):
    widget = DateInput
    default_error_messages = {
        "invalid": "Saisissez une date au format jj/mm/aaaa, par exemple 31/12/2026.",
    }


def id_or_none(value):
    """An id typed in a query string or a form, or None when it is not one (a forged value
    must find no row rather than reach the database as a non-number)."""
    value = value or ""
    return int(value) if value.isdigit() and len(value) < 12 else None
