from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords


class Role(models.TextChoices):
    ADMINISTRATOR = "admin", "Administrateur"
    ADVISER = "adviser", "Conseiller territorial Caf"
    COOPERATION = "cooperation", "Chargé de coopération"
    READER = "reader", "Lecteur"


class User(AbstractUser):
    """A person who signs in; their organisation and role scope what they see."""

    email = models.EmailField("adresse électronique", unique=True)
    role = models.CharField("rôle", max_length=20, choices=Role.choices, default=Role.READER)
    organisation = models.ForeignKey(
        "partners.Organisation",
        verbose_name="organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        help_text="La Caf d'un conseiller, la collectivité d'un chargé de coopération.",
    )

    # Who changed a person's role, organisation or access; never their password.
    history = HistoricalRecords(excluded_fields=["password", "last_login"])

    class Meta:
        verbose_name = "utilisateur"
        verbose_name_plural = "utilisateurs"

    def clean(self):
        super().clean()
        if self.role != Role.ADMINISTRATOR and not self.organisation_id:
            raise ValidationError(
                {"organisation": "Une organisation est obligatoire pour ce rôle."}
            )
        if self.role == Role.ADVISER and self.organisation_id and self.organisation.kind != "caf":
            raise ValidationError(
                {"organisation": "Un conseiller territorial est rattaché à une Caf."}
            )

    @property
    def is_administrator(self):
        return self.is_superuser or self.role == Role.ADMINISTRATOR

    @property
    def is_adviser(self):
        return self.role == Role.ADVISER
