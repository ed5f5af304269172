"""Every page of the application, for each demo role, on a desktop screen (1280 px) and
on a phone (390 px): no serious or critical axe-core violation, and on the phone nothing
wider than the screen (no sideways scrolling of the whole page).

The pages come from the URL patterns (tests/browser/site_pages.py), so a new page is
checked as soon as it exists. Screenshots of the phone pages go to
test-output/screenshots/phone-*.png.
"""

from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from playwright.sync_api import expect

from partners.models import Role
from tests.browser.site_pages import admin_pages, site_pages
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "demo-ctg-2026"
AXE = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
PHONE = 390
WIDTHS = {"ordinateur": 1280, "telephone": PHONE}
ROLES = [
    None,
    "admin",
    "conseiller.hautrhin",
    "conseiller.doubs",
    "cooperation.valdargent",
    "lecteur.valentigney",
]

# Serious and critical only: "moderate" and "minor" are reported by axe for
# best practices (one <main>, region landmarks) that the brief does not require.
RUN_AXE = """async ([context, options]) => {
  const results = await axe.run(context, {...options, resultTypes: ["violations"]});
  return results.violations
    .filter((v) => v.impact === "serious" || v.impact === "critical")
    .map((v) => `${v.impact} ${v.id} : ${v.help} — ` +
      v.nodes.slice(0, 3).map((n) => n.target.join(" ")).join(" | "));
}"""
# The admin site is Django's: only the names of its inputs depend on our admin code
# (tabular inlines, editable columns); its autocomplete (select2) and search bar do not.
ADMIN_AXE = [
    {"exclude": [[".select2-container"], ["#changelist-search"]]},
    {"runOnly": {"type": "rule", "values": ["label", "select-name", "label-title-only"]}},
]

SITE_AXE = [{"exclude": []}, {}]

# The widest element, to say what to fix when a phone page scrolls sideways.
WIDEST = """() => {
  let widest = null;
  const scrolled = (element) => {
    for (let up = element.parentElement; up && up !== document.body; up = up.parentElement) {
      if (getComputedStyle(up).overflowX !== "visible") return true;
    }
    return false;
  };
  for (const element of document.body.querySelectorAll("*")) {
    const right = element.getBoundingClientRect().right;
    if (right <= window.innerWidth || scrolled(element)) continue;
    if (!widest || right > widest.right) {
      widest = {right, tag: element.tagName.toLowerCase() + (element.id ? "#" + element.id : "")
        + (element.className && typeof element.className === "string"
          ? "." + element.className.trim().split(/\\s+/).join(".") : "")};
    }
  }
  return widest ? `${widest.tag} (${Math.round(widest.right)} px)` : "";
}"""


def check_pages(browser, base_url, username, width, pages, shoot=None):
    """Visit ``pages`` signed in as ``username`` (None: signed out) at ``width`` px; return
    the problems found, one line each."""
    # The Content-Security-Policy refuses inline scripts, which is how axe is injected.
    context = browser.new_context(viewport={"width": width, "height": 900}, bypass_csp=True)
    page = context.new_page()
    problems = []
    try:
        if username:
            page.goto(f"{base_url}/compte/login/")
            page.get_by_label("Nom d’utilisateur").fill(username)
            page.get_by_label("Mot de passe").fill(PASSWORD)
            page.get_by_role("button", name="Se connecter").click()
            page.wait_for_url(f"{base_url}/")
        seen = set()
        for name, path in pages:
            # Asked first without the browser: a download or an action answering GET with
            # an empty 405 has no page, and Chromium's own error page for an empty answer
            # disturbs the next navigation.
            answer = context.request.get(base_url + path)
            if answer.status == 405 or "text/html" not in answer.headers.get("content-type", ""):
                continue
            response = page.goto(base_url + path)
            # A page answered by a redirect (to the login, to the convention) or an error
            # page is the same page for many paths: check it once.
            landed = page.url if response.status == 200 else response.status
            if landed in seen:
                continue
            seen.add(landed)
            if response.status >= 500:
                problems.append(f"{path} ({name}) : erreur {response.status}")
                continue
            page.add_script_tag(path=AXE)
            scope = ADMIN_AXE if path.startswith("/admin/") else SITE_AXE
            for violation in page.evaluate(RUN_AXE, scope):
                problems.append(f"{path} ({name}) : {violation}")
            if width == PHONE:
                scroll_width = page.evaluate("document.documentElement.scrollWidth")
                if scroll_width > PHONE:
                    problems.append(
                        f"{path} ({name}) : {scroll_width} px de large, "
                        f"dépasse par {page.evaluate(WIDEST)}"
                    )
            if shoot:
                shoot(page, f"phone-{username or 'anonyme'}-{name.replace(':', '-')}")
    finally:
        context.close()
    return problems


# One test per role (the demo is loaded once for both screens), one sub-test per screen.
@pytest.mark.parametrize("username", ROLES, ids=[r or "anonyme" for r in ROLES])
def test_every_page_is_accessible_and_fits(browser, live_server, screenshots, subtests, username):
    call_command("load_demo", force=True, stdout=StringIO())
    pages = site_pages() + (admin_pages() if username == "admin" else [])
    for screen, width in WIDTHS.items():
        with subtests.test(ecran=screen):
            shoot = screenshots if width == PHONE else None
            problems = check_pages(browser, live_server.url, username, width, pages, shoot)
            print("\n".join(problems))
            assert not problems, f"{len(problems)} problème(s) :\n" + "\n".join(problems)


def test_the_phone_menu_opens_with_the_keyboard(browser, live_server):
    UserFactory(username="lectrice", role=Role.READER)
    context = browser.new_context(viewport={"width": PHONE, "height": 800})
    page = context.new_page()
    page.goto(f"{live_server.url}/compte/login/")
    page.get_by_label("Nom d’utilisateur").fill("lectrice")
    page.get_by_label("Mot de passe").fill("motdepasse-de-test")
    page.get_by_label("Mot de passe").press("Enter")
    conventions = page.get_by_role("link", name="Conventions", exact=True)
    expect(conventions).to_be_hidden()

    page.get_by_role("button", name="Menu").focus()
    page.keyboard.press("Enter")

    expect(conventions).to_be_visible()
    expect(page.get_by_role("button", name="Menu")).to_have_attribute("aria-expanded", "true")
    page.keyboard.press("Tab")
    page.keyboard.press("Tab")
    expect(conventions).to_be_focused()
    context.close()
