"""Forms of the quarterly follow-up page: one per action, each saved on its own.

The page of a 120-action plan holds thousands of fields: each is written by PlainField
(label, element, errors and help), not by crispy nor by Django's widget templates, which
cost 20 and 7 times more per field, nor by an include per field, which still took a
third of the page's time.
"""

from html import escape

from django import forms
from django.utils.html import conditional_escape
from django.utils.safestring import mark_safe

from actionplan.models import FollowUpState, FollowUpStatus, IndicatorKind

TEXTAREA = {"rows": 3}


class PlainField:
    """One field written here whole: ``{{ field }}`` in a template. The follow-up forms
    and the conventions list's filters (220 options to an administrator) use it.

    Markup and classes are those of crispy-forms' Bootstrap 5 pack (same look); the
    label names the field, and aria-describedby names the field's errors, its help and
    any note shown under it (`notes`: ids the template writes).
    """

    def __init__(self, bound, notes=()):
        widget = bound.field.widget
        self.name = bound.html_name
        self.id = bound.auto_id
        self.label = bound.label
        self.required = bound.field.required
        self.help_text = bound.help_text
        self.errors = bound.errors
        described = [f"{self.id}_error"] if self.errors else []
        if self.help_text:
            described.append(f"{self.id}_helptext")
        self.describedby = " ".join([*described, *notes])
        self.control = self._control(widget, widget.format_value(bound.value()))

    def __str__(self):
        required = ' requiredField"' if self.required else '"'
        asterisk = '<span class="asteriskField">*</span>' if self.required else ""
        parts = [
            f'<div id="div_{self.id}" class="mb-3"><label for="{self.id}" '
            f'class="form-label{required}>{conditional_escape(self.label)}{asterisk}</label>\n'
            f"{self.control}\n",
            self._feedback(),
            "</div>",
        ]
        return mark_safe("".join(parts))

    __html__ = __str__

    def _feedback(self, extra=""):
        """The field's errors and help, under it (``extra``: classes of the errors' block)."""
        parts = []
        if self.errors:
            parts.append(f'<div id="{self.id}_error" class="invalid-feedback{extra}">')
            parts.extend(
                f'<p id="error_{number}_{self.id}"><strong>{conditional_escape(error)}</strong></p>'
                for number, error in enumerate(self.errors, start=1)
            )
            parts.append("</div>")
        if self.help_text:
            parts.append(
                f'<div id="{self.id}_helptext" class="form-text">'
                f"{conditional_escape(self.help_text)}</div>"
            )
        return "".join(parts)

    def _control(self, widget, value):
        # Plain string building with html.escape: format_html cost as much as the
        # template it replaced.
        invalid = " is-invalid" if self.errors else ""
        tail = _attributes(
            [
                ("aria-describedby", self.describedby or None),
                ("aria-invalid", "true" if self.errors else None),
                ("id", self.id),
            ]
        )
        if isinstance(widget, forms.Textarea):
            head = _attributes(
                [
                    ("name", self.name),
                    ("cols", "40"),
                    ("rows", widget.attrs.get("rows")),
                    ("autofocus", bool(widget.attrs.get("autofocus"))),
                    ("class", f"textarea form-control{invalid}"),
                ]
            )
            return mark_safe(f"<textarea{head}{tail}>\n{escape(value or '')}</textarea>")
        if isinstance(widget, forms.Select):
            head = _attributes([("name", self.name), ("class", f"select form-select{invalid}")])
            return mark_safe(f"<select{head}{tail}>{_options(widget, value)}</select>")
        kind = widget.input_type
        head = _attributes(
            [
                ("type", kind),
                ("name", self.name),
                ("value", value),
                ("step", widget.attrs.get("step")),
                ("min", widget.attrs.get("min")),
                ("max", widget.attrs.get("max")),
                (
                    "class",
                    f"{'numberinput' if kind == 'number' else 'textinput'} form-control{invalid}",
                ),
                ("required", self.required),
            ]
        )
        return mark_safe(f"<input{head}{tail}>")


def _options(widget, value):
    """A select's options, those of ``value`` (a list of strings) selected."""
    chosen = set(value)
    return "".join(
        f'<option value="{escape(str(key))}"'
        f"{' selected' if str(key) in chosen else ''}>{escape(str(label))}</option>"
        for key, label in widget.choices
    )


def _attributes(pairs):
    """name="value" for each pair (escaped); True gives the bare name, None, False and ""
    nothing."""
    return "".join(
        f" {name}" if value is True else f' {name}="{escape(str(value))}"'
        for name, value in pairs
        if value is not None and value is not False and value != ""
    )


class EntryForm(forms.Form):
    """What a chargé de coopération writes for one action and quarter.

    The hidden revision is the one the person loaded: the domain refuses the
    save if someone saved in between (actionplan.followup.StaleEntry).
    """

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    status = forms.ChoiceField(label="Avancement", choices=FollowUpStatus.choices)
    progress = forms.IntegerField(
        label="Réalisation (%)",
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"step": 5}),
    )
    achievements = forms.CharField(
        label="Réalisations", required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    difficulties = forms.CharField(
        label="Difficultés", required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )
    next_steps = forms.CharField(
        label="Prochaines étapes", required=False, widget=forms.Textarea(attrs=TEXTAREA)
    )

    def __init__(self, *args, entry, indicators, values, zones=False, **kwargs):
        """indicators: those of the action sheet; values: {indicator id: IndicatorValue} of
        the quarter; zones: ask the number of benefit recipients (statistical secrecy)."""
        kwargs.setdefault("prefix", f"suivi-{entry.pk}")
        kwargs.setdefault(
            "initial",
            {
                "revision": entry.revision,
                "status": entry.status,
                "progress": entry.progress,
                "achievements": entry.achievements,
                "difficulties": entry.difficulties,
                "next_steps": entry.next_steps,
            },
        )
        super().__init__(*args, **kwargs)
        self.entry = entry
        self.indicator_fields = []
        for indicator in indicators:
            current = values.get(indicator.pk)
            name = f"indicateur_{indicator.pk}"
            label = indicator.label + (f" ({indicator.unit})" if indicator.unit else "")
            zone = None
            if indicator.kind == IndicatorKind.QUALITATIVE:
                self.fields[name] = forms.CharField(
                    label=label,
                    required=False,
                    widget=forms.Textarea(attrs={"rows": 2}),
                    initial=current.text if current else "",
                )
            else:
                self.fields[name] = forms.DecimalField(
                    label=label,
                    required=False,
                    max_digits=14,
                    decimal_places=2,
                    localize=True,
                    initial=_plain(current.value) if current else None,
                )
                if zones:
                    zone = f"allocataires_{indicator.pk}"
                    self.fields[zone] = forms.IntegerField(
                        label=f"Allocataires de la zone – {indicator.label}",
                        required=False,
                        min_value=0,
                        initial=current.zone_recipients if current else None,
                        help_text="Pour le secret statistique, si la valeur porte sur une "
                        "zone dont le nombre d'allocataires est connu.",
                    )
            self.indicator_fields.append((indicator, self[name], self[zone] if zone else None))

    def plain(self):
        """The fields as the page draws them: {name: PlainField}; an indicator's field is
        described by its targets, written under it (id "<field id>_cible")."""
        shown = {}
        for name in ("status", "progress", "achievements", "difficulties", "next_steps"):
            shown[name] = PlainField(self[name])
        indicators = []
        for indicator, bound, zone in self.indicator_fields:
            notes = [f"{bound.auto_id}_cible"] if indicator.targets.all() else []
            indicators.append(
                (indicator, PlainField(bound, notes), PlainField(zone) if zone else None)
            )
        shown["indicators"] = indicators
        return shown

    def entry_data(self):
        return {
            name: self.cleaned_data[name]
            for name in ("status", "progress", "achievements", "difficulties", "next_steps")
        }

    def indicator_values(self):
        values = {}
        for indicator, bound, zone in self.indicator_fields:
            given = self.cleaned_data.get(bound.name)
            if indicator.kind == IndicatorKind.QUALITATIVE:
                values[indicator.pk] = {"value": None, "text": given or ""}
            else:
                values[indicator.pk] = {
                    "value": given,
                    "text": "",
                    "zone_recipients": self.cleaned_data.get(zone.name) if zone else None,
                }
        return values


class DecisionForm(forms.Form):
    """The adviser's decision on one entry: validate, send back or reopen."""

    revision = forms.IntegerField(widget=forms.HiddenInput, min_value=0)
    comment = forms.CharField(
        label="Commentaire pour la collectivité",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Obligatoire pour renvoyer le suivi ou pour le rouvrir ; conservé dans "
        "l'historique.",
    )

    def __init__(self, *args, entry, **kwargs):
        kwargs.setdefault("prefix", f"decision-{entry.pk}")
        kwargs.setdefault("initial", {"revision": entry.revision})
        super().__init__(*args, **kwargs)
        self.entry = entry
        if entry.state == FollowUpState.VALIDATED:
            self.fields["comment"].label = "Motif de la réouverture"
            self.fields["comment"].help_text = "Obligatoire ; conservé dans l'historique."

    def plain_comment(self):
        return PlainField(self["comment"])


def _plain(value):
    """12.00 shown as 12 and 12.50 as 12.5, as people type them."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return value.normalize()
