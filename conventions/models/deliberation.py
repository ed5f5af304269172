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
    chair = models.CharField(
        "président de séance",
        max_length=200,
        blank=True,
        help_text="Qui a présidé la séance, par exemple « Monsieur Philippe GAUTIER, Maire ».",
    )
    rapporteur = models.CharField(
        "rapporteur",
        max_length=200,
        blank=True,
        help_text="L'élu qui a présenté le point au conseil, quand l'extrait le nomme.",
    )
    convocation_on = models.DateField(
        "date de convocation",
        null=True,
        blank=True,
        help_text="Date d'envoi de la convocation des membres à la séance.",
    )
    posted_on = models.DateField(
        "date d'affichage",
        null=True,
        blank=True,
        help_text="Date d'affichage de la convocation en mairie ou au siège, avant la séance. "
        "L'affichage de la délibération après la séance est sa publication : saisissez-le dans "
        "« publiée le ».",
    )
    # Vote counts may stay unknown: a convention signed before the application often
    # cites a deliberation by date and number only. Whenever given, they are checked.
    members_elected = models.PositiveSmallIntegerField(
        "membres élus",
        null=True,
        blank=True,
        help_text="Nombre légal de sièges du conseil ; les membres en exercice peuvent être "
        "moins nombreux (sièges vacants).",
    )
    members_in_office = models.PositiveSmallIntegerField(
        "membres en exercice", null=True, blank=True
    )
    present = models.PositiveSmallIntegerField("membres présents", null=True, blank=True)
    excused = models.PositiveSmallIntegerField(
        "membres excusés",
        null=True,
        blank=True,
        help_text="Absents qui se sont excusés, qu'ils aient ou non donné pouvoir.",
    )
    absent = models.PositiveSmallIntegerField(
        "membres absents",
        null=True,
        blank=True,
        help_text="Absents non excusés. Présents, excusés et absents font ensemble les membres "
        "en exercice.",
    )
    proxies = models.PositiveSmallIntegerField("pouvoirs", default=0)
    voters = models.PositiveSmallIntegerField(
        "votants",
        null=True,
        blank=True,
        help_text="Présents et représentés qui ont pris part au vote, abstentions comprises ; "
        "ceux qui ne prennent pas part au vote n'en font pas partie.",
    )
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
    received_by_prefecture_on = models.DateField(
        "reçue en préfecture le",
        null=True,
        blank=True,
        help_text="Date de l'accusé de réception de la préfecture (contrôle de légalité).",
    )
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
    def attendance_label(self):
        """ "33 élus, 33 en exercice, 27 présents, 4 excusés, 2 absents, 4 pouvoirs,
        31 votants": the counts given, in that order ("" when none)."""
        counts = (
            (self.members_elected, "élu"),
            (self.members_in_office, "en exercice"),
            (self.present, "présent"),
            (self.excused, "excusé"),
            (self.absent, "absent"),
        )
        parts = [
            f"{count} {word}{'s' if count > 1 and word != 'en exercice' else ''}"
            for count, word in counts
            if count is not None
        ]
        if parts and self.proxies:
            parts.append(f"{self.proxies} pouvoir{'s' if self.proxies > 1 else ''}")
        if parts and self.voters is not None:
            parts.append(f"{self.voters} votant{'s' if self.voters > 1 else ''}")
        return ", ".join(parts)

    def session_facts(self):
        """What the extract tells beyond the vote, as the documents print it under the
        deliberation: only the facts filled in, each as one short French phrase."""
        facts = []
        if self.chair:
            facts.append(f"Présidence : {self.chair}")
        if self.rapporteur:
            facts.append(f"Rapporteur : {self.rapporteur}")
        if {self.members_elected, self.excused, self.absent} != {None}:
            facts.append(f"Membres : {self.attendance_label}")
        if self.convocation_on:
            facts.append(f"Convocation du {self.convocation_on:%d/%m/%Y}")
        if self.posted_on:
            facts.append(f"Convocation affichée le {self.posted_on:%d/%m/%Y}")
        if self.received_by_prefecture_on:
            facts.append(f"Reçue en préfecture le {self.received_by_prefecture_on:%d/%m/%Y}")
        return facts

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
        self._check_attendance(errors)
        self._check_dates(errors)
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
        self._check_voters(errors)
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

    def _check_voters(self, errors):
        """Voters are the present and represented members who took part in the vote; the
        abstentions are among them, the votes cast are what remains once the abstentions
        and the blank or spoilt ballots are set aside."""
        voters, present, proxies = self.voters, self.present, self.proxies or 0
        votes_cast, abstentions = self.votes_cast, self.abstentions or 0
        if voters is None:
            return
        if present is not None and voters > present + proxies:
            errors.setdefault(
                "voters",
                f"{voters} votants pour {present} présents et {proxies} pouvoirs : impossible.",
            )
        if votes_cast is None:
            return
        if votes_cast > voters:
            errors.setdefault(
                "votes_cast",
                f"Il y a plus de suffrages exprimés ({votes_cast}) que de votants ({voters}) : "
                "les suffrages exprimés sont les votes des votants, moins les abstentions et "
                "les bulletins blancs ou nuls.",
            )
        elif votes_cast + abstentions > voters:
            errors.setdefault(
                "abstentions",
                f"{votes_cast} suffrages exprimés et {abstentions} abstentions font "
                f"{votes_cast + abstentions}, plus que les {voters} votants.",
            )

    def _check_attendance(self, errors):
        """Seats, members in office and who was there: present, excused and absent members
        together make the members in office, and only a member not present gives a proxy."""
        elected, in_office, present = self.members_elected, self.members_in_office, self.present
        excused, absent, proxies = self.excused, self.absent, self.proxies or 0
        if elected is not None and in_office is not None and in_office > elected:
            errors.setdefault(
                "members_in_office",
                f"Il y a plus de membres en exercice ({in_office}) que de membres élus "
                f"({elected}) : le conseil ne peut compter plus de membres que de sièges.",
            )
        missing = [count for count in (excused, absent) if count is not None]
        if in_office is not None and present is not None and missing:
            total = present + sum(missing)
            parts = f"présents ({present})"
            if excused is not None:
                parts += f" + excusés ({excused})"
            if absent is not None:
                parts += f" + absents ({absent})"
            if len(missing) == 2 and total != in_office:
                errors.setdefault(
                    "absent",
                    f"Les {parts} font {total} : ce total doit égaler les membres en exercice "
                    f"({in_office}).",
                )
            elif total > in_office:
                errors.setdefault(
                    "excused" if absent is None else "absent",
                    f"Les {parts} font {total}, plus que les membres en exercice ({in_office}).",
                )
        if excused is not None and absent is not None and proxies > excused + absent:
            errors.setdefault(
                "proxies",
                f"{proxies} pouvoirs pour {excused + absent} membres excusés ou absents : seul "
                "un membre absent peut donner pouvoir.",
            )

    def _check_dates(self, errors):
        """The dates around the session, in the order the procedure imposes."""
        session = self.session_date
        if session and self.convocation_on and self.convocation_on >= session:
            errors["convocation_on"] = (
                f"La convocation ({self.convocation_on:%d/%m/%Y}) doit précéder la séance "
                f"({session:%d/%m/%Y})."
            )
        if session and self.posted_on and self.posted_on >= session:
            errors["posted_on"] = (
                f"L'affichage de la convocation ({self.posted_on:%d/%m/%Y}) doit précéder la "
                f"séance ({session:%d/%m/%Y}). L'affichage de la délibération après la séance "
                "se saisit dans « publiée le »."
            )
        elif self.convocation_on and self.posted_on and self.posted_on < self.convocation_on:
            errors["posted_on"] = (
                f"La convocation est affichée ({self.posted_on:%d/%m/%Y}) avant d'être envoyée "
                f"({self.convocation_on:%d/%m/%Y}) : vérifiez les deux dates."
            )
        received, sent = self.received_by_prefecture_on, self.sent_to_prefecture_on
        if received and sent and received < sent:
            errors["received_by_prefecture_on"] = (
                f"Reçue en préfecture le {received:%d/%m/%Y}, avant d'y être transmise "
                f"({sent:%d/%m/%Y}) : impossible."
            )
        elif received and session and received < session:
            errors["received_by_prefecture_on"] = (
                f"Reçue en préfecture le {received:%d/%m/%Y}, avant la séance "
                f"({session:%d/%m/%Y}) : impossible."
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
