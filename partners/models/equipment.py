from django.db import models
from simple_history.models import HistoricalRecords


class EquipmentType(models.Model):
    """A kind of facility or service: EAJE, MAM, RPE, LAEP, ALSH, centre social..."""

    code = models.CharField("sigle", max_length=30, unique=True)
    name = models.CharField("libellé", max_length=200)
    position = models.PositiveSmallIntegerField("ordre", default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "type d'équipement"
        verbose_name_plural = "types d'équipements"
        ordering = ["position", "code"]

    def __str__(self):
        return self.code


class Equipment(models.Model):
    """A facility or service supported by a local authority (annexe 2)."""

    organisation = models.ForeignKey(
        "partners.Organisation",
        verbose_name="collectivité qui le soutient",
        on_delete=models.CASCADE,
        related_name="equipment",
    )
    equipment_type = models.ForeignKey(
        EquipmentType,
        verbose_name="type de structure",
        on_delete=models.PROTECT,
        related_name="equipment",
    )
    name = models.CharField("nom de la structure", max_length=200)
    address = models.CharField("adresse", max_length=255, blank=True)
    manager = models.CharField("gestionnaire", max_length=200, blank=True)
    capacity = models.PositiveIntegerField("capacité (places)", null=True, blank=True)
    is_active = models.BooleanField("en activité", default=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "équipement"
        verbose_name_plural = "équipements"
        ordering = ["organisation__name", "equipment_type__position", "name"]

    def __str__(self):
        return f"{self.equipment_type.code} – {self.name}"
