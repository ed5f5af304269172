"""An uploaded tracking table, kept between its preview and its confirmation.

`summary` holds the preview as shown (changes and refusals, cell by cell) and
what confirming writes: each entry with the revision it had when the preview
was built, so that a change made meanwhile refuses the confirmation instead of
being overwritten (actionplan/tracking_import.py).
"""

from django.db import models
from simple_history.models import HistoricalRecords


class ImportMode(models.TextChoices):
    QUARTER = "quarter", "Suivi d'un trimestre (tableau de suivi exporté par l'application)"
    HISTORY = "history", "Reprise des trimestres passés (tableau de suivi tenu jusqu'ici)"


class TrackingImport(models.Model):
    convention = models.ForeignKey(
        "conventions.Convention",
        verbose_name="convention",
        on_delete=models.CASCADE,
        related_name="tracking_imports",
    )
    mode = models.CharField("nature de l'import", max_length=20, choices=ImportMode.choices)
    year = models.PositiveSmallIntegerField("année", null=True, blank=True)
    quarter = models.PositiveSmallIntegerField(
        "trimestre", null=True, blank=True, choices=[(q, f"T{q}") for q in range(1, 5)]
    )
    file = models.FileField("tableau déposé", upload_to="suivi/imports/")
    filename = models.CharField("nom du fichier déposé", max_length=255)
    file_sha256 = models.CharField("empreinte SHA-256 du fichier", max_length=64)
    uploaded_by = models.ForeignKey(
        "partners.User",
        verbose_name="déposé par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField("déposé le", auto_now_add=True)
    applied_at = models.DateTimeField("appliqué le", null=True, blank=True)
    summary = models.JSONField("aperçu et modifications", default=dict)

    # The preview itself is large and never edited: the history says who applied when.
    history = HistoricalRecords(excluded_fields=["summary", "created_at"])

    class Meta:
        verbose_name = "import de tableau de suivi"
        verbose_name_plural = "imports de tableaux de suivi"
        ordering = ["-created_at"]

    def __str__(self):
        return self.filename

    @property
    def period_label(self):
        return f"T{self.quarter} {self.year}" if self.year and self.quarter else ""
