import datetime

from django import forms

from conventions.models import Amendment, TerminationMode
from ctg.forms import DateField, DateInput


class SignatureForm(forms.Form):
    signatory = forms.ChoiceField(label="Signataire")
    signed_on = DateField(label="Date de signature")

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


def _not_in_future(day):
    if day and day > datetime.date.today():
        raise forms.ValidationError("La date de signature ne peut pas être dans le futur.")
    return day


class RecordSignedForm(forms.Form):
    """A convention signed before the application: the signature date, and the real date
    of each signing person when it differs."""

    signed_on = DateField(
        label="Date de signature",
        help_text="Celle du « Fait à ..., le ... » ; elle vaut pour chaque signataire dont la "
        "date n'est pas précisée ci-dessous.",
    )

    def __init__(self, *args, pending, **kwargs):
        super().__init__(*args, **kwargs)
        self.people = {}
        for party, representative in pending:
            name = f"date_{party.pk}_{representative.pk}"
            self.people[name] = (party.pk, representative.pk)
            self.fields[name] = DateField(
                label=f"{representative.full_name}, {representative.role_title} – "
                f"{party.organisation}",
                required=False,
            )

    def clean(self):
        data = super().clean()
        for name in ("signed_on", *self.people):
            try:
                _not_in_future(data.get(name))
            except forms.ValidationError as error:
                self.add_error(name, error)
        return data

    def signature_dates(self):
        """{(party_id, representative_id): date} for the dates given."""
        return {
            key: self.cleaned_data[name]
            for name, key in self.people.items()
            if self.cleaned_data.get(name)
        }


class TerminationForm(forms.Form):
    mode = forms.ChoiceField(label="Mode de résiliation", choices=TerminationMode.choices)
    notice_on = DateField(label="Date de notification")
    effective_on = DateField(label="Date d'effet")
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
