"""Indexes the national data set needs, checked in PostgreSQL's plans. A test database is
too small for the planner to prefer an index by itself: sequential scans are turned off."""

import pytest
from django.db import connection, transaction

from conventions.models import Convention
from partners.models import Organisation

pytestmark = [pytest.mark.postgres, pytest.mark.django_db]


@pytest.fixture(autouse=True)
def postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://...")


def plan(query):
    sql, params = query.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_search_boxes_find_organisations_by_a_trigram_index():
    # Words inside 36,000 names (LIKE '%word%'): no B-tree serves that.
    assert "organisation_search_trigram" in plan(Organisation.objects.matching("Serre-Ponçon"))


def test_a_page_of_the_conventions_list_is_read_along_its_order():
    page = Convention.objects.order_by("-start_date", "title", "pk")[25:50]
    assert "convention_list_order" in plan(page)


def test_the_apps_connections_plan_cursors_for_their_whole_result():
    # Forms read their choices through server-side cursors (iterator()): planned for their
    # first tenth, lists of organisations were read along an index, 3 ms each.
    with connection.cursor() as cursor:
        cursor.execute("SHOW cursor_tuple_fraction")
        assert cursor.fetchone()[0] == "1"
        cursor.execute("SHOW jit")
        assert cursor.fetchone()[0] == "off"
