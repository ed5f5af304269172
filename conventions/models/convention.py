"""The convention and its text.

Lifecycle states (see conventions/lifecycle.py for the transitions):

- draft (en préparation): parties, articles, action plan, equipment are
  edited freely.
- in_deliberation (en délibération): the text is frozen as a numbered
  ConventionVersion with a content hash; each signatory's council deliberates
  on that version. Reopening goes back to draft.
- signing (à la signature): every signatory party that needs one has an
  adopted deliberation on the current version.
- signed (signée): every signing person has signed. Whether the convention is
  in force (en vigueur) or expired (échue) is computed from the dates.
- terminated (résiliée): ended early, with a mode, a date and a reason.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from partners.models import Organisation, OrganisationKind

from .party import Party


class ConventionState(models.TextChoices):
    DRAFT = "draft", "En préparation"
    IN_DELIBERATION = "in_deliberation", "En délibération"
    SIGNING = "signing", "À la signature"
    SIGNED = "signed", "Signée"
    TERMINATED = "terminated", "Résiliée"


class TerminationMode(models.TextChoices):
    FORMAL_NOTICE = "formal_notice", "Mise en demeure restée sans effet (préavis d'un mois)"
    UNILATERAL_CHANGE = (
        "unilateral_change",
        "Modification unilatérale des termes de la convention (sans préavis)",
    )
    MUTUAL_CONSENT = "mutual_consent", "Commun accord (préavis de six mois)"

    @property
    def notice_months(self):
        return {"formal_notice": 1, "unilateral_change": 0, "mutual_consent": 6}[self.value]


class ConventionQuerySet(models.QuerySet):
    def visible_to(self, user, *, working_copies=False):
        """Conventions a user may read: their Caf's, or those their organisation is party to.

        An amendment's working copy (conventions/amendment_plan.py) is never listed; the
        pages that edit it by id ask for it with `working_copies=True`.
        """
        if not user.is_authenticated:
            return self.none()
        if not working_copies:
            self = self.filter(is_working_copy=False)
        if user.is_administrator:
            return self
        if not user.organisation_id:
            return self.none()
        if user.is_adviser:
            return self.filter(caf_id=user.organisation_id)
        # EXISTS rather than a join on the parties made unique by DISTINCT: PostgreSQL took
        # 10 ms to plan that for the convention page (DISTINCT over every column it reads).
        party = Party.objects.filter(
            convention=models.OuterRef("pk"), organisation_id=user.organisation_id
        )
        return self.filter(models.Exists(party))

    def in_force(self, on=None):
        on = on or datetime.date.today()
        signed = models.Q(state=ConventionState.SIGNED, end_date__gte=on)
        terminated_later = models.Q(state=ConventionState.TERMINATED, terminated_on__gt=on)
        return self.filter(signed | terminated_later, start_date__lte=on)

    def expired(self, on=None):
        on = on or datetime.date.today()
        return self.filter(state=ConventionState.SIGNED, end_date__lt=on)

    def editable_by(self, user):
        """Conventions a user may change: administrators all, advisers their Caf's."""
        if not user.is_authenticated:
            return self.none()
        self = self.filter(is_working_copy=False)
        if user.is_administrator:
            return self
        if user.is_adviser and user.organisation_id:
            return self.filter(caf_id=user.organisation_id)
        return self.none()


class Convention(models.Model):
    reference = models.SlugField(
        "référence",
        max_length=100,
        unique=True,
        help_text="Identifiant court et stable, par exemple « val-d-argent-2026-2030 ».",
    )
    title = models.CharField("intitulé", max_length=255)
    caf = models.ForeignKey(
        Organisation,
        verbose_name="Caf",
        on_delete=models.PROTECT,
        related_name="caf_conventions",
        limit_choices_to={"kind": OrganisationKind.CAF},
    )
    lead_authority = models.ForeignKey(
        Organisation,
        verbose_name="collectivité chef de file",
        on_delete=models.PROTECT,
        related_name="led_conventions",
    )
    territory_name = models.CharField(
        "territoire",
        max_length=255,
        help_text="Tel qu'il figure en page de titre, par exemple « Communauté de communes "
        "du Val d'Argent ».",
    )
    start_date = models.DateField("date de début")
    end_date = models.DateField("date de fin")
    state = models.CharField(
        "état",
        max_length=20,
        choices=ConventionState.choices,
        default=ConventionState.DRAFT,
        db_index=True,
    )
    template = models.ForeignKey(
        "conventions.ConventionTemplate",
        verbose_name="modèle",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conventions",
    )
    predecessor = models.OneToOneField(
        "self",
        verbose_name="convention précédente",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="successor",
    )
    themes = models.ManyToManyField(
        "conventions.Theme", verbose_name="thématiques", blank=True, related_name="conventions"
    )
    visas = models.TextField("visas", blank=True)
    preamble = models.TextField("préambule", blank=True)
    diagnostic_summary = models.TextField("synthèse du diagnostic partagé (annexe 1)", blank=True)
    evaluation_text = models.TextField("évaluation (annexe 6)", blank=True)
    equipment = models.ManyToManyField(
        "partners.Equipment",
        verbose_name="équipements et services soutenus (annexe 2)",
        blank=True,
        related_name="conventions",
    )
    signing_place = models.CharField("lieu de signature", max_length=100, blank=True)
    originals_count = models.PositiveSmallIntegerField("nombre d'exemplaires originaux", default=2)
    statistical_secrecy = models.BooleanField(
        "clause de secret statistique",
        default=False,
        help_text="Les statistiques exportées masquent les petites valeurs.",
    )
    secrecy_min_recipients = models.PositiveIntegerField(
        "seuil d'allocataires par zone", default=100
    )
    secrecy_min_value = models.PositiveIntegerField("seuil des valeurs non nulles", default=5)

    frozen_at = models.DateTimeField("texte figé le", null=True, blank=True)
    signing_started_at = models.DateTimeField("mise à la signature le", null=True, blank=True)
    signed_on = models.DateField("signée le", null=True, blank=True)
    termination_mode = models.CharField(
        "mode de résiliation", max_length=30, choices=TerminationMode.choices, blank=True
    )
    termination_notice_on = models.DateField("notifiée le", null=True, blank=True)
    terminated_on = models.DateField("résiliée à compter du", null=True, blank=True)
    termination_reason = models.TextField("motif de la résiliation", blank=True)

    # The plan and parties an amendment proposes, edited with the ordinary draft editors
    # and applied to the convention when the amendment is signed (amendment_plan.py).
    is_working_copy = models.BooleanField(
        "copie de travail d'un avenant", default=False, editable=False
    )

    created_at = models.DateTimeField("créée le", auto_now_add=True)
    created_by = models.ForeignKey(
        "partners.User",
        verbose_name="créée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords(excluded_fields=["created_at"], m2m_fields=[themes, equipment])
    objects = ConventionQuerySet.as_manager()

    class Meta:
        verbose_name = "convention"
        verbose_name_plural = "conventions"
        ordering = ["-start_date", "title"]
        indexes = [
            # The conventions list's order: a page of 25 read along it, not 1,300 rows
            # joined and sorted (7 -> 1 ms nationally).
            models.Index(fields=["-start_date", "title", "id"], name="convention_list_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__gt=models.F("start_date")),
                name="convention_end_after_start",
                violation_error_message="La date de fin doit être postérieure à la date de début.",
            )
        ]

    def __str__(self):
        return self.title

    def clean(self):
        errors = {}
        if self.start_date and self.end_date:
            if self.end_date <= self.start_date:
                errors["end_date"] = "La date de fin doit être postérieure à la date de début."
            elif self.end_date > _add_years(self.start_date, 5):
                errors["end_date"] = "Une CTG dure au plus cinq ans."
        if self.caf_id and self.caf.kind != OrganisationKind.CAF:
            errors["caf"] = "Choisissez une Caf."
        if self.lead_authority_id and not self.lead_authority.is_local_authority:
            errors["lead_authority"] = "La collectivité chef de file doit être une collectivité."
        if errors:
            raise ValidationError(errors)

    @property
    def period_label(self):
        return f"{self.start_date.year}-{self.end_date.year}"

    @property
    def is_editable(self):
        return self.state == ConventionState.DRAFT

    def is_in_force(self, on=None):
        on = on or datetime.date.today()
        if self.state == ConventionState.TERMINATED:
            return bool(self.terminated_on and self.start_date <= on < self.terminated_on)
        return self.state == ConventionState.SIGNED and self.start_date <= on <= self.end_date

    def is_expired(self, on=None):
        on = on or datetime.date.today()
        return self.state == ConventionState.SIGNED and on > self.end_date

    def status_label(self, on=None):
        """The state as people say it, with in force / expired computed from dates."""
        on = on or datetime.date.today()
        if self.state == ConventionState.SIGNED:
            if self.is_expired(on):
                return "Échue"
            if self.is_in_force(on):
                return "En vigueur"
            return "Signée, pas encore en vigueur"
        return self.get_state_display()

    @property
    def current_version(self):
        return self.versions.order_by("-number").first()


def _add_years(day, years):
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


class Article(models.Model):
    """An article of one convention, copied from its template and editable while draft."""

    convention = models.ForeignKey(
        Convention, verbose_name="convention", on_delete=models.CASCADE, related_name="articles"
    )
    number = models.PositiveSmallIntegerField("numéro")
    title = models.CharField("titre", max_length=255)
    body = models.TextField("texte", blank=True)
    has_party_blocks = models.BooleanField("bloc de compétences par collectivité", default=False)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "article"
        verbose_name_plural = "articles"
        ordering = ["convention", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "number"],
                name="unique_article_number",
                violation_error_message="Ce numéro d'article existe déjà dans la convention.",
            )
        ]

    def __str__(self):
        return f"Article {self.number} – {self.title}"


class SteeringInstance(models.Model):
    """A steering body described in annexe 4: comité de pilotage, comité technique..."""

    convention = models.ForeignKey(
        Convention,
        verbose_name="convention",
        on_delete=models.CASCADE,
        related_name="steering_instances",
    )
    position = models.PositiveSmallIntegerField("ordre", default=0)
    name = models.CharField("instance", max_length=200)
    missions = models.TextField("missions", blank=True)
    composition = models.TextField("composition", blank=True)
    periodicity = models.CharField("périodicité", max_length=200, blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "instance de pilotage"
        verbose_name_plural = "instances de pilotage"
        ordering = ["convention", "position", "id"]

    def __str__(self):
        return self.name


class ConventionVersion(models.Model):
    """A frozen text: what councils deliberate on and what parties sign."""

    convention = models.ForeignKey(
        Convention, verbose_name="convention", on_delete=models.CASCADE, related_name="versions"
    )
    number = models.PositiveSmallIntegerField("numéro de version")
    content = models.JSONField("contenu figé")
    content_hash = models.CharField("empreinte SHA-256", max_length=64)
    frozen_at = models.DateTimeField("figée le")
    frozen_by = models.ForeignKey(
        "partners.User",
        verbose_name="figée par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = "version figée"
        verbose_name_plural = "versions figées"
        ordering = ["convention", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "number"], name="unique_convention_version_number"
            )
        ]

    def __str__(self):
        return f"{self.convention} – version {self.number}"
