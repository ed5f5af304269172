"""The statistical secrecy rule, and the SVG charts that pages and PDFs share."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from actionplan import charts, secrecy
from actionplan.charts import Bar, Segment, TargetBar
from conventions.models import Convention
from partners.models import Role, User
from partners.models.organisation import Organisation

SVG = "{http://www.w3.org/2000/svg}"


def clause(on=True, recipients=100, value=5):
    return Convention(
        statistical_secrecy=on, secrecy_min_recipients=recipients, secrecy_min_value=value
    )


@pytest.mark.parametrize(
    ("value", "zone", "secret"),
    [
        (Decimal(0), None, False),  # zero identifies nobody
        (Decimal(1), None, True),
        (Decimal("4.99"), None, True),
        (Decimal(5), None, False),
        (Decimal(-3), None, True),
        (Decimal(250), 99, True),  # a zone under 100 benefit recipients
        (Decimal(250), 100, False),
        (Decimal(0), 20, True),
        (None, None, False),
    ],
)
def test_secrecy_rule(value, zone, secret):
    assert secrecy.is_secret(clause(), value, zone) is secret
    assert secrecy.disclosed_value(clause(), value, zone) == (None if secret else value)


def test_without_the_clause_every_figure_shows():
    assert secrecy.disclosed_value(clause(on=False), Decimal(1), 3) == Decimal(1)


def test_thresholds_come_from_the_convention():
    assert secrecy.is_secret(clause(value=10), Decimal(7))
    assert not secrecy.is_secret(clause(value=3), Decimal(4))


def test_pages_hide_figures_from_everyone_but_the_caf_staff():
    caf = Organisation(pk=1, kind="caf")
    convention = clause()
    convention.caf = caf
    assert not secrecy.applies_to(User(role=Role.ADVISER, organisation=caf), convention)
    assert secrecy.applies_to(User(role=Role.ADVISER, organisation_id=2), convention)
    assert secrecy.applies_to(User(role=Role.COOPERATION, organisation_id=3), convention)
    assert not secrecy.applies_to(User(role=Role.ADMINISTRATOR), convention)
    convention.statistical_secrecy = False
    assert not secrecy.applies_to(User(role=Role.READER, organisation_id=3), convention)


def parse(svg):
    return ET.fromstring(str(svg))


def test_bar_chart_is_an_accessible_image_with_escaped_labels():
    svg = charts.bar_chart(
        [Bar("Axe 1 – <Petite> enfance & jeunesse", 40), Bar("Axe 2", None)],
        title="Réalisation par axe",
        description="axe 1 : 40 %",
        chart_id="axes",
    )
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "axes-titre axes-desc"
    assert root.find(f"{SVG}title").text == "Réalisation par axe"
    assert root.find(f"{SVG}desc").text == "axe 1 : 40 %"
    texts = [t.text for t in root.iter(f"{SVG}text") if t.text]
    assert "40 %" in texts
    assert "non renseigné" in texts
    assert "&lt;Petite&gt;" in svg and "<Petite>" not in svg
    assert "<script" not in svg


def test_bars_are_proportional():
    root = parse(charts.bar_chart([Bar("a", 25), Bar("b", 100)], title="t", description="d"))
    filled = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == charts.BAR]
    quarter, full = (float(r.get("width")) for r in filled)
    assert full == pytest.approx(4 * quarter)


def test_stacked_bar_and_legend():
    root = parse(
        charts.stacked_bar(
            [Segment("En cours", 6, "#0072B2"), Segment("Réalisée", 2, "#009E73")],
            title="t",
            description="d",
        )
    )
    widths = [float(r.get("width")) for r in root.iter(f"{SVG}rect") if r.get("height") == "32"]
    assert widths == pytest.approx([480, 160])
    texts = [t.text for t in root.iter(f"{SVG}text") if t.text]
    assert "En cours (6)" in texts and "Réalisée (2)" in texts


def test_target_chart_and_columns_are_well_formed():
    parse(
        charts.target_chart(
            [TargetBar("Places", Decimal(10), Decimal(40), "10 sur 40"), TargetBar("x", None, 3)],
            title="t",
            description="d",
        )
    )
    root = parse(
        charts.stacked_columns(
            [("T1 2026", {"validated": 2, "pending": 1}), ("T2 2026", {})],
            [("validated", "Validé", "#009E73"), ("pending", "En attente", "#E69F00")],
            title="t",
            description="d",
        )
    )
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert texts.count("2026") == 1, "the year is written once under its first quarter"


def test_numbers_are_written_the_french_way():
    assert charts.number(Decimal("1250")) == "1\u202f250"
    assert charts.number(Decimal("12.50")) == "12,5"
