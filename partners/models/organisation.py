from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from partners import grammar
from partners.collation import fold
from partners.validators import (
    validate_department_code,
    validate_insee_commune_code,
    validate_siren,
)


class Department(models.Model):
    """A département, with the INSEE linking type that gives "du", "de la", "des"..."""

    # INSEE "type de nom en clair" (TNCC): the connector used before the name.
    LINKING = {
        0: "de ",
        1: "d'",
        2: "du ",
        3: "de la ",
        4: "des ",
        5: "de l'",
        6: "des ",
        7: "de las ",
        8: "de los ",
    }

    code = models.CharField(
        "code", max_length=3, unique=True, validators=[validate_department_code]
    )
    name = models.CharField("nom", max_length=100)
    linking_type = models.PositiveSmallIntegerField("type de liaison INSEE", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "département"
        verbose_name_plural = "départements"
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} – {self.name}"

    @property
    def name_with_connector(self):
        """ "du Haut-Rhin", "des Bouches-du-Rhône", "de l'Ain"."""
        return f"{self.LINKING.get(self.linking_type, 'de ')}{self.name}"


class OrganisationKind(models.TextChoices):
    CAF = "caf", "Caf"
    EPCI = "epci", "Intercommunalité (EPCI)"
    COMMUNE = "commune", "Commune"
    SYNDICATE = "syndicate", "Syndicat intercommunal"
    DEPARTMENT = "department", "Département"
    MSA = "msa", "MSA"
    ASSOCIATION = "association", "Association"
    OTHER = "other", "Autre"


class EpciKind(models.TextChoices):
    CC = "CC", "Communauté de communes"
    CA = "CA", "Communauté d'agglomération"
    CU = "CU", "Communauté urbaine"
    METRO = "METRO", "Métropole"
    MET69 = "MET69", "Métropole de Lyon"


LOCAL_AUTHORITY_KINDS = (
    OrganisationKind.EPCI,
    OrganisationKind.COMMUNE,
    OrganisationKind.SYNDICATE,
    OrganisationKind.DEPARTMENT,
)


class OrganisationQuerySet(models.QuerySet):
    def cafs(self):
        return self.filter(kind=OrganisationKind.CAF)

    def epcis(self):
        return self.filter(kind=OrganisationKind.EPCI)

    def communes(self):
        return self.filter(kind=OrganisationKind.COMMUNE)

    def local_authorities(self):
        return self.filter(kind__in=LOCAL_AUTHORITY_KINDS)

    def in_french_order(self):
        return self.order_by("search_name", "name", "pk")

    def matching(self, text):
        """Organisations whose name holds every word typed, accents and case ignored."""
        queryset = self
        for word in fold(text).split():
            queryset = queryset.filter(search_name__contains=word)
        return queryset

    # The territories import writes organisations in bulk, bypassing save(): the folded
    # name must follow the name there too.
    def bulk_create(self, objs, *args, update_fields=None, **kwargs):
        objs = list(objs)
        for obj in objs:
            obj.search_name = fold(obj.name)
        if update_fields and "name" in update_fields:
            update_fields = [*update_fields, "search_name"]
        return super().bulk_create(objs, *args, update_fields=update_fields, **kwargs)

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        if "name" in fields:
            for obj in objs:
                obj.search_name = fold(obj.name)
            fields = [*fields, "search_name"]
        return super().bulk_update(objs, fields, *args, **kwargs)


class Organisation(models.Model):
    """A partner: Caf, EPCI, commune, syndicate, Département, MSA, association..."""

    kind = models.CharField("type", max_length=20, choices=OrganisationKind.choices)
    name = models.CharField("nom", max_length=200)
    # The name folded for French order and accent-free search (partners/collation.py).
    search_name = models.CharField("nom normalisé", max_length=200, editable=False, default="")
    epci_kind = models.CharField(
        "nature de l'EPCI", max_length=10, choices=EpciKind.choices, blank=True
    )
    siren = models.CharField(
        "SIREN",
        max_length=9,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_siren],
        help_text="9 chiffres, clé de Luhn vérifiée.",
    )
    insee_code = models.CharField(
        "code commune INSEE",
        max_length=5,
        unique=True,
        null=True,
        blank=True,
        validators=[validate_insee_commune_code],
    )
    department = models.ForeignKey(
        Department,
        verbose_name="département",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="organisations",
    )
    population = models.PositiveIntegerField("population", null=True, blank=True)
    population_year = models.PositiveSmallIntegerField(
        "année de la population légale", null=True, blank=True
    )
    epci = models.ForeignKey(
        "self",
        verbose_name="EPCI de rattachement",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member_communes",
        limit_choices_to={"kind": OrganisationKind.EPCI},
        help_text="Une commune appartient au plus à un EPCI.",
    )
    # Not in the official reference data (the transfer is a council decision): recorded here.
    early_childhood_competence = models.BooleanField(
        "compétence petite enfance transférée",
        default=False,
        help_text="L'EPCI exerce, à la place de ses communes membres, la compétence d'autorité "
        "organisatrice de l'accueil du jeune enfant.",
    )
    address = models.CharField("adresse", max_length=255, blank=True)
    postcode = models.CharField("code postal", max_length=5, blank=True)
    city = models.CharField("ville", max_length=100, blank=True)
    logo = models.ImageField("logo", upload_to="logos/", blank=True)
    is_active = models.BooleanField("active", default=True)

    history = HistoricalRecords()
    objects = OrganisationQuerySet.as_manager()

    class Meta:
        verbose_name = "organisation"
        verbose_name_plural = "organisations"
        ordering = ["search_name", "name"]
        indexes = [
            models.Index(fields=["kind", "name"]),
            # French order with the id as tie-breaker: the admin's list of 36,000
            # organisations reads its first page from this index.
            models.Index(fields=["search_name", "id"], name="organisation_french_order"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(insee_code__isnull=True) | models.Q(kind="commune"),
                name="insee_code_only_for_communes",
                violation_error_message="Seule une commune a un code commune INSEE.",
            ),
        ]

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.search_name = fold(self.name)
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "name" in update_fields:
            kwargs["update_fields"] = {*update_fields, "search_name"}
        super().save(*args, **kwargs)

    @property
    def is_local_authority(self):
        return self.kind in LOCAL_AUTHORITY_KINDS

    def clean(self):
        errors = {}
        if self.epci_id:
            if self.kind != OrganisationKind.COMMUNE:
                errors["epci"] = "Seule une commune peut être rattachée à un EPCI."
            elif self.epci.kind != OrganisationKind.EPCI:
                errors["epci"] = "L'organisation de rattachement doit être un EPCI."
        if self.kind == OrganisationKind.EPCI and not self.epci_kind:
            errors["epci_kind"] = "Précisez la nature de l'EPCI."
        if self.kind != OrganisationKind.EPCI and self.epci_kind:
            errors["epci_kind"] = "Seul un EPCI a une nature d'EPCI."
        if self.insee_code and self.kind != OrganisationKind.COMMUNE:
            errors["insee_code"] = "Seule une commune a un code commune INSEE."
        if self.early_childhood_competence and self.kind != OrganisationKind.EPCI:
            errors["early_childhood_competence"] = (
                "Seul un EPCI exerce la compétence petite enfance à la place de ses communes."
            )
        if (
            self.insee_code
            and self.department_id
            and not self.insee_code.startswith(self.department.code[:2])
        ):
            errors["insee_code"] = (
                f"Le code INSEE {self.insee_code} ne correspond pas au département "
                f"{self.department.code}."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def long_name(self):
        """The name as conventions write it: "CC du Val d'Argent" becomes "Communauté de
        communes du Val d'Argent" (partners/grammar.py)."""
        if self.kind == OrganisationKind.EPCI:
            return grammar.expand_abbreviation(self.name)
        return self.name

    @property
    def grammar(self):
        """The name with its article and gender: designation, of, represented."""
        connector = ""
        if self.kind == OrganisationKind.DEPARTMENT and self.department_id:
            connector = self.department.name_with_connector
        return grammar.organisation_name(self.kind, self.long_name, department_connector=connector)

    @property
    def designation(self):
        """How documents name it: "la Commune de Lièpvre", "le SIVU des Trois Fontaines"."""
        return self.grammar.designation
