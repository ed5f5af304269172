"""Every page x a fixed cast of users, on the demo data.

Cast: the Caf du Haut-Rhin adviser, the Caf du Doubs adviser, the chargé de
coopération of the CC du Val d'Argent, a reader of the commune of Valentigney
(party to the PMA convention only), and an anonymous visitor. Outsiders get
404, read-only users 403 on writes, anonymous visitors the login page.
"""

import pytest
from django.urls import reverse

from conventions.models import Convention, ConventionState
from partners.models import User

pytestmark = pytest.mark.django_db

CAST = ["conseiller.hautrhin", "conseiller.doubs", "cooperation.valdargent", "lecteur.valentigney"]


@pytest.fixture
def conventions(demo):
    return {
        "vda": Convention.objects.get(reference="val-d-argent-2026-2030"),
        "pma": Convention.objects.get(reference="pma-2023-2027"),
    }


def vda_party(conventions, name):
    return conventions["vda"].parties.get(organisation__name=name).pk


# (url name, convention, extra args) -> expected status per member of the cast.
PAGES = [
    ("detail", "vda", [], [200, 404, 200, 404]),
    ("detail", "pma", [], [404, 200, 404, 200]),
    ("parties", "vda", [], [200, 404, 403, 404]),
    ("edit_general", "vda", [], [200, 404, 403, 404]),
    ("edit_articles", "vda", [], [200, 404, 403, 404]),
    ("edit_equipment", "vda", [], [200, 404, 403, 404]),
    ("edit_steering", "vda", [], [200, 404, 403, 404]),
    ("transition", "vda", ["figer"], [200, 404, 403, 404]),
    ("signature", "pma", [], [404, 200, 404, 403]),
    ("renew", "pma", [], [404, 200, 404, 403]),
    ("terminate", "pma", [], [404, 200, 404, 403]),
    ("amend", "pma", [], [404, 200, 404, 403]),
]


@pytest.mark.parametrize(("name", "which", "args", "expected"), PAGES)
def test_page_access_for_the_cast(client, conventions, name, which, args, expected):
    url = reverse(f"conventions:{name}", args=[conventions[which].pk, *args])
    for username, status in zip(CAST, expected, strict=True):
        client.force_login(User.objects.get(username=username))
        assert client.get(url).status_code == status, f"{username} sur {url}"
    client.logout()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.parametrize(
    ("party", "expected"),
    [
        # The CC's own deliberation: the chargé de coopération may record it (the draft
        # convention then redirects with an explanation); another party's: 403.
        ("CC du Val d'Argent", [302, 404, 302, 404]),
        ("Lièpvre", [302, 404, 403, 404]),
    ],
)
def test_deliberation_recording_rights(client, conventions, party, expected):
    url = reverse(
        "conventions:deliberation_create",
        args=[conventions["vda"].pk, vda_party(conventions, party)],
    )
    for username, status in zip(CAST, expected, strict=True):
        client.force_login(User.objects.get(username=username))
        assert client.get(url).status_code == status, username


def test_guessed_party_id_of_another_convention_gets_404(client, conventions):
    client.force_login(User.objects.get(username="conseiller.hautrhin"))
    pma_party = conventions["pma"].parties.first()
    url = reverse("conventions:party_edit", args=[conventions["vda"].pk, pma_party.pk])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    ("username", "status"),
    [("conseiller.doubs", 404), ("cooperation.valdargent", 403), ("lecteur.valentigney", 404)],
)
def test_writes_by_others_change_nothing(client, conventions, username, status):
    client.force_login(User.objects.get(username=username))
    url = reverse("conventions:transition", args=[conventions["vda"].pk, "figer"])
    assert client.post(url).status_code == status
    conventions["vda"].refresh_from_db()
    assert conventions["vda"].state == ConventionState.DRAFT


def test_wrong_method_gets_405(client, conventions):
    client.force_login(User.objects.get(username="conseiller.hautrhin"))
    party = vda_party(conventions, "Lièpvre")
    url = reverse("conventions:party_move", args=[conventions["vda"].pk, party])
    assert client.get(url).status_code == 405


@pytest.mark.parametrize("username", [*CAST, "admin"])
def test_dashboard_and_list_open_for_everyone_signed_in(client, demo, username):
    client.force_login(User.objects.get(username=username))
    assert client.get(reverse("conventions:home")).status_code == 200
    assert client.get(reverse("conventions:list")).status_code == 200


def test_create_page_for_advisers_only(client, demo):
    for username, status in zip(CAST, [200, 200, 403, 403], strict=True):
        client.force_login(User.objects.get(username=username))
        assert client.get(reverse("conventions:create")).status_code == status


def test_pma_page_query_count_is_that_of_a_small_convention(
    client, conventions, django_assert_max_num_queries
):
    client.force_login(User.objects.get(username="admin"))
    with django_assert_max_num_queries(40) as small:
        client.get(reverse("conventions:detail", args=[conventions["vda"].pk]))
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(reverse("conventions:detail", args=[conventions["pma"].pk]))
    page = response.content.decode()
    assert "Parties (37)" in page
    assert "38 signatures sur 38 attendues" in page
