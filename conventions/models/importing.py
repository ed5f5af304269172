"""An uploaded convention document, what was read from it and what became of it.

The file is kept: once the import is confirmed it is the convention's source
document. `data` holds the `ReadConvention` (conventions/importing/result.py)
as read, then as corrected on the review page.
"""

from django.db import models
from simple_history.models import HistoricalRecords


class ImportState(models.TextChoices):
    READ = "read", "À vérifier"
    CONFIRMED = "confirmed", "Convention créée"


class ConventionImport(models.Model):
    caf = models.ForeignKey(
        "partners.Organisation",
        verbose_name="Caf",
        on_delete=models.CASCADE,
        related_name="convention_imports",
        limit_choices_to={"kind": "caf"},
    )
    file = models.FileField("document source", upload_to="imports/")
    filename = models.CharField("nom du fichier déposé", max_length=255)
    file_sha256 = models.CharField("empreinte SHA-256 du fichier", max_length=64)
    data = models.JSONField("ce qui a été lu", default=dict)
    state = models.CharField(
        "état", max_length=20, choices=ImportState.choices, default=ImportState.READ
    )
    convention = models.OneToOneField(
        "conventions.Convention",
        verbose_name="convention créée",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="source_import",
    )
    uploaded_at = models.DateTimeField("déposé le", auto_now_add=True)
    uploaded_by = models.ForeignKey(
        "partners.User",
        verbose_name="déposé par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    confirmed_at = models.DateTimeField("confirmé le", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        "partners.User",
        verbose_name="confirmé par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    # Who corrected what on the review page, and who confirmed.
    history = HistoricalRecords(excluded_fields=["uploaded_at"])

    class Meta:
        verbose_name = "import de convention"
        verbose_name_plural = "imports de conventions"
        ordering = ["-uploaded_at"]

    def __str__(self):
        return self.filename
