from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords


class Axis(models.Model):
    """A strategic axis (axe stratégique), numbered 1..n in its convention."""

    convention = models.ForeignKey(
        "conventions.Convention",
        verbose_name="convention",
        on_delete=models.CASCADE,
        related_name="axes",
    )
    number = models.PositiveSmallIntegerField("numéro")
    title = models.CharField("intitulé", max_length=500)
    description = models.TextField("description", blank=True)

    # In an amendment's working copy: the row of the convention it stands for.
    origin = models.ForeignKey(
        "self",
        verbose_name="axe d'origine",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "axe stratégique"
        verbose_name_plural = "axes stratégiques"
        ordering = ["convention", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["convention", "number"],
                name="unique_axis_number",
                violation_error_message="Ce numéro d'axe existe déjà dans la convention.",
            )
        ]

    def __str__(self):
        return f"Axe {self.number} – {self.title}"


class Objective(models.Model):
    """A shared objective inside an axis, numbered 1.1, 1.2..."""

    axis = models.ForeignKey(
        Axis, verbose_name="axe", on_delete=models.CASCADE, related_name="objectives"
    )
    number = models.PositiveSmallIntegerField("numéro dans l'axe")
    title = models.CharField("intitulé", max_length=500)
    description = models.TextField("description", blank=True)

    # In an amendment's working copy: the row of the convention it stands for.
    origin = models.ForeignKey(
        "self",
        verbose_name="objectif d'origine",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "objectif"
        verbose_name_plural = "objectifs"
        ordering = ["axis__number", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["axis", "number"],
                name="unique_objective_number",
                violation_error_message="Ce numéro d'objectif existe déjà dans l'axe.",
            )
        ]

    def __str__(self):
        return f"{self.code} – {self.title}"

    @property
    def code(self):
        return f"{self.axis.number}.{self.number}"


class ActionSheet(models.Model):
    """A fiche action: what will be done, by whom, with what, and how it is measured."""

    convention = models.ForeignKey(
        "conventions.Convention",
        verbose_name="convention",
        on_delete=models.CASCADE,
        related_name="action_sheets",
    )
    axis = models.ForeignKey(
        Axis, verbose_name="axe", on_delete=models.CASCADE, related_name="action_sheets"
    )
    objective = models.ForeignKey(
        Objective,
        verbose_name="objectif",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="action_sheets",
    )
    number = models.PositiveSmallIntegerField("numéro de la fiche")
    title = models.CharField("intitulé", max_length=500)
    themes = models.ManyToManyField(
        "conventions.Theme", verbose_name="thématiques", blank=True, related_name="action_sheets"
    )
    initial_diagnostic = models.TextField("diagnostic initial", blank=True)
    target_public = models.TextField("public cible", blank=True)
    operational_objectives = models.TextField("objectifs opérationnels", blank=True)
    implementation = models.TextField("modalités de mise en œuvre", blank=True)
    deadline = models.DateField("échéance", null=True, blank=True)
    deadline_whole_period = models.BooleanField("sur la durée de la CTG", default=False)
    pilot_party = models.ForeignKey(
        "conventions.Party",
        verbose_name="pilote",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="piloted_action_sheets",
    )
    pilot_services = models.TextField("services mobilisés et responsables de l'action", blank=True)
    partner_parties = models.ManyToManyField(
        "conventions.Party",
        verbose_name="parties sollicitées",
        blank=True,
        related_name="partnered_action_sheets",
    )
    other_partners = models.TextField("autres partenaires sollicités", blank=True)
    expected_results = models.TextField("résultats attendus", blank=True)
    human_means = models.TextField("moyens humains", blank=True)
    communes = models.ManyToManyField(
        "partners.Organisation",
        verbose_name="communes concernées",
        blank=True,
        related_name="action_sheets",
        limit_choices_to={"kind": "commune"},
    )
    territory = models.CharField("territoire concerné", max_length=255, blank=True)

    # In an amendment's working copy: the row of the convention it stands for.
    origin = models.ForeignKey(
        "self",
        verbose_name="fiche d'origine",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )
    # Set when an amendment adds or closes the sheet: the plan in force in a quarter is
    # the sheets started by its end and not closed by its start; a closed sheet keeps
    # its past follow-up.
    started_on = models.DateField("en vigueur à compter du", null=True, blank=True)
    closed_on = models.DateField("close le", null=True, blank=True)

    history = HistoricalRecords(m2m_fields=[themes, partner_parties, communes])

    class Meta:
        verbose_name = "fiche action"
        verbose_name_plural = "fiches actions"
        ordering = ["convention", "number"]
        constraints = [
            # A closed sheet keeps its number; a sheet added by the amendment may reuse it.
            models.UniqueConstraint(
                fields=["convention", "number"],
                condition=models.Q(closed_on__isnull=True),
                name="unique_open_action_sheet_number",
                violation_error_message="Ce numéro de fiche existe déjà dans la convention.",
            )
        ]

    def __str__(self):
        return f"Action {self.number} : {self.title}"

    def clean(self):
        errors = {}
        if self.axis_id and self.convention_id and self.axis.convention_id != self.convention_id:
            errors["axis"] = "Cet axe appartient à une autre convention."
        if self.objective_id and self.axis_id and self.objective.axis_id != self.axis_id:
            errors["objective"] = "Cet objectif n'appartient pas à l'axe choisi."
        if self.deadline and self.deadline_whole_period:
            errors["deadline"] = (
                "Choisissez une échéance datée ou « sur la durée de la CTG », pas les deux."
            )
        if (
            self.pilot_party_id
            and self.convention_id
            and self.pilot_party.convention_id != self.convention_id
        ):
            errors["pilot_party"] = "Le pilote doit être une partie de cette convention."
        if errors:
            raise ValidationError(errors)

    @property
    def deadline_label(self):
        if self.deadline_whole_period:
            return "Sur la durée de la CTG"
        if self.deadline:
            return self.deadline.strftime("%d/%m/%Y")
        return ""


class Funding(models.Model):
    """Human and financial means brought by one funder to an action."""

    action_sheet = models.ForeignKey(
        ActionSheet, verbose_name="fiche action", on_delete=models.CASCADE, related_name="fundings"
    )
    funder = models.ForeignKey(
        "partners.Organisation",
        verbose_name="financeur",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="fundings",
    )
    funder_name = models.CharField("financeur (hors référentiel)", max_length=200, blank=True)
    amount = models.DecimalField(
        "montant (€)", max_digits=12, decimal_places=2, null=True, blank=True
    )
    human_means = models.TextField("moyens humains", blank=True)
    comment = models.TextField("précisions", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "moyen mobilisé"
        verbose_name_plural = "moyens mobilisés"
        ordering = ["action_sheet", "id"]

    def __str__(self):
        return f"{self.funder or self.funder_name} – {self.action_sheet}"

    def clean(self):
        if not self.funder_id and not self.funder_name:
            raise ValidationError({"funder": "Indiquez le financeur."})
