"""Personal API tokens.

A token is shown once, when it is created: `ctg_<prefix>_<secret>`. The prefix
is stored in clear (it names the token in lists and finds its row); only the
SHA-256 of the whole token is stored, so a copy of the database gives nobody a
usable token. A token always expires (at most MAX_VALIDITY_DAYS after its
creation) and may be revoked earlier by its owner or an administrator.
"""

import datetime
import hashlib
import hmac
import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

TOKEN_PREFIX = "ctg_"
DEFAULT_VALIDITY_DAYS = 365
MAX_VALIDITY_DAYS = 730
# last_used_at is written at most once per this interval: not a write per call.
LAST_USED_PRECISION = datetime.timedelta(minutes=1)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def default_expiry():
    return timezone.localdate() + datetime.timedelta(days=DEFAULT_VALIDITY_DAYS)


class ApiTokenQuerySet(models.QuerySet):
    def active(self, today=None):
        today = today or timezone.localdate()
        return self.filter(revoked_at__isnull=True, expires_on__gte=today)

    def issue(self, user, name, expires_on=None):
        """Create a token; returns (token row, the token in clear, to show once)."""
        prefix = secrets.token_hex(4)
        while self.filter(prefix=prefix).exists():
            prefix = secrets.token_hex(4)
        clear = f"{TOKEN_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
        token = self.create(
            user=user,
            name=name,
            prefix=prefix,
            token_hash=hash_token(clear),
            expires_on=expires_on or default_expiry(),
        )
        return token, clear

    def find(self, clear):
        """The token row matching a token in clear, whatever its state, or None."""
        # The secret (URL-safe base64) may hold "_" too: split at the first two only.
        parts = clear.split("_", 2)
        if len(parts) != 3 or f"{parts[0]}_" != TOKEN_PREFIX:
            return None
        token = self.select_related("user").filter(prefix=parts[1]).first()
        if token is None or not hmac.compare_digest(token.token_hash, hash_token(clear)):
            return None
        return token


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="utilisateur",
        on_delete=models.CASCADE,
        related_name="api_tokens",
    )
    name = models.CharField(
        "nom",
        max_length=100,
        help_text="À quoi sert ce jeton, par exemple « Infocentre de la Caf ».",
    )
    prefix = models.CharField("préfixe", max_length=16, unique=True, editable=False)
    token_hash = models.CharField("empreinte SHA-256", max_length=64, editable=False)
    created_at = models.DateTimeField("créé le", auto_now_add=True)
    expires_on = models.DateField("expire le", default=default_expiry)
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "jeton d'API"
        verbose_name_plural = "jetons d'API"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.name} ({self.display_prefix}…)"

    def clean(self):
        # From the account page and the admin site alike: a token always ends, and soon.
        issued = timezone.localdate(self.created_at) if self.created_at else timezone.localdate()
        latest = issued + datetime.timedelta(days=MAX_VALIDITY_DAYS)
        if self.expires_on and self.expires_on > latest:
            raise ValidationError(
                {
                    "expires_on": f"Un jeton vaut au plus {MAX_VALIDITY_DAYS // 365} ans : "
                    f"choisissez une date jusqu'au {latest:%d/%m/%Y}."
                }
            )

    @property
    def display_prefix(self):
        return f"{TOKEN_PREFIX}{self.prefix}"

    def is_expired(self, today=None):
        return self.expires_on < (today or timezone.localdate())

    @property
    def is_active(self):
        return self.revoked_at is None and not self.is_expired()

    @property
    def state_label(self):
        if self.revoked_at:
            return "Révoqué"
        return "Expiré" if self.is_expired() else "Actif"

    def touch(self, now=None):
        """Record a use, at most once per LAST_USED_PRECISION."""
        now = now or timezone.now()
        if self.last_used_at and now - self.last_used_at < LAST_USED_PRECISION:
            return
        self.last_used_at = now
        ApiToken.objects.filter(pk=self.pk).update(last_used_at=now)

    def revoke(self, now=None):
        """Revoke the token (idempotent: the first revocation's date is kept)."""
        if self.revoked_at is None:
            self.revoked_at = now or timezone.now()
            ApiToken.objects.filter(pk=self.pk, revoked_at__isnull=True).update(
                revoked_at=self.revoked_at
            )
