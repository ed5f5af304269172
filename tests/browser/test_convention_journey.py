"""The main journey in a real browser: an adviser runs a new CTG from draft to signature.

The adviser of the Caf du Haut-Rhin creates a convention for the CC de la
Vallée de Kaysersberg (not a demo territory), keeps three member communes,
names their representatives, reorders the parties, freezes the text, records
every deliberation, starts signing, records every signature, and the
convention shows as signed and in force. A chargé de coopération of another
territory cannot reach it.
"""

import datetime
import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from conventions.models import Convention

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-ctg-2026"
MAYORS = ["Pascale SCHMIDIGER", "Jean-Marie MULLER", "Claude BLANCK", "Christine HUEBER"]


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/compte/login/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()


def test_adviser_runs_a_new_convention_to_signature(page, live_server, screenshots):
    call_command("load_demo", force=True, stdout=StringIO())
    today = datetime.date.today()

    sign_in(page, live_server, "conseiller.hautrhin")
    screenshots(page, "01-tableau-de-bord")
    page.get_by_role("link", name="Conventions", exact=True).click()
    screenshots(page, "02-liste-des-conventions")
    page.get_by_role("link", name="Nouvelle convention").click()
    lead = page.get_by_role("combobox", name="Collectivité chef de file")
    lead.press_sequentially("vallee de kaysersberg")
    active = page.locator(".ts-dropdown .option.active")
    expect(active).to_contain_text("CC de la Vallée de Kaysersberg")
    lead.press("Enter")
    page.get_by_label("Modèle de convention").select_option(
        label="Modèle CTG de la Caf du Haut-Rhin (renouvellement 2026)"
    )
    page.get_by_label("Date de début").fill(f"01/01/{today.year}")
    page.get_by_label("Date de fin").fill(f"31/12/{today.year + 4}")
    screenshots(page, "03-creation-etape-1")
    page.get_by_role("button", name="Continuer : choisir les parties").click()
    communes = page.get_by_role("checkbox")
    expect(communes).to_have_count(8)
    for index in range(8):
        expect(communes.nth(index)).not_to_be_checked()  # ninety communes, none pre-ticked
    page.get_by_label("Choisir dans la liste ci-dessous").check()
    for index in range(3):
        communes.nth(index).check()
    screenshots(page, "04-creation-etape-2")
    page.get_by_role("button", name="Créer la convention").click()
    expect(page.get_by_text("a été créée en préparation, avec 5 parties")).to_be_visible()
    convention = Convention.objects.get(lead_authority__siren="246800551")
    detail_url = page.url

    # Name the missing signing people: the EPCI's president and the three mayors.
    page.get_by_role("link", name="Parties", exact=True).click()
    for index, mayor in enumerate(MAYORS):
        row = page.locator("tbody tr").filter(has_text="à désigner").first
        row.get_by_role("link", name=re.compile("^Modifier")).click()
        first, last = mayor.split(" ")
        page.get_by_label("Civilité").select_option(
            label="Madame" if index % 2 == 0 else "Monsieur"
        )
        page.get_by_label("Prénom").fill(first)
        page.get_by_label(re.compile(r"^\s*Nom\W*$")).fill(last)
        page.get_by_label("Fonction").fill("Président" if index == 0 else "Maire")
        with page.expect_navigation():
            page.get_by_role("button", name="Ajouter le représentant").click()
        expect(page.get_by_text("a été ajouté(e) et désigné(e) signataire")).to_be_visible()
        page.get_by_role("link", name="Parties", exact=True).click()
    last_row = page.locator("tbody tr").last
    last_name = last_row.locator("td").nth(1).inner_text().split("\n")[0]
    last_row.get_by_role("button", name=re.compile("^Monter")).click()
    expect(page.locator("tbody tr").nth(3)).to_contain_text(last_name)
    screenshots(page, "05-parties")

    page.goto(detail_url)
    page.get_by_role("link", name="Figer le texte pour délibération").click()
    screenshots(page, "06-confirmation-figer")
    page.get_by_role("button", name="Figer le texte").click()
    expect(page.get_by_text("Le texte est figé")).to_be_visible()

    for number in range(4):
        page.get_by_role("link", name=re.compile("^enregistrer la délibération")).first.click()
        page.get_by_label("Date de la séance").fill(today.isoformat())
        page.get_by_label("Numéro de l'acte").fill(f"{today.year}-{40 + number}")
        page.get_by_label("Membres en exercice").fill("19")
        page.get_by_label("Membres présents").fill("15")
        page.get_by_label("Pouvoirs").fill("2")
        page.get_by_label("Suffrages exprimés").fill("17")
        page.get_by_label(re.compile(r"^\s*Pour\W*$")).fill("17")
        page.get_by_label("Décision").select_option(label="Adoptée à l'unanimité")
        if number == 0:
            screenshots(page, "07-deliberation")
        with page.expect_navigation():
            page.get_by_role("button", name="Enregistrer la délibération").click()
        expect(page.get_by_text("enregistrée.")).to_be_visible()

    page.get_by_role("link", name="Mettre à la signature").click()
    page.get_by_role("button", name="Mettre à la signature").click()
    expect(page.get_by_text("La convention est à la signature.")).to_be_visible()

    page.get_by_role("link", name="Enregistrer une signature").click()
    for _ in range(6):  # the Caf's two signing people, the EPCI and three communes
        page.get_by_label("Date de signature").fill(today.isoformat())
        # Wait for each answer, so that a slow server never gets the same signature twice.
        with page.expect_navigation():
            page.get_by_role("button", name="Enregistrer la signature").click()
    expect(page.get_by_text("la convention est signée")).to_be_visible()
    expect(page.locator(".badge.fs-6")).to_have_text("En vigueur")
    expect(page.get_by_text("6 signatures sur 6 attendues.")).to_be_visible()
    screenshots(page, "08-convention-signee")
    convention.refresh_from_db()
    assert convention.state == "signed"

    page.get_by_role("button", name="Se déconnecter").click()
    sign_in(page, live_server, "cooperation.valdargent")
    response = page.goto(detail_url)
    assert response.status == 404
    page.goto(f"{live_server.url}/conventions/")
    expect(page.get_by_text("CC de la Vallée de Kaysersberg")).to_have_count(0)
