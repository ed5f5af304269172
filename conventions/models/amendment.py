from django.db import models
from simple_history.models import HistoricalRecords


class AmendmentState(models.TextChoices):
    DRAFT = "draft", "En préparation"
    IN_DELIBERATION = "in_deliberation", "En délibération"
    SIGNING = "signing", "À la signature"
    SIGNED = "signed", "Signé"


class Amendment(models.Model):
    """An avenant: any change after signature, deliberated and signed like the convention."""

    convention = models.ForeignKey(
        "conventions.Convention",
        verbose_name="convention",
        on_delete=models.CASCADE,
        related_name="amendments",
    )
    number = models.PositiveSmallIntegerField("numéro")
    subject = models.CharField("objet", max_length=500)
    changes_articles = models.BooleanField("modifie des articles", default=False)
    changes_annexes = models.BooleanField("modifie des annexes", default=False)
    changes_parties = models.BooleanField("modifie les parties", default=False)
    changes_action_plan = models.BooleanField("modifie le plan d'actions", default=False)
    changes_description = models.TextField("modifications apportées", blank=True)
    effective_date = models.DateField("date d'effet", null=True, blank=True)
    state = models.CharField(
        "état", max_length=20, choices=AmendmentState.choices, default=AmendmentState.DRAFT
    )
    frozen_at = models.DateTimeField("texte figé le", null=True, blank=True)
    content_hash = models.CharField("empreinte SHA-256", max_length=64, blank=True)
    signed_on = models.DateField("signé le", null=True, blank=True)
    working_copy = models.OneToOneField(
        "conventions.Convention",
        verbose_name="copie de travail du plan et des parties",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="working_copy_of",
    )
    # What the amendment changed in the plan and the parties, kept once applied
    # (amendment_plan.Difference.as_json): the working copy is then gone.
    applied_changes = models.JSONField("modifications appliquées", null=True, blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["created_at"])

    class Meta:
        verbose_name = "avenant"
        verbose_name_plural = "avenants"
        ordering = ["convention", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "number"],
                name="unique_amendment_number",
                violation_error_message="Ce numéro d'avenant existe déjà.",
            )
        ]

    def __str__(self):
        return f"Avenant n° {self.number} – {self.convention}"
