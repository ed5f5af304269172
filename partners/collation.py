"""French order and search of names, the same on SQLite and PostgreSQL.

Databases sort by code point: "Étupes" would come after "Vieux-Charmont" and a search
for "etupes" would miss it. Names are therefore also stored in a folded form (accents,
case, ligatures and punctuation removed) that both sorting and searching use.
"""

import re
import unicodedata

LIGATURES = str.maketrans({"œ": "oe", "Œ": "oe", "æ": "ae", "Æ": "ae", "ß": "ss"})
SEPARATORS = re.compile(r"[\s\-'’‘`´.,;:/()«»\"]+")


def fold(text: str) -> str:
    """ "Saint-Hippolyte-sur-le-Doubs" -> "saint hippolyte sur le doubs"; "Œuilly" -> "oeuilly"."""
    decomposed = unicodedata.normalize("NFKD", (text or "").translate(LIGATURES))
    bare = "".join(char for char in decomposed if not unicodedata.combining(char))
    return SEPARATORS.sub(" ", bare.casefold()).strip()


def french_sorted(items, key=str):
    """Sort objects by a name in French order: "Étupes" among the E's, case ignored;
    ties broken by the name itself so that the order is stable."""
    return sorted(items, key=lambda item: (fold(key(item)), key(item)))
