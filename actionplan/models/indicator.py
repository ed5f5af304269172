from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords


class IndicatorKind(models.TextChoices):
    QUANTITATIVE = "quantitative", "Quantitatif"
    QUALITATIVE = "qualitative", "Qualitatif"


class Periodicity(models.TextChoices):
    QUARTERLY = "quarterly", "Trimestrielle"
    HALF_YEARLY = "half_yearly", "Semestrielle"
    YEARLY = "yearly", "Annuelle"
    END_OF_PERIOD = "end_of_period", "En fin de convention"


class Indicator(models.Model):
    """An evaluation indicator of an action sheet."""

    action_sheet = models.ForeignKey(
        "actionplan.ActionSheet",
        verbose_name="fiche action",
        on_delete=models.CASCADE,
        related_name="indicators",
    )
    position = models.PositiveSmallIntegerField("ordre", default=0)
    label = models.CharField("libellé", max_length=500)
    kind = models.CharField(
        "nature", max_length=20, choices=IndicatorKind.choices, default=IndicatorKind.QUANTITATIVE
    )
    unit = models.CharField("unité", max_length=50, blank=True)
    baseline_value = models.DecimalField(
        "valeur de référence", max_digits=14, decimal_places=2, null=True, blank=True
    )
    baseline_text = models.TextField("situation de référence (qualitatif)", blank=True)
    baseline_date = models.DateField("date de la valeur de référence", null=True, blank=True)
    periodicity = models.CharField(
        "périodicité", max_length=20, choices=Periodicity.choices, default=Periodicity.YEARLY
    )
    source = models.CharField("source", max_length=255, blank=True)

    # In an amendment's working copy: the row of the convention it stands for.
    origin = models.ForeignKey(
        "self",
        verbose_name="indicateur d'origine",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    # An indicator an amendment removes keeps its values: it is closed, not deleted.
    closed_on = models.DateField("clos le", null=True, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "indicateur"
        verbose_name_plural = "indicateurs"
        ordering = ["action_sheet", "position", "id"]

    def __str__(self):
        return self.label

    def clean(self):
        if self.kind == IndicatorKind.QUALITATIVE and self.baseline_value is not None:
            raise ValidationError(
                {"baseline_value": "Un indicateur qualitatif n'a pas de valeur chiffrée."}
            )


class IndicatorTarget(models.Model):
    indicator = models.ForeignKey(
        Indicator, verbose_name="indicateur", on_delete=models.CASCADE, related_name="targets"
    )
    value = models.DecimalField(
        "valeur cible", max_digits=14, decimal_places=2, null=True, blank=True
    )
    text = models.TextField("cible (qualitatif)", blank=True)
    date = models.DateField("échéance de la cible")

    history = HistoricalRecords()

    class Meta:
        verbose_name = "cible"
        verbose_name_plural = "cibles"
        ordering = ["indicator", "date"]

    def __str__(self):
        return f"{self.value if self.value is not None else self.text} au {self.date:%d/%m/%Y}"

    def clean(self):
        if self.value is None and not self.text:
            raise ValidationError(
                {
                    "value": "Indiquez la valeur cible, ou la cible rédigée d'un indicateur "
                    "qualitatif."
                }
            )
        # The indicator may be unsaved yet (typed on the same page): read it from memory.
        indicator = getattr(self, "indicator", None)
        if (
            indicator is not None
            and indicator.kind == IndicatorKind.QUALITATIVE
            and self.value is not None
        ):
            raise ValidationError(
                {"value": "Un indicateur qualitatif a une cible rédigée, pas une valeur chiffrée."}
            )


class IndicatorValue(models.Model):
    """The value of an indicator for one quarter, entered with the follow-up."""

    indicator = models.ForeignKey(
        Indicator, verbose_name="indicateur", on_delete=models.CASCADE, related_name="values"
    )
    follow_up = models.ForeignKey(
        "actionplan.FollowUp",
        verbose_name="suivi",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="indicator_values",
    )
    year = models.PositiveSmallIntegerField("année")
    quarter = models.PositiveSmallIntegerField(
        "trimestre", choices=[(q, f"T{q}") for q in range(1, 5)]
    )
    value = models.DecimalField("valeur", max_digits=14, decimal_places=2, null=True, blank=True)
    text = models.TextField("appréciation (qualitatif)", blank=True)
    # Only asked when the convention carries the statistical secrecy clause: a
    # value about a zone with too few benefit recipients is never shown outside
    # the Caf nor exported (actionplan/secrecy.py).
    zone_recipients = models.PositiveIntegerField(
        "allocataires de la zone",
        null=True,
        blank=True,
        help_text="Nombre d'allocataires de la zone que décrit la valeur, s'il est connu.",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "valeur d'indicateur"
        verbose_name_plural = "valeurs d'indicateurs"
        ordering = ["indicator", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year", "quarter"],
                name="unique_indicator_value_per_quarter",
                violation_error_message="Une valeur existe déjà pour ce trimestre.",
            )
        ]

    def __str__(self):
        return f"{self.indicator} – {self.year} T{self.quarter}"
