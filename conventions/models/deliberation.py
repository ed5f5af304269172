from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from conventions.actes import actes_department_code, parse_actes_id


class DeliberatingBody(models.TextChoices):
    MUNICIPAL_COUNCIL = "municipal_council", "Conseil municipal"
    COMMUNITY_COUNCIL = "community_council", "Conseil communautaire"
    SYNDICATE_COMMITTEE = "syndicate_committee", "Comité syndical"
    CAF_BOARD = "caf_board", "Conseil d'administration de la Caf"
    DEPARTMENT_COUNCIL = "department_council", "Conseil départemental"
    OTHER = "other", "Autre instance"


BODY_BY_KIND = {
    "commune": DeliberatingBody.MUNICIPAL_COUNCIL,
    "epci": DeliberatingBody.COMMUNITY_COUNCIL,
    "syndicate": DeliberatingBody.SYNDICATE_COMMITTEE,
    "caf": DeliberatingBody.CAF_BOARD,
    "department": DeliberatingBody.DEPARTMENT_COUNCIL,
}


class Outcome(models.TextChoices):
    ADOPTED_UNANIMOUSLY = "adopted_unanimously", "Adoptée à l'unanimité"
    ADOPTED_MAJORITY = "adopted_majority", "Adoptée à la majorité"
    # A convention signed before the application cites its deliberations without the vote.
    ADOPTED = "adopted", "Adoptée (vote non précisé)"
    REJECTED = "rejected", "Rejetée"
    POSTPONED = "postponed", "Ajournée"


ADOPTED_OUTCOMES = (Outcome.ADOPTED_UNANIMOUSLY, Outcome.ADOPTED_MAJORITY, Outcome.ADOPTED)


class Deliberation(models.Model):
    """A council decision approving a convention (or an amendment) and authorising signature."""

    party = models.ForeignKey(
        "conventions.Party",
        verbose_name="partie",
        on_delete=models.CASCADE,
        related_name="deliberations",
    )
    version = models.ForeignKey(
        "conventions.ConventionVersion",
        verbose_name="version délibérée",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="deliberations",
    )
    amendment = models.ForeignKey(
        "conventions.Amendment",
        verbose_name="avenant",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliberations",
    )
    body = models.CharField("organe délibérant", max_length=30, choices=DeliberatingBody.choices)
    session_date = models.DateField("date de la séance")
    act_number = models.CharField(
        "numéro de l'acte",
        max_length=50,
        blank=True,
        help_text="Par exemple « 2023-32 » ou « N°113/2021 ».",
    )
    subject = models.CharField("objet", max_length=500)
    # Vote counts may stay unknown: a convention signed before the application often
    # cites a deliberation by date and number only. Whenever given, they are checked.
    members_in_office = models.PositiveSmallIntegerField(
        "membres en exercice", null=True, blank=True
    )
    present = models.PositiveSmallIntegerField("membres présents", null=True, blank=True)
    proxies = models.PositiveSmallIntegerField("pouvoirs", default=0)
    votes_cast = models.PositiveSmallIntegerField(
        "suffrages exprimés",
        null=True,
        blank=True,
        help_text="Votes pour et contre ; les abstentions n'en font pas partie.",
    )
    votes_for = models.PositiveSmallIntegerField("pour", null=True, blank=True)
    votes_against = models.PositiveSmallIntegerField("contre", default=0)
    abstentions = models.PositiveSmallIntegerField("abstentions", default=0)
    outcome = models.CharField("décision", max_length=30, choices=Outcome.choices)
    second_convocation = models.BooleanField(
        "seconde convocation",
        default=False,
        help_text="Le quorum n'était pas atteint à une première réunion : le conseil, convoqué "
        "de nouveau au moins trois jours plus tard, délibère sans condition de quorum "
        "(CGCT, art. L. 2121-17).",
    )
    first_session_date = models.DateField(
        "date de la première réunion sans quorum", null=True, blank=True
    )
    session_secretary = models.CharField("secrétaire de séance", max_length=200, blank=True)
    sent_to_prefecture_on = models.DateField("transmise en préfecture le", null=True, blank=True)
    actes_id = models.CharField(
        "identifiant ACTES",
        max_length=80,
        blank=True,
        help_text="Par exemple 039-200090579-20221027-D_137_2022-DE ; le nom du fichier "
        "tamponné (99_DE-...) est aussi accepté.",
    )
    published_on = models.DateField("publiée le", null=True, blank=True)
    scan = models.FileField("délibération scannée (PDF)", upload_to="deliberations/", blank=True)
    recorded_at = models.DateTimeField("enregistrée le", auto_now_add=True)

    history = HistoricalRecords(excluded_fields=["recorded_at"])

    class Meta:
        verbose_name = "délibération"
        verbose_name_plural = "délibérations"
        ordering = ["party__position", "-session_date"]

    def __str__(self):
        label = f"n° {self.act_number}" if self.act_number else f"du {self.session_date:%d/%m/%Y}"
        return f"Délibération {label} – {self.party.organisation}"

    @property
    def is_adopted(self):
        return self.outcome in ADOPTED_OUTCOMES

    @property
    def votes_label(self):
        """ "12 pour, 1 contre, 2 abstentions", or "non précisé" when the vote is unknown."""
        if self.votes_for is None:
            return "non précisé"
        plural = "s" if self.abstentions > 1 else ""
        return (
            f"{self.votes_for} pour, {self.votes_against} contre, "
            f"{self.abstentions} abstention{plural}"
        )

    @property
    def is_outdated(self):
        """Deliberated on a text that has since been reopened and frozen again."""
        return self.is_outdated_against(self.party.convention.current_version)

    def is_outdated_against(self, current_version):
        if self.amendment_id or not self.version_id:
            return False
        return current_version is not None and current_version.pk != self.version_id

    def clean(self):
        errors = {}
        self._check_counts(errors)
        self._check_actes_id(errors)
        if errors:
            raise ValidationError(errors)

    def _check_counts(self, errors):
        """Each rule runs when the figures it needs are given: unknown counts stay unknown."""
        in_office, present, proxies = self.members_in_office, self.present, self.proxies or 0
        votes_cast, votes_for = self.votes_cast, self.votes_for
        against, abstentions = self.votes_against or 0, self.abstentions or 0
        if in_office is not None and present is not None:
            if present > in_office:
                errors["present"] = (
                    f"Il y a plus de présents ({present}) que de membres en exercice ({in_office})."
                )
            elif proxies > in_office - present:
                errors["proxies"] = (
                    f"{proxies} pouvoirs pour {in_office - present} membres absents : "
                    "seul un membre absent peut donner pouvoir."
                )
            if present <= in_office / 2 and not self.second_convocation:
                errors["present"] = (
                    f"Quorum non atteint : {present} présents sur {in_office} en exercice, il en "
                    f"faut plus de la moitié (au moins {in_office // 2 + 1}). Si le conseil a été "
                    "convoqué une seconde fois après une séance sans quorum, cochez « seconde "
                    "convocation »."
                )
        elif in_office is not None and proxies > in_office:
            errors["proxies"] = (
                f"{proxies} pouvoirs pour {in_office} membres en exercice : impossible."
            )
        if present is not None and votes_cast is not None:
            if votes_cast > present + proxies:
                errors["votes_cast"] = (
                    f"{votes_cast} suffrages exprimés pour {present} présents et {proxies} "
                    "pouvoirs : impossible."
                )
            elif votes_cast + abstentions > present + proxies:
                errors["abstentions"] = (
                    f"{votes_cast} suffrages exprimés et {abstentions} abstentions dépassent "
                    f"les {present + proxies} voix présentes et représentées."
                )
        if votes_cast is not None and votes_for is not None and votes_for + against != votes_cast:
            errors["votes_for"] = (
                f"Pour ({votes_for}) + contre ({against}) doit égaler les suffrages "
                f"exprimés ({votes_cast})."
            )
        if self.outcome == Outcome.ADOPTED_UNANIMOUSLY and against:
            errors["outcome"] = (
                f"Une délibération adoptée à l'unanimité ne peut compter aucune voix contre "
                f"({against} ici)."
            )
        elif votes_for is not None:
            if self.outcome in (Outcome.ADOPTED_MAJORITY, Outcome.ADOPTED) and votes_for <= against:
                errors["outcome"] = (
                    f"Adoptée à la majorité avec {votes_for} pour et {against} contre : "
                    "il faut plus de voix pour que contre."
                )
            elif self.outcome == Outcome.REJECTED and votes_for > against:
                errors["outcome"] = (
                    f"Rejetée avec {votes_for} pour et {against} contre : la majorité est pour."
                )
        if (
            self.second_convocation
            and self.first_session_date
            and self.session_date
            and (self.session_date - self.first_session_date).days < 3
        ):
            errors["first_session_date"] = (
                "La seconde convocation doit se tenir au moins trois jours après la "
                "première réunion sans quorum."
            )

    def _check_actes_id(self, errors):
        if not self.actes_id:
            return
        try:
            actes = parse_actes_id(self.actes_id)
        except ValidationError as error:
            errors["actes_id"] = error.messages
            return
        self.actes_id = str(actes)
        problems = []
        organisation = self.party.organisation if self.party_id else None
        if organisation is not None:
            if organisation.siren and actes.siren != organisation.siren:
                problems.append(
                    f"le SIREN {actes.siren} de l'identifiant n'est pas celui de "
                    f"{organisation} ({organisation.siren})"
                )
            if organisation.department_id:
                expected = actes_department_code(organisation.department.code)
                if actes.department != expected:
                    problems.append(
                        f"le département {actes.department} de l'identifiant n'est pas celui "
                        f"de {organisation} ({expected})"
                    )
        if self.session_date and actes.date != self.session_date:
            problems.append(
                f"la date de décision {actes.date:%d/%m/%Y} de l'identifiant n'est pas la date "
                f"de la séance ({self.session_date:%d/%m/%Y})"
            )
        if problems:
            errors["actes_id"] = "Identifiant ACTES incohérent : " + " ; ".join(problems) + "."
