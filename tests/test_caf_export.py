"""Caf-wide exports: every convention of the adviser's Caf (all of them for an
administrator, one Caf with the filter) with parties, periods, states, signature dates
and follow-up completeness; and the indicator values of all plans for a year, with
statistical secrecy. Excel and CSV, constant queries, nobody else's conventions."""

import csv
import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from actionplan.models import FollowUp, FollowUpState, IndicatorTarget, IndicatorValue
from conventions.models import ConventionState, Signature
from partners.models import Role
from tests.factories import ConventionFactory, RepresentativeFactory, UserFactory
from tests.followup_setup import TODAY, signed_convention

pytestmark = pytest.mark.django_db

URLS = {
    ("conventions", "xlsx"): "conventions:caf_export_conventions_xlsx",
    ("conventions", "csv"): "conventions:caf_export_conventions_csv",
    ("indicators", "xlsx"): "conventions:caf_export_indicators_xlsx",
    ("indicators", "csv"): "conventions:caf_export_indicators_csv",
}


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def setting():
    """A signed convention of a Caf (2 actions) with its cast, Q1 2026 followed."""
    setting = signed_convention(sheets=2, title="CTG du Val d'Argent 2026-2030")
    convention = setting.convention
    convention.signed_on = datetime.date(2026, 1, 20)
    convention.save()
    for party, day in zip(convention.parties.all()[:2], (15, 20), strict=True):
        Signature.objects.create(
            party=party,
            representative=RepresentativeFactory(organisation=party.organisation),
            signed_on=datetime.date(2026, 1, day),
        )
    # Q1 (ended): action 1 validated, action 2 still a draft; Q2 (current) not counted.
    FollowUp.objects.filter(pk=setting.entries[(1, 2026, 1)].pk).update(
        state=FollowUpState.VALIDATED
    )
    FollowUp.objects.filter(pk=setting.entries[(2, 2026, 1)].pk).update(state=FollowUpState.DRAFT)
    FollowUp.objects.filter(pk=setting.entries[(1, 2026, 2)].pk).update(
        state=FollowUpState.SUBMITTED
    )
    return setting


def get(client, user, kind, extension, **query):
    client.force_login(user)
    return client.get(reverse(URLS[kind, extension]), query)


def csv_rows(response):
    body = b"".join(response.streaming_content).decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.DictReader(io.StringIO(body[1:]), delimiter=";"))


def xlsx_rows(response):
    content = b"".join(response.streaming_content)
    book = load_workbook(io.BytesIO(content), read_only=True)
    sheet = book.worksheets[1]
    header, *rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    return [dict(zip(header, row, strict=True)) for row in rows]


def other_caf_convention():
    other = signed_convention(sheets=1, title="CTG d'une autre Caf")
    return other.convention


# -- Who may export, and what --------------------------------------------------------


@pytest.mark.parametrize("kind", ["conventions", "indicators"])
@pytest.mark.parametrize("extension", ["xlsx", "csv"])
def test_the_adviser_exports_their_cafs_conventions_only(client, setting, kind, extension):
    foreign = other_caf_convention()
    response = get(client, setting.users["adviser"], kind, extension)
    assert response.status_code == 200
    rows = csv_rows(response) if extension == "csv" else xlsx_rows(response)
    references = {row["Référence"] for row in rows}
    assert references == {setting.convention.reference}
    assert foreign.reference not in references
    assert response["Content-Disposition"].startswith("attachment;")


@pytest.mark.parametrize("who", ["cooperation", "reader", "other_cooperation"])
@pytest.mark.parametrize("kind", ["conventions", "indicators"])
def test_chargés_and_readers_do_not_get_the_caf_wide_export(client, setting, who, kind):
    assert get(client, setting.users[who], kind, "csv").status_code == 403
    assert get(client, setting.users[who], kind, "xlsx").status_code == 403


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    response = client.get(reverse(URLS["conventions", "csv"]))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


def test_the_administrator_exports_nationally_or_one_caf(client, setting):
    foreign = other_caf_convention()
    admin = setting.users["admin"]
    everything = csv_rows(get(client, admin, "conventions", "csv"))
    assert {row["Référence"] for row in everything} == {
        setting.convention.reference,
        foreign.reference,
    }
    one_caf = csv_rows(get(client, admin, "conventions", "csv", caf=foreign.caf_id))
    assert [row["Référence"] for row in one_caf] == [foreign.reference]


def test_another_cafs_id_in_the_filter_is_refused_in_french(client, setting):
    foreign = other_caf_convention()
    response = get(client, setting.users["adviser"], "conventions", "csv", caf=foreign.caf_id)
    assert response.status_code == 400
    assert "Critères d'export invalides" in response.content.decode()


def test_the_lists_filters_apply_to_the_export(client, setting):
    draft = ConventionFactory(caf=setting.convention.caf, state=ConventionState.DRAFT)
    adviser = setting.users["adviser"]
    assert {r["Référence"] for r in csv_rows(get(client, adviser, "conventions", "csv"))} == {
        setting.convention.reference,
        draft.reference,
    }
    drafts = csv_rows(get(client, adviser, "conventions", "csv", status="draft"))
    assert [row["Référence"] for row in drafts] == [draft.reference]


@pytest.mark.parametrize("year", ["1999", "deux-mille", "20260", "２０２６", "²⁰²⁶"])
def test_a_year_out_of_range_is_refused_in_french(client, setting, year):
    response = get(client, setting.users["adviser"], "indicators", "csv", annee=year)
    assert response.status_code == 400
    assert response.content.decode() == "Indiquez une année entre 2000 et 2100."


def test_post_is_not_allowed(client, setting):
    client.force_login(setting.users["adviser"])
    assert client.post(reverse(URLS["conventions", "csv"])).status_code == 405


# -- The conventions table -----------------------------------------------------------


def test_conventions_table_gives_parties_dates_and_follow_up_completeness(client, setting):
    (row,) = csv_rows(get(client, setting.users["adviser"], "conventions", "csv"))
    convention = setting.convention
    assert row["Intitulé"] == "CTG du Val d'Argent 2026-2030"
    assert row["Caf"] == convention.caf.name
    assert row["Collectivité chef de file"] == convention.lead_authority.name
    assert row["Date de début"] == "01/01/2026" and row["Date de fin"] == "31/12/2030"
    assert row["État"] == "En vigueur"
    assert row["Nombre de parties"] == "3"
    assert row["Parties signataires"] == " ; ".join(
        p.organisation.name for p in convention.parties.order_by("position", "pk")
    )
    assert (row["Première signature"], row["Signée le"]) == ("15/01/2026", "20/01/2026")
    # Q1 ended: 2 entries, 1 validated; Q2 is the current quarter and is not counted.
    assert row["Suivis attendus (trimestres échus)"] == "2"
    assert row["Suivis transmis ou validés"] == "1"
    assert row["Suivis validés"] == "1"
    assert row["Complétude du suivi (%)"] == "50"


def test_a_convention_without_an_ended_quarter_has_no_completeness(client, setting):
    ConventionFactory(caf=setting.convention.caf, start_date=datetime.date(2026, 4, 1))
    rows = csv_rows(get(client, setting.users["adviser"], "conventions", "csv"))
    fresh = next(row for row in rows if row["Référence"] != setting.convention.reference)
    assert fresh["Suivis attendus (trimestres échus)"] == "0"
    assert fresh["Complétude du suivi (%)"] == ""


def test_the_excel_conventions_table_has_dates_and_a_front_sheet(client, setting):
    response = get(client, setting.users["adviser"], "conventions", "xlsx")
    content = b"".join(response.streaming_content)
    book = load_workbook(io.BytesIO(content))
    front, table = book.worksheets
    assert front["A1"].value == "Export"
    assert "Caf" in front["B1"].value
    assert table.title == "Conventions"
    assert table["H2"].value == datetime.datetime(2026, 1, 1)
    assert table.auto_filter.ref == "A1:W2"


def test_text_starting_like_a_formula_stays_text(client, setting):
    setting.convention.title = '=HYPERLINK("http://example.com")'
    setting.convention.save()
    (row,) = csv_rows(get(client, setting.users["adviser"], "conventions", "csv"))
    assert row["Intitulé"].startswith("'=")
    content = b"".join(
        get(client, setting.users["adviser"], "conventions", "xlsx").streaming_content
    )
    cell = load_workbook(io.BytesIO(content)).worksheets[1]["B2"]
    assert cell.data_type == "s"


# -- The indicators of a year ----------------------------------------------------------


def test_indicators_of_a_year_one_row_per_indicator_and_quarter_with_target_and_value(
    client, setting
):
    counted = setting.indicators[0]  # "Places créées", target 40 on 31/12/2030
    IndicatorValue.objects.create(indicator=counted, year=2026, quarter=1, value=Decimal("12"))
    IndicatorValue.objects.create(indicator=counted, year=2025, quarter=4, value=Decimal("99"))
    rows = csv_rows(get(client, setting.users["adviser"], "indicators", "csv", annee=2026))
    # 2 actions × 2 indicators × 4 quarters of 2026.
    assert len(rows) == 16
    mine = [r for r in rows if r["Indicateur"] == "Places créées" and r["N° action"] == "1"]
    assert [r["Trimestre"] for r in mine] == ["T1 2026", "T2 2026", "T3 2026", "T4 2026"]
    assert [r["Valeur"] for r in mine] == ["12", "", "", ""]
    assert {r["Cible"] for r in mine} == {"40"}
    assert {r["Échéance de la cible"] for r in mine} == {"31/12/2030"}


def test_the_target_shown_is_the_one_due_at_that_time(client, setting):
    counted = setting.indicators[0]
    IndicatorTarget.objects.create(indicator=counted, value=10, date=datetime.date(2026, 6, 30))
    rows = csv_rows(get(client, setting.users["adviser"], "indicators", "csv", annee=2026))
    mine = [r for r in rows if r["Indicateur"] == "Places créées" and r["N° action"] == "1"]
    assert [r["Cible"] for r in mine] == ["10", "10", "40", "40"]


def test_quarters_outside_the_conventions_period_have_no_row(client, setting):
    assert csv_rows(get(client, setting.users["adviser"], "indicators", "csv", annee=2031)) == []
    assert (
        len(csv_rows(get(client, setting.users["adviser"], "indicators", "csv", annee=2030))) == 16
    )


@pytest.mark.parametrize("who", ["adviser", "admin"])
def test_statistical_secrecy_is_applied_whoever_exports(client, setting, who):
    convention = setting.convention
    convention.statistical_secrecy = True
    convention.save()
    counted = setting.indicators[0]
    IndicatorValue.objects.create(indicator=counted, year=2026, quarter=1, value=Decimal("3"))
    IndicatorValue.objects.create(
        indicator=counted, year=2026, quarter=2, value=Decimal("60"), zone_recipients=40
    )
    IndicatorValue.objects.create(indicator=counted, year=2026, quarter=3, value=Decimal("60"))
    IndicatorValue.objects.create(indicator=counted, year=2026, quarter=4, value=Decimal("0"))
    for extension in ("csv", "xlsx"):
        response = get(client, setting.users[who], "indicators", extension, annee=2026)
        rows = csv_rows(response) if extension == "csv" else xlsx_rows(response)
        mine = [
            r for r in rows if r["Indicateur"] == "Places créées" and str(r["N° action"]) == "1"
        ]
        assert [r["Secret statistique"] or "" for r in mine] == [
            "secret statistique",
            "secret statistique",
            "",
            "",
        ]
        values = [r["Valeur"] for r in mine]
        if extension == "csv":
            assert values == ["", "", "60", "0"]
        else:
            assert values == [None, None, 60, 0]


# -- Constant queries ---------------------------------------------------------------------


def more_conventions(setting, count):
    for _ in range(count):
        extra = signed_convention(sheets=3, caf=setting.convention.caf)
        IndicatorValue.objects.create(
            indicator=extra.indicators[0], year=2026, quarter=1, value=Decimal("7")
        )


@pytest.mark.parametrize("kind", ["conventions", "indicators"])
@pytest.mark.parametrize("extension", ["xlsx", "csv"])
def test_queries_do_not_grow_with_the_number_of_conventions(
    client, setting, kind, extension, django_assert_max_num_queries
):
    adviser = setting.users["adviser"]
    client.force_login(adviser)
    url = reverse(URLS[kind, extension])

    def download():
        response = client.get(url, {"annee": 2026})
        return b"".join(response.streaming_content)

    more_conventions(setting, 1)
    with CaptureQueriesContext(connection) as two:
        download()
    more_conventions(setting, 4)
    with django_assert_max_num_queries(len(two)):
        body = download()
    assert len(two) <= 12, [q["sql"][:100] for q in two.captured_queries]
    if extension == "csv":
        assert body.decode().count("\r\n") > 6


# -- Offered on the list ------------------------------------------------------------------


def test_the_list_offers_the_exports_with_its_filters_to_the_caf_only(client, setting):
    client.force_login(setting.users["adviser"])
    page = client.get(reverse("conventions:list"), {"status": "in_force"}).content.decode()
    assert 'aria-label="Exporter la liste"' in page
    assert reverse(URLS["conventions", "xlsx"]) + "?status=in_force" in page
    assert "Indicateurs 2026 (CSV)" in page

    client.force_login(setting.users["cooperation"])
    page = client.get(reverse("conventions:list")).content.decode()
    assert "Exporter la liste" not in page
    assert reverse(URLS["conventions", "xlsx"]) not in page


def test_the_users_role_decides_not_a_forged_organisation(client, setting):
    reader_of_the_caf = UserFactory(role=Role.READER, organisation=setting.convention.caf)
    assert get(client, reader_of_the_caf, "conventions", "csv").status_code == 403


@pytest.mark.parametrize("extension", ["xlsx", "csv"])
def test_garbage_criteria_get_a_french_400_never_a_server_error(client, setting, extension):
    client.force_login(setting.users["admin"])
    for query in [
        {"caf": "abc"},
        {"status": "zzz"},
        {"year": "x"},
        {"theme": "999999"},
        {"department": "\x00"},
    ]:
        for kind in ("conventions", "indicators"):
            response = client.get(reverse(URLS[kind, extension]), query)
            assert response.status_code == 400, query
            assert "Critères d'export invalides" in response.content.decode()
    page = client.get(reverse("conventions:list"), {"year": "x", "annee": "y"})
    assert page.status_code == 200
    assert "Indicateurs 2026 (Excel)" in page.content.decode()
