"""French grammar of names, as conventions and deliberations write them.

One place decides how a name is composed in a sentence: its article ("la
Commune d'Arbouans", "le SIVU des Trois Fontaines", "Pays de Montbéliard
Agglomération" without one), the preposition "de" contracted or elided ("du
Havre", "des Abymes", "de La Rochelle", "de l'Agglomération d'Agen"), the
agreement of "représentée" with the organisation and of "autorisé" with the
person, the article and possessive of a title ("le Président", "sa
Présidente", "son Maire"), and the reference data's short forms spelled out
("CC du Val d'Argent" -> "Communauté de communes du Val d'Argent").

Everything here is plain text in, plain text out: no database, no request.
"""

import re
from dataclasses import dataclass

VOWELS = "aeiouyàâäéèêëîïôöùûüœæ"
# Most place names elide before "h" (d'Hérimoncourt, d'Hyères); these take none:
# their "h" is aspirated (de Hautmont, de Honfleur, de Houdan).
ASPIRATED_H = ("hau", "hal", "ham", "han", "har", "hay", "hon", "hou")

EPCI_PREFIXES = {
    "CC": "Communauté de communes",
    "CA": "Communauté d'agglomération",
    "CU": "Communauté urbaine",
}
# An EPCI whose name contains one of these words names itself ("Pays de Montbéliard
# Agglomération", "Douarnenez Communauté", "Metz Métropole"): no article before it.
SELF_NAMING_WORDS = ("Agglomération", "Agglo", "Agglopôle", "Communauté", "Métropole")
FEMININE_HEADS = (
    "commune",
    "communauté",
    "métropole",
    "eurométropole",
    "agglomération",
    "agglo",
    "agglopôle",
    "caf",
    "caisse",
    "msa",
    "mutualité",
    "ville",
    "région",
    "association",
    "collectivité",
)
MASCULINE_HEADS = ("sivu", "sivom", "syndicat", "smix", "département", "conseil", "centre")
EPICENE_TITLES = ("maire", "secrétaire", "membre", "élu")
FEMININE_TITLE_ENDINGS = ("ente", "trice", "ère", "euse", "ée", "ointe", "ienne", "esse")

UNITS = (
    "zéro",
    "un",
    "deux",
    "trois",
    "quatre",
    "cinq",
    "six",
    "sept",
    "huit",
    "neuf",
    "dix",
    "onze",
    "douze",
    "treize",
    "quatorze",
    "quinze",
    "seize",
    "dix-sept",
    "dix-huit",
    "dix-neuf",
    "vingt",
)

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def capitalize(text):
    """First letter up, the rest untouched ("la Caf" -> "La Caf", "d'Arbouans" kept)."""
    return text[:1].upper() + text[1:] if text else text


def elides(word):
    """Whether "de", "le", "la" lose their vowel before this word ("d'Arbouans", "l'Ain")."""
    lowered = word.lower()
    if not lowered:
        return False
    if lowered[0] in VOWELS:
        return True
    if lowered[0] == "h" and len(lowered) > 1 and lowered[1] in VOWELS:
        return not lowered.startswith(ASPIRATED_H)
    return False


def de(text):
    """The preposition "de" before a text that may start with its own article.

    "Le Havre" -> "du Havre", "Les Abymes" -> "des Abymes", "La Rochelle" -> "de La
    Rochelle", "Arbouans" -> "d'Arbouans", "conseil municipal" -> "du conseil
    municipal" (a bare common noun: give it its article first with `the`).
    """
    for article, contracted in (("le ", "du "), ("les ", "des ")):
        if text[: len(article)].lower() == article:
            return contracted + text[len(article) :]
    if elides(text):
        return "d'" + text
    return "de " + text


def to(text):
    """The preposition "à" before a text that may start with its article: "au conseil
    municipal", "aux communes", "à la Caf", "à l'organe délibérant"."""
    for article, contracted in (("le ", "au "), ("les ", "aux ")):
        if text[: len(article)].lower() == article:
            return contracted + text[len(article) :]
    return "à " + text


def the(noun, *, feminine=False, plural=False):
    """A common noun with its definite article: "le conseil", "l'organe", "la Présidente"."""
    if plural:
        return "les " + noun
    if elides(noun):
        return "l'" + noun
    return ("la " if feminine else "le ") + noun


def number_in_words(number):
    """ "deux", "trois" up to twenty, as "en deux exemplaires originaux"; digits beyond."""
    return UNITS[number] if 0 <= number < len(UNITS) else str(number)


def originals(count):
    """ "en deux exemplaires originaux", "en un exemplaire original"."""
    if count == 1:
        return "en un exemplaire original"
    return f"en {number_in_words(count)} exemplaires originaux"


def french_date(day):
    """ "1er janvier 2026", "31 décembre 2030"."""
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {MONTHS[day.month - 1]} {day.year}"


# -- Organisations -------------------------------------------------------------


@dataclass(frozen=True)
class Name:
    """An organisation's name as a sentence uses it.

    bare is the name without article ("Commune d'Arbouans", "Caf du Doubs",
    "Pays de Montbéliard Agglomération"); article is "la ", "le ", "l'" or "" when
    the name stands alone.
    """

    bare: str
    article: str
    feminine: bool
    place: str = ""  # a commune's own name: "le conseil municipal de Lièpvre"

    @property
    def designation(self):
        """ "la Commune d'Arbouans", "le SIVU des Trois Fontaines", "Metz Métropole"."""
        return self.article + self.bare

    @property
    def of(self):
        """ "de la Commune d'Arbouans", "du SIVU...", "de Pays de Montbéliard Agglomération"."""
        return de(self.designation)

    @property
    def council_of(self):
        """After a council: "du conseil municipal d'Arbouans" but "du conseil communautaire
        de la Communauté de communes du Val d'Argent", as the documents write them."""
        return de(self.place) if self.place else self.of

    @property
    def represented(self):
        return "représentée" if self.feminine else "représenté"

    @property
    def named(self):
        """ "ci-après dénommée", agreeing with the organisation."""
        return "ci-après dénommée" if self.feminine else "ci-après dénommé"


def expand_abbreviation(name):
    """The reference data's short forms spelled out, as conventions write them.

    "CC du Val d'Argent" -> "Communauté de communes du Val d'Argent"; "CA Pays de
    Montbéliard Agglomération" -> "Pays de Montbéliard Agglomération" (the name
    already says what it is); "CA Agglomération d'Agen" -> "Agglomération d'Agen".
    """
    name = re.sub(r"\s+", " ", name).strip()
    prefix, _, rest = name.partition(" ")
    if prefix not in EPCI_PREFIXES or not rest:
        return name
    if _names_itself(rest):
        return rest
    return f"{EPCI_PREFIXES[prefix]} {rest}"


def caf_long_name(name):
    """ "Caf du Doubs" -> "Caisse d'Allocations Familiales du Doubs", for cover pages."""
    if name.startswith("Caf "):
        return "Caisse d'Allocations Familiales " + name[4:]
    return name


def _names_itself(rest):
    words = re.findall(r"[\wÀ-ÿ]+", rest)
    return any(word in SELF_NAMING_WORDS for word in words)


def _head_is_feminine(text, default):
    head = re.split(r"[\s'-]", text.lower(), maxsplit=1)[0]
    if head in FEMININE_HEADS:
        return True
    if head in MASCULINE_HEADS:
        return False
    return default


def _starts_with_article(text):
    lowered = text.lower()
    return lowered.startswith(("le ", "la ", "les ", "l'"))


def organisation_name(kind, name, *, department_connector=""):
    """How documents name an organisation of this kind (OrganisationKind values).

    department_connector is the Département's name with its connector ("du Doubs"),
    used when a Département is stored under its bare name.
    """
    bare = expand_abbreviation(name)
    if kind == "commune":
        return Name(f"Commune {de(bare)}", "la ", True, place=bare)
    if kind == "department" and not bare.lower().startswith("département"):
        connector = department_connector or de(bare)
        return Name(f"Département {connector}", "le ", False)
    if _starts_with_article(bare):
        # "Le Muretain Agglo", "La Roche-sur-Yon - Agglomération": the name carries it.
        return Name(bare, "", _head_is_feminine(bare.split(" ", 1)[-1], True))
    head = re.split(r"[\s'-]", bare.lower(), maxsplit=1)[0]
    if head in FEMININE_HEADS or head in MASCULINE_HEADS:
        feminine = head in FEMININE_HEADS
        article = "l'" if elides(bare) else ("la " if feminine else "le ")
        return Name(bare, article, feminine)
    if kind == "syndicate":
        return Name(bare, "l'" if elides(bare) else "le ", False)
    if kind == "epci":
        # "Pays de Montbéliard Agglomération, représentée par son Président".
        return Name(bare, "", True)
    return Name(bare, "", _head_is_feminine(bare, True))


# -- People --------------------------------------------------------------------


def title_is_feminine(title, civility=""):
    """ "Présidente", "Directrice" are feminine; "Maire" follows the person's civility."""
    word = title.strip().split(" ")[0].lower() if title.strip() else ""
    if word in EPICENE_TITLES:
        return civility == "MME"
    return word.endswith(FEMININE_TITLE_ENDINGS)


def title_with_article(title, civility=""):
    """ "le Président", "la Présidente", "la Maire" (Madame), "l'Adjoint"."""
    return the(title, feminine=title_is_feminine(title, civility))


def possessive(title):
    """ "son Maire", "sa Présidente", "son Président", "son Adjointe" (before a vowel)."""
    word = title.strip().split(" ")[0].lower() if title.strip() else ""
    feminine = word not in EPICENE_TITLES and word.endswith(FEMININE_TITLE_ENDINGS)
    return "sa" if feminine and not elides(title) else "son"


def authorised(civilities):
    """ "dûment autorisé", "dûment autorisée", "dûment autorisés", "dûment autorisées"."""
    civilities = list(civilities)
    feminine = bool(civilities) and all(c == "MME" for c in civilities)
    return "dûment autorisé" + ("e" if feminine else "") + ("s" if len(civilities) > 1 else "")


def speaker(title, civility):
    """ "Monsieur le Maire", "Madame la Présidente", as deliberations address them."""
    word = title.strip().split(" ")[0] if title.strip() else title
    address = "Madame" if civility == "MME" else "Monsieur"
    return f"{address} {title_with_article(word, civility)}"
