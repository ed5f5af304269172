"""The 403, 404 and 500 pages, as a user meets them in production (DEBUG off): French,
in the site's layout, with a way back; the 404 does not tell a hidden convention from a
missing one, and the 500 page renders without a request nor the database."""

import re

import pytest
from django.template.loader import render_to_string
from django.urls import include, path, reverse

from conventions.models import PartyRole
from partners.models import Role
from tests.factories import ConventionFactory, OrganisationFactory, PartyFactory, UserFactory

pytestmark = pytest.mark.django_db


def broken_view(request):
    raise RuntimeError("panne simulée")


# Test-only URLconf (pytest.mark.urls below): the site plus a view that fails.
urlpatterns = [
    path("panne/", broken_view),
    path("", include("ctg.urls")),
]


@pytest.fixture(autouse=True)
def _production(settings):
    settings.DEBUG = False


@pytest.fixture
def convention():
    convention = ConventionFactory(title="CTG du Val d'Argent")
    PartyFactory(convention=convention, organisation=convention.lead_authority, role=PartyRole.LEAD)
    return convention


def main_text(response):
    """The text of the page's <main>, without tags (the CSRF token differs per page)."""
    main = re.search(r"<main[^>]*>(.*)</main>", response.content.decode(), re.S).group(1)
    return " ".join(re.sub(r"<[^>]+>", " ", main).split())


def test_a_hidden_convention_and_a_missing_one_give_the_same_french_404(client, convention):
    outsider = UserFactory(role=Role.READER, organisation=OrganisationFactory())
    client.force_login(outsider)

    hidden = client.get(reverse("conventions:detail", args=[convention.pk]))
    missing = client.get(reverse("conventions:detail", args=[convention.pk + 1000]))

    assert hidden.status_code == missing.status_code == 404
    assert main_text(hidden) == main_text(missing)
    page = hidden.content.decode()
    assert '<html lang="fr">' in page
    assert "Page introuvable" in page
    assert "Argent" not in page
    assert f'href="{reverse("conventions:home")}"' in main_text_html(hidden)
    # The site's layout: the navigation of a signed-in user.
    assert "Se déconnecter" in page


def test_a_reader_trying_to_edit_gets_the_french_403(client, convention):
    commune = PartyFactory(convention=convention, role=PartyRole.CO_SIGNATORY).organisation
    client.force_login(UserFactory(role=Role.READER, organisation=commune))

    response = client.get(reverse("conventions:edit_general", args=[convention.pk]))

    assert response.status_code == 403
    page = response.content.decode()
    assert '<html lang="fr">' in page
    assert "Accès refusé" in page
    assert f'href="{reverse("conventions:home")}"' in main_text_html(response)


def test_an_unknown_address_gets_the_404_signed_out_too(client):
    response = client.get("/adresse-inconnue/")
    assert response.status_code == 404
    assert "Page introuvable" in main_text(response)


@pytest.mark.urls("tests.test_error_pages")
def test_a_failing_view_gives_the_french_500_page(client):
    client.force_login(UserFactory(role=Role.READER, organisation=OrganisationFactory()))
    client.raise_request_exception = False

    response = client.get("/panne/")

    assert response.status_code == 500
    page = response.content.decode()
    assert '<html lang="fr">' in page
    assert "Erreur du serveur" in page
    assert "panne simulée" not in page
    assert 'href="/"' in page


def test_the_500_page_needs_neither_request_nor_database(django_assert_num_queries):
    with django_assert_num_queries(0):
        page = render_to_string("500.html")
    assert "Erreur du serveur" in page
    assert "bootstrap.min.css" in page


def main_text_html(response):
    return re.search(r"<main[^>]*>(.*)</main>", response.content.decode(), re.S).group(1)
