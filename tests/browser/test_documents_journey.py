"""The Documents section in a real browser: htmx loads it into the convention page, the
adviser asks for the draft's PDF, follows it to "Prêt" and downloads it."""

from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from conventions.models import Convention

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-ctg-2026"


def test_adviser_produces_and_downloads_the_draft_convention_pdf(
    page, live_server, screenshots, tmp_path
):
    call_command("load_demo", force=True, stdout=StringIO())
    convention = Convention.objects.get(reference="val-d-argent-2026-2030")

    page.goto(f"{live_server.url}/compte/login/")
    page.get_by_label("Nom d’utilisateur").fill("conseiller.hautrhin")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    page.goto(f"{live_server.url}/conventions/{convention.pk}/#documents")

    section = page.locator("#documents-produits")
    expect(section.get_by_text("Aucun document produit pour l'instant.")).to_be_visible()
    section.get_by_role("button", name="Convention – projet en préparation (PDF)").click()
    expect(section.get_by_text("Prêt", exact=True)).to_be_visible(timeout=30_000)
    section.scroll_into_view_if_needed()
    screenshots(page, "documents-01-section")

    with page.expect_download() as download_info:
        section.get_by_role("link", name="Télécharger").first.click()
    download = download_info.value
    assert download.suggested_filename == "convention-val-d-argent-2026-2030-projet.pdf"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    assert target.read_bytes().startswith(b"%PDF")
