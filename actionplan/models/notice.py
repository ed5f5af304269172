from django.db import models
from simple_history.models import HistoricalRecords


class NoticeKind(models.TextChoices):
    OPENING = "opening", "Ouverture du trimestre"
    REMINDER = "reminder", "Relance"
    MISSING = "missing", "Suivis manquants après l'échéance"


class FollowUpNotice(models.Model):
    """An e-mail about a quarter's follow-up, sent once to one person for one convention.

    The row is what makes the e-mail tasks idempotent: it is written in the same
    transaction as the sending, so a second run finds it and sends nothing.
    """

    kind = models.CharField("nature", max_length=20, choices=NoticeKind.choices)
    convention = models.ForeignKey(
        "conventions.Convention",
        verbose_name="convention",
        on_delete=models.CASCADE,
        related_name="follow_up_notices",
    )
    year = models.PositiveSmallIntegerField("année")
    quarter = models.PositiveSmallIntegerField(
        "trimestre", choices=[(q, f"T{q}") for q in range(1, 5)]
    )
    recipient = models.ForeignKey(
        "partners.User",
        verbose_name="destinataire",
        on_delete=models.CASCADE,
        related_name="follow_up_notices",
    )
    email = models.EmailField("adresse utilisée")
    sent_at = models.DateTimeField("envoyé le", auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "courriel de suivi"
        verbose_name_plural = "courriels de suivi"
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "convention", "year", "quarter", "recipient"],
                name="unique_follow_up_notice",
                violation_error_message="Ce courriel a déjà été envoyé à cette personne.",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} T{self.quarter} {self.year} – {self.recipient}"
