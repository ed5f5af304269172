from django.db import models
from simple_history.models import HistoricalRecords


class Signature(models.Model):
    """One person's signature, on the convention or on one of its amendments."""

    party = models.ForeignKey(
        "conventions.Party",
        verbose_name="partie",
        on_delete=models.CASCADE,
        related_name="signatures",
    )
    representative = models.ForeignKey(
        "partners.Representative",
        verbose_name="signataire",
        on_delete=models.PROTECT,
        related_name="signatures",
    )
    amendment = models.ForeignKey(
        "conventions.Amendment",
        verbose_name="avenant",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="signatures",
    )
    signed_on = models.DateField("signée le")
    recorded_by = models.ForeignKey(
        "partners.User",
        verbose_name="enregistrée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "signature"
        verbose_name_plural = "signatures"
        ordering = ["party__position", "signed_on"]
        constraints = [
            models.UniqueConstraint(
                fields=["party", "representative"],
                condition=models.Q(amendment__isnull=True),
                name="unique_convention_signature",
                violation_error_message="Cette personne a déjà signé la convention.",
            ),
            models.UniqueConstraint(
                fields=["party", "representative", "amendment"],
                condition=models.Q(amendment__isnull=False),
                name="unique_amendment_signature",
                violation_error_message="Cette personne a déjà signé l'avenant.",
            ),
        ]

    def __str__(self):
        return f"{self.representative.full_name}, le {self.signed_on:%d/%m/%Y}"
