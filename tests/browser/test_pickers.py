"""The lead authority picker in a real browser: typed without accents, chosen with the
keyboard, dates typed the French way."""

import pytest
from playwright.sync_api import expect

from partners.models import Role
from tests.factories import OrganisationFactory, RepresentativeFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_adviser_finds_the_lead_authority_by_typing_and_chooses_it_with_the_keyboard(
    page, live_server, screenshots
):
    caf = OrganisationFactory(as_caf=True, name="Caf du Haut-Rhin")
    kaysersberg = OrganisationFactory(as_epci=True, name="CC de la Vallée de Kaysersberg")
    OrganisationFactory(as_epci=True, name="CC du Val d'Argent")
    for name in ("Kaysersberg Vignoble", "Orbey", "Lapoutroie"):
        RepresentativeFactory(organisation=OrganisationFactory(name=name, epci=kaysersberg))
    UserFactory(username="conseillere", role=Role.ADVISER, organisation=caf)

    page.goto(f"{live_server.url}/compte/login/")
    page.get_by_label("Nom d’utilisateur").fill("conseillere")
    page.get_by_label("Mot de passe").fill("motdepasse-de-test")
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"{live_server.url}/conventions/nouvelle/")

    picker = page.get_by_role("combobox", name="Collectivité chef de file")
    picker.focus()
    picker.press_sequentially("vallee de kays")
    suggestion = page.get_by_role("option", name="CC de la Vallée de Kaysersberg")
    expect(suggestion).to_be_visible()
    expect(suggestion).to_contain_text("Intercommunalité (EPCI) · 68 – Haut-Rhin · SIREN")
    expect(page.get_by_role("option", name="CC du Val d'Argent")).to_have_count(0)
    # Enter picks the highlighted suggestion, once the list has followed the typing.
    expect(page.locator(".ts-dropdown .option.active")).to_contain_text(
        "CC de la Vallée de Kaysersberg"
    )
    screenshots(page, "picker-01-suggestions")
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.locator(".ts-control .item")).to_have_text(
        f"CC de la Vallée de Kaysersberg – Intercommunalité (EPCI), 68, SIREN {kaysersberg.siren}"
    )

    page.get_by_label("Date de début").fill("01/01/2027")
    page.get_by_label("Date de fin").fill("31/12/2031")
    page.get_by_role("button", name="Continuer : choisir les parties").click()
    expect(page.get_by_text("Étape 2 sur 2")).to_be_visible()
    expect(page.get_by_role("checkbox")).to_have_count(3)
    screenshots(page, "picker-02-etape-2")
