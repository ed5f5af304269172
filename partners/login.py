"""Signing in: the password, then, for the people (administrators) who turned it on, the
code of their authenticator app (TOTP, django-otp), on the site's and the admin's login.

The second factor is optional: a person without a confirmed TOTP device signs in with
the password alone. An administrator adds a device in the admin site ("Appareils
TOTP", with its QR code to scan); from then on the code is required.
"""

from django import forms
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django_otp.plugins.otp_totp.models import TOTPDevice


class SecondFactorMixin:
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["otp_token"] = forms.CharField(
            label="Code de l'application d'authentification",
            required=False,
            max_length=10,
            widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric"}),
            help_text="Seulement si vous avez activé la double authentification.",
        )

    def confirm_login_allowed(self, user):
        super().confirm_login_allowed(user)
        devices = list(TOTPDevice.objects.devices_for_user(user, confirmed=True))
        if not devices:
            return
        token = (self.cleaned_data.get("otp_token") or "").replace(" ", "")
        if not token:
            raise ValidationError(
                "Votre compte est protégé par une double authentification : saisissez aussi "
                "le code à six chiffres affiché par votre application.",
                code="otp_required",
            )
        if not any(device.verify_token(token) for device in devices):
            raise ValidationError(
                "Code d'authentification incorrect ou expiré : saisissez le code affiché "
                "maintenant par votre application.",
                code="otp_invalid",
            )


class LoginForm(SecondFactorMixin, AuthenticationForm):
    pass


class AdminLoginForm(SecondFactorMixin, AdminAuthenticationForm):
    pass
