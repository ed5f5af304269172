"""Caf-wide exports: every convention of a Caf (or, for an administrator, of the country),
and the indicator values of all their plans for one year, as Excel or CSV.

Two tables:
- conventions: one row per convention with its lead authority, parties, period,
  state, lifecycle dates, signature dates and follow-up completeness;
- indicators of a year: one row per convention × indicator × quarter of that year
  in which the convention and the action sheet were in force, with the target that
  applied then and the value reported.

Follow-up completeness ("complétude du suivi"): among the quarterly entries of the
quarters already ended (the current quarter is still being written), the share
transmitted to the Caf or validated, and the share validated. A convention with no
ended quarter has no completeness (empty cell), not 0 %.

Statistical secrecy is applied to every value and baseline exactly as in the
convention's own tracking table (actionplan/export.py): whoever exports, a value the
convention's clause hides is an empty cell and the "Secret statistique" column says so.

The rows are produced by batches of conventions, each read in a fixed number of
queries, so that a national export (1,300 conventions, hundreds of thousands of
indicator rows) is streamed rather than built in memory: CSV through a streaming
response, Excel with openpyxl's write-only mode.
"""

from collections import defaultdict
from itertools import islice

from django.db.models import Count, Max, Min, Q
from django.http import QueryDict
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter

from actionplan import secrecy
from actionplan.export import (
    FORMATS,
    HEADER_FILL,
    HEADER_FONT,
    Column,
    Table,
    _cell,
    _style,
    csv_lines,
)
from actionplan.followup import current_quarter, quarter_bounds, quarter_label
from actionplan.models import (
    FollowUp,
    FollowUpState,
    Indicator,
    IndicatorKind,
    IndicatorTarget,
    IndicatorValue,
)
from conventions.filters import ConventionFilter
from conventions.models import Convention, Party, PartyRole, Signature

BATCH = 500
STYLED_KINDS = ("date", "datetime", "percent")
REPORTED = (FollowUpState.SUBMITTED, FollowUpState.VALIDATED)
KIND_LABELS = dict(IndicatorKind.choices)

CONVENTION_COLUMNS = [
    Column("Référence", 24),
    Column("Intitulé", 50, "long"),
    Column("Caf", 24),
    Column("Territoire", 36, "long"),
    Column("Collectivité chef de file", 36, "long"),
    Column("SIREN chef de file", 12),
    Column("Département", 18),
    Column("Date de début", 13, "date"),
    Column("Date de fin", 13, "date"),
    Column("État", 22),
    Column("Texte figé le", 13, "date"),
    Column("Mise à la signature le", 13, "date"),
    Column("Première signature", 13, "date"),
    Column("Signée le", 13, "date"),
    Column("Résiliée à compter du", 13, "date"),
    Column("Nombre de parties", 10, "int"),
    Column("Parties signataires", 60, "long"),
    Column("Partenaires non signataires", 40, "long"),
    Column("Suivis attendus (trimestres échus)", 12, "int"),
    Column("Suivis transmis ou validés", 12, "int"),
    Column("Suivis validés", 12, "int"),
    Column("Complétude du suivi (%)", 12, "percent"),
    Column("Suivis validés (%)", 12, "percent"),
]

INDICATOR_COLUMNS = [
    Column("Caf", 24),
    Column("Référence", 24),
    Column("Convention", 40, "long"),
    Column("Axe", 8, "int"),
    Column("N° action", 9, "int"),
    Column("Action", 40, "long"),
    Column("Indicateur", 45, "long"),
    Column("Nature", 13),
    Column("Unité", 12),
    Column("Année", 8, "int"),
    Column("Trimestre", 11),
    Column("Référence (valeur initiale)", 12, "number"),
    Column("Cible", 12, "number"),
    Column("Cible (qualitative)", 30, "long"),
    Column("Échéance de la cible", 13, "date"),
    Column("Valeur", 12, "number"),
    Column("Valeur (qualitative)", 40, "long"),
    Column("Secret statistique", 14),
]


# -- Who exports what -------------------------------------------------------------------


class BadExportRequest(Exception):
    """Criteria that do not make sense; the message is French."""


def may_export(user):
    """Advisers (their Caf's conventions) and administrators (all of them)."""
    return user.is_administrator or (user.is_adviser and bool(user.organisation_id))


def criteria(query):
    """The convention list's criteria of a query, as a canonical query string: the same
    export asked for twice has the same criteria, and a job rebuilds its conventions
    from them."""
    canonical = QueryDict(mutable=True)
    for key in sorted(ConventionFilter.base_filters):
        values = [value for value in query.getlist(key) if value]
        if values:
            canonical.setlist(key, values)
    return canonical.urlencode()


def conventions_for(user, query):
    """(conventions, scope label): those the person sees, with the list's criteria."""
    if not may_export(user):
        raise BadExportRequest(
            "L'export de toutes les conventions est réservé aux conseillers de la Caf."
        )
    visible = Convention.objects.visible_to(user)
    filterset = ConventionFilter(query or None, visible=visible)
    if filterset.is_bound and not filterset.is_valid():
        problems = " ".join(
            str(message) for messages in filterset.errors.values() for message in messages
        )
        raise BadExportRequest(f"Critères d'export invalides : {problems}")
    if user.is_adviser:
        scope = f"Conventions de la {user.organisation}"
    elif filterset.is_bound and filterset.form.cleaned_data.get("caf"):
        scope = f"Conventions de la {filterset.form.cleaned_data['caf']}"
    else:
        scope = "Toutes les conventions (national)"
    return filterset.qs, scope


def parse_year(raw):
    """The year of an indicators export (?annee=), else this year."""
    if not raw:
        return timezone.localdate().year
    if not (raw.isascii() and raw.isdigit()) or not 2000 <= int(raw) <= 2100:
        raise BadExportRequest("Indiquez une année entre 2000 et 2100.")
    return int(raw)


# -- Reading ----------------------------------------------------------------------------


def _batches(conventions):
    """Conventions by batches of BATCH, their Caf and lead authority joined."""
    rows = iter(
        conventions.select_related("caf", "lead_authority__department").order_by(
            "caf__name", "-start_date", "reference", "pk"
        )
    )
    while batch := list(islice(rows, BATCH)):
        yield batch


def _percent(part, whole):
    return round(part * 100 / whole) if whole else None


# -- Conventions ------------------------------------------------------------------------


def _completeness(ids, today):
    """{convention id: (expected, reported, validated)} over the quarters already ended."""
    year, quarter = current_quarter(today)
    ended = Q(year__lt=year) | Q(year=year, quarter__lt=quarter)
    rows = (
        FollowUp.objects.filter(ended, action_sheet__convention_id__in=ids)
        .values_list("action_sheet__convention_id")
        .annotate(
            expected=Count("pk"),
            reported=Count("pk", filter=Q(state__in=REPORTED)),
            validated=Count("pk", filter=Q(state=FollowUpState.VALIDATED)),
        )
    )
    return {convention_id: counts for convention_id, *counts in rows}


def convention_rows(conventions, today=None):
    """The conventions table's rows, four queries per batch of conventions."""
    today = today or timezone.localdate()
    for batch in _batches(conventions):
        ids = [convention.pk for convention in batch]
        parties = defaultdict(lambda: ([], []))
        for convention_id, role, name in (
            Party.objects.filter(convention_id__in=ids)
            .order_by("convention_id", "position", "pk")
            .values_list("convention_id", "role", "organisation__name")
        ):
            parties[convention_id][role == PartyRole.PARTNER].append(name)
        signatures = {
            row[0]: row[1:]
            for row in Signature.objects.filter(party__convention_id__in=ids, amendment=None)
            .values_list("party__convention_id")
            .annotate(first=Min("signed_on"), last=Max("signed_on"))
        }
        completeness = _completeness(ids, today)
        for convention in batch:
            signing, partners = parties[convention.pk]
            first_signature, _ = signatures.get(convention.pk, (None, None))
            expected, reported, validated = completeness.get(convention.pk, (0, 0, 0))
            lead = convention.lead_authority
            yield [
                convention.reference,
                convention.title,
                convention.caf.name,
                convention.territory_name,
                lead.name,
                lead.siren or "",
                lead.department.name if lead.department else "",
                convention.start_date,
                convention.end_date,
                convention.status_label(today),
                _local_date(convention.frozen_at),
                _local_date(convention.signing_started_at),
                first_signature,
                convention.signed_on,
                convention.terminated_on,
                len(signing) + len(partners),
                " ; ".join(signing),
                " ; ".join(partners),
                expected,
                reported,
                validated,
                _percent(reported, expected),
                _percent(validated, expected),
            ]


def _local_date(moment):
    return timezone.localdate(moment) if moment else None


def conventions_table(conventions, today=None):
    return Table(
        "Conventions", CONVENTION_COLUMNS, convention_rows(conventions, today), frozen_columns=2
    )


# -- Indicators of a year ---------------------------------------------------------------


def _in_force(convention, started_on, closed_on, first, last):
    """Whether the convention and the action sheet (started_on, closed_on) were in force
    during the quarter."""
    if convention.start_date > last or convention.end_date < first:
        return False
    if convention.terminated_on and convention.terminated_on <= first:
        return False
    if started_on and started_on > last:
        return False
    return not (closed_on and closed_on <= first)


def _target_then(targets, last):
    """The target (value, text, date) due at the end of the quarter or later (the
    nearest), else the last one."""
    for target in targets:
        if target[2] is None or target[2] >= last:
            return target
    return targets[-1] if targets else NO_TARGET


NO_TARGET = (None, "", None)


def indicator_rows(conventions, year):
    """One row per convention × indicator × quarter of the year in force; three queries
    per batch of conventions. Secrecy as in the convention's tracking table.

    Indicators, targets and values are read as tuples, not model instances: a national
    year is over 100,000 indicators, and building their objects took most of the time."""
    quarters = [(year, quarter, *quarter_bounds(year, quarter)) for quarter in range(1, 5)]
    labels = {quarter: quarter_label(year, quarter) for quarter in range(1, 5)}
    for batch in _batches(conventions):
        by_id = {convention.pk: convention for convention in batch}
        indicators = list(
            Indicator.objects.filter(action_sheet__convention_id__in=by_id)
            .order_by(
                "action_sheet__convention_id",
                "action_sheet__axis__number",
                "action_sheet__number",
                "position",
                "pk",
            )
            .values_list(
                "pk",
                "action_sheet__convention_id",
                "action_sheet__axis__number",
                "action_sheet__number",
                "action_sheet__title",
                "action_sheet__started_on",
                "action_sheet__closed_on",
                "label",
                "kind",
                "unit",
                "baseline_value",
            )
        )
        targets = defaultdict(list)
        for indicator_id, *target in (
            IndicatorTarget.objects.filter(indicator__action_sheet__convention_id__in=by_id)
            .order_by("indicator_id", "date", "pk")
            .values_list("indicator_id", "value", "text", "date")
        ):
            targets[indicator_id].append(target)
        values = {
            (indicator_id, quarter): value
            for indicator_id, quarter, *value in IndicatorValue.objects.filter(
                indicator__action_sheet__convention_id__in=by_id, year=year
            ).values_list("indicator_id", "quarter", "value", "text", "zone_recipients")
        }
        # In the batch's order of conventions, then the plan's order.
        order = {pk: index for index, pk in enumerate(by_id)}
        indicators.sort(key=lambda indicator: order[indicator[1]])
        for (
            pk,
            convention_id,
            axis_number,
            sheet_number,
            sheet_title,
            started_on,
            closed_on,
            label,
            kind,
            unit,
            baseline_value,
        ) in indicators:
            convention = by_id[convention_id]
            quantitative = kind == IndicatorKind.QUANTITATIVE
            baseline = secrecy.disclosed_value(convention, baseline_value)
            for year_, quarter, first, last in quarters:
                if not _in_force(convention, started_on, closed_on, first, last):
                    continue
                target_value, target_text, target_date = _target_then(targets[pk], last)
                value = values.get((pk, quarter))
                shown, text, hidden = None, "", False
                if value is not None:
                    number, text, zone_recipients = value
                    if quantitative:
                        shown = secrecy.disclosed_value(convention, number, zone_recipients)
                        hidden = shown is None and number is not None
                yield [
                    convention.caf.name,
                    convention.reference,
                    convention.title,
                    axis_number,
                    sheet_number,
                    sheet_title,
                    label,
                    KIND_LABELS[kind],
                    unit,
                    year_,
                    labels[quarter],
                    baseline,
                    target_value,
                    target_text,
                    target_date,
                    shown,
                    text,
                    secrecy.SECRET_LABEL if hidden else "",
                ]


def indicators_table(conventions, year):
    return Table(f"Indicateurs {year}", INDICATOR_COLUMNS, indicator_rows(conventions, year), 7)


# -- Writers ----------------------------------------------------------------------------


def workbook(table, about, stream):
    """Write the table as an .xlsx workbook after a first sheet saying what was exported;
    returns the number of rows.

    Write-only, row by row as the batches come: the rows never sit in memory together.
    """
    book = Workbook(write_only=True)
    front = book.create_sheet("Export")
    front.column_dimensions["A"].width = 22
    front.column_dimensions["B"].width = 100
    for line in about:
        front.append(line)
    sheet = book.create_sheet(table.title)
    for index, column in enumerate(table.columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = f"{get_column_letter(table.frozen_columns + 1)}2"
    header = _style(
        sheet, Alignment(wrap_text=True, vertical="center"), font=HEADER_FONT, fill=HEADER_FILL
    )
    sheet.append([_cell(sheet, column.header, header) for column in table.columns])
    # Only dates and percentages need a cell of their own (their number format): a
    # national year of indicators has over a million cells, and plain values are
    # written three times faster. Text starting like a formula always stays text.
    styles = [
        _style(sheet, Alignment(vertical="top"), FORMATS[column.kind])
        if column.kind in STYLED_KINDS
        else None
        for column in table.columns
    ]
    text = _style(sheet, Alignment(vertical="top"))
    count = 0
    for row in table.rows:
        sheet.append(
            [
                _cell(sheet, value, style)
                if style is not None
                else _cell(sheet, value, text)
                if isinstance(value, str) and value.startswith("=")
                else value
                for value, style in zip(row, styles, strict=True)
            ]
        )
        count += 1
    # Written with the sheet's end, once the rows are counted.
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(table.columns))}{count + 1}"
    book.properties.title = table.title
    book.properties.creator = "CTG"
    book.save(stream)
    return count


def write_csv(table, stream, chunk_lines=2000):
    """Write csv_lines() into a binary stream by chunks; returns the number of rows."""
    lines = csv_lines(table)
    count = -1  # the header is not a row
    while chunk := list(islice(lines, chunk_lines)):
        stream.write("".join(chunk).encode("utf-8"))
        count += len(chunk)
    return count


def about(scope_label, today=None, year=None):
    today = today or timezone.localdate()
    lines = [
        ["Export", scope_label],
        ["Établi le", today.strftime("%d/%m/%Y")],
    ]
    if year is not None:
        lines.append(["Année", year])
        lines.append(
            [
                "Secret statistique",
                "Appliqué selon la clause de chaque convention : une valeur masquée est une "
                "cellule vide, signalée dans la colonne « Secret statistique ».",
            ]
        )
    else:
        lines.append(
            [
                "Complétude du suivi",
                "Part des suivis trimestriels des trimestres échus transmis à la Caf ou "
                "validés ; le trimestre en cours n'est pas compté.",
            ]
        )
    return lines


def filename(kind, extension, year=None, today=None):
    day = (today or timezone.localdate()).strftime("%Y-%m-%d")
    middle = f"-{year}" if year else ""
    return f"ctg-{kind}{middle}-{day}.{extension}"
