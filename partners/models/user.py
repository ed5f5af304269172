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
    daily_digest = models.BooleanField(
        "résumé quotidien",
        default=False,
        help_text="Un seul courriel chaque matin, au lieu d'un courriel à chaque suivi transmis "
        "ou renvoyé pour complément.",
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


class SentEmail(models.Model):
    """One e-mail sent to one person about one thing, recorded so that it is never sent twice.

    `key` names what the e-mail told (e.g. "transmission:<follow-up id>:<time of the
    transmission>"); an e-mail grouping several things records one row per thing, in
    the transaction that sends it, so that a retried task, a second worker or the daily
    digest finds them and does not tell them again.
    """

    recipient = models.ForeignKey(
        User, verbose_name="destinataire", on_delete=models.CASCADE, related_name="sent_emails"
    )
    key = models.CharField("objet signalé", max_length=200)
    sent_at = models.DateTimeField("envoyé le", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "courriel envoyé"
        verbose_name_plural = "courriels envoyés"
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                name="unique_sent_email",
                violation_error_message="Ce courriel a déjà été envoyé à cette personne.",
            )
        ]

    def __str__(self):
        return f"{self.key} – {self.recipient}"
