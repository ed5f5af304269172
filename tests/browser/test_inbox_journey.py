"""The "À faire" inbox in a real browser, at desktop and phone widths.

A chargé de coopération transmits two actions; the Caf's adviser sees the count
in the navbar, opens "À faire", follows the line to the quarter; once both are
validated the line is gone. The chargé sets the daily digest on "Mon compte".
axe-core finds no serious or critical violation on either page, and neither
scrolls sideways on a phone. Screenshots go to test-output/screenshots.
"""

import datetime

import pytest
import time_machine
from django.conf import settings
from playwright.sync_api import expect

from actionplan import followup
from partners.models import User
from tests.followup_setup import entry_data, signed_convention

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "motdepasse-de-test"
AXE = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
SERIOUS = """async () => {
  const results = await axe.run(document, {resultTypes: ["violations"]});
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.id} : ${v.nodes.map((n) => n.target.join(" ")).join(" | ")}`);
}"""


def sign_in(page, live_server, user):
    page.goto(f"{live_server.url}/compte/login/")
    page.get_by_label("Nom d’utilisateur").fill(user.username)
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Se connecter").click()
    expect(page.get_by_role("heading", name="Tableau de bord")).to_be_visible()


def check(page, name, screenshots):
    page.add_script_tag(path=AXE)
    assert page.evaluate(SERIOUS) == [], name
    screenshots(page, name)


@pytest.fixture(autouse=True)
def _today():
    # The server thread reads the same frozen clock: 10 May 2026, T2 under way.
    with time_machine.travel(datetime.datetime(2026, 5, 10, 9, 0), tick=True):
        yield


def test_the_adviser_follows_the_inbox_and_the_line_goes_once_done(
    browser, live_server, screenshots
):
    setting = signed_convention()
    adviser, officer = setting.users["adviser"], setting.users["cooperation"]
    for number in (1, 2):
        entry = setting.entries[(number, 2026, 2)]
        followup.save_entry(officer, entry, entry.revision, entry_data(), submit=True)

    for width, screen in ((1280, "ordinateur"), (390, "telephone")):
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        page = context.new_page()
        sign_in(page, live_server, adviser)
        if width == 390:
            page.get_by_role("button", name="Menu").click()
        # One quarter to validate, one late (T1, never transmitted).
        link = page.get_by_role("link", name="À faire : 2 tâches en attente")
        expect(link).to_be_visible()
        link.click()
        expect(page.get_by_role("heading", name="À faire", level=1)).to_be_visible()
        expect(page.get_by_role("heading", name="Suivis transmis à valider")).to_be_visible()
        check(page, f"a-faire-conseiller-{screen}", screenshots)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        context.close()

    context = browser.new_context(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    page = context.new_page()
    sign_in(page, live_server, adviser)
    page.get_by_role("link", name="À faire : 2 tâches en attente").click()
    page.get_by_role("link", name=f"{setting.convention.title} – T2 2026 : 2 actions").click()
    expect(page).to_have_url(
        f"{live_server.url}/conventions/{setting.convention.pk}/suivi/2026/T2/"
    )
    for number in (1, 2):
        entry = setting.entries[(number, 2026, 2)]
        entry.refresh_from_db()
        followup.validate(adviser, entry, entry.revision)
    page.goto(f"{live_server.url}/a-faire/")
    expect(page.get_by_role("heading", name="Suivis transmis à valider")).to_have_count(0)
    expect(page.get_by_role("link", name="À faire : 1 tâche en attente")).to_be_visible()
    context.close()


def test_the_cooperation_officer_chooses_the_daily_digest(browser, live_server, screenshots):
    setting = signed_convention()
    officer = setting.users["cooperation"]
    for width, screen in ((1280, "ordinateur"), (390, "telephone")):
        context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
        page = context.new_page()
        sign_in(page, live_server, officer)
        page.goto(f"{live_server.url}/compte/")
        check(page, f"mon-compte-{screen}", screenshots)
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        if width == 1280:
            page.get_by_label("Recevoir un résumé quotidien").check()
            page.get_by_role("button", name="Enregistrer mes préférences").click()
            expect(page.get_by_text("Vos préférences sont enregistrées.")).to_be_visible()
        context.close()
    assert User.objects.get(pk=officer.pk).daily_digest
