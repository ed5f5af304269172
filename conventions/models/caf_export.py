"""Caf-wide exports produced in the background (conventions/caf_export_jobs.py).

A CafExport is one request for the conventions table or the indicators of a year, as
Excel or CSV, by one person with the list's criteria; it is also the outbox of the task
that writes the file. States:

- waiting (en attente): recorded, the task is queued once the transaction commits
  (queued_at stays empty while the broker cannot be reached: the sweep queues it
  when the broker is back);
- running (en cours): a worker claimed it at started_at (past the hard time limit, the
  worker was lost and the sweep queues it again, or fails it after a few tries);
- ready (prêt): the file is stored and its owner may download it;
- failed (échec): with a French message; asking again starts a new export.

Exports are deleted with their file CAF_EXPORT_KEEP_DAYS days after being asked for.
"""

from django.db import models
from django.utils import timezone

from .document import QUEUING_DELAY


class CafExportKind(models.TextChoices):
    CONVENTIONS = "conventions", "Conventions"
    INDICATORS = "indicators", "Indicateurs de l'année"


class CafExportFormat(models.TextChoices):
    XLSX = "xlsx", "Excel"
    CSV = "csv", "CSV"


class CafExportState(models.TextChoices):
    WAITING = "waiting", "En attente"
    RUNNING = "running", "En cours"
    READY = "ready", "Prêt"
    FAILED = "failed", "Échec"


PENDING_STATES = (CafExportState.WAITING, CafExportState.RUNNING)


class CafExport(models.Model):
    requested_by = models.ForeignKey(
        "partners.User",
        verbose_name="demandé par",
        on_delete=models.CASCADE,
        related_name="caf_exports",
    )
    kind = models.CharField("contenu", max_length=20, choices=CafExportKind.choices)
    format = models.CharField("format du fichier", max_length=10, choices=CafExportFormat.choices)
    year = models.PositiveSmallIntegerField("année", null=True, blank=True)
    # The convention list's criteria as a canonical query string ("caf=3&status=draft"):
    # the task rebuilds the same conventions from it, within what the person sees then.
    criteria = models.CharField("critères de la liste", max_length=1000, blank=True)
    scope = models.CharField("périmètre", max_length=200)
    state = models.CharField(
        "état", max_length=20, choices=CafExportState.choices, default=CafExportState.WAITING
    )
    error = models.TextField("message d'erreur", blank=True)
    file = models.FileField("fichier", upload_to="exports/", max_length=255, blank=True)
    file_size = models.PositiveBigIntegerField("taille (octets)", null=True, blank=True)
    row_count = models.PositiveIntegerField("nombre de lignes", null=True, blank=True)
    created_at = models.DateTimeField("demandé le", auto_now_add=True)
    queued_at = models.DateTimeField("mis en file le", null=True, blank=True)
    started_at = models.DateTimeField("production commencée le", null=True, blank=True)
    finished_at = models.DateTimeField("terminé le", null=True, blank=True)
    seconds = models.FloatField("durée de production (s)", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)

    class Meta:
        verbose_name = "export de la Caf"
        verbose_name_plural = "exports de la Caf"
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["requested_by", "-created_at"]),
            models.Index(fields=["state", "created_at"]),
        ]

    def __str__(self):
        return f"{self.label} – {self.scope}"

    @property
    def label(self):
        what = "Conventions" if self.kind == CafExportKind.CONVENTIONS else "Indicateurs"
        year = f" {self.year}" if self.kind == CafExportKind.INDICATORS and self.year else ""
        return f"{what}{year} ({self.get_format_display()})"

    @property
    def is_pending(self):
        return self.state in PENDING_STATES

    @property
    def is_delayed(self):
        """Waiting for a broker that could not be reached when it was asked for."""
        return (
            self.state == CafExportState.WAITING
            and self.queued_at is None
            and self.created_at < timezone.now() - QUEUING_DELAY
        )

    @property
    def filename(self):
        """ "ctg-indicateurs-2026-2026-11-29.xlsx": what, which year, the day asked for."""
        from conventions.caf_export import filename

        name = "conventions" if self.kind == CafExportKind.CONVENTIONS else "indicateurs"
        year = self.year if self.kind == CafExportKind.INDICATORS else None
        return filename(name, self.format, year, timezone.localdate(self.created_at))
