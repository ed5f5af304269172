"""Event notifications sent to a Caf's information systems (webhooks).

An administrator registers, per Caf, the addresses (Endpoint) that receive the
events they subscribe to. When the domain records one of those events, the same
transaction writes one Event and one Delivery per subscribed endpoint
(webhooks/events.py); the HTTP call happens later, in a Celery task
(webhooks/delivery.py), so that an endpoint that is down never blocks anyone.

The life of a delivery (DeliveryState):

    pending ──2xx──> delivered
       │ └──other answer or no answer──> pending again, later (back-off)
       └──after WEBHOOK_MAX_ATTEMPTS attempts──> failed

Every attempt and the answer it got is kept (Attempt), read-only in the admin.
"""

import secrets
import uuid
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from partners.models import OrganisationKind


class EventType(models.TextChoices):
    CONVENTION_SIGNED = "convention.signed", "Convention signée"
    VERSION_FROZEN = "convention.version_frozen", "Version du texte figée"
    DELIBERATION_RECORDED = "deliberation.recorded", "Délibération enregistrée"
    FOLLOW_UP_TRANSMITTED = "follow_up.transmitted", "Suivi trimestriel transmis"
    FOLLOW_UP_VALIDATED = "follow_up.validated", "Suivi trimestriel validé"
    # Sent from the admin site to check an endpoint; never subscribed to.
    PING = "ping", "Événement de test"


SUBSCRIBABLE_EVENTS = [choice for choice in EventType.choices if choice[0] != EventType.PING]


class DeliveryState(models.TextChoices):
    PENDING = "pending", "En attente"
    DELIVERED = "delivered", "Remis"
    FAILED = "failed", "Abandonné"


LOCAL_HOSTS = {"127.0.0.1", "localhost", "[::1]", "::1"}


def validate_endpoint_url(url):
    """HTTPS only: the body carries convention facts. Plain HTTP on this machine is
    accepted when WEBHOOK_ALLOW_LOCAL_HTTP is on (development and tests)."""
    parts = urlsplit(url)
    if parts.scheme == "https" and parts.hostname:
        return
    if (
        parts.scheme == "http"
        and parts.hostname in LOCAL_HOSTS
        and settings.WEBHOOK_ALLOW_LOCAL_HTTP
    ):
        return
    raise ValidationError(
        "L'adresse doit commencer par https:// (le protocole http n'est accepté que pour "
        "127.0.0.1 ou localhost en développement).",
        code="insecure_url",
    )


def new_secret():
    return "whsec_" + secrets.token_urlsafe(32)


class Endpoint(models.Model):
    """An address of a Caf's information system that receives some events."""

    caf = models.ForeignKey(
        "partners.Organisation",
        verbose_name="Caf",
        on_delete=models.PROTECT,
        related_name="webhook_endpoints",
        limit_choices_to={"kind": OrganisationKind.CAF},
    )
    name = models.CharField(
        "nom", max_length=100, help_text="Le système qui reçoit, par exemple « Décisionnel »."
    )
    url = models.URLField("adresse de réception", max_length=500)
    secret = models.CharField(
        "secret de signature",
        max_length=100,
        default=new_secret,
        help_text="Clé de la signature HMAC-SHA256 de chaque envoi (en-tête X-CTG-Signature), "
        "à communiquer au système qui reçoit.",
    )
    events = models.JSONField(
        "événements",
        default=list,
        blank=True,
        help_text="Les événements envoyés à cette adresse.",
    )
    is_active = models.BooleanField("active", default=True)
    created_at = models.DateTimeField("créée le", auto_now_add=True)

    # Who changed the address or the events, and when; a secret, even an old one, is
    # never copied into the history.
    history = HistoricalRecords(excluded_fields=["created_at", "secret"])

    class Meta:
        verbose_name = "point de réception"
        verbose_name_plural = "points de réception"
        ordering = ["caf__name", "name"]

    def __str__(self):
        return f"{self.name} ({self.caf})"

    def clean(self):
        errors = {}
        if self.url:
            try:
                validate_endpoint_url(self.url)
            except ValidationError as error:
                errors["url"] = error
        if self.caf_id and self.caf.kind != OrganisationKind.CAF:
            errors["caf"] = "Choisissez une Caf."
        subscribable = {value for value, _ in SUBSCRIBABLE_EVENTS}
        if not isinstance(self.events, list) or not set(self.events) <= subscribable:
            errors["events"] = "Choisissez des événements de la liste."
        if errors:
            raise ValidationError(errors)

    def subscribes_to(self, event_type):
        return self.is_active and event_type in self.events

    @property
    def event_labels(self):
        return [EventType(e).label for e in self.events if e in EventType.values]


class Event(models.Model):
    """Something that happened, as sent to every endpoint subscribed to it.

    `payload` is the exact JSON body sent; its `id` (this row's id) stays the same
    across endpoints and retries, so that a receiver recognises a repeated event.
    """

    id = models.UUIDField("identifiant", primary_key=True, default=uuid.uuid4, editable=False)
    event_type = models.CharField("événement", max_length=40, choices=EventType.choices)
    caf = models.ForeignKey(
        "partners.Organisation",
        verbose_name="Caf",
        on_delete=models.PROTECT,
        related_name="webhook_events",
    )
    payload = models.JSONField("contenu envoyé")
    occurred_at = models.DateTimeField("survenu le", db_index=True)

    class Meta:
        verbose_name = "événement"
        verbose_name_plural = "événements"
        ordering = ["-occurred_at"]

    def __str__(self):
        return f"{self.get_event_type_display()} – {self.occurred_at:%d/%m/%Y %H:%M}"


class Delivery(models.Model):
    """One event to send to one endpoint, retried until answered 2xx or abandoned."""

    id = models.UUIDField("identifiant", primary_key=True, default=uuid.uuid4, editable=False)
    event = models.ForeignKey(
        Event, verbose_name="événement", on_delete=models.CASCADE, related_name="deliveries"
    )
    # Deliveries are the record of what was sent: an endpoint that has some is turned
    # off (is_active), not deleted.
    endpoint = models.ForeignKey(
        Endpoint,
        verbose_name="point de réception",
        on_delete=models.PROTECT,
        related_name="deliveries",
    )
    state = models.CharField(
        "état", max_length=20, choices=DeliveryState.choices, default=DeliveryState.PENDING
    )
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)
    next_attempt_at = models.DateTimeField("prochaine tentative le", null=True, blank=True)
    last_status_code = models.PositiveSmallIntegerField(
        "dernier code de réponse", null=True, blank=True
    )
    last_response = models.TextField("dernière réponse (début)", blank=True)
    last_error = models.TextField("dernière erreur", blank=True)
    created_at = models.DateTimeField("créé le", auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField("mis à jour le", auto_now=True)
    delivered_at = models.DateTimeField("remis le", null=True, blank=True)

    class Meta:
        verbose_name = "envoi"
        verbose_name_plural = "envois"
        ordering = ["-created_at"]
        indexes = [
            # The sweep's lookup: due pending deliveries.
            models.Index(fields=["state", "next_attempt_at"], name="webhooks_delivery_due"),
        ]

    def __str__(self):
        return f"{self.event.get_event_type_display()} → {self.endpoint.name}"


class Attempt(models.Model):
    """One HTTP call of a delivery and what came back (or why nothing came back)."""

    delivery = models.ForeignKey(
        Delivery, verbose_name="envoi", on_delete=models.CASCADE, related_name="attempt_log"
    )
    number = models.PositiveSmallIntegerField("tentative n°")
    started_at = models.DateTimeField("commencée le")
    duration_ms = models.PositiveIntegerField("durée (ms)")
    status_code = models.PositiveSmallIntegerField("code de réponse", null=True, blank=True)
    response_body = models.TextField("réponse (début)", blank=True)
    error = models.TextField("erreur", blank=True)

    class Meta:
        verbose_name = "tentative d'envoi"
        verbose_name_plural = "tentatives d'envoi"
        ordering = ["delivery", "number"]
        constraints = [
            models.UniqueConstraint(
                fields=["delivery", "number"], name="webhooks_attempt_unique_number"
            )
        ]

    def __str__(self):
        return f"Tentative {self.number}"

    @property
    def succeeded(self):
        return self.status_code is not None and 200 <= self.status_code < 300
