"""The shared tracking table (tableau de suivi partagé) as an Excel workbook or CSV.

Three tables, built once and written by both formats:
- actions: one row per action sheet, with axis, objective, pilot, deadline,
  then status and progress for each quarter from the start of the convention
  to the last quarter followed, then what the latest report said;
- indicateurs: one row per indicator, with baseline, target, latest value and
  its share of the target, then the value of each quarter;
- suivi: one row per quarterly entry, with its texts and dates.

Status and progress are those the territory reported (submitted or validated);
an entry not reported yet shows its state instead. Statistical secrecy, when
the convention carries the clause, is applied to every indicator value and
baseline (actionplan/secrecy.py), whoever exports: a hidden value is an empty
cell, and the workbook says which rule was applied.
"""

import csv
import datetime
import io
from dataclasses import dataclass
from decimal import Decimal

from django.utils import timezone
from openpyxl import Workbook
from openpyxl.cell import Cell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from conventions import freshness

from . import secrecy
from .followup import convention_quarters, quarter_label
from .models import (
    FollowUp,
    FollowUpState,
    FollowUpStatus,
    IndicatorKind,
    IndicatorValue,
)
from .models.indicator import Periodicity
from .overview import REPORTED, SHEET_TEXTS, sheets_in_order

HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(bold=True, color="FFFFFF")
TABLES = ("actions", "indicateurs", "suivi")


@dataclass
class Column:
    header: str
    width: int = 18
    kind: str = "text"  # text, long (wrapped), int, percent, number, date, datetime


@dataclass
class Table:
    title: str
    columns: list
    rows: list
    # Columns kept in view when scrolling right (the action's identity).
    frozen_columns: int = 0


STATUS_LABELS = dict(FollowUpStatus.choices)
STATE_LABELS = dict(FollowUpState.choices)
KIND_LABELS = dict(IndicatorKind.choices)
PERIODICITY_LABELS = dict(Periodicity.choices)


class ExportData:
    """Everything the tables need, read in a fixed number of queries.

    Entries and values are read as plain tuples of the columns written: a five-year
    plan of 120 actions has 2,400 entries and several thousand values.
    """

    def __init__(self, convention):
        self.convention = convention
        self.sheets = list(sheets_in_order(convention).defer(*SHEET_TEXTS))
        self.entries = list(
            FollowUp.objects.filter(action_sheet__convention=convention)
            .order_by("year", "quarter")
            .values_list(
                "action_sheet_id",
                "year",
                "quarter",
                "state",
                "status",
                "progress",
                "achievements",
                "difficulties",
                "next_steps",
                "adviser_comment",
                "submitted_at",
                "validated_at",
                named=True,
            )
        )
        self.values = list(
            IndicatorValue.objects.filter(indicator__action_sheet__convention=convention)
            .order_by("year", "quarter")
            .values_list(
                "indicator_id", "year", "quarter", "value", "text", "zone_recipients", named=True
            )
        )
        followed = {(e.year, e.quarter) for e in self.entries} | {
            (v.year, v.quarter) for v in self.values
        }
        last = max(followed, default=None)
        self.quarters = [q for q in convention_quarters(convention) if last and q <= last]
        self.entry = {(e.action_sheet_id, e.year, e.quarter): e for e in self.entries}
        self.value = {(v.indicator_id, v.year, v.quarter): v for v in self.values}

    def disclosed(self, value, zone_recipients=None):
        return secrecy.disclosed_value(self.convention, value, zone_recipients)


def _objective(sheet):
    return f"{sheet.objective.code} – {sheet.objective.title}" if sheet.objective else ""


def _axis(sheet):
    return f"Axe {sheet.axis.number} – {sheet.axis.title}"


def _pilot(sheet):
    return str(sheet.pilot_party.organisation) if sheet.pilot_party else ""


def actions_table(data):
    columns = [
        Column("Axe", 34, "long"),
        Column("Objectif", 30, "long"),
        Column("N°", 6, "int"),
        Column("Action", 50, "long"),
        Column("Pilote", 28, "long"),
        Column("Échéance", 14),
    ]
    for year, quarter in data.quarters:
        label = quarter_label(year, quarter)
        columns += [Column(f"{label} – avancement", 18), Column(f"{label} – %", 10, "percent")]
    columns += [
        Column("Dernier suivi transmis", 14),
        Column("Réalisations", 60, "long"),
        Column("Difficultés", 50, "long"),
        Column("Prochaines étapes", 50, "long"),
    ]
    rows = []
    for sheet in data.sheets:
        row = [
            _axis(sheet),
            _objective(sheet),
            sheet.number,
            sheet.title,
            _pilot(sheet),
            sheet.deadline_label,
        ]
        latest = None
        for year, quarter in data.quarters:
            entry = data.entry.get((sheet.pk, year, quarter))
            if entry is None:
                row += ["", None]
            elif entry.state in REPORTED:
                row += [STATUS_LABELS[entry.status], entry.progress]
                latest = entry
            else:
                row += [f"{STATE_LABELS[entry.state]} (non transmis)", None]
        if latest:
            row += [
                quarter_label(latest.year, latest.quarter),
                latest.achievements,
                latest.difficulties,
                latest.next_steps,
            ]
        else:
            row += ["", "", "", ""]
        rows.append(row)
    return Table("Actions", columns, rows, frozen_columns=4)


def indicators_table(data):
    columns = [
        Column("Axe", 28, "long"),
        Column("N° action", 9, "int"),
        Column("Action", 40, "long"),
        Column("Indicateur", 45, "long"),
        Column("Nature", 13),
        Column("Unité", 12),
        Column("Périodicité", 14),
        Column("Source", 20, "long"),
        Column("Référence", 12, "number"),
        Column("Date de référence", 13, "date"),
        Column("Cible", 12, "number"),
        Column("Cible (qualitative)", 30, "long"),
        Column("Échéance de la cible", 13, "date"),
        Column("Dernière valeur", 12, "number"),
        Column("Trimestre de la dernière valeur", 14),
        Column("Atteinte de la cible (%)", 12, "percent"),
    ]
    columns += [Column(quarter_label(y, q), 12, "number") for y, q in data.quarters]
    rows = []
    for sheet in data.sheets:
        for indicator in sheet.indicators.all():
            targets = list(indicator.targets.all())
            target = targets[-1] if targets else None
            quantitative = indicator.kind == IndicatorKind.QUANTITATIVE
            per_quarter, latest, latest_period = [], None, ""
            for year, quarter in data.quarters:
                value = data.value.get((indicator.pk, year, quarter))
                if value is None:
                    per_quarter.append(None)
                    continue
                if quantitative:
                    shown = data.disclosed(value.value, value.zone_recipients)
                    per_quarter.append(shown)
                    if value.value is not None:
                        latest, latest_period = shown, quarter_label(year, quarter)
                else:
                    per_quarter.append(value.text or None)
                    if value.text:
                        latest, latest_period = value.text, quarter_label(year, quarter)
            share = None
            if quantitative and latest is not None and target and target.value:
                share = round(Decimal(latest) / target.value * 100)
            rows.append(
                [
                    _axis(sheet),
                    sheet.number,
                    sheet.title,
                    indicator.label,
                    KIND_LABELS[indicator.kind],
                    indicator.unit,
                    PERIODICITY_LABELS[indicator.periodicity],
                    indicator.source,
                    data.disclosed(indicator.baseline_value),
                    indicator.baseline_date,
                    target.value if target else None,
                    target.text if target else "",
                    target.date if target else None,
                    latest,
                    latest_period,
                    share,
                    *per_quarter,
                ]
            )
    return Table("Indicateurs", columns, rows, frozen_columns=4)


def entries_table(data):
    columns = [
        Column("Trimestre", 11),
        Column("N° action", 9, "int"),
        Column("Action", 40, "long"),
        Column("État du suivi", 16),
        Column("Avancement", 16),
        Column("%", 8, "percent"),
        Column("Réalisations", 60, "long"),
        Column("Difficultés", 45, "long"),
        Column("Prochaines étapes", 45, "long"),
        Column("Commentaire de la Caf", 40, "long"),
        Column("Transmis le", 16, "datetime"),
        Column("Validé le", 16, "datetime"),
    ]
    number = {sheet.pk: sheet for sheet in data.sheets}
    rows = []
    for entry in sorted(
        data.entries, key=lambda e: (e.year, e.quarter, number[e.action_sheet_id].number)
    ):
        sheet = number[entry.action_sheet_id]
        written = entry.state != FollowUpState.OPEN
        rows.append(
            [
                quarter_label(entry.year, entry.quarter),
                sheet.number,
                sheet.title,
                STATE_LABELS[entry.state],
                STATUS_LABELS[entry.status] if written else "",
                entry.progress if written else None,
                entry.achievements,
                entry.difficulties,
                entry.next_steps,
                entry.adviser_comment,
                _local(entry.submitted_at),
                _local(entry.validated_at),
            ]
        )
    return Table("Suivi détaillé", columns, rows, frozen_columns=3)


def _local(moment):
    # Excel has no time zones: write the time people read in France, without offset.
    return timezone.localtime(moment).replace(tzinfo=None) if moment else None


def tables(convention):
    """The three tables, kept while nothing of the plan changes (conventions/freshness.py):
    the same for whoever exports, as secrecy applies to everyone."""
    return freshness.plan_cached(convention.pk, "tracking-tables", lambda: _tables(convention))


def _tables(convention):
    data = ExportData(convention)
    return {
        "actions": actions_table(data),
        "indicateurs": indicators_table(data),
        "suivi": entries_table(data),
    }


# -- Excel ---------------------------------------------------------------------

FORMATS = {
    "int": "0",
    "percent": '0" %"',
    "date": "DD/MM/YYYY",
    "datetime": "DD/MM/YYYY HH:MM",
}


def workbook(convention, now=None):
    """The tracking table as .xlsx bytes.

    Written in openpyxl's write-only mode: rows go straight to the file, each cell
    created once with the style of its column (a 120-action plan over 20 quarters
    has some 45,000 cells; styling them afterwards in a normal workbook took seconds).
    """
    now = now or timezone.localtime()
    book = Workbook(write_only=True)
    _about_sheet(book.create_sheet("Convention"), convention, now)
    for table in tables(convention).values():
        _write_table(book.create_sheet(table.title), table)
    book.properties.title = f"Tableau de suivi – {convention.title}"
    book.properties.creator = "CTG"
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()


def _style(sheet, alignment, number_format=None, font=None, fill=None):
    """A cell style to give many cells: computed once, copied into each cell."""
    cell = Cell(sheet, row=1, column=1)
    cell.alignment = alignment
    if number_format:
        cell.number_format = number_format
    if font:
        cell.font = font
    if fill:
        cell.fill = fill
    return cell._style


def _cell(sheet, value, style):
    cell = Cell(sheet, row=1, column=1, value=value, style_array=style)
    if cell.data_type == "f":
        # Text typed by a user that starts with "=": openpyxl would store it as a formula
        # that Excel runs on opening. It stays text.
        cell.data_type = "s"
    return cell


def _about_sheet(sheet, convention, now):
    facts = [
        ("Convention", convention.title),
        ("Référence", convention.reference),
        ("Caf", str(convention.caf)),
        ("Territoire", convention.territory_name),
        ("Période", f"du {convention.start_date:%d/%m/%Y} au {convention.end_date:%d/%m/%Y}"),
        ("État", convention.status_label(now.date())),
        ("Tableau établi le", now.replace(tzinfo=None)),
        (
            "Secret statistique",
            secrecy.secrecy_note(convention) + " Une valeur masquée est une cellule vide."
            if convention.statistical_secrecy
            else "Pas de clause de secret statistique.",
        ),
        (
            "Lecture",
            "Avancement et % sont ceux des suivis transmis ou validés ; un suivi non "
            "transmis affiche son état.",
        ),
    ]
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 100
    label = _style(sheet, Alignment(), font=Font(bold=True))
    text = _style(sheet, Alignment(wrap_text=True, vertical="top"))
    moment = _style(sheet, Alignment(wrap_text=True, vertical="top"), FORMATS["datetime"])
    for name, value in facts:
        style = moment if isinstance(value, datetime.datetime) else text
        sheet.append([_cell(sheet, name, label), _cell(sheet, value, style)])


def _write_table(sheet, table):
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.row_dimensions[1].height = 32
    sheet.freeze_panes = f"{get_column_letter(table.frozen_columns + 1)}2"
    last = get_column_letter(len(table.columns))
    sheet.auto_filter.ref = f"A1:{last}{max(len(table.rows) + 1, 1)}"
    header = _style(
        sheet,
        Alignment(wrap_text=True, vertical="center"),
        font=HEADER_FONT,
        fill=HEADER_FILL,
    )
    sheet.append([_cell(sheet, column.header, header) for column in table.columns])
    styles = [
        _style(
            sheet,
            Alignment(wrap_text=column.kind == "long", vertical="top"),
            FORMATS.get(column.kind),
        )
        for column in table.columns
    ]
    for row in table.rows:
        sheet.append([_cell(sheet, value, style) for value, style in zip(row, styles, strict=True)])


# -- CSV -----------------------------------------------------------------------


class _Echo:
    def write(self, value):
        return value


def csv_lines(table):
    """The table as CSV lines for French spreadsheets (semicolons, decimal commas, UTF-8
    with BOM, formulas neutralised), one at a time: its rows may be a generator."""
    writer = csv.writer(_Echo(), delimiter=";", lineterminator="\r\n")
    yield "\ufeff" + writer.writerow([column.header for column in table.columns])
    for row in table.rows:
        yield writer.writerow([_csv_value(value) for value in row])


def write_csv(convention, table_name, stream):
    """One table of the tracking table as CSV (csv_lines)."""
    stream.writelines(csv_lines(tables(convention)[table_name]))


def csv_text(convention, table_name):
    def written():
        stream = io.StringIO()
        write_csv(convention, table_name, stream)
        return stream.getvalue()

    return freshness.plan_cached(convention.pk, f"tracking-csv:{table_name}", written)


# A spreadsheet opening a CSV runs a cell starting with one of these as a formula
# (CSV injection): such text is written with a leading apostrophe, which
# spreadsheets show as plain text.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def _csv_value(value):
    if value is None:
        return ""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return str(int(value))
        return format(value.normalize(), "f").replace(".", ",")
    if isinstance(value, float):
        return f"{value:g}".replace(".", ",")
    if isinstance(value, datetime.datetime):
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def filename(convention, extension, table_name=None):
    day = timezone.localdate().strftime("%Y-%m-%d")
    suffix = f"-{table_name}" if table_name else ""
    return f"suivi-{convention.reference}{suffix}-{day}.{extension}"
