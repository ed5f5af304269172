from django import forms

from conventions.models import Deliberation
from conventions.validators import validate_pdf
from ctg.forms import DateInput


class DeliberationForm(forms.ModelForm):
    class Meta:
        model = Deliberation
        fields = [
            "body",
            "session_date",
            "act_number",
            "subject",
            "members_in_office",
            "present",
            "proxies",
            "votes_cast",
            "votes_for",
            "votes_against",
            "abstentions",
            "outcome",
            "second_convocation",
            "first_session_date",
            "session_secretary",
            "sent_to_prefecture_on",
            "actes_id",
            "published_on",
            "scan",
        ]
        widgets = {
            "session_date": DateInput(),
            "first_session_date": DateInput(),
            "sent_to_prefecture_on": DateInput(),
            "published_on": DateInput(),
            "scan": forms.ClearableFileInput(attrs={"accept": "application/pdf"}),
        }

    # Counts a document may not give: left empty, they count as none.
    ZERO_WHEN_EMPTY = ("proxies", "votes_against", "abstentions")

    def __init__(self, *args, party, correcting=False, **kwargs):
        super().__init__(*args, **kwargs)
        if correcting:
            self.fields["correction_reason"] = forms.CharField(
                label="Motif de la correction",
                max_length=80,
                # Checked with the correction itself, with a message that says why.
                required=False,
                help_text="La convention est signée : la correction est conservée dans "
                "l'historique avec son motif.",
            )
        # The model's clean() checks the ACTES identifier against this party.
        self.instance.party = party
        for name in self.ZERO_WHEN_EMPTY:
            self.fields[name].required = False
        self.fields["scan"].help_text = (
            "PDF uniquement, 15 Mo au plus. En cas d'erreur dans le formulaire, sélectionnez "
            "à nouveau le fichier."
        )

    def clean(self):
        data = super().clean()
        for name in self.ZERO_WHEN_EMPTY:
            if data.get(name) is None and name not in self.errors:
                data[name] = 0
        return data

    def clean_scan(self):
        scan = self.cleaned_data.get("scan")
        if scan and hasattr(scan, "content_type"):  # a new upload, not the stored file
            validate_pdf(scan)
        return scan
