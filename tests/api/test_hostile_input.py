"""Hostile input to every endpoint of the API: random and invalid query parameters, huge
page sizes, forged cursors, ids out of range, wrong JSON types, non-JSON bodies, wrong
methods, unicode. Never a 500; every refusal a French problem (application/problem+json)."""

import base64
import random

import pytest
from django.urls import get_resolver, reverse

from tests.api.conftest import client_for
from tests.followup_setup import signed_convention

pytestmark = pytest.mark.django_db

PROBLEM = "application/problem+json"
JSON = "application/json"
HUGE_ID = "99999999999999999999"


def cursor(text):
    return base64.b64encode(text.encode()).decode()


@pytest.fixture
def setting():
    return signed_convention()


def list_urls(setting):
    pk = setting.convention.pk
    return [reverse("api:conventions"), reverse("api:organisations")] + [
        reverse(f"api:{name}", args=[pk])
        for name in ("follow_ups", "indicator_values", "meetings", "reviews")
    ]


def detail_urls(setting):
    pk = setting.convention.pk
    entry = next(iter(setting.entries.values()))
    return [
        reverse("api:convention", args=[pk]),
        reverse("api:plan", args=[pk]),
        reverse("api:follow_up", args=[entry.pk]),
        reverse("api:organisation", args=[setting.convention.caf_id]),
    ]


def write_urls(setting):
    entry = next(iter(setting.entries.values()))
    return [
        ("put", reverse("api:follow_up", args=[entry.pk])),
        ("post", reverse("api:follow_up_transmit", args=[entry.pk])),
        ("post", reverse("api:follow_up_validate", args=[entry.pk])),
        ("post", reverse("api:follow_up_send_back", args=[entry.pk])),
    ]


def assert_sound(response, allowed=(200, 304, 400, 404, 405, 406, 409, 415)):
    """No 500; an error is a problem whose status matches the response's."""
    assert response.status_code in allowed, (response.status_code, response.content[:300])
    if response.status_code >= 400:
        assert response["Content-Type"] == PROBLEM
        body = response.json()
        assert body["status"] == response.status_code
        assert body["type"].startswith("/api/v1/problemes/")
        assert body["detail"]


# Values a careless or hostile caller sends in any parameter.
NASTY = [
    "",
    " ",
    "0",
    "-1",
    HUGE_ID,
    "1e400",
    "NaN",
    "null",
    "true",
    "\x00",
    "é" * 300,
    "😀",
    "٣",
    "'; DROP TABLE conventions_convention; --",
    "%00",
    "2026-02-30",
    "9999-12-31T25:61:00",
    "a" * 5000,
]
PARAMETERS = [
    "caf",
    "state",
    "territory_siren",
    "in_force_on",
    "years",
    "updated_since",
    "year",
    "quarter",
    "siren",
    "q",
    "kind",
    "cursor",
    "page_size",
    "format",
    "stat",
]


def test_random_query_parameters_on_every_list_never_answer_500(setting):
    client = client_for(setting.users["admin"])
    chance = random.Random(13)
    for url in list_urls(setting):
        for _ in range(40):
            names = chance.sample(PARAMETERS, chance.randint(1, 3))
            params = {name: chance.choice(NASTY) for name in names}
            assert_sound(client.get(url, params))


@pytest.mark.parametrize(
    "forged",
    [
        cursor("p=abc"),
        cursor("p=%00"),
        cursor("p=-5"),
        cursor(f"p={HUGE_ID}"),
        cursor("o=-1"),
        cursor("r=x"),
        "%%%",
        "😀",
    ],
)
def test_a_forged_cursor_is_a_400_on_the_cursor(setting, forged):
    client = client_for(setting.users["admin"])
    for url in list_urls(setting):
        response = client.get(url, {"cursor": forged})
        assert_sound(response, allowed=(400,))
        assert "cursor" in response.json()["errors"]


def test_the_cursors_the_api_gives_are_accepted(setting):
    client = client_for(setting.users["admin"])
    first = client.get(reverse("api:follow_ups", args=[setting.convention.pk]), {"page_size": 1})
    following = client.get(first.json()["next"])
    assert following.status_code == 200
    assert following.json()["results"][0]["id"] != first.json()["results"][0]["id"]


@pytest.mark.parametrize("size", ["0", "-5", "201", "100000", "1e9", "abc", "", "٣"])
def test_a_page_size_out_of_range_is_refused_not_silently_replaced(setting, size):
    client = client_for(setting.users["admin"])
    for url in list_urls(setting):
        response = client.get(url, {"page_size": size})
        assert_sound(response, allowed=(400,))
        assert response.json()["errors"]["page_size"] == ["Indiquez un nombre entier de 1 à 200."]


def test_a_misspelt_or_repeated_filter_is_refused_not_ignored(setting):
    client = client_for(setting.users["admin"])
    for url in list_urls(setting):
        response = client.get(url, {"stat": "signed"})
        assert_sound(response, allowed=(400,))
        assert response.json()["errors"]["stat"][0].startswith("Paramètre inconnu")
    url = reverse("api:conventions")
    response = client.get(f"{url}?state=signed&state=draft")
    assert_sound(response, allowed=(400,))
    assert response.json()["errors"]["state"] == ["Donnez ce paramètre une seule fois."]
    assert client.get(url, {"state": "signed", "page_size": 5, "format": "json"}).status_code == 200


def test_another_format_than_json_is_a_406(setting):
    client = client_for(setting.users["admin"])
    for url in list_urls(setting) + detail_urls(setting):
        response = client.get(url, {"format": "xml"})
        assert_sound(response, allowed=(406,))


def test_ids_out_of_range_and_odd_addresses_are_404_problems(setting):
    client = client_for(setting.users["admin"])
    for address in [
        f"/api/v1/conventions/{HUGE_ID}/",
        f"/api/v1/conventions/{HUGE_ID}/plan/",
        f"/api/v1/conventions/{HUGE_ID}/suivis/",
        f"/api/v1/conventions/{HUGE_ID}/valeurs-indicateurs/",
        f"/api/v1/conventions/{HUGE_ID}/reunions/",
        f"/api/v1/conventions/{HUGE_ID}/bilans/",
        f"/api/v1/suivis/{HUGE_ID}/",
        f"/api/v1/organisations/{HUGE_ID}/",
        "/api/v1/conventions/-1/",
        "/api/v1/conventions/%F0%9F%98%80/",
        "/api/v1/conventions",
        "/api/v2/conventions/",
        "/api/v1/problemes/inconnu/",
    ]:
        response = client.get(address)
        assert_sound(response, allowed=(404,))
    response = client.post(f"/api/v1/suivis/{HUGE_ID}/transmettre/", {"revision": 0})
    assert_sound(response, allowed=(404,))


def test_wrong_methods_are_405_problems_without_offering_options(setting):
    client = client_for(setting.users["admin"])
    for url in list_urls(setting) + detail_urls(setting):
        for method in ("post", "patch", "delete", "options"):
            response = getattr(client, method)(url, {}, format="json")
            assert_sound(response, allowed=(405,))
            assert "OPTIONS" not in response["Allow"]
            assert "GET" in response["Allow"]


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        ("revision=0&status=done", "application/x-www-form-urlencoded"),
        ("<suivi/>", "application/xml"),
        ("{", "application/json"),
        ('{"revision": 0,}', "application/json"),
        ("\xff\xfe", "application/json"),
        ("null", "application/json"),
        ("[]", "application/json"),
        ('"texte"', "application/json"),
        ("12", "application/json"),
        ('{"revision": "zéro"}', "application/json"),
        ('{"revision": 1e400, "status": "done", "progress": 100}', "application/json"),
        ('{"revision": [], "status": {}, "progress": true}', "application/json"),
        ('{"revision": 0, "status": "done", "progress": 100, "comment": 5}', "application/json"),
        ('{"revision": 0, "status": "done", "progress": 100, "achievements": ["a"]}', JSON),
        ('{"revision": 0, "status": "done", "progress": 100, "indicator_values": "x"}', JSON),
        (
            '{"revision": 0, "status": "done", "progress": 100, '
            '"indicator_values": [{"indicator": "99999999999999999999", "value": "NaN"}]}',
            "application/json",
        ),
    ],
)
def test_bad_bodies_on_every_write_are_problems(setting, body, content_type):
    for role in ("cooperation", "adviser", "reader"):
        client = client_for(setting.users[role])
        for method, url in write_urls(setting):
            response = getattr(client, method)(url, body, content_type=content_type)
            assert_sound(response, allowed=(400, 403, 409, 415))


def test_a_misspelt_body_field_is_refused_and_nothing_is_saved(setting):
    entry = next(iter(setting.entries.values()))
    client = client_for(setting.users["cooperation"])
    url = reverse("api:follow_up", args=[entry.pk])
    body = {"revision": 0, "status": "in_progress", "progress": 40, "achievments": "Fait."}
    response = client.put(url, body, format="json")
    assert_sound(response, allowed=(400,))
    assert response.json()["errors"]["achievments"][0].startswith("Champ inconnu")
    entry.refresh_from_db()
    assert (entry.revision, entry.achievements) == (0, "")


def test_what_was_read_may_be_sent_back_with_a_change(setting):
    entry = next(iter(setting.entries.values()))
    client = client_for(setting.users["cooperation"])
    url = reverse("api:follow_up", args=[entry.pk])
    read = client.get(url).json()
    read.update(status="in_progress", progress=60, achievements="Deux réunions.")
    response = client.put(url, read, format="json")
    assert response.status_code == 200, response.content
    assert (response.json()["progress"], response.json()["revision"]) == (60, 1)


def test_djangos_own_errors_under_the_api_are_problems_too(setting, settings, rf):
    client = client_for(setting.users["admin"])
    url = reverse("api:conventions")
    # A Host outside ALLOWED_HOSTS: refused by Django before any view (handler400).
    refused = client.get(url, HTTP_HOST="attaquant.example")
    assert_sound(refused, allowed=(400,))
    # A body over MAX_REQUEST_BYTES: refused by a middleware before it is read.
    settings.MAX_REQUEST_BYTES = 10
    entry = next(iter(setting.entries.values()))
    big = client.put(
        reverse("api:follow_up", args=[entry.pk]), {"revision": 0, "progress": 1}, format="json"
    )
    assert big.status_code == 413
    assert big["Content-Type"] == PROBLEM
    assert big.json()["type"] == "/api/v1/problemes/trop-volumineux/"
    # An error outside the API's views (a middleware's): Django's handler500.
    handler = get_resolver().resolve_error_handler(500)
    crashed = handler(rf.get(url))
    assert (crashed.status_code, crashed["Content-Type"]) == (500, PROBLEM)
    assert handler(rf.get("/conventions/"))["Content-Type"].startswith("text/html")
