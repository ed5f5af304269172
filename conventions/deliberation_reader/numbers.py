"""French numbers written in words: "vingt-sept", "quatre-vingt-onze", "deux mille
vingt-trois". Matching happens on folded text (lower case, no accents)."""

import re

_SMALL = {
    "zero": 0,
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
    "onze": 11,
    "douze": 12,
    "treize": 13,
    "quatorze": 14,
    "quinze": 15,
    "seize": 16,
    "vingt": 20,
    "vingts": 20,
    "trente": 30,
    "quarante": 40,
    "cinquante": 50,
    "soixante": 60,
}
_HUNDRED = ("cent", "cents")
_THOUSAND = ("mille", "mil")
_WORDS = sorted([*_SMALL, *_HUNDRED, *_THOUSAND], key=len, reverse=True)
_WORD = "(?:" + "|".join(_WORDS) + ")"
# A run of number words joined by hyphens or spaces; "et" only before "un" or "onze"
# ("soixante et onze"), so that "vingt-sept et trente-trois" stays two numbers.
NUMBER_WORDS = rf"\b{_WORD}(?:[\s-]+et[\s-]+(?:une?|onze)\b|[\s-]+{_WORD})*\b"
# A count as figures or words, for the attendance and vote readers; not the end of a
# reference ("Délibération n° 2023-32" over "Pouvoirs : ...").
COUNT = rf"(?<![\d/.,])(?<!\d[-_])\d{{1,4}}(?![\w/]|[.,]\d)|{NUMBER_WORDS}"
COUNT_RE = re.compile(COUNT)


def words_value(text):
    """The value of a run of number words, or None when it is not one."""
    tokens = [token for token in re.split(r"[\s-]+", text.strip()) if token and token != "et"]
    known = (*_SMALL, *_HUNDRED, *_THOUSAND)
    if not tokens or any(token not in known for token in tokens):
        return None
    total = current = 0
    for token in tokens:
        if token in _THOUSAND:
            total += (current or 1) * 1000
            current = 0
        elif token in _HUNDRED:
            current = (current or 1) * 100
        elif token in ("vingt", "vingts") and current % 100 == 4:
            current += 76  # quatre-vingt(s): 4 becomes 80
        else:
            current += _SMALL[token]
    return total + current


def count_value(text):
    """ "27", "vingt-sept" -> 27; None otherwise."""
    text = text.strip()
    if text.isdigit():
        return int(text)
    return words_value(text)
