"""Reading a council's deliberation extract (PDF or DOCX) into the deliberation's facts.

    reading = read_extract(file)   # a path, bytes or an uploaded file
    reading.values                 # what was read, by key (see FIELDS)
    reading.unread                 # the keys that could not be read, in FIELDS order
                                   # (a second convocation is told only when it was one)
    reading.derived                # the keys computed from others rather than read
    reading.conflicts              # the figures written twice with different values
    reading.as_json()              # the read_deliberation command's JSON object

Every council software writes its own extract, so each value is looked for in the whole
text, whatever the order of its blocks (see rules.py). A file that cannot be read, or
that is not a deliberation extract, raises ExtractError with a French message.
Figures are returned as written: the deliberation's validation judges them. A figure
the extract gives twice with different values (the session's heading says 21 present,
the point's own block 20) is not read: it is left to the user, with the values found
in `conflicts`, and nothing is derived from it.
"""

from dataclasses import dataclass, field

from conventions.deliberation_reader import rules
from conventions.deliberation_reader.text import (
    READ_LIMIT_BYTES,
    ExtractError,
    Text,
    extract_lines,
    load,
)
from conventions.models.deliberation import Outcome

__all__ = [
    "FIELDS",
    "LABELS",
    "ONLY_WHEN_SO",
    "READ_LIMIT_BYTES",
    "ExtractError",
    "Reading",
    "read_extract",
    "read_text",
]

LABELS = {
    "authority": "collectivité",
    "body": "organe délibérant",
    "session_date": "date de la séance",
    "act_number": "numéro de l'acte",
    "members_elected": "membres élus",
    "in_office": "membres en exercice",
    "present": "membres présents",
    "proxies": "pouvoirs",
    "excused": "membres excusés",
    "absent": "membres absents",
    "voters": "votants",
    "votes_cast": "suffrages exprimés",
    "for": "pour",
    "against": "contre",
    "abstentions": "abstentions",
    "outcome": "décision",
    "second_convocation": "seconde convocation",
    "first_session_date": "date de la première réunion sans quorum",
    "chair": "président de séance",
    "rapporteur": "rapporteur",
    "secretary": "secrétaire de séance",
    "subject": "objet",
    "convocation_on": "date de convocation",
    "posted_on": "date d'affichage ou de publication",
    "published_on": "date de publication",
    "sent_on": "date de transmission en préfecture",
    "received_on": "date de réception en préfecture",
    "actes_id": "identifiant ACTES",
}
FIELDS = tuple(LABELS)
# Said by an extract only when the council met on a second convocation: never "unread".
ONLY_WHEN_SO = ("second_convocation", "first_session_date")
OUTCOME_WORDS = {
    Outcome.ADOPTED_UNANIMOUSLY: "unanimity",
    Outcome.ADOPTED_MAJORITY: "majority",
    Outcome.ADOPTED: "adopted",
    Outcome.REJECTED: "rejected",
    Outcome.POSTPONED: "postponed",
}
FIGURES = (
    "members_elected",
    "in_office",
    "present",
    "proxies",
    "excused",
    "absent",
    "voters",
    "votes_cast",
    "for",
    "against",
    "abstentions",
)
LISTED = ("present", "excused", "absent", "proxies")


@dataclass
class Reading:
    """What an extract says: `values` by key (FIELDS), dates as `datetime.date`, body
    and outcome as the model's choices; `derived` holds the keys computed from other
    values (counted from a list of names, voters from the vote or the attendance, the vote of
    a unanimity) rather than read, which the form shows as "déduit"; `conflicts` the
    figures written with different values, which stay unread."""

    values: dict
    derived: set = field(default_factory=set)
    conflicts: dict = field(default_factory=dict)
    labels = LABELS

    @property
    def unread(self):
        return [key for key in FIELDS if key not in self.values and key not in ONLY_WHEN_SO]

    def as_json(self):
        data = {}
        for key in FIELDS:
            value = self.values.get(key)
            if key == "outcome" and value is not None:
                value = OUTCOME_WORDS[value]
            elif key == "second_convocation":
                value = bool(value)
            elif hasattr(value, "isoformat"):
                value = value.isoformat()
            elif value is not None and not isinstance(value, int):
                value = str(value)
            data[key] = value
        data["unread"] = self.unread
        data["derived"] = sorted(self.derived, key=FIELDS.index)
        data["conflicts"] = self.conflicts
        return data


def read_extract(source):
    """Read a deliberation extract: a path, bytes or an uploaded file."""
    text = Text(extract_lines(load(source), lambda lines: _signs_of_an_extract(Text(lines)) > 0))
    reading = read_text(text)
    if not _is_deliberation(text, reading):
        raise ExtractError(
            "Ce document ne ressemble pas à un extrait de délibération (ni séance, ni vote, ni "
            "présents) : vérifiez le fichier ou saisissez la délibération à la main."
        )
    return reading


def read_text(text):
    values, derived, conflicts = {}, set(), {}

    def put(key, value, *, was_derived=False):
        if value is not None and value != "" and key not in values:
            values[key] = value
            if was_derived:
                derived.add(key)

    body = rules.read_body(text)
    put("body", body)
    put("authority", rules.read_authority(text, body))
    put("act_number", rules.read_act_number(text))
    put("outcome", rules.read_outcome(text))
    duel = rules.read_duel(text)
    if duel:
        # "par 15 voix contre 12": the majority's count first, for or against the outcome.
        majority, minority = duel
        rejected = values.get("outcome") == Outcome.REJECTED
        put("for", minority if rejected else majority)
        put("against", majority if rejected else minority)
    for key in FIGURES:
        found = rules.read_figure(text, key)
        if len(found) > 1 and key not in values:
            conflicts[key] = found
        elif found:
            put(key, found[0])
    for key in LISTED:
        if key not in conflicts:
            put(key, rules.read_list(text, key), was_derived=True)
    put("chair", rules.read_chair(text))
    put("rapporteur", rules.read_rapporteur(text))
    put("secretary", rules.read_secretary(text))
    put("subject", rules.read_subject(text))
    for key, value in rules.read_dates(text).items():
        put(key, value)
    actes = rules.read_actes_id(text)
    if actes is not None:
        put("actes_id", str(actes))
        put("session_date", actes.date, was_derived=True)
    second, first_session = rules.read_second_convocation(text, values.get("session_date"))
    put("second_convocation", second)
    put("first_session_date", first_session)
    _derive_votes(values, put, rules.read_not_voting(text))
    return Reading(
        values={key: values[key] for key in FIELDS if key in values},
        derived=derived,
        conflicts=conflicts,
    )


def _derive_votes(values, put, not_voting):
    """Figures that follow from others when the extract leaves them out: the voters
    are those who voted for, against or abstained, or else the present and represented
    members but those who did not take part; a unanimous vote has no vote against."""
    get = values.get
    vote = [get(key) for key in ("for", "against", "abstentions")]
    if None not in vote:
        put("voters", sum(vote), was_derived=True)
    if get("present") is not None and get("proxies") is not None:
        put("voters", get("present") + get("proxies") - (not_voting or 0), was_derived=True)
    if get("outcome") == Outcome.ADOPTED_UNANIMOUSLY:
        put("against", 0, was_derived=True)
        if "votes_cast" not in values and get("voters") is not None:
            put("votes_cast", get("voters") - get("abstentions", 0), was_derived=True)
        if get("votes_cast") is not None and get("votes_cast") == get("voters"):
            put("abstentions", 0, was_derived=True)
    if get("votes_cast") is not None and get("against") is not None:
        put("for", get("votes_cast") - get("against"), was_derived=True)
    if get("for") is not None and get("against") is not None:
        put("votes_cast", get("for") + get("against"), was_derived=True)
    # "Adopté" with votes against, or a count without a word for the outcome: a majority.
    against, votes_for = get("against"), get("for")
    if get("outcome") in (None, Outcome.ADOPTED) and against and votes_for and votes_for > against:
        values.pop("outcome", None)
        put("outcome", Outcome.ADOPTED_MAJORITY, was_derived=True)


SIGNS_OF_AN_EXTRACT = (
    "registre des deliberations",
    "proces-verbal des deliberations",
    "extrait du registre",
    "en exercice",
    "apres en avoir delibere",
    "apres en avoir valablement delibere",
    "apres deliberation",
    "votants",
    "suffrages exprimes",
    "secretaire de seance",
    "s'est reuni",
)
ATTENDANCE_OR_VOTE = ("in_office", "present", "proxies", "voters", "votes_cast", "for", "outcome")


def _signs_of_an_extract(text):
    return sum(sign in text.folded for sign in SIGNS_OF_AN_EXTRACT)


def _is_deliberation(text, reading):
    """An extract speaks of a deliberation and of its session: the register, who
    attended, the vote. A convention merely citing deliberations does not."""
    if "deliber" not in text.folded:
        return False
    read = reading.values.keys() - reading.derived
    session_and_vote = "session_date" in read and any(key in read for key in ATTENDANCE_OR_VOTE)
    return _signs_of_an_extract(text) >= 2 or session_and_vote
