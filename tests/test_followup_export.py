"""The shared tracking table: the Excel workbook read back with openpyxl, the CSV, the
command, and statistical secrecy applied to every exported figure."""

import csv
import datetime
import io
from decimal import Decimal

import openpyxl
import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from actionplan import export, followup
from tests.followup_setup import TODAY, entry_data, signed_convention

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def setting():
    setting = signed_convention()
    adviser, cooperation = setting.users["adviser"], setting.users["cooperation"]
    counted, described = setting.indicators[0], setting.indicators[1]
    first_q1 = setting.entries[(1, 2026, 1)]
    followup.save_entry(
        cooperation,
        first_q1,
        0,
        entry_data(progress=30, achievements="Lieu trouvé à Sainte-Marie-aux-Mines."),
        {
            counted.pk: {"value": Decimal(12), "text": ""},
            described.pk: {"value": None, "text": "Accord avec la MSA."},
        },
        submit=True,
    )
    followup.validate(adviser, first_q1, 1)
    followup.save_entry(
        cooperation,
        setting.entries[(1, 2026, 2)],
        0,
        entry_data(progress=55, achievements="Relais ouvert."),
        {counted.pk: {"value": Decimal(3), "text": ""}},
        submit=True,
    )
    followup.save_entry(
        cooperation, setting.entries[(2, 2026, 2)], 0, entry_data(progress=10)
    )  # a draft: not reported
    counted.baseline_value = Decimal(2)
    counted.save()
    return setting


def read_back(convention):
    return openpyxl.load_workbook(io.BytesIO(export.workbook(convention)))


def rows(sheet):
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_workbook_has_the_tracking_tables_styled_for_work(setting):
    book = read_back(setting.convention)
    assert book.sheetnames == ["Convention", "Actions", "Indicateurs", "Suivi détaillé"]
    actions = book["Actions"]
    header = [cell.value for cell in actions[1]]
    assert header[:6] == ["Axe", "Objectif", "N°", "Action", "Pilote", "Échéance"]
    assert header[6:10] == [
        "T1 2026 – avancement",
        "T1 2026 – %",
        "T2 2026 – avancement",
        "T2 2026 – %",
    ]
    assert header[-4:] == [
        "Dernier suivi transmis",
        "Réalisations",
        "Difficultés",
        "Prochaines étapes",
    ]
    assert actions.freeze_panes == "E2"
    assert actions.auto_filter.ref == f"A1:{actions.cell(1, len(header)).column_letter}3"
    assert actions["A1"].font.bold
    assert actions["A1"].fill.fgColor.rgb.endswith("1F4E79")
    assert actions.column_dimensions["D"].width == 50
    assert actions["D2"].alignment.wrap_text
    assert actions["H2"].number_format == '0" %"'
    for title in ("Indicateurs", "Suivi détaillé"):
        assert book[title].freeze_panes is not None
        assert book[title].auto_filter.ref.startswith("A1:")


def test_one_row_per_action_with_status_and_progress_per_quarter(setting):
    table = rows(read_back(setting.convention)["Actions"])
    first, second = table[1], table[2]
    lead = str(setting.convention.lead_authority)
    assert first[:6] == [
        "Axe 1 – Petite enfance",
        None,
        1,
        "Action numéro 1",
        lead,
        "Sur la durée de la CTG",
    ]
    assert first[6:10] == ["En cours", 30, "En cours", 55]
    assert first[10:] == [
        "T2 2026",
        "Relais ouvert.",
        None,
        "Ouvrir le guichet unique en septembre.",
    ]
    # A draft is not reported: its state shows, not its progress.
    assert second[6:10] == ["À renseigner (non transmis)", None, "Brouillon (non transmis)", None]
    assert second[10] is None


def test_indicators_with_targets_latest_values_and_quarters(setting):
    table = rows(read_back(setting.convention)["Indicateurs"])
    header = table[0]
    counted = dict(zip(header, table[1], strict=True))
    assert counted["Indicateur"] == "Places créées"
    assert counted["Cible"] == 40
    assert counted["Échéance de la cible"] == datetime.datetime(2030, 12, 31)
    assert counted["Référence"] == 2
    assert counted["Dernière valeur"] == 3
    assert counted["Trimestre de la dernière valeur"] == "T2 2026"
    assert counted["Atteinte de la cible (%)"] == 8
    assert (counted["T1 2026"], counted["T2 2026"]) == (12, 3)
    described = dict(zip(header, table[2], strict=True))
    assert described["Nature"] == "Qualitatif"
    assert described["Dernière valeur"] == "Accord avec la MSA."


def test_detailed_sheet_has_one_row_per_entry(setting):
    table = rows(read_back(setting.convention)["Suivi détaillé"])
    assert len(table) == 1 + 4
    validated = dict(zip(table[0], table[1], strict=True))
    assert validated["Trimestre"] == "T1 2026"
    assert validated["État du suivi"] == "Validé"
    assert validated["Validé le"] == datetime.datetime(2026, 5, 10, 11, 0)  # Paris time


def test_statistical_secrecy_blanks_small_figures_in_every_export(setting):
    convention = setting.convention
    convention.statistical_secrecy = True
    convention.save()
    counted = setting.indicators[0]
    # A value about a zone of 80 benefit recipients (threshold 100) is blanked too.
    followup.save_entry(
        setting.users["adviser"],
        setting.entries[(2, 2026, 1)],
        0,
        entry_data(),
        {setting.indicators[2].pk: {"value": Decimal(30), "text": "", "zone_recipients": 80}},
    )
    book = read_back(convention)
    table = rows(book["Indicateurs"])
    header = table[0]
    first = dict(zip(header, table[1], strict=True))
    assert first["T1 2026"] == 12  # not small
    assert first["T2 2026"] is None  # 3 < 5
    assert first["Dernière valeur"] is None
    assert first["Atteinte de la cible (%)"] is None
    assert first["Référence"] is None  # baseline 2 < 5
    assert first["Cible"] == 40  # a goal, not a statistic
    zone = dict(zip(header, table[3], strict=True))
    assert zone["T1 2026"] is None
    note = dict(rows(book["Convention"]))["Secret statistique"]
    assert "moins de 100 allocataires" in note and "inférieures à 5" in note

    text = export.csv_text(convention, "indicateurs")
    parsed = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert parsed[1][parsed[0].index("T1 2026")] == "12"
    assert parsed[1][parsed[0].index("T2 2026")] == ""
    assert counted.values.get(year=2026, quarter=2).value == 3, "the raw figure is kept"


def test_zero_is_never_secret(setting):
    convention = setting.convention
    convention.statistical_secrecy = True
    convention.save()
    followup.save_entry(
        setting.users["adviser"],
        setting.entries[(1, 2026, 2)],
        1,
        entry_data(progress=55),
        {setting.indicators[0].pk: {"value": Decimal(0), "text": ""}},
    )
    table = rows(read_back(convention)["Indicateurs"])
    assert dict(zip(table[0], table[1], strict=True))["T2 2026"] == 0


def test_csv_is_for_french_spreadsheets(setting):
    text = export.csv_text(setting.convention, "actions")
    assert text.startswith("\ufeffAxe;Objectif;N°;Action")
    assert "\r\n" in text
    parsed = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert len(parsed) == 3
    assert parsed[1][6:10] == ["En cours", "30", "En cours", "55"]
    assert export._csv_value(Decimal("12.50")) == "12,5"
    assert export._csv_value(Decimal("1200.00")) == "1200"


def test_download_names_and_types(client, setting):
    client.force_login(setting.users["reader"])
    pk = setting.convention.pk
    response = client.get(reverse("actionplan:export_xlsx", args=[pk]))
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    reference = setting.convention.reference
    assert f'filename="suivi-{reference}-2026-05-10.xlsx"' in response["Content-Disposition"]
    openpyxl.load_workbook(io.BytesIO(response.content))
    response = client.get(reverse("actionplan:export_csv", args=[pk, "suivi"]))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert f"suivi-{reference}-suivi-2026-05-10.csv" in response["Content-Disposition"]
    assert client.get(reverse("actionplan:export_csv", args=[pk, "autre"])).status_code == 404


def test_command_writes_excel_or_csv_by_extension(setting, tmp_path):
    reference = setting.convention.reference
    out = io.StringIO()
    call_command("export_followup", reference, "--output", tmp_path / "suivi.xlsx", stdout=out)
    assert "Tableau de suivi écrit" in out.getvalue()
    book = openpyxl.load_workbook(tmp_path / "suivi.xlsx")
    assert book["Actions"]["D2"].value == "Action numéro 1"

    call_command("export_followup", reference, "--output", tmp_path / "suivi.csv", stdout=out)
    assert (tmp_path / "suivi.csv").read_text(encoding="utf-8-sig").startswith("Axe;Objectif")
    call_command(
        "export_followup",
        reference,
        "--output",
        tmp_path / "indicateurs.csv",
        "--table",
        "indicateurs",
        stdout=out,
    )
    assert "Places créées" in (tmp_path / "indicateurs.csv").read_text(encoding="utf-8-sig")

    with pytest.raises(CommandError, match="Aucune convention"):
        call_command("export_followup", "inconnue", "--output", tmp_path / "x.xlsx")
    with pytest.raises(CommandError, match=r"\.xlsx ou \.csv"):
        call_command("export_followup", reference, "--output", tmp_path / "x.pdf")


def test_export_reads_a_fixed_number_of_queries(setting, django_assert_max_num_queries):
    with django_assert_max_num_queries(8) as few:
        export.workbook(setting.convention)
    for _ in range(3):
        signed_convention(sheets=4)  # other conventions change nothing
    more = signed_convention(sheets=6, quarters=((2026, 1), (2026, 2), (2026, 3)))
    with django_assert_max_num_queries(len(few.captured_queries)):
        export.workbook(more.convention)


def test_text_that_looks_like_a_formula_stays_text_in_every_export(setting):
    cooperation = setting.users["cooperation"]
    entry = setting.entries[(2, 2026, 1)]
    followup.save_entry(
        cooperation,
        entry,
        entry.revision,
        entry_data(achievements='=HYPERLINK("http://exemple.invalid","cliquer")'),
        submit=True,
    )

    detailed = read_back(setting.convention)["Suivi détaillé"]
    cells = [cell for row in detailed.iter_rows() for cell in row]
    formula = next(cell for cell in cells if str(cell.value).startswith("=HYPERLINK"))
    assert formula.data_type == "s"
    text = export.csv_text(setting.convention, "suivi")
    assert "'=HYPERLINK" in text
    assert ";=HYPERLINK" not in text
    assert export._csv_value("-12 places") == "'-12 places"
    assert export._csv_value("@SUM(A1)") == "'@SUM(A1)"
