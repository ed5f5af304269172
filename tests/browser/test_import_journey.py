"""Importing an existing convention in a real browser.

The adviser of the Caf du Doubs uploads the PMA convention 2023-2027 (reference
003) built as a DOCX, corrects the place of signature on the review page, creates
the convention as already signed, finds its parties, articles and action plan on
its page, produces its PDF in the Documents section and finds in it the parties,
the visas, and the place and date of signature.
"""

import io
import re
from io import StringIO

import pytest
from django.core.management import call_command
from playwright.sync_api import expect
from pypdf import PdfReader

from conventions.models import Convention, ConventionState
from partners.models import Organisation
from tests.importing import builders

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-ctg-2026"


def sign_in(page, live_server, username):
    page.goto(f"{live_server.url}/compte/login/")
    page.get_by_label("Nom d’utilisateur").fill(username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()


def test_adviser_imports_a_signed_convention_and_prints_it(
    page, live_server, screenshots, tmp_path
):
    call_command("load_demo", force=True, stdout=StringIO())
    document = builders.build_docx(
        builders.reference_text(builders.PMA), tmp_path / "CTG PMA 2023-2027.docx"
    )

    sign_in(page, live_server, "conseiller.doubs")
    page.get_by_role("link", name="Conventions", exact=True).click()
    page.get_by_role("link", name="Importer une convention existante").click()
    page.get_by_label("Document de la convention").set_input_files(document)
    screenshots(page, "import-01-depot")
    page.get_by_role("button", name="Lire le document").click()

    expect(page.get_by_role("heading", name="Vérifier ce qui a été lu")).to_be_visible()
    expect(page.get_by_role("heading", name="Parties (37)")).to_be_visible()
    expect(page.get_by_label("Date de signature")).to_have_value("21/11/2022")
    place = page.get_by_label("Lieu de signature")
    expect(place).to_have_value("Montbéliard")
    place.fill("Montbéliard (Doubs)")
    # The reference data knows Pont de Roide by its name since the merger of 2019.
    merged = Organisation.objects.get(name="Pont-de-Roide-Vermondans")
    party = page.get_by_role("group", name=re.compile(r"^Partie \d+ : La Commune de Pont de Roide"))
    picker = party.get_by_role("combobox", name="Organisation du référentiel")
    picker.press_sequentially("pont-de-roide-verm")
    # Enter picks the highlighted suggestion, once the list has followed the typing.
    active = party.locator(".ts-dropdown .option.active")
    expect(active).to_have_text(re.compile("^Pont-de-Roide-Vermondans"))
    picker.press("Enter")
    expect(party.locator("select[data-picker]")).to_have_value(str(merged.pk))
    # The demo already holds this convention, born in the application.
    page.get_by_label("Référence de la convention").fill("pma-2023-2027-importee")
    page.get_by_label(re.compile("Déjà signée")).check()
    screenshots(page, "import-02-verification")
    page.get_by_role("button", name="Créer la convention").click()

    expect(page.get_by_text("a été créée")).to_be_visible()
    convention = Convention.objects.get(reference="pma-2023-2027-importee")
    assert convention.state == ConventionState.SIGNED
    assert convention.parties.count() == 37
    parties = page.locator("#parties tbody tr")
    expect(parties).to_have_count(37)
    expect(parties.nth(4)).to_contain_text("Arbouans")
    expect(page.locator("#articles summary")).to_have_count(14)
    screenshots(page, "import-03-convention")
    page.get_by_role("link", name="Consulter le plan d'actions").click()
    expect(page.get_by_text(re.compile(r"^Action 10 :")).first).to_be_visible()
    screenshots(page, "import-04-plan")
    page.go_back()

    section = page.locator("#documents-produits")
    section.get_by_role("button", name=re.compile(r"^Convention – texte figé")).click()
    expect(section.get_by_text("Prêt", exact=True)).to_be_visible(timeout=60_000)
    section.scroll_into_view_if_needed()
    screenshots(page, "import-05-documents")
    with page.expect_download() as download_info:
        section.get_by_role("link", name="Télécharger").first.click()
    data = download_info.value.path().read_bytes()
    text = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    text = re.sub(r"\s+", " ", text)
    for expected in (
        "Pays de Montbéliard Agglomération",
        "Arbouans",
        "Bourguignon",
        "ROTA",
        "Vu la délibération",
        "Fait à Montbéliard (Doubs), le 21 novembre 2022",
    ):
        assert expected in text, expected
