"""Text normalisation and French dates, shared by the reader and the matching."""

import datetime
import re
import unicodedata

MONTHS = {
    "janvier": 1,
    "janv": 1,
    "fevrier": 2,
    "fevr": 2,
    "fev": 2,
    "mars": 3,
    "avril": 4,
    "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "juil": 7,
    "aout": 8,
    "septembre": 9,
    "sept": 9,
    "octobre": 10,
    "oct": 10,
    "novembre": 11,
    "nov": 11,
    "decembre": 12,
    "dec": 12,
}
_MONTH_NAMES = "|".join(sorted(MONTHS, key=len, reverse=True))
DATE_IN_WORDS = re.compile(rf"\b(1er|premier|\d{{1,2}})(?:er)?\s+({_MONTH_NAMES})\.?\s+(\d{{4}})\b")
DATE_IN_FIGURES = re.compile(r"\b(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{4})\b")
NUMBER_WORDS = {
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
}


def clean(text):
    """One line of document text: typographic apostrophes, no-break spaces and runs of
    spaces made plain."""
    text = text.replace("\xa0", " ").replace("\u202f", " ").replace("’", "'")
    text = text.replace("\u2011", "-")
    return re.sub(r"[ \t]+", " ", text).strip()


def strip_accents(text):
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(char for char in decomposed if not unicodedata.combining(char))


def fold(text):
    """Lower case, no accents, hyphens and apostrophes as spaces: for comparisons."""
    text = strip_accents(clean(text)).lower().replace("œ", "oe")
    text = re.sub(r"[-'‐–—_.,;:()«»\"]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _iso(day, month, year):
    try:
        return datetime.date(int(year), int(month), int(day)).isoformat()
    except ValueError:
        return None


def find_dates(text):
    """Every date in the text ("1er janvier 2023", "01/01/2023"), as ISO strings in
    the order they appear. Impossible dates (31/02) are left out."""
    folded = strip_accents(clean(text)).lower()
    found = []
    for match in DATE_IN_WORDS.finditer(folded):
        day = 1 if match.group(1) in ("1er", "premier") else match.group(1)
        found.append((match.start(), _iso(day, MONTHS[match.group(2)], match.group(3))))
    for match in DATE_IN_FIGURES.finditer(folded):
        found.append((match.start(), _iso(match.group(1), match.group(2), match.group(3))))
    return [iso for _start, iso in sorted(found) if iso]


def first_date(text):
    dates = find_dates(text)
    return dates[0] if dates else None


def number_from(word):
    """ "deux" or "2" -> 2; None otherwise."""
    word = fold(word)
    if word.isdigit():
        return int(word)
    return NUMBER_WORDS.get(word)


def one_edit_apart(first, second):
    """True when the two strings differ by one substitution, insertion or deletion."""
    if first == second or abs(len(first) - len(second)) > 1:
        return False
    if len(first) > len(second):
        first, second = second, first
    for index, (a, b) in enumerate(zip(first, second, strict=False)):
        if a != b:
            if len(first) == len(second):
                return first[index + 1 :] == second[index + 1 :]
            return first[index:] == second[index + 1 :]
    return True
