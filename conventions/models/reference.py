from django.db import models
from simple_history.models import HistoricalRecords

from conventions.placeholders import validate_placeholders


class Theme(models.Model):
    """A thematic field (thématique): petite enfance, jeunesse, parentalité..."""

    code = models.SlugField("code", max_length=50, unique=True)
    name = models.CharField("libellé", max_length=150)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "thématique"
        verbose_name_plural = "thématiques"
        ordering = ["position", "name"]

    def __str__(self):
        return self.name


class ConventionTemplate(models.Model):
    """A Caf's adaptation of the national model: the article texts copied at creation."""

    name = models.CharField("nom", max_length=200)
    caf = models.ForeignKey(
        "partners.Organisation",
        verbose_name="Caf",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="convention_templates",
        limit_choices_to={"kind": "caf"},
        help_text="Vide pour le modèle national, proposé à toutes les Caf.",
    )
    visas = models.TextField(
        "visas",
        blank=True,
        help_text="Références juridiques, une par ligne (« Vu ... »).",
        validators=[validate_placeholders],
    )
    preamble = models.TextField("préambule", blank=True, validators=[validate_placeholders])
    is_active = models.BooleanField("actif", default=True)
    created_from = models.ForeignKey(
        "conventions.Convention",
        verbose_name="créé à partir de la convention",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "modèle de convention"
        verbose_name_plural = "modèles de convention"
        ordering = ["name"]

    def __str__(self):
        return self.name


class TemplateArticle(models.Model):
    template = models.ForeignKey(
        ConventionTemplate,
        verbose_name="modèle",
        on_delete=models.CASCADE,
        related_name="articles",
    )
    number = models.PositiveSmallIntegerField("numéro")
    title = models.CharField("titre", max_length=255)
    body = models.TextField("texte", validators=[validate_placeholders])
    has_party_blocks = models.BooleanField(
        "bloc de compétences par collectivité",
        default=False,
        help_text="L'article reprend les compétences de chaque collectivité signataire.",
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = "article du modèle"
        verbose_name_plural = "articles du modèle"
        ordering = ["template", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["template", "number"],
                name="unique_template_article_number",
                violation_error_message="Ce numéro d'article existe déjà dans ce modèle.",
            )
        ]

    def __str__(self):
        return f"Article {self.number} – {self.title}"
