"""Importing a tracking table (tableau de suivi) into the quarterly follow-up.

Two kinds of table, the same flow:

    upload ──preview──> Preview ──record──> TrackingImport ──apply──> FollowUp, IndicatorValue
                (changes and refusals, cell by cell;          (one transaction)
                 nothing written)

- QUARTER (round trip): the workbook the application exports
  (actionplan/export.py), edited in Excel or LibreOffice, brought back for one
  quarter. The sheets « Actions » (status and % of the quarter's columns, the
  texts when the row's latest report is that quarter), « Indicateurs » (the
  quarter's column) and « Suivi détaillé » (the quarter's rows) are read; a
  cell counts as a change when it differs from what is stored. An empty cell
  changes nothing: the export leaves empty the values hidden by statistical
  secrecy, which must not read as "erase". Confirming goes through
  followup.save_entry for each entry, with the revision seen by the preview:
  same rights, same rules, validated entries stay locked, and an entry changed
  since the preview refuses the whole import (StaleImport).
- HISTORY (seeding): the table a Caf kept before the application, one row per
  action (number and/or title), columns per quarter ("T1 2023", "2023 T1",
  "1er trimestre 2023", "2023-T1") or per year ("2023", "Bilan 2023", filling
  the year's last quarter of the period) with a status text, a percentage or a
  comment. Only past quarters of a signed convention, by the Caf's adviser;
  the entries are recorded as validated by them, with the history reason
  SEED_REASON. An entry already written in the application is never replaced.

Functions take a user and plain data (bytes, numbers), never a request. Every
refusal of the whole file is an ImportRefused naming the form field it is
about; a refusal of one cell is a line of the preview. Messages are French.
"""

import hashlib
import io
import re
import unicodedata
import zipfile
from dataclasses import asdict, dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

import openpyxl
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from openpyxl.utils import get_column_letter
from simple_history.utils import bulk_create_with_history

from conventions import freshness
from conventions.models import ConventionState

from . import followup, secrecy
from .followup import current_quarter, quarter_label
from .models import (
    FollowUp,
    FollowUpState,
    FollowUpStatus,
    ImportMode,
    IndicatorKind,
    IndicatorValue,
    TrackingImport,
)
from .overview import sheets_in_order

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_UPLOAD_LABEL = "10 Mo"
# An .xlsx is a zip: a small file may inflate to gigabytes (a "zip bomb").
MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
MAX_ROWS = 3000
MAX_COLUMNS = 300
HEADER_ROWS = 20
SEED_REASON = "Reprise du tableau de suivi existant"
NOT_XLSX = (
    "Ce fichier n'est pas un classeur Excel (.xlsx) lisible. Depuis Excel ou LibreOffice, "
    "enregistrez le tableau au format « Classeur Excel (.xlsx) » puis déposez-le à nouveau."
)
SHEET_ACTIONS, SHEET_INDICATORS, SHEET_ENTRIES = "Actions", "Indicateurs", "Suivi détaillé"
FIELD_LABELS = {
    "status": "Avancement",
    "progress": "Réalisation (%)",
    "achievements": "Réalisations",
    "difficulties": "Difficultés",
    "next_steps": "Prochaines étapes",
    "state": "État du suivi",
}
TEXT_FIELDS = ("achievements", "difficulties", "next_steps")
EMPTY = "—"


class ImportRefused(Exception):
    """The whole file is refused; `field` is the form field the message belongs to."""

    def __init__(self, message, field="file"):
        super().__init__(message)
        self.field = field


class StaleImport(ImportRefused):
    """An entry of the preview was changed since: nothing was imported."""


# -- Reading the workbook ----------------------------------------------------------


def _fold(text):
    """Lower case, no accents, dashes and punctuation as spaces: for comparing labels."""
    text = unicodedata.normalize("NFKD", str(text))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = text.replace("°", "o").replace("º", "o").replace("œ", "oe")
    text = re.sub(r"[-'’‐–—_.,;:()«»\"/\\]", " ", text)
    return re.sub(r"\s+", " ", text).strip()


def _is_percent_format(number_format):
    # "0%" makes Excel store 45 % as 0.45; the export's '0" %"' is a literal sign.
    return "%" in re.sub(r'"[^"]*"', "", number_format or "")


def read_workbook(content):
    """Every sheet of an .xlsx as {title: rows of cell values}, bounded in size.

    A percentage typed as such in Excel ("45 %" in a percent-formatted cell) is
    read as 45, as people see it. Raises ImportRefused for anything that is not
    a readable workbook of a sensible size.
    """
    if not content:
        raise ImportRefused("Le fichier est vide.")
    if len(content) > MAX_UPLOAD_BYTES:
        raise ImportRefused(_too_large(len(content)))
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            inflated = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ImportRefused(NOT_XLSX) from error
    if inflated > MAX_UNCOMPRESSED_BYTES:
        raise ImportRefused(
            "Ce classeur est trop volumineux une fois décompressé : déposez le tableau seul, "
            "sans images ni feuilles annexes."
        )
    try:
        book = openpyxl.load_workbook(io.BytesIO(content), read_only=True, data_only=True)
        try:
            return {sheet.title: _sheet_rows(sheet) for sheet in book.worksheets}
        finally:
            book.close()
    except ImportRefused:
        raise
    except Exception as error:
        # openpyxl reads untrusted bytes: a damaged file fails anywhere inside it
        # (zip members missing, malformed XML, wrong types), with many exception types.
        raise ImportRefused(NOT_XLSX) from error


def _sheet_rows(sheet):
    # Some producers write a wrong size in the file: read what is there.
    sheet.reset_dimensions()
    rows = []
    for row in sheet.iter_rows(max_row=MAX_ROWS + 1):
        if len(rows) == MAX_ROWS:
            raise ImportRefused(
                f"La feuille « {sheet.title} » dépasse {MAX_ROWS} lignes : ce n'est pas un "
                "tableau de suivi."
            )
        values = []
        for cell in row[:MAX_COLUMNS]:
            value = cell.value
            if isinstance(value, (int, float)) and not isinstance(value, bool):
                if _is_percent_format(getattr(cell, "number_format", "")):
                    value = value * 100
            elif isinstance(value, str):
                value = value.strip() or None
            values.append(value)
        rows.append(values)
    return rows


def _too_large(size):
    return (
        f"Le fichier fait {size / (1024 * 1024):.1f} Mo".replace(".", ",")
        + f" : la limite est de {MAX_UPLOAD_LABEL}. Déposez le tableau de suivi seul."
    )


def _cell(sheet_title, row_index, column_index):
    """The reference people see in their spreadsheet: « Actions!H3 »."""
    return f"{sheet_title}!{get_column_letter(column_index + 1)}{row_index + 1}"


def _at(row, index):
    return row[index] if index is not None and index < len(row) else None


# -- Values --------------------------------------------------------------------------

# Ordered: the first pattern that matches the start of the folded text wins, so
# "non réalisé" is not started and "en cours de réalisation" is in progress.
STATUS_WORDS = [
    (FollowUpStatus.IN_DIFFICULTY, ("en difficulte", "difficult", "en retard", "retard", "bloque")),
    (FollowUpStatus.ABANDONED, ("abandon", "annule", "supprime", "non retenu", "arrete")),
    (FollowUpStatus.POSTPONED, ("report", "differe", "decale", "suspendu", "en attente")),
    (
        FollowUpStatus.NOT_STARTED,
        (
            "non demarre",
            "pas demarre",
            "non commence",
            "pas commence",
            "non engage",
            "pas engage",
            "non lance",
            "pas lance",
            "non realise",
            "pas realise",
            "a venir",
            "a demarrer",
            "a lancer",
            "a faire",
            "prevu",
        ),
    ),
    (
        FollowUpStatus.IN_PROGRESS,
        ("en cours", "partiel", "en partie", "demarre", "engage", "lance", "commence", "initie"),
    ),
    (
        FollowUpStatus.DONE,
        ("realise", "termine", "acheve", "fait", "finalise", "effectue", "atteint", "clos"),
    ),
]
STATUS_HINT = ", ".join(label for _, label in FollowUpStatus.choices)


def parse_status(text):
    """The FollowUpStatus a status text means ("réalisé", "En cours", "abandonnée"), or None."""
    folded = _fold(text)
    for status, starts in STATUS_WORDS:
        if folded.startswith(starts):
            return status
    return None


class BadValue(Exception):
    """A cell of the wrong kind; the message is French."""


def _status(value):
    if value is None:
        return None
    status = parse_status(value) if isinstance(value, str) else None
    if status is None:
        raise BadValue(f"« {value} » n'est pas un avancement reconnu : indiquez {STATUS_HINT}.")
    return status


def _progress(value):
    if value is None:
        return None
    number = value
    if isinstance(value, str):
        match = re.fullmatch(r"(\d{1,3}(?:[.,]\d+)?)\s*%?", value)
        number = float(match[1].replace(",", ".")) if match else None
    if isinstance(number, bool) or not isinstance(number, (int, float)):
        number = None
    # Floats from spreadsheets carry rounding noise (0.3 * 100).
    if number is not None and abs(number - round(number)) < 1e-6 and 0 <= round(number) <= 100:
        return int(round(number))
    raise BadValue(
        f"« {value} » n'est pas une réalisation valable : indiquez un nombre entier de 0 à 100."
    )


def _number(value, indicator):
    if isinstance(value, str):
        text = value.replace("\u202f", "").replace("\xa0", "").replace(" ", "").replace(",", ".")
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = None
    elif isinstance(value, (int, float)) and not isinstance(value, bool):
        value = Decimal(str(value))
    else:
        value = None
    if value is None or not value.is_finite() or abs(value) >= Decimal(10) ** 12:
        raise BadValue(f"La valeur de l'indicateur « {indicator.label} » doit être un nombre.")
    return value.quantize(Decimal("0.01"))


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).replace("\r\n", "\n").strip()


def _number_in(value):
    """An action number from a cell: 3, 3.0, "3", "Fiche 3"."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if float(value).is_integer() else None
    if isinstance(value, str) and len(value) <= 30:
        match = re.search(r"\d{1,4}", value)
        return int(match[0]) if match else None
    return None


def _shown(field_name, value):
    """A value as the preview prints it."""
    if value is None or value == "":
        return EMPTY
    if field_name == "status":
        return FollowUpStatus(value).label
    if field_name == "progress":
        return f"{value} %"
    if isinstance(value, Decimal):
        plain = value.normalize() if value != value.to_integral_value() else int(value)
        return str(plain).replace(".", ",")
    return str(value)


# -- The plan ------------------------------------------------------------------------


class Plan:
    """The convention's action sheets, found by number or title, read in two queries."""

    def __init__(self, convention):
        self.sheets = list(sheets_in_order(convention))
        # A number taken again after an amendment closed its sheet names the sheet in force.
        self.by_number = {
            sheet.number: sheet for sheet in sorted(self.sheets, key=lambda s: s.closed_on is None)
        }
        self.by_title = {}
        for sheet in self.sheets:
            self.by_title.setdefault(_fold(sheet.title), []).append(sheet)

    def _titled(self, title):
        folded = _fold(title)
        exact = self.by_title.get(folded, [])
        if len(exact) == 1:
            return exact[0]
        if len(folded) < 10:
            return None
        # A title shortened in the Caf's table, or the other way round.
        near = [
            sheet
            for sheet in self.sheets
            if _fold(sheet.title).startswith(folded) or folded.startswith(_fold(sheet.title))
        ]
        return near[0] if len(near) == 1 else None

    def find(self, number_value, title_value):
        """(action sheet, None) or (None, why not) from a row's number and title cells."""
        title = _text(title_value)
        number = _number_in(number_value)
        embedded = re.match(
            r"^\s*(?:fiche action|fiche|action)?\s*(?:n\s*[o°]?\s*)?(\d{1,3})\s*[.:)\-–]\s*(.+)$",
            title,
            re.IGNORECASE,
        )
        if embedded and number is None:
            number, title = int(embedded[1]), embedded[2].strip()
        by_number = self.by_number.get(number) if number is not None else None
        by_title = self._titled(title) if title else None
        if number is not None and by_number is None:
            named = f" « {title} »" if title else ""
            return None, f"Action inconnue : le plan n'a pas d'action n° {number}{named}."
        if by_number and by_title and by_title is not by_number:
            return None, (
                f"Le n° {number} et l'intitulé « {title} » désignent deux actions différentes "
                f"(actions {by_number.number} et {by_title.number}) : corrigez l'un des deux."
            )
        if by_number or by_title:
            return by_number or by_title, None
        if title:
            return None, f"Action inconnue : « {title} » n'est pas dans le plan de la convention."
        return None, "Ligne sans numéro ni intitulé d'action."


# -- The preview ---------------------------------------------------------------------


@dataclass
class Change:
    cell: str
    number: int
    title: str
    period: str
    field: str
    old: str
    new: str


@dataclass
class Refusal:
    cell: str
    reason: str
    number: int | None = None
    title: str = ""
    period: str = ""


@dataclass
class Preview:
    """What confirming would do: changes and refusals for people, entries for `apply`."""

    mode: str
    year: int | None = None
    quarter: int | None = None
    changes: list = field(default_factory=list)
    refusals: list = field(default_factory=list)
    # What apply writes, one item per follow-up entry (plain JSON).
    entries: list = field(default_factory=list)

    def summary(self):
        return {
            "mode": self.mode,
            "changes": [asdict(change) for change in self.changes],
            "refusals": [asdict(refusal) for refusal in self.refusals],
            "entries": self.entries,
        }


class Proposals:
    """Values read for each (action, quarter, field), with the cells they come from.

    The same value may be given twice (the export repeats status and % in two
    sheets): only values that differ from what is stored count, and two cells
    asking for different new values are refused rather than one picked.
    """

    def __init__(self):
        self.values = {}
        self.refusals = []

    def add(self, key, cell, value):
        self.values.setdefault(key, []).append((cell, value))

    def refuse(self, cell, reason, sheet=None, period=""):
        self.refusals.append(
            Refusal(
                cell=cell,
                reason=reason,
                number=sheet.number if sheet else None,
                title=sheet.title if sheet else "",
                period=period,
            )
        )

    def wanted(self, key, current, same=lambda a, b: a == b):
        """(cell, new value) when the cells ask for one value other than `current`;
        None when nothing changes; a Refusal is recorded on disagreement."""
        asked = [
            (cell, value) for cell, value in self.values.get(key, []) if not same(value, current)
        ]
        if not asked:
            return None
        distinct = []
        for cell, value in asked:
            if not any(same(value, seen) for _, seen in distinct):
                distinct.append((cell, value))
        if len(distinct) > 1:
            return distinct
        return asked[0]


# -- Round trip of one quarter ----------------------------------------------------------


def _columns(header):
    return {_fold(value): index for index, value in enumerate(header) if value is not None}


def _same_text(first, second):
    return _text(first) == _text(second)


def preview_quarter(user, convention, content, year, quarter, today=None):
    """What importing this exported workbook into (year, quarter) would change."""
    if not followup.can_fill(user, convention):
        raise followup.NotAllowed("Vous ne pouvez que consulter le suivi de cette convention.")
    label = quarter_label(year, quarter)
    if (year, quarter) not in followup.convention_quarters(convention):
        raise ImportRefused(
            f"Le {label} n'appartient pas à la période de la convention.", field="quarter"
        )
    if (year, quarter) > current_quarter(today or timezone.localdate()):
        raise ImportRefused(
            f"Le {label} n'a pas commencé : son suivi n'est pas ouvert.", field="quarter"
        )
    entries = {
        entry.action_sheet_id: entry
        for entry in FollowUp.objects.filter(
            action_sheet__convention=convention, year=year, quarter=quarter
        )
    }
    if not entries:
        raise ImportRefused(
            f"Le suivi du {label} n'est pas ouvert pour cette convention : il n'y a rien à "
            "mettre à jour.",
            field="quarter",
        )
    book = read_workbook(content)
    _check_reference(book, convention)
    if not {SHEET_ACTIONS, SHEET_INDICATORS, SHEET_ENTRIES} & set(book):
        raise ImportRefused(
            f"Ce classeur n'a ni feuille « {SHEET_ACTIONS} », ni « {SHEET_INDICATORS} », ni "
            f"« {SHEET_ENTRIES} » : déposez le tableau de suivi téléchargé depuis "
            "l'application (ou choisissez la reprise d'un tableau existant)."
        )
    plan = Plan(convention)
    stored_values = {
        value.indicator_id: value
        for value in IndicatorValue.objects.filter(
            indicator__action_sheet__convention=convention, year=year, quarter=quarter
        )
    }
    proposals = Proposals()
    found = [
        _read_actions(book.get(SHEET_ACTIONS), plan, label, proposals),
        _read_indicators(book.get(SHEET_INDICATORS), plan, label, proposals),
        _read_entries(book.get(SHEET_ENTRIES), plan, label, proposals),
    ]
    if not any(found):
        raise ImportRefused(
            f"Le tableau n'a aucune colonne ni ligne pour le {label} : exportez à nouveau le "
            "tableau de suivi, ou choisissez le trimestre qu'il contient.",
            field="quarter",
        )
    result = Preview(mode=ImportMode.QUARTER, year=year, quarter=quarter)
    context = (label, followup.can_validate(user, convention), secrecy.applies_to(user, convention))
    for sheet in plan.sheets:
        _entry_preview(
            result, proposals, sheet, entries.get(sheet.pk), stored_values, (*context, convention)
        )
    result.refusals[:0] = proposals.refusals
    return result


def _check_reference(book, convention):
    about = book.get("Convention") or []
    for row in about:
        if len(row) >= 2 and row[0] == "Référence" and row[1] and row[1] != convention.reference:
            raise ImportRefused(
                f"Ce tableau de suivi est celui de la convention « {row[1]} », pas de "
                f"« {convention.reference} »."
            )


def _data_rows(rows, plan, proposals, sheet_title, identity, used):
    """(row index, row, action sheet) of each data row with something in `used` columns.

    rows: (index in the sheet, values) pairs, the header excluded; identity: the
    columns of the action's number and title.
    """
    number_column, title_column = identity
    for index, row in rows:
        if not any(_at(row, column) is not None for column in used):
            continue
        sheet, why = plan.find(_at(row, number_column), _at(row, title_column))
        if sheet is None:
            column = number_column if number_column is not None else title_column
            proposals.refuse(_cell(sheet_title, index, column or 0), why)
            continue
        yield index, row, sheet


def _propose(proposals, sheet, period, key, cell, value, parse):
    """Record a cell's value once parsed; an empty cell changes nothing."""
    if value is None:
        return
    try:
        parsed = parse(value)
    except BadValue as error:
        proposals.refuse(cell, str(error), sheet, period)
    else:
        proposals.add(key, cell, parsed)


def _read_actions(rows, plan, label, proposals):
    if not rows:
        return False
    columns = _columns(rows[0])
    status = columns.get(_fold(f"{label} – avancement"))
    progress = columns.get(_fold(f"{label} – %"))
    if status is None and progress is None:
        return False
    latest = columns.get(_fold("Dernier suivi transmis"))
    texts = {name: columns.get(_fold(FIELD_LABELS[name])) for name in TEXT_FIELDS}
    identity = (columns.get("no"), columns.get("action"))
    used = [column for column in (status, progress) if column is not None]
    for index, row, sheet in _data_rows(
        enumerate(rows[1:], start=1), plan, proposals, SHEET_ACTIONS, identity, used
    ):
        cell = lambda column, index=index: _cell(SHEET_ACTIONS, index, column)  # noqa: E731
        status_value = _at(row, status)
        # A quarter not reported yet is exported as its state: "Brouillon (non transmis)".
        if isinstance(status_value, str) and status_value.endswith("(non transmis)"):
            status_value = None
        key = (sheet.pk, "status")
        _propose(proposals, sheet, label, key, cell(status), status_value, _status)
        key = (sheet.pk, "progress")
        _propose(proposals, sheet, label, key, cell(progress), _at(row, progress), _progress)
        # The text columns are the latest report's: this quarter's only when it is the latest.
        if latest is not None and _text(_at(row, latest)) == label:
            for name, column in texts.items():
                key = (sheet.pk, name)
                _propose(proposals, sheet, label, key, cell(column), _at(row, column), _text)
    return True


def _read_indicators(rows, plan, label, proposals):
    if not rows:
        return False
    columns = _columns(rows[0])
    quarter_column = columns.get(_fold(label))
    if quarter_column is None:
        return False
    indicator_column = columns.get("indicateur")
    identity = (columns.get("no action"), columns.get("action"))
    seen = {}
    for index, row, sheet in _data_rows(
        enumerate(rows[1:], start=1), plan, proposals, SHEET_INDICATORS, identity, [quarter_column]
    ):
        cell = _cell(SHEET_INDICATORS, index, quarter_column)
        name = _fold(_text(_at(row, indicator_column)))
        namesakes = [i for i in sheet.indicators.all() if _fold(i.label) == name]
        # Two indicators of one action may share a label: the n-th row is the n-th one.
        rank = seen.get((sheet.pk, name), 0)
        seen[(sheet.pk, name)] = rank + 1
        if rank >= len(namesakes):
            shown = _text(_at(row, indicator_column)) or EMPTY
            reason = f"Indicateur inconnu pour l'action {sheet.number} : « {shown} »."
            proposals.refuse(cell, reason, sheet, label)
            continue
        indicator = namesakes[rank]
        if indicator.kind == IndicatorKind.QUALITATIVE:
            parse = _text
        else:

            def parse(value, indicator=indicator):
                return _number(value, indicator)

        key = (sheet.pk, ("indicator", indicator.pk))
        _propose(proposals, sheet, label, key, cell, _at(row, quarter_column), parse)
    return True


def _read_entries(rows, plan, label, proposals):
    if not rows:
        return False
    columns = _columns(rows[0])
    period = columns.get("trimestre")
    if period is None:
        return False
    mine = [
        (index, row)
        for index, row in enumerate(rows[1:], start=1)
        if _fold(_at(row, period) or "") == _fold(label)
    ]
    if not mine:
        return False
    status, progress = columns.get("avancement"), columns.get("%")
    texts = {name: columns.get(_fold(FIELD_LABELS[name])) for name in TEXT_FIELDS}
    identity = (columns.get("no action"), columns.get("action"))
    for index, row, sheet in _data_rows(mine, plan, proposals, SHEET_ENTRIES, identity, [period]):
        cell = lambda column, index=index: _cell(SHEET_ENTRIES, index, column)  # noqa: E731
        key = (sheet.pk, "status")
        _propose(proposals, sheet, label, key, cell(status), _at(row, status), _status)
        key = (sheet.pk, "progress")
        _propose(proposals, sheet, label, key, cell(progress), _at(row, progress), _progress)
        for name, column in texts.items():
            key = (sheet.pk, name)
            _propose(proposals, sheet, label, key, cell(column), _at(row, column), _text)
    return True


def _resolve(proposals, key, current, same, sheet, period, what):
    """(cell, new value) or None; a disagreement between cells becomes a refusal."""
    got = proposals.wanted(key, current, same)
    if isinstance(got, list):
        # Keys end with the field's name, or ("indicator", pk) for an indicator's value.
        name = key[-1] if isinstance(key[-1], str) else None
        cells = " et ".join(f"{cell} (« {_shown(name, value)} »)" for cell, value in got)
        proposals.refuse(
            got[0][0],
            f"Valeurs différentes pour « {what} » : {cells}. Gardez-en une seule.",
            sheet,
            period,
        )
        return None
    return got


def _equal(first, second):
    return first == second


def _entry_preview(result, proposals, sheet, entry, stored_values, context):
    """Add one action's changes for the quarter, or refuse them all with the reason."""
    label, may_validate, hide, convention = context
    changes = []
    data = {name: getattr(entry, name) for name in followup.ENTRY_FIELDS} if entry else {}
    for name in followup.ENTRY_FIELDS:
        same = _same_text if name in TEXT_FIELDS else _equal
        current = data.get(name)
        got = _resolve(proposals, (sheet.pk, name), current, same, sheet, label, FIELD_LABELS[name])
        if got:
            cell, value = got
            changes.append((cell, FIELD_LABELS[name], _shown(name, current), _shown(name, value)))
            data[name] = value
    values = {}
    for indicator in sheet.indicators.all():
        stored = stored_values.get(indicator.pk)
        qualitative = indicator.kind == IndicatorKind.QUALITATIVE
        if qualitative:
            current = stored.text if stored else ""
        else:
            current = stored.value if stored else None
        got = _resolve(
            proposals,
            (sheet.pk, ("indicator", indicator.pk)),
            current,
            _same_text if qualitative else _equal,
            sheet,
            label,
            indicator.label,
        )
        if not got:
            continue
        cell, value = got
        old = _shown(None, current)
        if (
            not qualitative
            and hide
            and stored
            and secrecy.is_secret(convention, stored.value, stored.zone_recipients)
        ):
            old = "valeur masquée (secret statistique)"
        unit = f" {indicator.unit}" if indicator.unit and not qualitative else ""
        what = f"Indicateur « {indicator.label} »"
        changes.append((cell, what, old, _shown(None, value) + unit))
        values[str(indicator.pk)] = {
            "value": None if qualitative else str(value),
            "text": value if qualitative else (stored.text if stored else ""),
            "zone_recipients": stored.zone_recipients if stored else None,
        }
    if not changes:
        return
    reason = _quarter_refusal(entry, sheet, label, may_validate, data)
    if reason:
        for cell, *_ in changes:
            proposals.refuse(cell, reason, sheet, label)
        return
    result.changes += [
        Change(cell, sheet.number, sheet.title, label, what, old, new)
        for cell, what, old, new in changes
    ]
    result.entries.append(
        {
            "follow_up": entry.pk,
            "revision": entry.revision,
            "number": sheet.number,
            "period": label,
            "data": data,
            "values": values,
        }
    )


def _quarter_refusal(entry, sheet, label, may_validate, data):
    if entry is None:
        return f"Le suivi du {label} n'est pas ouvert pour l'action {sheet.number}."
    refusal = followup.write_refusal(entry, may_validate)
    if refusal:
        return refusal
    return _rule_refusal(data)


def _rule_refusal(data):
    """The entry's own rules (FollowUp.clean), as the follow-up page applies them."""
    try:
        FollowUp(status=data["status"], progress=data["progress"]).clean()
    except ValidationError as error:
        return " ".join(error.messages)
    return None


# -- Seeding past quarters from the Caf's own table -------------------------------------

QUARTER_HEADERS = [
    re.compile(r"\bt\s?(?P<q>[1-4]) (?P<y>(?:19|20)\d\d)\b"),
    re.compile(r"\b(?P<y>(?:19|20)\d\d) t\s?(?P<q>[1-4])\b"),
    re.compile(r"\b(?P<q>[1-4]) ?(?:er|ere|e|eme|nd|nde)? trim(?:estre)? (?P<y>(?:19|20)\d\d)\b"),
    re.compile(r"\btrim(?:estre)? (?P<q>[1-4]) (?P<y>(?:19|20)\d\d)\b"),
]
YEAR_HEADER = re.compile(
    r"^(?:(?:bilan|annee|suivi|exercice|situation|etat|fin)(?: de l| de| d)?(?: annee)? )?"
    r"(?P<y>(?:19|20)\d\d)\b"
)
NUMBER_HEADER = re.compile(
    r"^(?:no|n|num|numero|ref|reference)"
    r"(?: (?:de la |de l |de |d )?(?:fiche action|fiche|action))?$"
    r"|^(?:fiche action|fiche|action) (?:no|n|num|numero)$"
)
TITLE_HEADERS = {"action", "actions", "fiche action", "fiches actions", "fiche", "titre"}
TITLE_STARTS = ("intitule", "libelle", "nom de l action", "titre de")


@dataclass
class PeriodColumn:
    index: int
    year: int
    quarter: int | None  # None: a column for the whole year
    kind: str  # status (text and/or %), progress, achievements, difficulties, next_steps


def _period_column(index, value):
    if not isinstance(value, (str, int)) or isinstance(value, bool):
        return None
    header = _fold(value)
    for pattern in QUARTER_HEADERS:
        match = pattern.search(header)
        if match:
            rest = header[: match.start()] + " " + header[match.end() :]
            return PeriodColumn(index, int(match["y"]), int(match["q"]), _kind(header, rest))
    match = YEAR_HEADER.match(header)
    if match:
        return PeriodColumn(index, int(match["y"]), None, _kind(header, header[match.end() :]))
    return None


def _kind(header, rest):
    if "%" in header or re.search(r"pourcent|\btaux\b|\bpct\b", rest):
        return "progress"
    if "difficult" in rest:
        return "difficulties"
    if re.search(r"prochain|perspective|suite", rest):
        return "next_steps"
    if re.search(r"comment|observation|remarque|precision|realisations|detail|menee", rest):
        return "achievements"
    return "status"


def _caf_table(book):
    """(sheet title, header index, number column, title column, period columns) of the first
    sheet that has a header row naming the actions and periods."""
    for title, rows in book.items():
        for index, row in enumerate(rows[:HEADER_ROWS]):
            number = next(
                (
                    i
                    for i, v in enumerate(row)
                    if isinstance(v, str) and NUMBER_HEADER.match(_fold(v))
                ),
                None,
            )
            named = next(
                (
                    i
                    for i, v in enumerate(row)
                    if isinstance(v, str)
                    and (_fold(v) in TITLE_HEADERS or _fold(v).startswith(TITLE_STARTS))
                ),
                None,
            )
            periods = [c for c in (_period_column(i, v) for i, v in enumerate(row)) if c]
            if periods and (number is not None or named is not None):
                return title, index, number, named, periods
    raise ImportRefused(
        "Aucune feuille de ce classeur n'a de ligne d'en-tête nommant les actions (« N° » ou "
        "« Action ») et des colonnes de trimestre (« T1 2023 », « 2023 T1 », « 1er trimestre "
        "2023 ») ou d'année (« 2023 », « Bilan 2023 »)."
    )


def _year_quarter(convention, year):
    """A whole year's column fills the last quarter of that year within the period."""
    if year == convention.end_date.year:
        return min((year, 4), current_quarter(convention.end_date))
    return year, 4


def _status_cell(value):
    """A status cell of a Caf's table: "réalisé", "en cours (50 %)", "50 %" or 50."""
    if not isinstance(value, str):
        return {"progress": _progress(value)}
    if value.endswith("(non transmis)"):
        return {}
    found = {}
    percent = re.search(r"(\d{1,3}(?:[.,]\d+)?)\s*%", value)
    rest = value
    if percent:
        found["progress"] = _progress(percent[1])
        rest = value[: percent.start()] + value[percent.end() :]
    rest = rest.strip(" -–:()/,;")
    if rest:
        found["status"] = _status(rest)
    return found


def preview_history(user, convention, content, today=None):
    """What seeding the past quarters from a Caf's own tracking table would create."""
    if not followup.can_validate(user, convention):
        raise followup.NotAllowed(
            "Seul le conseiller de la Caf reprend le suivi des trimestres passés."
        )
    if convention.state not in (ConventionState.SIGNED, ConventionState.TERMINATED):
        raise ImportRefused(
            "Seule une convention signée a des trimestres passés à reprendre.", field="mode"
        )
    book = read_workbook(content)
    plan = Plan(convention)
    if not plan.sheets:
        raise ImportRefused(
            "La convention n'a pas encore de fiche action : saisissez ou importez son plan "
            "d'actions avant son suivi."
        )
    title, header, number, named, periods = _caf_table(book)
    proposals = Proposals()
    groups = {}  # (sheet pk, year, quarter) -> cells
    rows = book[title]
    used = [column.index for column in periods]
    for index, row, sheet in _data_rows(
        enumerate(rows[header + 1 :], start=header + 1),
        plan,
        proposals,
        title,
        (number, named),
        used,
    ):
        for column in periods:
            value = _at(row, column.index)
            if value is None:
                continue
            cell = _cell(title, index, column.index)
            year, quarter = (
                (column.year, column.quarter)
                if column.quarter
                else _year_quarter(convention, column.year)
            )
            period = quarter_label(year, quarter)
            try:
                if column.kind == "status":
                    found = _status_cell(value)
                elif column.kind == "progress":
                    found = {"progress": _progress(value)}
                else:
                    found = {column.kind: _text(value)}
            except BadValue as error:
                proposals.refuse(cell, str(error), sheet, period)
                continue
            for name, parsed in found.items():
                proposals.add((sheet.pk, year, quarter, name), cell, parsed)
            groups.setdefault((sheet.pk, year, quarter), []).append(cell)
    existing = {
        (entry.action_sheet_id, entry.year, entry.quarter): entry
        for entry in FollowUp.objects.filter(action_sheet__convention=convention)
    }
    result = Preview(mode=ImportMode.HISTORY)
    context = (
        convention,
        followup.convention_quarters(convention),
        current_quarter(today or timezone.localdate()),
    )
    sheets = {sheet.pk: sheet for sheet in plan.sheets}
    for sheet_pk, year, quarter in sorted(groups, key=lambda k: (sheets[k[0]].number, k[1], k[2])):
        _seed_entry(
            result,
            proposals,
            sheets[sheet_pk],
            existing.get((sheet_pk, year, quarter)),
            (year, quarter),
            groups[(sheet_pk, year, quarter)],
            context,
        )
    result.refusals[:0] = proposals.refusals
    return result


def _seed_entry(result, proposals, sheet, entry, year_quarter, cells, context):
    """Add the entry one action's cells make for one past quarter, or refuse its cells."""
    convention, quarters, today_quarter = context
    period = quarter_label(*year_quarter)
    reason = _seed_refusal(convention, sheet, entry, year_quarter, quarters, today_quarter)
    data, origin = {}, {}
    if not reason:
        disagreements = len(proposals.refusals)
        for name in followup.ENTRY_FIELDS:
            key = (sheet.pk, *year_quarter, name)
            got = _resolve(proposals, key, None, _equal, sheet, period, FIELD_LABELS[name])
            if got:
                origin[name], data[name] = got
        if len(proposals.refusals) > disagreements:
            return  # two cells disagree: said once, nothing guessed
        reason = _complete(data, sheet, period)
    if reason:
        for cell in dict.fromkeys(cells):
            proposals.refuse(cell, reason, sheet, period)
        return

    def change(cell, label, old, new):
        result.changes.append(Change(cell, sheet.number, sheet.title, period, label, old, new))

    change(
        cells[0],
        FIELD_LABELS["state"],
        entry.get_state_display() if entry else EMPTY,
        "Validé (reprise)",
    )
    for name in followup.ENTRY_FIELDS:
        if data[name] in ("", None):
            continue
        # Status and % that the table leaves implicit are deduced from each other.
        shown = _shown(name, data[name]) + ("" if name in origin else " (déduit)")
        change(origin.get(name, cells[0]), FIELD_LABELS[name], EMPTY, shown)
    result.entries.append(
        {
            "follow_up": entry.pk if entry else None,
            "revision": entry.revision if entry else None,
            "sheet": sheet.pk,
            "number": sheet.number,
            "year": year_quarter[0],
            "quarter": year_quarter[1],
            "period": period,
            "data": data,
        }
    )


def _seed_refusal(convention, sheet, entry, year_quarter, quarters, today_quarter):
    period = quarter_label(*year_quarter)
    if year_quarter not in quarters:
        return (
            f"Le {period} est hors de la période de la convention (du "
            f"{convention.start_date:%d/%m/%Y} au {convention.end_date:%d/%m/%Y})."
        )
    if year_quarter >= today_quarter:
        return (
            f"Le {period} n'est pas terminé : il se renseigne dans le suivi trimestriel, pas "
            "par une reprise."
        )
    if entry is None or entry.state == FollowUpState.OPEN:
        return None
    if entry.state == FollowUpState.VALIDATED:
        return f"Le suivi de l'action {sheet.number} au {period} est validé : il est verrouillé."
    return (
        f"Le suivi de l'action {sheet.number} au {period} a déjà été renseigné dans "
        f"l'application (« {entry.get_state_display()} ») : la reprise ne le remplace pas."
    )


def _complete(data, sheet, period):
    """Fill what the table leaves implicit; the refusal when the entry cannot be made."""
    status, progress = data.get("status"), data.get("progress")
    if status is None and progress is None:
        return (
            f"Ni avancement ni pourcentage pour l'action {sheet.number} au {period} : un "
            "commentaire seul ne suffit pas à établir son suivi."
        )
    if status is None:
        status = {100: FollowUpStatus.DONE, 0: FollowUpStatus.NOT_STARTED}.get(
            progress, FollowUpStatus.IN_PROGRESS
        )
    if progress is None:
        progress = 100 if status == FollowUpStatus.DONE else 0
    data.update(status=status, progress=progress)
    for name in TEXT_FIELDS:
        data.setdefault(name, "")
    return _rule_refusal(data)


# -- Keeping the upload, applying it ---------------------------------------------------


def preview(user, convention, content, mode, year=None, quarter=None, today=None):
    """The preview of either kind of import; writes nothing."""
    if mode == ImportMode.QUARTER:
        if year is None or quarter is None:
            raise ImportRefused("Choisissez le trimestre à mettre à jour.", field="quarter")
        return preview_quarter(user, convention, content, year, quarter, today)
    return preview_history(user, convention, content, today)


def upload(user, convention, filename, content, mode, year=None, quarter=None, today=None):
    """Read the upload, build its preview and keep both until the person confirms."""
    result = preview(user, convention, content, mode, year, quarter, today)
    if not result.changes and not result.refusals:
        target = f"le suivi du {quarter_label(year, quarter)}" if year else "le suivi"
        raise ImportRefused(
            f"Ce tableau ne change rien : {target} enregistré est déjà celui qu'il contient."
        )
    record = TrackingImport(
        convention=convention,
        mode=mode,
        year=year if mode == ImportMode.QUARTER else None,
        quarter=quarter if mode == ImportMode.QUARTER else None,
        filename=Path(filename).name[:255],
        file_sha256=hashlib.sha256(content).hexdigest(),
        uploaded_by=user,
        summary=result.summary(),
    )
    record._history_user = user
    try:
        with transaction.atomic():
            record.file.save(
                Path(filename).name or "tableau.xlsx", ContentFile(content), save=False
            )
            record.save()
    except BaseException:
        # The row is gone with its transaction: its file must not stay behind.
        if record.file.name:
            record.file.storage.delete(record.file.name)
        raise
    return record


def _stale(item, author=None):
    who = f" par {author}" if author else ""
    return StaleImport(
        f"Le suivi de l'action {item['number']} ({item['period']}) a été modifié{who} depuis "
        "l'aperçu : rien n'a été importé. Déposez à nouveau le tableau pour voir les "
        "changements à partir de ce qui est enregistré maintenant."
    )


def apply(user, tracking_import, now=None):
    """Write every accepted change of the preview in one transaction; return how many
    follow-up entries were written. Nothing is written if any of them fails."""
    now = now or timezone.now()
    with transaction.atomic():
        record = (
            TrackingImport.objects.select_for_update()
            .select_related("convention")
            .get(pk=tracking_import.pk)
        )
        if record.applied_at:
            raise ImportRefused(
                f"Cet import a déjà été appliqué le "
                f"{timezone.localtime(record.applied_at):%d/%m/%Y à %H:%M}."
            )
        entries = record.summary.get("entries", [])
        if not entries:
            raise ImportRefused("Cet aperçu ne contient aucune modification à appliquer.")
        if record.mode == ImportMode.QUARTER:
            _apply_quarter(user, record.convention, entries)
        else:
            _apply_history(user, record.convention, entries, now)
        record.applied_at = now
        record._history_user = user
        record.save()
    tracking_import.applied_at = now
    return len(entries)


def _apply_quarter(user, convention, entries):
    if not followup.can_fill(user, convention):
        raise followup.NotAllowed("Vous ne pouvez que consulter le suivi de cette convention.")
    follow_ups = FollowUp.objects.filter(action_sheet__convention=convention).in_bulk(
        [item["follow_up"] for item in entries]
    )
    for item in entries:
        entry = follow_ups.get(item["follow_up"])
        if entry is None:
            raise _stale(item)
        values = {
            int(pk): {
                "value": None if given["value"] is None else Decimal(given["value"]),
                "text": given["text"],
                "zone_recipients": given["zone_recipients"],
            }
            for pk, given in item["values"].items()
        }
        try:
            followup.save_entry(user, entry, item["revision"], item["data"], values)
        except followup.StaleEntry as error:
            raise _stale(item, error.author) from error
        except followup.NotAllowed:
            raise
        except (followup.FollowUpError, ValidationError) as error:
            message = " ".join(error.messages) if isinstance(error, ValidationError) else error
            raise ImportRefused(
                f"Action {item['number']} ({item['period']}) : {message} Rien n'a été importé."
            ) from error


def _apply_history(user, convention, entries, now):
    if not followup.can_validate(user, convention):
        raise followup.NotAllowed(
            "Seul le conseiller de la Caf reprend le suivi des trimestres passés."
        )
    existing = {
        (entry.action_sheet_id, entry.year, entry.quarter): entry
        for entry in FollowUp.objects.select_for_update().filter(
            action_sheet__convention=convention,
            year__in={item["year"] for item in entries},
        )
    }
    sheets = set(convention.action_sheets.values_list("pk", flat=True))
    new = []
    for item in entries:
        current = existing.get((item["sheet"], item["year"], item["quarter"]))
        if item["sheet"] not in sheets:
            raise _stale(item)
        if item["follow_up"] is None:
            if current is not None:
                raise _stale(item)
            entry = FollowUp(
                action_sheet_id=item["sheet"], year=item["year"], quarter=item["quarter"]
            )
            new.append(entry)
        else:
            if (
                current is None
                or current.pk != item["follow_up"]
                or current.revision != item["revision"]
                or current.state != FollowUpState.OPEN
            ):
                raise _stale(item)
            entry = current
            entry.revision += 1
        for name, value in item["data"].items():
            setattr(entry, name, value)
        entry.state = FollowUpState.VALIDATED
        entry.validated_at = now
        entry.validated_by = user
        if entry.pk:
            entry._change_reason = SEED_REASON
            entry._history_user = user
            entry.save()
    if new:
        bulk_create_with_history(
            new, FollowUp, default_change_reason=SEED_REASON, default_user=user
        )
        freshness.plan_changed(convention.pk)
