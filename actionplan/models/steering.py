from django.db import models
from simple_history.models import HistoricalRecords


class MeetingKind(models.TextChoices):
    STEERING_COMMITTEE = "copil", "Comité de pilotage"
    TECHNICAL_COMMITTEE = "cotech", "Comité technique"
    THEMATIC_COMMISSION = "commission", "Commission thématique"


class Meeting(models.Model):
    """A steering meeting: comité de pilotage, comité technique, commission thématique."""

    convention = models.ForeignKey(
        "conventions.Convention",
        verbose_name="convention",
        on_delete=models.CASCADE,
        related_name="meetings",
    )
    kind = models.CharField("instance", max_length=20, choices=MeetingKind.choices)
    title = models.CharField("intitulé", max_length=255, blank=True)
    date = models.DateField("date")
    attendees = models.TextField("participants", blank=True)
    decisions = models.TextField("décisions", blank=True)
    minutes = models.FileField("compte rendu", upload_to="minutes/", blank=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "réunion de pilotage"
        verbose_name_plural = "réunions de pilotage"
        ordering = ["convention", "-date"]

    def __str__(self):
        return f"{self.get_kind_display()} du {self.date:%d/%m/%Y}"


class ReviewKind(models.TextChoices):
    YEARLY = "yearly", "Point d'étape annuel"
    MID_TERM = "mid_term", "Bilan intermédiaire"
    FINAL = "final", "Bilan final"


class Review(models.Model):
    """A yearly checkpoint, mid-term or final review, with the follow-up it looked at."""

    convention = models.ForeignKey(
        "conventions.Convention",
        verbose_name="convention",
        on_delete=models.CASCADE,
        related_name="reviews",
    )
    kind = models.CharField("nature", max_length=20, choices=ReviewKind.choices)
    date = models.DateField("date")
    meeting = models.ForeignKey(
        Meeting,
        verbose_name="réunion",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviews",
    )
    summary = models.TextField("synthèse", blank=True)
    follow_ups = models.ManyToManyField(
        "actionplan.FollowUp", verbose_name="suivis examinés", blank=True, related_name="reviews"
    )
    leads_to_amendment = models.ForeignKey(
        "conventions.Amendment",
        verbose_name="avenant qui en découle",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="reviews",
    )

    history = HistoricalRecords(m2m_fields=[follow_ups])

    class Meta:
        verbose_name = "bilan"
        verbose_name_plural = "bilans"
        ordering = ["convention", "date"]

    def __str__(self):
        return f"{self.get_kind_display()} du {self.date:%d/%m/%Y}"
