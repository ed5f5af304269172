"""Every endpoint of the API x the pages' cast, on the demo data: no leak.

Cast: the advisers of the Caf du Haut-Rhin (Val d'Argent) and of the Caf du Doubs
(PMA), the chargé de coopération of the CC du Val d'Argent, a reader of Valentigney
(party to the PMA convention only), an administrator; then anonymous callers, an
expired token, a revoked token and the token of a deactivated account.
"""

import datetime

import pytest
from django.urls import reverse

from actionplan.models import FollowUp, IndicatorValue
from api.models import ApiToken
from conventions.models import Convention
from tests.api.conftest import client_for

pytestmark = pytest.mark.django_db

SEES = {
    "conseiller.hautrhin": {"vda"},
    "conseiller.doubs": {"pma"},
    "cooperation.valdargent": {"vda"},
    "lecteur.valentigney": {"pma"},
    "admin": {"vda", "pma"},
}
PER_CONVENTION = ["convention", "plan", "follow_ups", "indicator_values", "meetings", "reviews"]


def urls_of(convention):
    urls = [reverse(f"api:{name}", args=[convention.pk]) for name in PER_CONVENTION]
    entry = FollowUp.objects.filter(action_sheet__convention=convention).first()
    if entry:
        urls.append(reverse("api:follow_up", args=[entry.pk]))
    return urls


@pytest.mark.parametrize("username", list(SEES))
def test_each_caller_lists_exactly_the_conventions_of_the_pages(
    demo_conventions, demo_users, username
):
    user = demo_users[username]
    response = client_for(user).get(reverse("api:conventions"), {"page_size": 200})
    assert response.status_code == 200
    listed = {row["id"] for row in response.json()["results"]}
    assert listed == set(Convention.objects.visible_to(user).values_list("pk", flat=True))
    expected = {demo_conventions[key].pk for key in SEES[username]}
    assert expected <= listed
    assert not {c.pk for k, c in demo_conventions.items() if k not in SEES[username]} & listed


@pytest.mark.parametrize("username", list(SEES))
@pytest.mark.parametrize("which", ["vda", "pma"])
def test_every_detail_is_404_outside_the_callers_scope(
    demo_conventions, demo_users, username, which
):
    client = client_for(demo_users[username])
    for url in urls_of(demo_conventions[which]):
        response = client.get(url)
        if which in SEES[username]:
            assert response.status_code == 200, f"{username} {url}"
        else:
            assert response.status_code == 404, f"{username} {url}"
            assert response["Content-Type"] == "application/problem+json"
            # Nothing of the convention leaks in the refusal.
            assert demo_conventions[which].title not in response.content.decode()


def test_lists_of_a_convention_never_show_another_conventions_rows(demo_conventions, demo_users):
    client = client_for(demo_users["admin"])
    pma = demo_conventions["pma"]
    url = reverse("api:indicator_values", args=[pma.pk])
    rows = client.get(url, {"page_size": 200}).json()["results"]
    assert rows
    own = set(
        IndicatorValue.objects.filter(indicator__action_sheet__convention=pma).values_list(
            "indicator_id", flat=True
        )
    )
    assert {row["indicator"] for row in rows} <= own
    entries = client.get(reverse("api:follow_ups", args=[pma.pk]), {"page_size": 200}).json()
    assert {row["convention"] for row in entries["results"]} == {pma.pk}


def test_a_guessed_follow_up_id_of_another_territory_is_404(demo_conventions, demo_users):
    pma_entry = FollowUp.objects.filter(action_sheet__convention=demo_conventions["pma"]).first()
    client = client_for(demo_users["conseiller.hautrhin"])
    url = reverse("api:follow_up", args=[pma_entry.pk])
    assert client.get(url).status_code == 404
    body = {"revision": pma_entry.revision}
    assert (
        client.post(reverse("api:follow_up_validate", args=[pma_entry.pk]), body).status_code == 404
    )
    pma_entry.refresh_from_db()
    assert pma_entry.revision == body["revision"]


def _all_urls(demo_conventions):
    urls = [reverse("api:conventions"), reverse("api:organisations")]
    for convention in demo_conventions.values():
        urls += urls_of(convention)
    return urls


def _assert_401(response, expected_detail):
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response["WWW-Authenticate"].startswith("Bearer")
    problem = response.json()
    assert problem["status"] == 401
    assert expected_detail in problem["detail"]


def test_anonymous_callers_get_401_everywhere_even_with_a_session(
    client, demo_conventions, demo_users
):
    # A signed-in browser session is not an API credential.
    client.force_login(demo_users["admin"])
    for url in _all_urls(demo_conventions):
        _assert_401(client.get(url), "Authentification requise")


def test_expired_token_gets_401(demo_conventions, demo_users):
    user = demo_users["admin"]
    token, clear = ApiToken.objects.issue(user, "Ancien", datetime.date(2020, 1, 1))
    for url in _all_urls(demo_conventions):
        response = client_for(None).get(url, HTTP_AUTHORIZATION=f"Bearer {clear}")
        _assert_401(response, "Ce jeton d'API a expiré le 01/01/2020.")


def test_revoked_token_gets_401(demo_conventions, demo_users):
    token, clear = ApiToken.objects.issue(demo_users["admin"], "Révoqué")
    token.revoke()
    for url in _all_urls(demo_conventions):
        response = client_for(None).get(url, HTTP_AUTHORIZATION=f"Bearer {clear}")
        _assert_401(response, "Ce jeton d'API a été révoqué")


def test_token_of_a_deactivated_account_gets_401(demo_conventions, demo_users):
    user = demo_users["conseiller.doubs"]
    clear = ApiToken.objects.issue(user, "Infocentre")[1]
    user.is_active = False
    user.save()
    response = client_for(None).get(
        reverse("api:convention", args=[demo_conventions["pma"].pk]),
        HTTP_AUTHORIZATION=f"Bearer {clear}",
    )
    _assert_401(response, "Le compte de ce jeton d'API est désactivé.")


@pytest.mark.parametrize(
    "header",
    ["Bearer ctg_deadbeef_faux", "Bearer", "Bearer a b", "Bearer ctg_", "Bearer é"],
)
def test_unknown_or_malformed_tokens_get_401(demo_conventions, header):
    response = client_for(None).get(reverse("api:conventions"), HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["type"] == "/api/v1/problemes/authentification/"
