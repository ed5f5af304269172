import datetime

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords


class Civility(models.TextChoices):
    MR = "M", "Monsieur"
    MRS = "MME", "Madame"


class RepresentativeQuerySet(models.QuerySet):
    def in_office(self, on=None):
        """Representatives whose mandate covers the given date (today by default)."""
        on = on or datetime.date.today()
        return self.filter(
            models.Q(mandate_start__isnull=True) | models.Q(mandate_start__lte=on),
            models.Q(mandate_end__isnull=True) | models.Q(mandate_end__gte=on),
        )


class Representative(models.Model):
    """A person who represents an organisation (Maire, Président, Directeur...)."""

    organisation = models.ForeignKey(
        "partners.Organisation",
        verbose_name="organisation",
        on_delete=models.CASCADE,
        related_name="representatives",
    )
    civility = models.CharField("civilité", max_length=3, choices=Civility.choices)
    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    role_title = models.CharField(
        "fonction",
        max_length=150,
        help_text="Par exemple : Maire, Président, Présidente du Conseil d'Administration, "
        "Directeur.",
    )
    mandate_start = models.DateField("début du mandat", null=True, blank=True)
    mandate_end = models.DateField("fin du mandat", null=True, blank=True)
    email = models.EmailField("courriel", blank=True)

    history = HistoricalRecords()
    objects = RepresentativeQuerySet.as_manager()

    class Meta:
        verbose_name = "représentant"
        verbose_name_plural = "représentants"
        ordering = ["organisation__name", "last_name", "first_name"]

    def __str__(self):
        return f"{self.full_name} ({self.role_title}, {self.organisation})"

    @property
    def full_name(self):
        """ "Monsieur Denis PETIT", as the conventions write it."""
        return f"{self.get_civility_display()} {self.first_name} {self.last_name.upper()}"

    def clean(self):
        if self.mandate_start and self.mandate_end and self.mandate_end < self.mandate_start:
            raise ValidationError(
                {"mandate_end": "La fin du mandat doit être postérieure à son début."}
            )

    def is_in_office(self, on=None):
        on = on or datetime.date.today()
        return (self.mandate_start is None or self.mandate_start <= on) and (
            self.mandate_end is None or on <= self.mandate_end
        )
