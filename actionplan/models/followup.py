from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator
from django.db import models
from simple_history.models import HistoricalRecords


class FollowUpStatus(models.TextChoices):
    NOT_STARTED = "not_started", "Non démarrée"
    IN_PROGRESS = "in_progress", "En cours"
    IN_DIFFICULTY = "in_difficulty", "En difficulté"
    DONE = "done", "Réalisée"
    POSTPONED = "postponed", "Reportée"
    ABANDONED = "abandoned", "Abandonnée"


class FollowUpState(models.TextChoices):
    """Who holds the entry: the chargé de coopération writes, the Caf adviser validates."""

    OPEN = "open", "À renseigner"
    DRAFT = "draft", "Brouillon"
    SUBMITTED = "submitted", "Transmis"
    RETURNED = "returned", "Renvoyé pour complément"
    VALIDATED = "validated", "Validé"


class FollowUp(models.Model):
    """Quarterly follow-up of one action sheet."""

    action_sheet = models.ForeignKey(
        "actionplan.ActionSheet",
        verbose_name="fiche action",
        on_delete=models.CASCADE,
        related_name="follow_ups",
    )
    year = models.PositiveSmallIntegerField("année")
    quarter = models.PositiveSmallIntegerField(
        "trimestre", choices=[(q, f"T{q}") for q in range(1, 5)]
    )
    status = models.CharField(
        "avancement",
        max_length=20,
        choices=FollowUpStatus.choices,
        default=FollowUpStatus.NOT_STARTED,
    )
    progress = models.PositiveSmallIntegerField(
        "réalisation (%)", default=0, validators=[MaxValueValidator(100)]
    )
    achievements = models.TextField("réalisations", blank=True)
    difficulties = models.TextField("difficultés", blank=True)
    next_steps = models.TextField("prochaines étapes", blank=True)
    # Indexed: the home pages look for the few entries still pending among hundreds of
    # thousands validated.
    state = models.CharField(
        "état",
        max_length=20,
        choices=FollowUpState.choices,
        default=FollowUpState.OPEN,
        db_index=True,
    )
    adviser_comment = models.TextField("commentaire du conseiller", blank=True)
    submitted_at = models.DateTimeField("transmis le", null=True, blank=True)
    submitted_by = models.ForeignKey(
        "partners.User",
        verbose_name="transmis par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    validated_at = models.DateTimeField("validé le", null=True, blank=True)
    validated_by = models.ForeignKey(
        "partners.User",
        verbose_name="validé par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    # Optimistic locking: a save carrying an older revision is refused.
    revision = models.PositiveIntegerField("révision", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "suivi trimestriel"
        verbose_name_plural = "suivis trimestriels"
        ordering = ["action_sheet", "year", "quarter"]
        # A quarter across every convention (/suivi/, reminders) without a full scan.
        indexes = [models.Index(fields=["year", "quarter"], name="follow_up_quarter")]
        constraints = [
            models.UniqueConstraint(
                fields=["action_sheet", "year", "quarter"],
                name="unique_follow_up_per_quarter",
                violation_error_message="Un suivi existe déjà pour cette action et ce trimestre.",
            ),
            models.CheckConstraint(
                condition=models.Q(progress__lte=100),
                name="follow_up_progress_at_most_100",
                violation_error_message="L'avancement ne peut dépasser 100 %.",
            ),
        ]

    def __str__(self):
        return f"{self.action_sheet} – {self.year} T{self.quarter}"

    @property
    def period_label(self):
        return f"T{self.quarter} {self.year}"

    @property
    def is_locked(self):
        return self.state == FollowUpState.VALIDATED

    def clean(self):
        if self.status == FollowUpStatus.DONE and self.progress != 100:
            raise ValidationError({"progress": "Une action réalisée est avancée à 100 %."})
        if self.status == FollowUpStatus.NOT_STARTED and self.progress:
            raise ValidationError(
                {"progress": "Une action non démarrée ne peut pas avoir d'avancement."}
            )
