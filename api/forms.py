import datetime

from django import forms
from django.utils import timezone

from api.models import DEFAULT_VALIDITY_DAYS, MAX_VALIDITY_DAYS, ApiToken


class TokenForm(forms.ModelForm):
    """A person's new token: what it is for, and until when (a year by default, two at most)."""

    class Meta:
        model = ApiToken
        fields = ["name", "expires_on"]
        labels = {"name": "Nom du jeton", "expires_on": "Date d'expiration"}
        help_texts = {
            "expires_on": f"Au plus {MAX_VALIDITY_DAYS // 365} ans ; un an par défaut.",
        }
        widgets = {"expires_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.fields["expires_on"].initial = today + datetime.timedelta(days=DEFAULT_VALIDITY_DAYS)

    def clean_expires_on(self):
        # The longest validity is the model's rule (ApiToken.clean), for the admin site too.
        expires_on = self.cleaned_data["expires_on"]
        if expires_on <= timezone.localdate():
            raise forms.ValidationError("La date d'expiration doit être postérieure à aujourd'hui.")
        return expires_on
