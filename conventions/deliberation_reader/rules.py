"""The field readers: each looks for its value in the whole text, whatever the order
of the blocks, in labelled lines ("Pouvoirs : 4"), table cells ("Votants | 31"),
running sentences ("27 membres présents sur 33 en exercice") or lists of names to
count. Patterns match the folded text (lower case, no accents); values shown to the
user (names, subject) are sliced out of the original text at the same positions.

Each reader returns what is written, never a corrected figure: the deliberation's
validation judges the figures, as it does typed ones.
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError

from conventions.actes import parse_actes_id
from conventions.deliberation_reader.dates import find_dates
from conventions.deliberation_reader.numbers import COUNT, count_value
from conventions.deliberation_reader.text import fold
from conventions.models.deliberation import DeliberatingBody, Outcome

# What may stand between a label and its figure: spaces, a colon, a cell boundary,
# a line break (a table read as a label line, then a number line), "=", leader dots;
# not a full stop, which ends the sentence the label is in.
_GAP = r"(?:[\s:|=\-]|\.{2,})*"
_NUM = rf"(?P<n>{COUNT})"
# A figure before its word ("4 absents"), unless it ends a label ("Pouvoirs : 4 Absents",
# two columns of a table read on one line).
_FREE_NUM = rf"(?<![:|=]\s)(?<![:|=]){_NUM}"
_MEMBERS = r"(?:conseillers?|membres?|elus?|delegues?|administrateurs?)"
_QUALIFIER = r"(?:\s+(?:municipaux|communautaires|syndicaux|titulaires|du conseil))?"
_COUNTED = r"(?:nombre|nbre|nb)\s+(?:de\s+|d')?"

# After "Pour 29" or "Contre 0" without a colon: the rest of the vote, or its end.
_NEXT_IN_VOTE = r"[,;|.)\-]|et\b|contre|pour|abstention|voix|$"
# "par 25 voix contre 2": the second count of a duel, the side of each count given by
# the outcome (see read_duel).
_DUEL_SECOND = rf"\s+(?:{COUNT})\b(?!\s+(?:voix\s+)?(?:pour|contre|abstentions?)\b)"
# The vote's words: a loose pattern ("pour 3", "2 contre") counts only with another of
# them on its line or the lines beside it: "pour 3, 4 ou 5 ans" or "lutte contre" is
# no vote.
VOTE_WORDS = re.compile(r"\b(?:pour|contre|abstentions?|votants?|exprimes?)\b")


@dataclass(frozen=True)
class Loose:
    """A pattern that needs another word of the vote beside its match."""

    text: str


# Each figure's patterns, the most explicit first. `n` is the figure.
FIGURE_PATTERNS = {
    "members_elected": [
        rf"{_MEMBERS}{_QUALIFIER}\s+(?:elus|afferents(?:\s+au\s+conseil)?){_GAP}{_NUM}",
        rf"\bafferents(?:\s+au\s+conseil)?{_GAP}{_NUM}",
        rf"{_COUNTED}(?:sieges|{_MEMBERS}){_QUALIFIER}\s+(?:elus|afferents)[^\n\d]{{0,20}}?{_GAP}{_NUM}",
        rf"\bcompose\s+de\s+{_NUM}\s+{_MEMBERS}",
    ],
    "in_office": [
        rf"\ben\s+exercice{_GAP}{_NUM}",
        rf"\b{_FREE_NUM}\s+(?:{_MEMBERS}{_QUALIFIER}\s+)?en\s+exercice\b",
        rf"\ben\s+fonction{_GAP}{_NUM}",
        # "Nbre de Conseillers / Municipaux en / exercice : 33": the label wrapped in its cell.
        rf"^exercice\s*:\s*{_NUM}",
        rf"\b{_FREE_NUM}\s+(?:{_MEMBERS}{_QUALIFIER}\s+)?en\s+fonction\b",
    ],
    "present": [
        rf"\bpresents?(?!\s+(?:ou|et)\s+representes?)(?:\s+a\s+la\s+seance)?{_GAP}{_NUM}",
        rf"\betaient\s+presents?\s*:?\s*{_NUM}",
        rf"\b{_FREE_NUM}\s+(?:{_MEMBERS}{_QUALIFIER}\s+)?(?:etaient\s+)?presents?\b(?!\s+(?:ou|et)\s+representes?)",
        rf"\bpresence\s+de\s+{_NUM}\s+{_MEMBERS}",
    ],
    "proxies": [
        rf"\b(?:pouvoirs?|procurations?|mandats?)(?:\s+de\s+vote)?{_GAP}{_NUM}",
        rf"(?<!ou )(?<!et )\brepresentes?{_GAP}{_NUM}",
        rf"\b{_FREE_NUM}\s+(?:{_MEMBERS}\s+)?(?:ayant\s+donne\s+(?:pouvoir|procuration)|representes?\b)",
        rf"\b{_FREE_NUM}\s+(?:pouvoirs?|procurations?)\b",
    ],
    "excused": [
        rf"\bexcuses?{_GAP}{_NUM}",
        rf"\b{_FREE_NUM}\s+(?:{_MEMBERS}\s+)?(?:absents?\s+)?excuses?\b",
    ],
    "absent": [
        rf"\babsents?(?!\s+excuses?)(?:\s+non\s+excuses?)?{_GAP}{_NUM}",
        rf"\b{_FREE_NUM}\s+(?:{_MEMBERS}\s+)?absents?\b(?!\s+excuses?)",
    ],
    "voters": [
        rf"\bvotants?{_GAP}{_NUM}",
        rf"\bpresents?\s+(?:ou|et)\s+representes?{_GAP}{_NUM}",
        rf"\b{_FREE_NUM}\s+votants?\b",
        rf"\b(?:prenant|ayant\s+pris|ont\s+pris)\s+part\s+(?:au\s+vote|a\s+la\s+deliberation)"
        rf"{_GAP}{_NUM}",
    ],
    "votes_cast": [
        rf"\b(?:suffrages?|votes?)\s+exprimes?{_GAP}{_NUM}",
        rf"\b{_FREE_NUM}\s+(?:suffrages?|votes?)\s+exprimes?\b",
        rf"\bexprimes?{_GAP}{_NUM}",
    ],
    "for": [
        rf"\b(?:votes?\s+|voix\s+)?pour\s*[:=|]\s*{_NUM}",
        rf"\b{_FREE_NUM}\s+(?:voix|votes?)\s+pour\b",
        Loose(rf"\bpour\s+{_NUM}(?=\s*(?:{_NEXT_IN_VOTE}))"),
        Loose(rf"\b{_FREE_NUM}\s+pour\s*(?:[,;|]|et\s+{COUNT}\s+contre|{COUNT}\s+contre)"),
    ],
    "against": [
        rf"\b(?:votes?\s+|voix\s+)?contre\s*[:=|]\s*{_NUM}",
        rf"\b{_FREE_NUM}\s+(?:voix|votes?)\s+contre\b(?!{_DUEL_SECOND})",
        Loose(rf"(?<!voix\s)\bcontre\s+{_NUM}(?=\s*(?:{_NEXT_IN_VOTE}))"),
        Loose(rf"\b{_FREE_NUM}\s+contre\b"),
    ],
    "abstentions": [
        rf"\babstentions?{_GAP}{_NUM}",
        rf"\b{_FREE_NUM}\s+abstentions?\b",
        rf"\bs'abstien(?:nen)?t{_GAP}{_NUM}",
    ],
}
FIGURE_RES = {
    key: [
        (re.compile(pattern, re.MULTILINE), False)
        if isinstance(pattern, str)
        else (re.compile(pattern.text, re.MULTILINE), True)
        for pattern in patterns
    ]
    for key, patterns in FIGURE_PATTERNS.items()
}


def _lines_around(folded, match):
    """The match's line with the one before and the one after."""
    before = folded[max(0, match.start() - 300) : match.start()].split("\n")[-2:]
    after = folded[match.end() : match.end() + 300].split("\n")[:2]
    return "\n".join(before) + match.group(0) + "\n".join(after)


def read_figure(text, key):
    """The figure's distinct values, in the order written, found by its most explicit
    pattern that finds one: more than one is a disagreement of the extract with itself
    (the session's heading and the point's own count), for the user to settle."""
    for pattern, in_vote in FIGURE_RES[key]:
        values = []
        for match in pattern.finditer(text.folded):
            value = count_value(match.group("n"))
            if value is None or value >= 1000:
                continue
            if in_vote and len(set(VOTE_WORDS.findall(_lines_around(text.folded, match)))) < 2:
                continue
            if value not in values:
                values.append(value)
        if values:
            return values
    return []


DUEL = re.compile(
    rf"\bpar\s+(?P<first>{COUNT})\s+(?:voix|votes?)\s+contre\s+(?P<second>{COUNT})\b"
    r"(?!\s+(?:voix\s+)?(?:pour|contre|abstentions?)\b)"
)
# Members present who do not vote: "Ne prend pas part au vote : 1".
NOT_VOTING = re.compile(
    r"\b(?:ne\s+prend(?:nent)?|ne\s+prenant|n'(?:a|ont|ayant)|ne\s+participe(?:nt)?|"
    r"ne\s+participant)\s+pas\s+(?:pris\s+)?(?:part\s+au|au|a\s+la)\s+(?:vote|deliberation)"
    rf"{_GAP}{_NUM}"
)


def read_duel(text):
    """ "adoptée par 25 voix contre 2": (25, 2), the majority's count first."""
    match = DUEL.search(text.folded)
    if match:
        return count_value(match.group("first")), count_value(match.group("second"))
    return None


def read_not_voting(text):
    match = NOT_VOTING.search(text.folded)
    return count_value(match.group("n")) if match else None


# --- Lists of names to count ---------------------------------------------------------------

# A list's label, with its colon: "Présents :", "Absents excusés :", "Pouvoirs :".
LIST_LABELS = {
    "present": r"\b(?:etaient\s+presents?\s*:?|presents?(?!\s+(?:ou|et)\s+represent)\s*:)",
    "excused": r"\b(?:absents?\s+)?excuses?\s*:",
    "absent": r"\babsents?(?!\s+excuses?)(?:\s+non\s+excuses?)?\s*:",
    "proxies": r"\b(?:pouvoirs?|procurations?|representes?|mandats?)\s*:",
}
LIST_LABEL_RES = {key: re.compile(pattern) for key, pattern in LIST_LABELS.items()}
# Where a list stops: the next label, a table cell's end, a line with a colon label.
LIST_END = re.compile(
    r"\s\|\s|" + "|".join(LIST_LABELS.values()) + r"|\b(?:secretaire|secretariat|votants?|"
    r"suffrages|nbre|nombre\s+de|date\s+d|objet|ordre\s+du\s+jour|en\s+exercice|"
    r"assistai(?:en)?t|president)\b"
)
PROXY_LINK = re.compile(
    r"\b(?:donne\s+(?:pouvoir|procuration)|(?:pouvoir|procuration)\s+(?:a|au|donne\s+a)|"
    r"represente(?:e)?\s+par|a\s+donne\s+pouvoir)\b"
)
PROXY_HOLDER = re.compile(
    r"\s(?:à|a|au)\s+(?:M\.|MM\.?|Mmes?\b|Mlle\b|Monsieur\b|Madame\b|[A-ZÀ-ÖØ-Þ])"
)
REPRESENTED_BY = re.compile(r"\breprésenté(?:e|\(e\))?\s+par\b", re.IGNORECASE)
CIVILITIES = {
    "m",
    "mm",
    "mme",
    "mmes",
    "mlle",
    "mr",
    "mrs",
    "monsieur",
    "madame",
    "mesdames",
    "messieurs",
    "mademoiselle",
    "melle",
}
_CAPS_WORD = re.compile(r"^(?:d'|l')?[A-ZÀ-ÖØ-Þ][A-ZÀ-ÖØ-Þ'\-]+$")
# A line that only goes on with names: capitalised words, particles, separators.
_NAME_TOKEN = re.compile(r"^(?:[A-ZÀ-ÖØ-Þ][\w'\-]*|de|du|le|la|d'\w+|et|-)?[.,;]*$")


def _names_line(line):
    tokens = line.split()
    return bool(tokens) and all(_NAME_TOKEN.match(token) for token in tokens)


def _list_segment(text, key):
    """The text after the list's label, up to the next label: (start, end) or None."""
    label = LIST_LABEL_RES[key].search(text.folded)
    if not label:
        return None
    start = label.end()
    end = text.folded.find("\n", start)
    end = len(text.folded) if end < 0 else end
    # The list may wrap over the next lines: take them while they are only names, or
    # while the list's line has not ended its sentence and the next has no label.
    while end < len(text.folded):
        following = text.folded.find("\n", end + 1)
        following = len(text.folded) if following < 0 else following
        line = text.original[end + 1 : following].strip()
        unfinished = not text.original[start:end].rstrip().endswith(".") and ":" not in line
        if not line or not (unfinished or _names_line(line)):
            break
        # "Mme X est désignée secrétaire de séance": the next paragraph, not the list.
        if LIST_END.search(text.folded, end + 1, following):
            break
        end = following
    stop = LIST_END.search(text.folded, start, end)
    return (start, stop.start() if stop else end)


def count_names(segment):
    """How many people a list names. Surnames in capitals ("Lise VURPILLOT",
    "GAUTIER Philippe") are counted one per run of capitalised words, whatever the
    separators (a missing comma, a stray full stop); a list without capitals is
    counted by its separators. A person named after "pouvoir à" is not counted."""
    segment = re.sub(r"\([^)]*\)", " ", segment)
    words = segment.split()
    runs, in_run, skip_next_run = 0, False, False
    folded_words = [fold(word.strip(".,;:")) for word in words]
    for index, word in enumerate(words):
        bare = word.strip(".,;:")
        folded = folded_words[index]
        if folded in CIVILITIES:
            in_run = False
            continue
        following = folded_words[index + 1] if index + 1 < len(words) else ""
        # "X pouvoir à Y", "X représenté par Y": Y is counted in his own list; "X
        # suppléant de Y": Y is not there, X sits for him.
        if folded == "par" or (
            folded in ("pouvoir", "procuration", "suppleant", "suppleante")
            and following in ("a", "au", "de", "du")
        ):
            skip_next_run, in_run = True, False
            continue
        if _CAPS_WORD.match(bare):
            if not in_run:
                if skip_next_run:
                    skip_next_run = False
                else:
                    runs += 1
                in_run = True
            if word != bare and word[-1] in ".,;":
                in_run = False
        else:
            in_run = False
    if runs:
        return runs
    segment = re.sub(
        r"\b(?:MM|Mmes|Mme|Mlle|Mr|M|Monsieur|Madame|Messieurs|Mesdames)\b\.?", "", segment
    )
    parts = re.split(r"[,;]|\s-\s|\s+et\s+|\.\s", segment)
    return sum(1 for part in parts if re.search(r"[A-ZÀ-ÖØ-Þ]", part))


def read_list(text, key):
    """The count of a list of names (for proxies: of its "pouvoir à" links)."""
    span = _list_segment(text, key)
    if span is None:
        return None
    start, end = span
    if key == "proxies":
        # One holder per proxy, whatever the wording or the line breaks: "X pouvoir à
        # Y", "X a donné pouvoir à Y", under the label "X à Y", "X représenté par Y".
        segment = text.original[start:end]
        holders = len(PROXY_HOLDER.findall(segment)) + len(REPRESENTED_BY.findall(segment))
        return holders or len(PROXY_LINK.findall(text.folded, start, end)) or None
    count = count_names(text.original[start:end])
    return count or None


# --- Outcome ---------------------------------------------------------------------------------

# The decision's own paragraph comes after these words; the minutes of the previous
# session and the secretary's election, adopted "à l'unanimité" too, come before.
DECISION_START = re.compile(
    r"\bapres\s+(?:en\s+avoir\s+)?(?:valablement\s+|regulierement\s+)?delibere|"
    r"\bapres\s+deliberation\b|\bapres\s+en\s+avoir\s+debattu\b|\bdeliberant\b"
)
OUTCOME_PHRASES = [
    (
        Outcome.POSTPONED,
        r"\b(?:ajourne(?:e|s)?|ajournement|reporte(?:e)?\s+a\s+une\s+(?:prochaine|seance|date)|"
        r"report(?:e|er)?\s+(?:de\s+)?(?:la\s+deliberation|le\s+vote|l'examen|du\s+vote|du\s+point)|"
        r"retiree?\s+de\s+l'ordre\s+du\s+jour|sursis\s+a\s+statuer)\b",
    ),
    (
        Outcome.REJECTED,
        r"\b(?:rejette|rejetee?s?|refuse(?:e)?\s+(?:la|le|d'|de)|n'adopte\s+pas|n'approuve\s+pas|"
        r"n'autorise\s+pas|ne\s+l'adopte\s+pas|avis\s+defavorable|non\s+adoptee?)\b",
    ),
    (Outcome.ADOPTED_UNANIMOUSLY, r"\b(?:a\s+l'\s?unanimite|unanimement|unanimite)\b"),
    (Outcome.ADOPTED_MAJORITY, r"\b(?:a\s+la\s+majorite|majoritairement)\b"),
]
OUTCOME_RES = [(outcome, re.compile(pattern)) for outcome, pattern in OUTCOME_PHRASES]
ADOPTION = re.compile(r"\b(?:adoptee?s?|approuvee?|approuve|autorise|decide|adopte)\b")
ASIDE = re.compile(r"proces[\s-]verbal|compte[\s-]rendu|secretaire|secretariat")


SENTENCE_END = re.compile(r"\.(?:\s|$)")


def _sentence_around(folded, position):
    """The sentence holding `position`, at most 200 characters on each side."""
    before = folded[max(0, position - 200) : position]
    ends = list(SENTENCE_END.finditer(before))
    start = position - len(before) + (ends[-1].end() if ends else 0)
    after = SENTENCE_END.search(folded, position, position + 200)
    return folded[start : after.start() if after else position + 200]


def read_outcome(text):
    folded = text.folded
    starts = [match.end() for match in DECISION_START.finditer(folded)]
    region_start = starts[0] if starts else 0
    found = []
    for outcome, pattern in OUTCOME_RES:
        for match in pattern.finditer(folded, region_start):
            if not ASIDE.search(_sentence_around(folded, match.start())):
                found.append((match.start(), outcome))
                break
    if found:
        return min(found)[1]
    if ADOPTION.search(folded, region_start):
        return Outcome.ADOPTED
    return None


# --- Body and authority ---------------------------------------------------------------------

BODY_RES = [
    (DeliberatingBody.MUNICIPAL_COUNCIL, re.compile(r"\bconseil\s+municipal\b")),
    (
        DeliberatingBody.COMMUNITY_COUNCIL,
        re.compile(
            r"\b(?:conseil|bureau)\s+communautaire\b|\bconseil\s+metropolitain\b|"
            r"\bconseil\s+de\s+(?:la\s+)?(?:communaute|metropole)\b"
        ),
    ),
    (DeliberatingBody.SYNDICATE_COMMITTEE, re.compile(r"\bcomite\s+syndical\b")),
    (DeliberatingBody.CAF_BOARD, re.compile(r"\bconseil\s+d'administration\b")),
    (
        DeliberatingBody.DEPARTMENT_COUNCIL,
        re.compile(r"\bconseil\s+departemental\b|\bcommission\s+permanente\b"),
    ),
]


def read_body(text):
    found = [
        (match.start(), body)
        for body, pattern in BODY_RES
        if (match := pattern.search(text.folded))
    ]
    return min(found)[1] if found else None


_OF = r"\s+(?:de\s+la\s+|de\s+l'|des\s+|du\s+|de\s+|d')"
AUTHORITY_RES = {
    DeliberatingBody.MUNICIPAL_COUNCIL: re.compile(r"\b(?:commune|ville|mairie)" + _OF),
    DeliberatingBody.COMMUNITY_COUNCIL: re.compile(
        r"\b(?:communaute\s+(?:de\s+communes|d'agglomeration|urbaine)|metropole)(?:"
        + _OF
        + r")?|^(?=[a-z' -]{3,40}\s+(?:agglomeration|metropole)\b)",
        re.MULTILINE,
    ),
    DeliberatingBody.SYNDICATE_COMMITTEE: re.compile(
        r"\b(?:syndicat|sivu|sivom|sivos|sirp)\b(?!\s+(?:de\s+la\s+)?fonction)"
    ),
    DeliberatingBody.CAF_BOARD: re.compile(r"\b(?:caisse\s+d'allocations\s+familiales|caf)" + _OF),
    DeliberatingBody.DEPARTMENT_COUNCIL: re.compile(r"\bdepartement" + _OF),
}
# Where an authority's name stops: a postcode, punctuation, a cell, the verb after it.
NAME_END = re.compile(
    r"\s*(?:\d|[,;:(|]|\s-\s|\s+s'est\b|\s+se\s+sont\b|\s+reuni|\s+represente|\s+en\s+date|\n|"
    r"\s+(?:extrait|registre|proc[eè]s-verbal|d[ée]lib[ée]rations?|s[ée]ance)\b)",
    re.IGNORECASE,
)
# Lower case inside a name written in capitals: "Communauté de communes du Val d'Argent".
LOWER_WORDS = {
    "de",
    "du",
    "des",
    "la",
    "le",
    "les",
    "sur",
    "sous",
    "en",
    "et",
    "aux",
    "au",
    "d",
    "l",
    "lès",
    "lez",
    "communes",
    "a",
    "à",
    "vocation",
    "vocations",
    # The words of the syndicates' kinds (SIVU, SIVOM, SIVOS, SIRP), not place names.
    "intercommunal",
    "intercommunale",
    "unique",
    "multiples",
    "scolaire",
    "regroupement",
    "pédagogique",
    "mixte",
}
ACRONYMS = {"CAF", "SIVU", "SIVOM", "SIVOS", "SIRP", "PMA", "EPCI", "CCAS", "CIAS"}


def read_authority(text, body):
    """The authority named in the heading (a line that starts with it) rather than in
    the running text; the kind of the body first ("Commune de" for a municipal
    council)."""
    order = [body] if body in AUTHORITY_RES else []
    order += [kind for kind in AUTHORITY_RES if kind not in order]
    # The département of the heading ("Département du Doubs") is only the authority of a
    # conseil départemental.
    if body != DeliberatingBody.DEPARTMENT_COUNCIL:
        order.remove(DeliberatingBody.DEPARTMENT_COUNCIL)
    for at_line_start in (True, False):
        for kind in order:
            for match in AUTHORITY_RES[kind].finditer(text.folded):
                starts_line = match.start() == 0 or text.folded[match.start() - 1] == "\n"
                if at_line_start and not starts_line:
                    continue
                end = NAME_END.search(text.original, match.end())
                stop = end.start() if end else len(text.original)
                name = text.original[match.start() : min(stop, match.start() + 120)].strip()
                if stop > match.end() + 1 and len(name) > 6:
                    return tidy_name(name)
    return None


def tidy_name(name):
    """ "COMMUNE DE VALENTIGNEY" -> "Commune de Valentigney"; "Mairie de X" -> "Commune de X"."""
    words = []
    for index, word in enumerate(name.split()):
        if word.isupper() and len(word) > 1 and word not in ACRONYMS:
            parts = re.split(r"([-'])", word.lower())
            word = "".join(
                part if part in LOWER_WORDS and (index or position) else part.capitalize()
                for position, part in enumerate(parts)
            )
        elif index and word.lower() in LOWER_WORDS:
            word = word.lower()
        words.append(word)
    name = " ".join(words)
    name = re.sub(r"^Mairie\b", "Commune", name, flags=re.IGNORECASE)
    # The article of a place name is part of it: "Commune de La Rochelle".
    name = re.sub(
        r"^((?:Commune|Ville) de )(la|le|les|l')\b",
        lambda match: match.group(1) + match.group(2).capitalize(),
        name,
    )
    return name[0].upper() + name[1:]


# --- Act number, ACTES identifier --------------------------------------------------------

_NUMBER_SIGN = r"(?:n°|n\s?o\b|nº|numero|num\.)"
# "Point 5 - Approbation de la convention": a point of the agenda, without "n°".
POINT_LINE = re.compile(
    r"^(?:point|question|affaire)\s+(?P<v>\d{1,3}(?:[./]\d{1,3})?)\s*[-:.]\s*(?P<s>.*)$",
    re.MULTILINE,
)
ACT_NUMBER_RES = [
    re.compile(
        r"\b(?:extrait|deliberation|acte|point|dossier|affaire|registre)s?\b[^\n]{0,50}?"
        rf"{_NUMBER_SIGN}\s*\.?:?\s*(?P<v>[a-z0-9][a-z0-9_/.\-]*)"
    ),
    re.compile(rf"(?:^|\s){_NUMBER_SIGN}\s*\.?:?\s*(?P<v>[a-z0-9][a-z0-9_/.\-]*\d[a-z0-9_/\-]*)"),
    # "Délibération DEL2023_045", "DCM 2023-45": a code of letters and figures, no "n°".
    re.compile(
        r"\b(?:deliberation|dcm|dcc|dcs)\s+(?P<v>(?:[a-z]{1,4}[_-]?)?\d{2,4}[_/-]\d{1,4}"
        r"(?:[_/-]\d{1,4})?)(?![\w/])"
    ),
    POINT_LINE,
]


# "Vu la loi n° 2015-991": the number of a text cited, not of the act.
CITED_TEXT = re.compile(r"\b(?:loi|decret|arrete|article|circulaire|ordonnance|siret|siren)\b")


def read_act_number(text):
    for pattern in ACT_NUMBER_RES:
        for match in pattern.finditer(text.folded):
            if CITED_TEXT.search(text.folded, max(0, match.start("v") - 25), match.start("v")):
                continue
            value = text.original[match.start("v") : match.end("v")].strip(".-/")
            # "n°2023-32CONVENTION TERRITORIALE": the title glued to the number.
            value = re.sub(r"(?<=\d)[A-Z]{4,}$", "", value)
            if re.search(r"\d", value) and not re.fullmatch(r"\d{5}", value):
                return value
    return None


ACTES_RE = re.compile(
    r"(?<![A-Z0-9])(?:\d{1,3}_[A-Z]{2}-)?(?:\d{3}|02A|02B)-\d{9}-\d{8}-[A-Z0-9_]{2,15}"
    r"(?:-[A-Z]{2}\b|-[A-Z]?(?![A-Z0-9_]))?"
)


def read_actes_id(text):
    for match in ACTES_RE.finditer(text.original.upper()):
        try:
            return parse_actes_id(match.group(0))
        except ValidationError:
            continue
    return None


# --- People ----------------------------------------------------------------------------------

TITLES = {
    "maire",
    "president",
    "presidente",
    "adjoint",
    "adjointe",
    "vice-president",
    "vice-presidente",
    "conseiller",
    "conseillere",
    "secretaire",
    "directeur",
    "directrice",
    "rapporteur",
    "rapporteure",
    "delegue",
    "deleguee",
    "premier",
    "premiere",
    "ayant",
    "qui",
    "elu",
    "elue",
    "designe",
    "designee",
    "a",
    "est",
}
PARTICLES = {"de", "du", "des", "le", "la", "d'", "van", "von", "da", "dos", "di", "del"}
# "M. le Maire, Philippe GAUTIER": the office before the name.
_OFFICE = re.compile(
    r"\s*(?:(?:monsieur|madame|m\.|mme)\s+)?(?:le|la)\s+(?:\d+e?r?e?\s+)?(?:maire|"
    r"president(?:e)?|vice-president(?:e)?|adjoint(?:e)?)\b[^,\n]{0,30}?,\s*"
)


def name_after(text, position):
    """The person named at `position`: civility and office skipped, then capitalised
    words up to a comma, a title or a lower-case word."""
    office = _OFFICE.match(text.folded, position)
    if office:
        position = office.end()
    window = text.original[position : position + 120]
    first_line, _, next_line = window.partition("\n")
    # A name wrapped over two lines ("M. Philippe" / "GAUTIER, Maire") goes on.
    if not re.search(r"[A-ZÀ-Þ]{2,}", first_line) and re.match(r"[A-ZÀ-Þ]{2,}", next_line):
        first_line = f"{first_line} {next_line}"
    words = re.split(r"\s+", first_line.strip(" :,-"))
    name = []
    for word in words:
        bare = word.strip(".,;:()")
        folded = fold(bare)
        if not name and folded in CIVILITIES:
            continue
        if folded in TITLES or not bare:
            break
        if bare[0].isupper() or (folded in PARTICLES and name):
            name.append(word.rstrip(",;:()"))
        else:
            break
        if word[-1] in ",;:(" or (word.endswith(".") and len(bare) > 2):
            break
    while name and fold(name[-1]) in PARTICLES:
        name.pop()
    name = " ".join(name).strip(" .")
    return name if len(name) > 2 and re.search(r"[A-ZÀ-Þ][\w'-]+", name) else None


NAME_BEFORE = re.compile(
    r"(?:(?:Monsieur|Madame|M\.|Mme|Mlle)\s+)?"
    # An initial may end with a full stop ("J. DUPONT"), a word may not ("Maire. M. X").
    r"((?:[A-ZÀ-ÖØ-Þ]\.\s+|[A-ZÀ-ÖØ-Þ][\w'-]*\s+){0,3}[A-ZÀ-ÖØ-Þ][\w'-]+)\s*,?\s*$"
)


def name_before(text, position):
    line_start = text.original.rfind("\n", 0, position) + 1
    match = NAME_BEFORE.search(text.original[line_start:position])
    return match.group(1).strip() if match else None


CHAIR_RES = [
    re.compile(r"\bsous\s+la\s+presidence\s+(?:de|du)\s+"),
    re.compile(r"\bpresid(?:ent|ente|ence)\s+de\s+(?:la\s+)?seance\s*[:,]\s*"),
    re.compile(r"^\s*presidence\s*:\s*", re.MULTILINE),
    re.compile(r"\bpresidee?\s+par\s+"),
]
SIGNATURE_RE = re.compile(
    r"(?:^|\n)\s*(?:pour\s+extrait\s+conforme,?\s*)?(?:le|la)\s+(?:maire|president|presidente)"
    r"\s*,?\s*\n?"
)
RAPPORTEUR_RES = [
    re.compile(r"\brapporteur(?:e)?\s*:\s*"),
    re.compile(r"\bsur\s+(?:le\s+)?rapport\s+(?:de|du)\s+"),
    re.compile(r"\brapporteur(?:e)?\s+"),
]
SECRETARY_RES = [
    re.compile(r"\bsecretaire\s+(?:de\s+(?:la\s+)?seance|de\s+seance)\s*:\s*"),
    re.compile(r"\bsecretaire\s*:\s*"),
]
SECRETARY_AFTER_NAME = re.compile(
    r"\s*,?\s+(?:a\s+ete|est|a\s+ete\s+designee?\s+et)\s+(?:designee?|elue?|nommee?|choisie?)"
    r"\s+(?:comme\s+|en\s+qualite\s+de\s+|pour\s+remplir\s+les\s+fonctions\s+de\s+)?secretaire"
)
SECRETARY_PARAGRAPH = re.compile(r"\bsecretari(?:at|e)\s+de\s+(?:la\s+)?seance\b")
CIVILITY_NAME = re.compile(r"\b(?:Monsieur|Madame|M\.|Mme|Mlle)\s+")


def read_chair(text):
    for pattern in CHAIR_RES:
        for match in pattern.finditer(text.folded):
            name = name_after(text, match.end())
            if name:
                return name
    signatures = list(SIGNATURE_RE.finditer(text.folded))
    for match in reversed(signatures):
        name = name_after(text, match.end())
        if name:
            return name
    return None


def read_rapporteur(text):
    for pattern in RAPPORTEUR_RES:
        for match in pattern.finditer(text.folded):
            name = name_after(text, match.end())
            if name:
                return name
    return None


def read_secretary(text):
    for pattern in SECRETARY_RES:
        for match in pattern.finditer(text.folded):
            name = name_after(text, match.end())
            if name:
                return name
    for match in SECRETARY_AFTER_NAME.finditer(text.folded):
        name = name_before(text, match.start())
        if name:
            return name
    # "Secrétariat de séance : il a été procédé ... Madame X ayant obtenu ..."
    for match in SECRETARY_PARAGRAPH.finditer(text.folded):
        found = CIVILITY_NAME.search(text.original, match.end(), match.end() + 400)
        if found:
            name = name_after(text, found.start())
            if name:
                return name
    return None


# --- Dates -----------------------------------------------------------------------------------

SESSION_BEFORE = re.compile(
    r"(?:seance(?:\s+publique|\s+ordinaire|\s+extraordinaire)?\s+du|reunion\s+du|session\s+du|"
    r"reunie?s?\s+le|s'est\s+reunie?|se\s+sont\s+reunis|conseil\s+\w+\s+du|cm\s+du|"
    r"date\s+de\s+(?:la\s+)?seance|seance\s*:|le\s+conseil\s+\w+\s+reuni\s+le)\s*(?:le\s+)?"
    r"(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+)?$"
)
SESSION_AFTER = re.compile(
    r"^[^\n.]{0,80}?(?:s'est\s+reunie?|se\s+sont\s+reunis|dument\s+convoque)"
)
ASIDE_BEFORE = re.compile(r"(?:proces[\s-]verbal|compte[\s-]rendu|precedente?)[^\n]{0,30}$")
OTHER_DATES = {
    "convocation_on": r"\bconvocation\b|\bconvoquee?s?\b",
    "posted_on": r"\baffichee?s?\b|\baffichage\b|\bpubliee?s?\b|\bpublication\b|"
    r"\bmise?\s+en\s+ligne\b|\b(?:rendue?|certifiee?|devenue?)\s+executoire\b|"
    r"\bexecutoire\s+(?:le|au)\b",
    "sent_on": r"\btransmise?s?\b|\btransmission\b|\bteletransmise?\b|\bteletransmission\b|"
    r"\benvoyee?\s+(?:en|a\s+la|au)\s+(?:sous-)?prefe|\bdate\s+d'envoi(?!\s+de\s+la\s+convocation)"
    r"|\bdepose\s+en\s+(?:sous-)?prefecture\b|\bdepot\s+en\s+(?:sous-)?prefecture\b",
    "received_on": r"\brecue?s?\s+(?:en|a\s+la|par\s+la|au)\s+(?:sous-)?prefe|"
    r"\bdate\s+de\s+reception\b|\baccuse\s+(?:de\s+)?reception\b|\breception\s+(?:en\s+)?prefecture\b"
    r"|\breception\s+par\s+(?:le\s+)?(?:sous-)?prefet\b",
}
OTHER_DATE_RES = {key: re.compile(pattern) for key, pattern in OTHER_DATES.items()}
# A date belongs to the nearest label before it, if it is this close.
LABEL_REACH = 60


def read_dates(text):
    """The session date and the convocation, posting, sending and receipt dates.
    `posted_on` is the first date posted or published ("Date d'affichage", "publié
    le"); `published_on` the first one after the session: the act's own publication,
    where `posted_on` may be the convocation's posting."""
    folded = text.folded
    dates = find_dates(folded)
    labels = sorted(
        (match.end(), key)
        for key, pattern in OTHER_DATE_RES.items()
        for match in pattern.finditer(folded)
    )
    values, session_candidates, posted = {}, [], []
    for found in dates:
        label = None
        for label_end, key in labels:
            if label_end <= found.start and found.start - label_end <= LABEL_REACH:
                label = key  # the last label before the date wins
        before = folded[max(0, found.start - 60) : found.start]
        # "Séance du 5 avril" is the session even close after another date's label.
        if found.formal or (SESSION_BEFORE.search(before) and not ASIDE_BEFORE.search(before)):
            session_candidates.append((0 if found.formal else 1, found.start, found.date))
            continue
        if label == "posted_on":
            posted.append(found.date)
        if label:
            values.setdefault(label, found.date)
        elif SESSION_AFTER.match(folded[found.end : found.end + 100]):
            session_candidates.append((2, found.start, found.date))
    if session_candidates:
        values["session_date"] = min(session_candidates)[2]
        after = [date for date in posted if date > values["session_date"]]
        if after:
            values["published_on"] = after[0]
    return values


# --- Second convocation ---------------------------------------------------------------------

# The facts, not the law's reminder ("à défaut de quorum, ... sans condition de quorum"),
# which some extracts print on every deliberation.
SECOND_CONVOCATION = re.compile(
    r"\b(?:seconde|deuxieme|2e|2eme|2nde)\s+convocation\b|"
    r"\bquorum\s+(?:n'ayant\s+pas\s+ete|n'a\s+pas\s+ete|n'etant\s+pas|non)\s+atteint\b"
)
FIRST_SESSION_REACH = 150


def read_second_convocation(text, session_date):
    """(True, date of the session without quorum or None) when the council met on a
    second convocation (CGCT, art. L. 2121-17), else (None, None)."""
    folded = text.folded
    match = SECOND_CONVOCATION.search(folded)
    if match is None:
        return None, None
    start = max(0, match.start() - FIRST_SESSION_REACH)
    around = folded[start : match.end() + FIRST_SESSION_REACH]
    earlier = [
        found.date
        for found in find_dates(around)
        if session_date is None or found.date < session_date
    ]
    return True, (earlier[0] if earlier else None)


# --- Subject ---------------------------------------------------------------------------------

SUBJECT_RE = re.compile(r"\bobjet\s*(?:de\s+la\s+deliberation\s*)?:\s*")
NOT_A_TITLE = re.compile(
    r"\b(?:commune|ville|mairie|departement|arrondissement|canton|republique|extrait|registre|"
    r"seance|conseil|communaute|syndicat|deliberations?|cm\s+du|date|prefecture|accuse|"
    r"certifie|ainsi\s+fait|le\s+maire|envoye|recu|publie|affiche|sous-prefet|liberte|egalite|"
    r"liste|presents|absents|excuses|pouvoirs|ordre\s+du\s+jour|emargement)\b"
)


def read_subject(text):
    match = SUBJECT_RE.search(text.folded)
    if match:
        line_end = text.original.find("\n", match.end())
        subject = text.original[match.end() : line_end if line_end >= 0 else None].strip()
        if not subject and line_end >= 0:
            following = text.original.find("\n", line_end + 1)
            subject = text.original[line_end + 1 : following if following >= 0 else None]
        subject = subject.split(" | ")[0]
        subject = " ".join([subject, *_continuation(text, line_end, subject)]).strip(" .")
        if subject:
            return subject[:500]
    point = POINT_LINE.search(text.folded)
    if point and len(point.group("s")) >= 10:
        return text.original[point.start("s") : point.end("s")].strip(" .")[:500]
    title, started = [], False
    for line, folded in zip(text.lines, text.folded.split("\n"), strict=True):
        if _is_title(line, folded, continued=started):
            title.append(line)
            started = True
        elif started:
            break
    return " ".join(title)[:500] or None


def _continuation(text, line_end, first):
    """The lines that go on with a wrapped subject: more capitals after a subject in
    capitals, or a line starting in lower case."""
    if line_end < 0:
        return []
    following = text.original[line_end + 1 :].split("\n", 3)[:3]
    lines = []
    for line in following:
        if ":" in line or "|" in line or not line.strip():
            break
        in_capitals = _is_title(first, "", continued=True) and _is_title(line, "", continued=True)
        if not (in_capitals or line[0].islower()):
            break
        lines.append(line)
        first = line
    return lines


def _is_title(line, folded, continued=False):
    """A line in capitals that is not a heading of the register; its continuation
    lines only need the capitals."""
    letters = [char for char in line if char.isalpha()]
    if ":" in line or "|" in line:
        return False
    if not continued and (len(letters) < 12 or len(line.split()) < 3):
        return False
    upper = sum(char.isupper() for char in letters)
    return (
        bool(letters)
        and upper >= 0.8 * len(letters)
        and (continued or not NOT_A_TITLE.search(folded))
    )
