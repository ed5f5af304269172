"""Forms of the quarterly follow-up page: one per action, each saved on its own."""

from django import forms

from actionplan.models import FollowUpState, FollowUpStatus, IndicatorKind

TEXTAREA = {"rows": 3}


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


def _plain(value):
    """12.00 shown as 12 and 12.50 as 12.5, as people type them."""
    if value is None:
        return None
    if value == value.to_integral_value():
        return int(value)
    return value.normalize()
