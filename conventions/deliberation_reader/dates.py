"""Dates in figures ("05/04/2023", "2023-04-05"), with the month in words ("5 avril 2023",
"14 AVR. 2023") and wholly in words ("l'an deux mille vingt-trois, le cinq avril",
"l'an deux mil vingt-trois et le cinq du mois d'avril"). Matching happens on folded
text (lower case, no accents)."""

import datetime
import re
from dataclasses import dataclass

from conventions.deliberation_reader.numbers import NUMBER_WORDS, count_value
from conventions.importing.text import MONTHS

_MONTH = "(?:" + "|".join(sorted(MONTHS, key=len, reverse=True)) + ")"
_DAY = rf"(?:1er|premier|\d{{1,2}}|{NUMBER_WORDS})"
_YEAR = rf"(?:\d{{4}}|{NUMBER_WORDS})"

IN_FIGURES = re.compile(
    r"(?<![\d/.-])(\d{1,2})\s?([/.-])\s?(\d{1,2})\s?\2\s?(\d{4}|\d{2})(?![\d/])"
)
# "2023-04-05", as some e-legality stamps print their dates.
ISO = re.compile(r"(?<![\d/.-])(\d{4})-(\d{2})-(\d{2})(?![\d/-])")
WITH_MONTH = re.compile(
    rf"\b(?P<day>{_DAY})(?:er)?\s+(?:du\s+mois\s+(?:d'|de\s+)?)?(?P<month>{_MONTH})\b\.?"
    rf"(?:,?\s+(?P<year>{_YEAR})\b)?"
)
YEAR_OF_THE_ACT = re.compile(rf"\bl'an\s+(?P<year>{_YEAR})\b")


@dataclass(frozen=True)
class FoundDate:
    start: int
    end: int
    date: datetime.date
    # "l'an ..." or "le cinq avril" after it: the formal opening of the session.
    formal: bool = False


def _make(year, month, day):
    try:
        return datetime.date(year, month, day)
    except (TypeError, ValueError):
        return None


def _day(text):
    return 1 if text in ("1er", "premier") else count_value(text)


def _year(text):
    if text is None:
        return None
    value = count_value(text)
    if value is not None and value < 100:
        value += 2000
    return value if value and 1950 <= value <= 2100 else None


def find_dates(folded):
    """Every date of the text, in the order they appear."""
    found = []
    for match in IN_FIGURES.finditer(folded):
        day, _separator, month, year = match.groups()
        date = _make(_year(year), int(month), int(day))
        if date:
            found.append(FoundDate(match.start(), match.end(), date))
    for match in ISO.finditer(folded):
        year, month, day = (int(group) for group in match.groups())
        date = _make(_year(str(year)), month, day)
        if date:
            found.append(FoundDate(match.start(), match.end(), date))
    years = [
        (match.start(), match.end(), _year(match.group("year")))
        for match in YEAR_OF_THE_ACT.finditer(folded)
    ]
    for match in WITH_MONTH.finditer(folded):
        year = _year(match.group("year"))
        start, formal = match.start(), False
        # "L'an deux mille vingt-trois, le cinq avril": the year stands before.
        for year_start, year_end, year_value in years:
            if 0 <= match.start() - year_end <= 30 and year_value:
                start, formal = year_start, True
                year = year or year_value
        date = _make(year, MONTHS[match.group("month")], _day(match.group("day")) or 0)
        if date:
            found.append(FoundDate(start, match.end(), date, formal))
    return sorted(found, key=lambda found_date: found_date.start)
