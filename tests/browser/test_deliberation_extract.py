"""Issue 14 in a real browser: Valentigney's chargé de coopération records the council's
deliberation from its extract. They open the deliberation form of their commune, upload
the extract (a PDF with a text layer, as council software produces), see the form filled
with each value marked as read, correct one value, record it; the deliberation's page
shows the corrected value and the facts the extract gave."""

import pytest
from playwright.sync_api import expect

from conventions.models import Deliberation
from partners.models import Role
from tests.browser.test_accessibility import AXE, PHONE, RUN_AXE, SITE_AXE
from tests.factories import UserFactory
from tests.test_deliberation_extract_form import extract_pdf, frozen_convention

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "motdepasse-de-test"


@pytest.fixture
def browser_context_args(browser_context_args):
    # axe-core is injected as a script, which the Content-Security-Policy refuses.
    return {**browser_context_args, "bypass_csp": True}


def assert_accessible(page):
    """No serious axe-core violation, on a desktop screen and on a phone."""
    for width in (1280, PHONE):
        page.set_viewport_size({"width": width, "height": 900})
        page.add_script_tag(path=AXE)
        assert page.evaluate(RUN_AXE, SITE_AXE) == [], width
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.set_viewport_size({"width": 1280, "height": 900})


def test_officer_records_the_deliberation_from_its_extract(
    page, live_server, screenshots, tmp_path
):
    convention = frozen_convention()
    valentigney = convention.parties.get(organisation__name="Valentigney")
    officer = UserFactory(role=Role.COOPERATION, organisation=valentigney.organisation)
    extract = tmp_path / "extrait-2023-32.pdf"
    extract.write_bytes(extract_pdf())

    page.goto(f"{live_server.url}/compte/login/")
    page.get_by_label("Nom d’utilisateur").fill(officer.username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()
    page.goto(f"{live_server.url}/conventions/{convention.pk}/")
    page.get_by_role(
        "link", name="enregistrer la délibération de la Commune de Valentigney"
    ).click()
    expect(
        page.get_by_role("heading", name="Délibération de la Commune de Valentigney")
    ).to_be_visible()

    # Enter in a field saves (and shows what is missing): it never reads an extract.
    page.get_by_label("Numéro de l'acte").press("Enter")
    expect(page.get_by_text("La délibération n'est pas enregistrée")).to_be_visible()
    assert not Deliberation.objects.exists()

    page.get_by_label("Extrait de la délibération (PDF ou DOCX)").set_input_files(extract)
    page.get_by_role("button", name="Lire l'extrait").click()

    expect(
        page.get_by_role("heading", name="Extrait lu : rien n'est encore enregistré")
    ).to_be_visible()
    expect(page.get_by_label("Numéro de l'acte")).to_have_value("2023-32")
    expect(page.get_by_label("Date de la séance")).to_have_value("05/04/2023")
    expect(page.get_by_label("Membres en exercice")).to_have_value("33")
    expect(page.get_by_label("Membres présents")).to_have_value("27")
    expect(page.get_by_label("Pouvoirs")).to_have_value("4")
    expect(page.get_by_label("Votants")).to_have_value("31")
    expect(page.get_by_label("Décision")).to_have_value("adopted_unanimously")
    expect(page.get_by_label("Date de convocation")).to_have_value("30/03/2023")
    expect(page.get_by_label("Reçue en préfecture le")).to_have_value("12/04/2023")
    # The mark is the field's description, read out with it.
    expect(page.get_by_label("Membres présents")).to_have_accessible_description(
        "lu dans l'extrait"
    )
    expect(page.get_by_role("list").filter(has_text="membres élus")).to_be_visible()
    screenshots(page, "deliberation-extrait-lu")
    assert_accessible(page)
    assert not Deliberation.objects.exists()

    page.get_by_label("Secrétaire de séance").fill("Mme Anne-Lise GARCIA")
    page.get_by_label("Membres élus").fill("33")
    page.get_by_role("button", name="Enregistrer la délibération", exact=True).click()

    expect(
        page.get_by_text("Délibération n° 2023-32 de la Commune de Valentigney enregistrée.")
    ).to_be_visible()
    page.get_by_role("link", name="05/04/2023 (délibération de la Commune de Valentigney)").click()
    expect(
        page.get_by_role("heading", name="Délibération de la Commune de Valentigney n° 2023-32")
    ).to_be_visible()
    facts = page.locator("dl")
    for text in (
        "Mme Anne-Lise GARCIA",
        "Philippe GAUTIER",
        "Membres élus",
        "Membres excusés",
        "Membres absents",
        "30/03/2023",
        "12/04/2023",
        "025-212505804-20230405-2023_32-DE",
    ):
        expect(facts.filter(has_text=text).first).to_be_visible()
    expect(
        page.get_by_role(
            "link", name="Télécharger le PDF de la délibération de la Commune de Valentigney"
        )
    ).to_be_visible()
    screenshots(page, "deliberation-page")
    assert_accessible(page)
    deliberation = Deliberation.objects.get()
    assert deliberation.session_secretary == "Mme Anne-Lise GARCIA"
    assert (deliberation.excused, deliberation.absent, deliberation.members_elected) == (4, 2, 33)
    assert deliberation.scan.read() == extract.read_bytes()
