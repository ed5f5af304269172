"""The quarterly follow-up in a real browser, on the signed PMA convention.

A chargé de coopération of Pays de Montbéliard Agglomération completes and
submits an action of the third quarter of 2026 on the quarter's page; the Caf
du Doubs adviser, on the review page, validates it with the keyboard, sends
another back with a comment and validates the rest of the quarter in one step,
without a reload; then reads the plan dashboard and downloads the shared
tracking table. Screenshots of each page go to test-output/screenshots.
"""

import io
import re
from io import StringIO

import openpyxl
import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from conventions.models import Convention
from partners.models import Role, User

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-ctg-2026"


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/compte/login/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()


def test_territory_submits_and_the_caf_validates_then_reads_the_dashboard(
    page, live_server, screenshots
):
    call_command("load_demo", force=True, stdout=StringIO())
    pma = Convention.objects.get(reference="pma-2023-2027")
    User.objects.create_user(
        "cooperation.pma",
        "cooperation.pma@ctg-demo.example.org",
        PASSWORD,
        role=Role.COOPERATION,
        organisation=pma.lead_authority,
        first_name="Nadia",
        last_name="Belkacem",
    )

    sign_in(page, live_server, "cooperation.pma")
    page.goto(f"{live_server.url}/conventions/{pma.pk}/")
    page.get_by_role("link", name="Suivi trimestriel", exact=True).click()
    page.get_by_label("Trimestre", exact=True).select_option(value="2026-T3")
    page.get_by_role("button", name="Afficher").click()
    expect(page.get_by_role("heading", name="Suivi trimestriel – T3 2026")).to_be_visible()
    screenshots(page, "20-suivi-trimestriel")

    action = page.locator("#action-4")
    action.get_by_label("Réalisation (%)").fill("80")
    action.get_by_label("Réalisations").fill(
        "Deux sessions de formation au repérage des troubles du neurodéveloppement."
    )
    with page.expect_navigation():
        action.get_by_role("button", name="Enregistrer et transmettre l'action 4").click()
    expect(page.get_by_text("Suivi de l'action 4 transmis à la Caf.")).to_be_visible()
    expect(page.locator("#action-4").get_by_label("Réalisations")).to_have_count(0)

    page.get_by_role("button", name="Se déconnecter").click()
    sign_in(page, live_server, "conseiller.doubs")
    page.goto(f"{live_server.url}/conventions/{pma.pk}/suivi/2026/T3/")
    expect(page.get_by_role("heading", name="Action 4 – ", exact=False)).to_be_visible()
    screenshots(page, "23-revue-du-trimestre")
    # Every decision below is taken without reloading the page: this mark would vanish.
    page.evaluate("window.sansRechargement = true")

    # With the keyboard alone: the block is replaced, the focus comes back to its heading.
    page.get_by_role("button", name="Valider le suivi de l'action 4").focus()
    page.keyboard.press("Enter")
    action = page.locator("#action-4")
    expect(action.get_by_role("heading", name="Action 4 – ", exact=False)).to_be_focused()
    expect(action.get_by_text("Suivi de l'action 4 validé.")).to_be_visible()
    expect(action.get_by_text("Validé", exact=True)).to_be_visible()
    expect(page.locator("#revue-annonce")).to_have_text("Suivi de l'action 4 validé.")

    # Sending back needs a comment, asked for at the field.
    action = page.locator("#action-1")
    action.get_by_text("Renvoyer pour complément").click()
    action.get_by_role("button", name="Renvoyer l'action 1 à la collectivité").click()
    comment = page.locator("#action-1").get_by_label("Commentaire pour la collectivité")
    expect(comment).to_be_focused()
    expect(page.locator("#action-1")).to_contain_text(
        "Indiquez ce qui est à compléter ou à corriger."
    )
    comment.fill("Précisez le nombre de jeunes présents à la restitution.")
    page.locator("#action-1").get_by_role(
        "button", name="Renvoyer l'action 1 à la collectivité"
    ).click()
    expect(page.locator("#action-1")).to_contain_text(
        "Suivi de l'action 1 renvoyé à la collectivité."
    )

    # The rest of the quarter in one step; the list refreshes.
    page.get_by_role("button", name="Valider toutes les actions transmises").click()
    expect(
        page.locator("#revue").get_by_text(re.compile(r"^\d+ suivis validés \(actions "))
    ).to_be_visible()
    expect(page.get_by_role("heading", name="Vue d'ensemble")).to_be_focused()
    expect(page.get_by_role("button", name="Valider toutes les actions transmises")).to_have_count(
        0
    )
    assert page.evaluate("window.sansRechargement") is True
    screenshots(page, "24-trimestre-valide")

    page.get_by_role("link", name="Tableau de bord du plan").click()
    heading = page.get_by_role("heading", name="Où en est le plan d'actions – T3 2026")
    expect(heading).to_be_visible()
    expect(page.locator("svg[role=img]")).to_have_count(3)  # no numeric target in the demo
    screenshots(page, "21-tableau-de-bord-du-plan")

    with page.expect_download() as download:
        page.get_by_role("link", name="Tableau de suivi (Excel)").click()
    book = openpyxl.load_workbook(io.BytesIO(download.value.path().read_bytes()))
    actions = book["Actions"]
    header = [cell.value for cell in actions[1]]
    row = [cell.value for cell in actions[5]]
    assert row[header.index("T3 2026 – %")] == 80

    page.goto(f"{live_server.url}/suivi/?trimestre=2026-T3")
    expect(page.get_by_role("heading", name="Suivi trimestriel – T3 2026")).to_be_visible()
    screenshots(page, "22-suivi-de-la-caf")
