"""The OpenAPI schema (drf-spectacular's own validation, no warning), its documentation
page, the problem details of every kind of error, and throttling per token."""

import re
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse
from drf_spectacular.generators import SchemaGenerator

from actionplan.models import IndicatorTarget
from tests.api.conftest import client_for
from tests.factories import IndicatorFactory, UserFactory
from tests.followup_setup import signed_convention

pytestmark = pytest.mark.django_db


def test_the_schema_validates_without_any_warning(tmp_path):
    # --fail-on-warn turns any warning of the generator into an error.
    call_command(
        "spectacular",
        "--validate",
        "--fail-on-warn",
        "--file",
        str(tmp_path / "schema.yaml"),
        stdout=StringIO(),
        stderr=StringIO(),
    )
    assert "/api/v1/conventions/" in (tmp_path / "schema.yaml").read_text()


def _properties(schema):
    for name, component in schema["components"]["schemas"].items():
        for field, spec in component.get("properties", {}).items():
            yield name, field, spec


def test_every_field_and_endpoint_is_described_in_french():
    schema = SchemaGenerator().get_schema(request=None, public=True)
    undescribed = [
        f"{name}.{field}"
        for name, field, spec in _properties(schema)
        if not (spec.get("description") or spec.get("allOf") or spec.get("$ref"))
    ]
    assert undescribed == []
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary") or operation.get("description"), f"{method} {path}"
            for parameter in operation.get("parameters", []):
                assert parameter.get("description"), f"{path} {parameter['name']}"
    assert schema["components"]["securitySchemes"]["jetonPersonnel"]["scheme"] == "bearer"


ENGLISH = re.compile(r"\b(the|of|and|with|every|which|when)\b")


def test_no_english_text_reaches_the_schema():
    # Class docstrings (English, for developers) would be published as descriptions.
    schema = SchemaGenerator().get_schema(request=None, public=True)
    texts = [c.get("description", "") for c in schema["components"]["schemas"].values()]
    texts += [spec.get("description", "") for _, _, spec in _properties(schema)]
    for operations in schema["paths"].values():
        for operation in operations.values():
            texts += [operation.get("summary", ""), operation.get("description", "")]
            texts += [p.get("description", "") for p in operation.get("parameters", [])]
    assert [text for text in texts if ENGLISH.search(text)] == []


def test_schema_and_documentation_are_served_from_this_site(client):
    schema = client.get(reverse("api:schema"))
    assert schema.status_code == 200
    assert b"openapi: 3" in schema.content
    page = client.get(reverse("api:docs"))
    assert page.status_code == 200
    html = page.content.decode()
    assert '<html lang="fr">' in html
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower()
    # No inline script: the site's CSP (script-src 'self') holds.
    assert "<script>" not in html
    assert "script-src 'self'" in page["Content-Security-Policy"]
    script = client.get(reverse("api:docs"), {"script": ""})
    assert script.status_code == 200
    assert script["Content-Type"].startswith("application/javascript")
    assert reverse("api:schema") in script.content.decode()


def test_an_unknown_address_under_the_api_is_a_problem_not_a_page(client):
    for url in ("/api/v1/inconnue/", "/api/v2/conventions/", "/api/v1/conventions"):
        response = client.get(url)
        assert response.status_code == 404
        assert response["Content-Type"] == "application/problem+json"
        assert response.json()["instance"] == url
    assert client.post("/api/v1/inconnue/").status_code == 404


def test_each_problem_type_is_described_at_its_address(client):
    response = client.get(reverse("api:problem", args=["revision-perimee"]))
    assert response.json()["title"] == "Révision périmée"
    assert client.get(reverse("api:problem", args=["inconnu"])).status_code == 404


@pytest.fixture
def setting():
    return signed_convention()


def test_a_body_that_is_not_json_is_a_400_or_415_problem(setting):
    entry = next(iter(setting.entries.values()))
    client = client_for(setting.users["cooperation"])
    url = reverse("api:follow_up", args=[entry.pk])
    broken = client.put(url, data="{pas du json", content_type="application/json")
    assert broken.status_code == 400
    assert broken.json()["detail"] == "Le corps de la requête n'est pas du JSON valide."
    form = client.put(url, data="revision=0", content_type="application/x-www-form-urlencoded")
    assert form.status_code == 415
    assert form.json()["title"] == "Type de contenu non pris en charge"


def test_throttling_per_token_answers_429_with_retry_after(settings, setting):
    settings.API_THROTTLE_RATE = "3/minute"
    user = setting.users["adviser"]
    first, second = client_for(user), client_for(user)
    url = reverse("api:conventions")
    assert [first.get(url).status_code for _ in range(3)] == [200, 200, 200]
    refused = first.get(url)
    assert refused.status_code == 429
    assert refused["Content-Type"] == "application/problem+json"
    assert int(refused["Retry-After"]) > 0
    problem = refused.json()
    assert problem["type"] == "/api/v1/problemes/trop-de-requetes/"
    assert problem["detail"].startswith("Trop de requêtes pour ce jeton : réessayez dans")
    # Another token of the same person has its own quota.
    assert second.get(url).status_code == 200


def test_the_plan_is_nested_in_one_request_with_constant_queries(
    setting, django_assert_max_num_queries
):
    client = client_for(setting.users["reader"])
    url = reverse("api:plan", args=[setting.convention.pk])
    with django_assert_max_num_queries(30) as few:
        plan = client.get(url).json()
    sheet = plan["axes"][0]["sheets"][0]
    assert sheet["indicators"][0]["targets"][0]["value"] == "40.00"
    assert sheet["pilot"] == setting.convention.lead_authority.name
    for sheet in setting.sheets:
        for _ in range(5):
            indicator = IndicatorFactory(action_sheet=sheet)
            IndicatorTarget.objects.create(indicator=indicator, value=1, date="2030-12-31")
    with django_assert_max_num_queries(len(few.captured_queries)):
        plan = client.get(url).json()
    assert len(plan["axes"][0]["sheets"][0]["indicators"]) == 7


def test_organisations_are_found_by_siren_and_by_name(setting):
    commune = setting.convention.parties.get(role="co_signatory").organisation
    client = client_for(UserFactory())
    rows = client.get(reverse("api:organisations"), {"siren": commune.siren}).json()["results"]
    assert [row["id"] for row in rows] == [commune.pk]
    rows = client.get(reverse("api:organisations"), {"q": commune.name.upper()}).json()
    assert commune.pk in [row["id"] for row in rows["results"]]
    detail = client.get(reverse("api:organisation", args=[commune.pk]))
    assert detail.json()["siren"] == commune.siren and detail["ETag"]
    bad = client.get(reverse("api:organisations"), {"siren": "abc"})
    assert bad.json()["errors"] == {"siren": ["Un SIREN compte 9 chiffres."]}


def test_an_unexpected_error_is_a_500_problem_and_is_logged(monkeypatch, caplog):
    from api.views import reference

    def broken(self):
        raise RuntimeError("panne de test")

    monkeypatch.setattr(reference.OrganisationList, "get_queryset", broken)
    response = client_for(UserFactory()).get(reverse("api:organisations"))
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["title"] == "Erreur interne"
    assert "panne de test" not in response.content.decode()
    assert any(
        record.exc_info and "panne de test" in str(record.exc_info[1]) for record in caplog.records
    )


def test_options_describes_nothing_and_answers_405(setting):
    response = client_for(setting.users["adviser"]).options(reverse("api:conventions"))
    assert response.status_code == 405
    assert response.json()["title"] == "Méthode non autorisée"
