"""An amendment that changes the plan, in a real browser: the Doubs adviser opens an
amendment of the signed PMA convention, rewrites one action sheet and closes another in
its working copy, adds a commune as a party, reads the difference and freezes it; once
deliberated and signed, the plan shows the change and the follow-up keeps its past."""

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from conventions import lifecycle
from conventions.models import Convention
from partners.models import Organisation
from tests.factories import DeliberationFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-ctg-2026"


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/compte/login/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()


def test_an_amendment_changes_two_sheets_and_adds_a_party(page, live_server, screenshots):
    call_command("load_demo", force=True, stdout=StringIO())
    pma = Convention.objects.get(reference="pma-2023-2027")
    first, last = pma.action_sheets.order_by("number")[0], pma.action_sheets.order_by("-number")[0]
    newcomer = (
        Organisation.objects.filter(epci=pma.lead_authority)
        .exclude(parties__convention=pma)
        .order_by("name")
        .first()
    )

    sign_in(page, live_server, "conseiller.doubs")
    page.goto(f"{live_server.url}/conventions/{pma.pk}/")
    page.get_by_role("link", name="Créer un avenant").click()
    page.get_by_label("Objet").fill("la révision du plan d'actions")
    page.get_by_label("Modifications apportées").fill(
        f"Fiche action 1 réécrite, fiche action {last.number} close, entrée de {newcomer.name}."
    )
    page.get_by_label("Date d'effet").fill("01/01/2027")
    page.get_by_role("button", name="Créer l'avenant").click()
    page.get_by_role(
        "button", name="Modifier le plan d'actions ou les parties par cet avenant"
    ).click()
    expect(page.get_by_text("Aucune modification pour l'instant.")).to_be_visible()
    amendment_url = page.url

    page.get_by_role("link", name="Modifier le plan d'actions de l'avenant").click()
    page.get_by_role("link", name="Modifier l'action 1", exact=True).click()
    page.get_by_label("Intitulé").fill("Un guichet unique de l'accueil du jeune enfant")
    page.get_by_role("button", name="Enregistrer la fiche").click()
    page.go_back()
    page.go_back()
    page.reload()
    page.get_by_role("link", name=f"Supprimer l'action {last.number}", exact=True).click()
    page.get_by_role("button", name="Supprimer").click()

    page.goto(amendment_url)
    page.get_by_role("link", name="Modifier les parties de l'avenant").click()
    picker = page.get_by_role("combobox", name="Organisation")
    picker.focus()
    picker.press_sequentially(newcomer.name)
    expect(page.get_by_role("option", name=newcomer.name).first).to_be_visible()
    page.keyboard.press("Enter")
    page.get_by_label("Rôle").select_option(label="Cosignataire")
    page.get_by_role("button", name="Ajouter").click()

    page.goto(amendment_url)
    expect(page.get_by_text(f"Entrée : {newcomer.name}")).to_be_visible()
    expect(page.get_by_text(f"Modification : Fiche action 1 : {first.title}")).to_be_visible()
    expect(
        page.get_by_role("cell", name="Un guichet unique de l'accueil du jeune enfant")
    ).to_be_visible()
    expect(
        page.get_by_text(f"(le suivi passé est conservé) : Fiche action {last.number}")
    ).to_be_visible()
    screenshots(page, "avenant-01-difference")
    page.get_by_role("button", name="Figer pour délibération").click()
    expect(page.get_by_text("L'avenant est figé")).to_be_visible()

    # Thirty-seven councils deliberate and thirty-eight people sign: recorded directly.
    amendment = pma.amendments.get()
    for party in lifecycle.parties_missing_deliberation(pma, amendment):
        DeliberationFactory(party=party, amendment=amendment)
    lifecycle.start_amendment_signing(amendment)
    for party, person in lifecycle.pending_signatures(pma, amendment):
        lifecycle.record_amendment_signature(
            amendment, party=party, representative=person, signed_on=amendment.frozen_at.date()
        )

    page.goto(f"{live_server.url}/conventions/{pma.pk}/plan/")
    expect(
        page.get_by_role("link", name="Action 1 : Un guichet unique de l'accueil du jeune enfant")
    ).to_be_visible()
    expect(page.get_by_text("close le 1 janvier 2027")).to_be_visible()
    screenshots(page, "avenant-02-plan")
    page.goto(f"{live_server.url}/conventions/{pma.pk}/")
    expect(page.get_by_text(newcomer.name).first).to_be_visible()
    # The closed sheet keeps its past follow-up.
    assert last.follow_ups.exists()
