"""Generated documents and returned signed copies.

A Document is one rendering of one kind of document for one convention (and
its frozen version, amendment, party or review when the kind needs one). Its
content_hash is the SHA-256 of everything the rendering is made from, so that
an unchanged request reuses the file already rendered; file_hash is the
SHA-256 of the stored bytes. States:

- waiting (en attente): recorded, the task is queued once the transaction commits
  (queued_at stays empty while the broker cannot be reached: the sweep queues it
  when the broker is back);
- rendering (en cours): a worker is on it since started_at (past a limit, the
  worker was lost and the sweep queues it again);
- done (prêt): the file is stored and may be downloaded;
- failed (échec): with a message for the user; asking again queues a new try.
"""

import datetime

from django.db import models
from django.utils import timezone
from django.utils.text import slugify
from simple_history.models import HistoricalRecords

# Longer than queuing takes, even against a broker that times out.
QUEUING_DELAY = datetime.timedelta(seconds=10)


class DocumentKind(models.TextChoices):
    CONVENTION = "convention", "Convention"
    SIGNED_READY = "signed_ready", "Convention prête à signer"
    DELIBERATION_DRAFT = "deliberation_draft", "Projet de délibération"
    AMENDMENT = "amendment", "Avenant"
    AMENDMENT_SIGNED_READY = "amendment_signed_ready", "Avenant prêt à signer"
    FOLLOW_UP_REPORT = "follow_up_report", "Rapport de suivi"
    REVIEW = "review", "Bilan"


# The documents people sign electronically, one signature field per signing person.
SIGNED_READY_KINDS = (DocumentKind.SIGNED_READY, DocumentKind.AMENDMENT_SIGNED_READY)


class DocumentFormat(models.TextChoices):
    PDF = "pdf", "PDF"
    DOCX = "docx", "Word (DOCX)"


class DocumentState(models.TextChoices):
    WAITING = "waiting", "En attente"
    RENDERING = "rendering", "En cours"
    DONE = "done", "Prêt"
    FAILED = "failed", "Échec"


class Document(models.Model):
    convention = models.ForeignKey(
        "conventions.Convention",
        verbose_name="convention",
        on_delete=models.CASCADE,
        related_name="documents",
    )
    kind = models.CharField("nature", max_length=30, choices=DocumentKind.choices)
    format = models.CharField(
        "format du fichier",
        max_length=10,
        choices=DocumentFormat.choices,
        default=DocumentFormat.PDF,
    )
    version = models.ForeignKey(
        "conventions.ConventionVersion",
        verbose_name="version figée",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    amendment = models.ForeignKey(
        "conventions.Amendment",
        verbose_name="avenant",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
    )
    party = models.ForeignKey(
        "conventions.Party",
        verbose_name="partie",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
    )
    review = models.ForeignKey(
        "actionplan.Review",
        verbose_name="bilan",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="documents",
    )
    year = models.PositiveSmallIntegerField("année", null=True, blank=True)
    quarter = models.PositiveSmallIntegerField("trimestre", null=True, blank=True)
    version_number = models.PositiveSmallIntegerField("numéro de version", null=True, blank=True)
    content_hash = models.CharField("empreinte SHA-256 du contenu", max_length=64, db_index=True)
    state = models.CharField(
        "état", max_length=20, choices=DocumentState.choices, default=DocumentState.WAITING
    )
    error = models.TextField("message d'erreur", blank=True)
    file = models.FileField("fichier", upload_to="documents/", max_length=255, blank=True)
    file_hash = models.CharField("empreinte SHA-256 du fichier", max_length=64, blank=True)
    file_size = models.PositiveIntegerField("taille (octets)", null=True, blank=True)
    page_count = models.PositiveSmallIntegerField("nombre de pages", null=True, blank=True)
    # For a signed-ready PDF: one entry per signing person, {name, party, representative,
    # page, box}, in document order.
    signature_fields = models.JSONField("champs de signature", default=list, blank=True)
    requested_by = models.ForeignKey(
        "partners.User",
        verbose_name="demandé par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField("demandé le", auto_now_add=True)
    queued_at = models.DateTimeField("mis en file le", null=True, blank=True)
    started_at = models.DateTimeField("production commencée le", null=True, blank=True)
    rendered_at = models.DateTimeField("produit le", null=True, blank=True)
    render_seconds = models.FloatField("durée de production (s)", null=True, blank=True)
    attempts = models.PositiveSmallIntegerField("tentatives", default=0)

    history = HistoricalRecords(excluded_fields=["requested_at"])

    class Meta:
        verbose_name = "document produit"
        verbose_name_plural = "documents produits"
        ordering = ["convention", "-requested_at"]
        indexes = [
            models.Index(fields=["convention", "kind", "state"]),
            models.Index(fields=["state", "requested_at"]),
        ]
        constraints = [
            # The people signing must all sign the same bytes: one issued signed-ready
            # PDF per frozen version (a failed one may be replaced).
            models.UniqueConstraint(
                fields=["version"],
                condition=models.Q(kind="signed_ready") & ~models.Q(state="failed"),
                name="one_signed_ready_per_version",
                violation_error_message="Un document prêt à signer existe déjà pour cette version.",
            ),
            # Likewise one issued signed-ready PDF per amendment.
            models.UniqueConstraint(
                fields=["amendment"],
                condition=models.Q(kind="amendment_signed_ready") & ~models.Q(state="failed"),
                name="one_signed_ready_per_amendment",
                violation_error_message="Un avenant prêt à signer existe déjà pour cet avenant.",
            ),
        ]

    def __str__(self):
        return f"{self.label} – {self.convention}"

    @property
    def label(self):
        label = self.get_kind_display()
        if self.kind == DocumentKind.DELIBERATION_DRAFT and self.party_id:
            label += f" – {self.party.organisation}"
        if self.kind == DocumentKind.AMENDMENT and self.amendment_id:
            label = f"Avenant n° {self.amendment.number}"
        if self.kind == DocumentKind.AMENDMENT_SIGNED_READY and self.amendment_id:
            label = f"Avenant n° {self.amendment.number} prêt à signer"
        if self.kind == DocumentKind.FOLLOW_UP_REPORT and self.year:
            label += f" – T{self.quarter} {self.year}" if self.quarter else f" – {self.year}"
        if self.kind == DocumentKind.REVIEW and self.review_id:
            label = f"{self.review.get_kind_display()} du {self.review.date:%d/%m/%Y}"
        if self.version_number:
            label += f" (version {self.version_number})"
        return label

    @property
    def is_signed_ready(self):
        return self.kind in SIGNED_READY_KINDS

    @property
    def all_signed_on(self):
        """The day the last person signed what this signed-ready PDF is for, if they have."""
        if self.kind == DocumentKind.AMENDMENT_SIGNED_READY:
            return self.amendment.signed_on
        return self.convention.signed_on if self.kind == DocumentKind.SIGNED_READY else None

    @property
    def is_pending(self):
        return self.state in (DocumentState.WAITING, DocumentState.RENDERING)

    def is_delayed(self, now=None):
        """Waiting for a broker that could not be reached when it was asked for (the
        task is queued a few seconds after the request commits, or never)."""
        now = now or timezone.now()
        return (
            self.state == DocumentState.WAITING
            and self.queued_at is None
            and self.requested_at is not None
            and self.requested_at < now - QUEUING_DELAY
        )

    @property
    def is_delayed_now(self):
        return self.is_delayed()

    @property
    def filename(self):
        """A French file name that says what the file is: "convention-<référence>-v2.pdf",
        "rapport-de-suivi-<référence>-2026-T3.pdf", "projet-de-deliberation-<commune>.docx"."""
        reference = self.convention.reference
        version = f"-v{self.version_number}" if self.version_number else ""
        if self.kind == DocumentKind.CONVENTION:
            stem = f"convention-{reference}{version or '-projet'}"
        elif self.kind == DocumentKind.SIGNED_READY:
            stem = f"convention-{reference}{version}-a-signer"
        elif self.kind == DocumentKind.DELIBERATION_DRAFT:
            named = _slug(self.party.organisation.name) if self.party_id else reference
            stem = f"projet-de-deliberation-{named}"
        elif self.kind == DocumentKind.AMENDMENT:
            number = self.amendment.number if self.amendment_id else ""
            stem = f"avenant-{number}-{reference}"
        elif self.kind == DocumentKind.FOLLOW_UP_REPORT:
            period = f"{self.year}-T{self.quarter}" if self.quarter else f"{self.year}"
            stem = f"rapport-de-suivi-{reference}-{period}"
        elif self.kind == DocumentKind.REVIEW and self.review_id:
            kind = _slug(self.review.get_kind_display())
            stem = f"{kind}-{reference}-{self.review.date:%Y-%m-%d}"
        else:
            stem = f"{_slug(self.get_kind_display())}-{reference}"
        return f"{stem}.{self.format}"


def _slug(text):
    """ "Val d'Argent" -> "val-d-argent": an elided article stays a word of its own."""
    return slugify(text.replace("'", " ").replace("’", " "))


class SignedCopy(models.Model):
    """A signed PDF returned by the signatories, checked against the document issued."""

    document = models.ForeignKey(
        Document,
        verbose_name="document émis",
        on_delete=models.PROTECT,
        related_name="signed_copies",
    )
    file = models.FileField("PDF signé", upload_to="signed/", max_length=255)
    file_hash = models.CharField("empreinte SHA-256", max_length=64)
    accepted = models.BooleanField("accepté", default=False)
    report = models.TextField("rapport de vérification", blank=True)
    signers = models.JSONField("signatures valides", default=list, blank=True)
    uploaded_by = models.ForeignKey(
        "partners.User",
        verbose_name="déposé par",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    uploaded_at = models.DateTimeField("déposé le", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["uploaded_at"])

    class Meta:
        verbose_name = "exemplaire signé"
        verbose_name_plural = "exemplaires signés"
        ordering = ["document", "-uploaded_at"]

    def __str__(self):
        return f"Exemplaire signé de {self.document}"

    @property
    def awaiting_confirmation(self):
        """Signatures whose certificate did not authenticate their person, not yet confirmed
        by the adviser (documents/signed_copies.py)."""
        return [s for s in self.signers if s.get("to_confirm") and not s.get("confirmed_by")]
