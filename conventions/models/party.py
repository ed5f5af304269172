from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from partners.models import Organisation, Representative


class PartyRole(models.TextChoices):
    CAF = "caf", "Caf"
    LEAD = "lead", "Collectivité chef de file"
    CO_SIGNATORY = "co_signatory", "Cosignataire"
    PARTNER = "partner", "Partenaire non signataire"


class Party(models.Model):
    """An organisation's place in one convention: role, order, short name, signatories."""

    convention = models.ForeignKey(
        "conventions.Convention",
        verbose_name="convention",
        on_delete=models.CASCADE,
        related_name="parties",
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name="organisation", on_delete=models.PROTECT, related_name="parties"
    )
    role = models.CharField("rôle", max_length=20, choices=PartyRole.choices)
    position = models.PositiveSmallIntegerField("ordre dans le document", default=0)
    short_name = models.CharField(
        "dénomination",
        max_length=255,
        blank=True,
        help_text="« Ci-après dénommée ... », par exemple « la Commune de Lièpvre ».",
    )
    competences = models.TextField(
        "champs d'intervention et compétences",
        blank=True,
        help_text="Le bloc propre à cette collectivité dans l'article sur les compétences.",
    )
    signatories = models.ManyToManyField(
        Representative,
        verbose_name="signataires",
        blank=True,
        related_name="signing_parties",
    )
    requires_deliberation = models.BooleanField(
        "délibération requise",
        default=True,
        help_text="L'organe délibérant doit approuver la convention avant la signature.",
    )

    # In an amendment's working copy: the party of the convention it stands for.
    origin = models.ForeignKey(
        "self",
        verbose_name="partie d'origine",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    joined_on = models.DateField("partie à compter du", null=True, blank=True, editable=False)
    left_on = models.DateField("a quitté la convention le", null=True, blank=True, editable=False)

    history = HistoricalRecords(m2m_fields=[signatories])

    class Meta:
        verbose_name = "partie"
        verbose_name_plural = "parties"
        ordering = ["convention", "position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "organisation"],
                name="unique_party_per_convention",
                violation_error_message="Cette organisation est déjà partie à la convention.",
            )
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()})"

    @property
    def is_signatory(self):
        return self.role != PartyRole.PARTNER

    def clean(self):
        if self.role == PartyRole.CAF and self.organisation_id and self.organisation.kind != "caf":
            raise ValidationError({"organisation": "Le rôle « Caf » est réservé à une Caf."})

    def validate_signatories(self, representatives):
        """Signing people must represent this party's organisation."""
        strangers = [r for r in representatives if r.organisation_id != self.organisation_id]
        if strangers:
            names = ", ".join(r.full_name for r in strangers)
            raise ValidationError(
                {"signatories": f"Ces personnes ne représentent pas {self.organisation} : {names}."}
            )
