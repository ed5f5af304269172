"""The upload form of a tracking table: the file, what it is, and the quarter it updates."""

import re

from django import forms
from django.core.exceptions import ValidationError

from actionplan.followup import convention_quarters, quarter_label
from actionplan.models import ImportMode
from actionplan.tracking_import import MAX_UPLOAD_BYTES, MAX_UPLOAD_LABEL

QUARTER_VALUE = re.compile(r"(\d{4})-T([1-4])")


class TrackingImportForm(forms.Form):
    file = forms.FileField(
        label="Tableau de suivi",
        help_text=f"Classeur Excel (.xlsx), {MAX_UPLOAD_LABEL} au plus. Un fichier LibreOffice "
        "s'enregistre au format .xlsx par « Enregistrer sous ».",
        widget=forms.ClearableFileInput(
            attrs={
                "accept": ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
            }
        ),
    )
    mode = forms.ChoiceField(
        label="Nature du tableau", choices=ImportMode.choices, widget=forms.RadioSelect
    )
    quarter = forms.ChoiceField(
        label="Trimestre à mettre à jour",
        required=False,
        help_text="Pour le tableau exporté par l'application seulement : la reprise lit les "
        "trimestres dans les colonnes du tableau.",
    )

    def __init__(self, *args, convention, may_seed, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["quarter"].choices = [("", "—")] + [
            (f"{year}-T{quarter}", quarter_label(year, quarter))
            for year, quarter in convention_quarters(convention)
        ]
        if not may_seed:
            # Seeding past quarters records them as validated: the Caf's adviser only.
            self.fields["mode"].choices = [(ImportMode.QUARTER, ImportMode.QUARTER.label)]
        self.fields["mode"].initial = ImportMode.QUARTER

    def clean_file(self):
        # The size is checked before anything reads the file.
        file = self.cleaned_data["file"]
        if file.size > MAX_UPLOAD_BYTES:
            weight = f"{file.size / (1024 * 1024):.1f}".replace(".", ",")
            raise ValidationError(
                f"Le fichier fait {weight} Mo : la limite est de {MAX_UPLOAD_LABEL}. Déposez le "
                "tableau de suivi seul."
            )
        if not file.name.lower().endswith(".xlsx"):
            raise ValidationError(
                "Le tableau doit être un classeur Excel (.xlsx). Depuis Excel ou LibreOffice, "
                "enregistrez-le au format « Classeur Excel (.xlsx) »."
            )
        return file

    def clean(self):
        cleaned = super().clean()
        chosen = QUARTER_VALUE.fullmatch(cleaned.get("quarter") or "")
        cleaned["year_quarter"] = (int(chosen[1]), int(chosen[2])) if chosen else (None, None)
        if cleaned.get("mode") == ImportMode.QUARTER and not chosen:
            self.add_error("quarter", "Choisissez le trimestre que ce tableau met à jour.")
        return cleaned
