import datetime

from django import forms

from conventions.forms.creation import DateInput
from conventions.models import Amendment, TerminationMode


class SignatureForm(forms.Form):
    signatory = forms.ChoiceField(label="Signataire")
    signed_on = forms.DateField(label="Date de signature", widget=DateInput())

    def __init__(self, *args, pending, **kwargs):
        super().__init__(*args, **kwargs)
        self.pending = {f"{party.pk}-{rep.pk}": (party, rep) for party, rep in pending}
        self.fields["signatory"].choices = [
            (key, f"{rep.full_name}, {rep.role_title} – {party.organisation}")
            for key, (party, rep) in self.pending.items()
        ]
        self.fields["signed_on"].initial = datetime.date.today()

    def clean_signatory(self):
        return self.pending[self.cleaned_data["signatory"]]


class TerminationForm(forms.Form):
    mode = forms.ChoiceField(label="Mode de résiliation", choices=TerminationMode.choices)
    notice_on = forms.DateField(label="Date de notification", widget=DateInput())
    effective_on = forms.DateField(label="Date d'effet", widget=DateInput())
    reason = forms.CharField(label="Motif", widget=forms.Textarea(attrs={"rows": 4}))


class RenewalForm(forms.Form):
    reference = forms.SlugField(
        label="Référence de la nouvelle convention",
        max_length=100,
        help_text="Par exemple « val-d-argent-2031-2035 ».",
    )


class AmendmentForm(forms.ModelForm):
    class Meta:
        model = Amendment
        fields = [
            "subject",
            "changes_articles",
            "changes_annexes",
            "changes_parties",
            "changes_action_plan",
            "changes_description",
            "effective_date",
        ]
        widgets = {
            "effective_date": DateInput(),
            "changes_description": forms.Textarea(attrs={"rows": 6}),
        }
