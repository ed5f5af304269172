"""Hostile input to the API and to the token form: a French 4xx, never a 500."""

import html

import pytest
from django.urls import reverse

from tests.api.conftest import client_for
from tests.factories import UserFactory
from tests.followup_setup import signed_convention

pytestmark = pytest.mark.django_db

HOSTILE_QUERIES = [
    {"caf": "9" * 18},
    {"caf": "0"},
    {"caf": "\x00"},
    {"years": "0000"},
    {"years": "0001-9999"},
    {"in_force_on": "0001-01-01"},
    {"in_force_on": "9999-12-31"},
    {"updated_since": "0001-01-01T00:00:00+14:00"},
    {"updated_since": "9999-12-31T23:59:59-12:00"},
    {"territory_siren": "\u0660" * 9},
    {"state": ["signed", "draft"]},
    {"cursor": "cD0xMjM0NTY3ODkwMTIzNDU2Nzg5MA=="},
    {"page_size": "-5"},
    {"page_size": "1e9"},
]


@pytest.mark.parametrize("params", HOSTILE_QUERIES)
def test_hostile_filters_never_answer_500(params):
    setting = signed_convention()
    client = client_for(setting.users["admin"])
    response = client.get(reverse("api:conventions"), params)
    assert response.status_code in (200, 400, 404), response.content
    if response.status_code != 200:
        assert response["Content-Type"] == "application/problem+json"
    for url in (
        reverse("api:follow_ups", args=[setting.convention.pk]),
        reverse("api:indicator_values", args=[setting.convention.pk]),
        reverse("api:organisations"),
    ):
        for hostile in (
            {"year": "99999999999"},
            {"quarter": "\x00"},
            {"q": "\x00"},
            {"q": "é" * 500},
        ):
            assert client.get(url, hostile).status_code in (200, 400)


@pytest.mark.parametrize(
    "payload",
    [
        [],
        "texte",
        {"revision": 10**30, "status": "in_progress", "progress": 10},
        {"revision": 0, "status": "in_progress", "progress": "1e400"},
        {"revision": 0, "status": "in_progress", "progress": 10, "indicator_values": {"a": 1}},
        {"revision": 0, "status": "in_progress", "progress": 10, "indicator_values": [1, 2]},
        {
            "revision": 0,
            "status": "in_progress",
            "progress": 10,
            "indicator_values": [{"indicator": 10**20, "value": "1e400"}],
        },
        {"revision": 0, "status": "in_progress", "progress": 10, "achievements": "\x00"},
        {"revision": 0, "status": "in_progress", "progress": 10, "achievements": "a" * 100_000},
    ],
)
def test_hostile_bodies_never_answer_500(payload):
    setting = signed_convention()
    entry = next(iter(setting.entries.values()))
    client = client_for(setting.users["cooperation"])
    for url, method in (
        (reverse("api:follow_up", args=[entry.pk]), "put"),
        (reverse("api:follow_up_transmit", args=[entry.pk]), "post"),
        (reverse("api:follow_up_send_back", args=[entry.pk]), "post"),
    ):
        response = getattr(client, method)(url, payload, format="json")
        assert response.status_code in (200, 400, 403, 409), (url, response.content)
        assert response["Content-Type"] in ("application/json", "application/problem+json")


@pytest.mark.parametrize(
    "data",
    [
        {"name": "a" * 500, "expires_on": "2027-01-01"},
        {"name": "\x00", "expires_on": "2027-01-01"},
        {"name": "Essai", "expires_on": "99999-01-01"},
        {"name": "Essai", "expires_on": ["2027-01-01", "x"]},
        {},
    ],
)
def test_hostile_token_forms_never_answer_500(client, data):
    client.force_login(UserFactory())
    response = client.post(reverse("api_tokens:create"), data)
    assert response.status_code == 200
    assert "Créer un jeton d'API" in html.unescape(response.content.decode())
