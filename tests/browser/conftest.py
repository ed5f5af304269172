import os
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = "/usr/bin/chromium"


def pytest_collection_modifyitems(config, items):
    # Outside CI, a machine without Debian's Chromium skips the browser journeys with a
    # clear line; CI installs it and counts a skipped browser test as a failure.
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(
        reason=f"{CHROMIUM} absent : apt-get install chromium pour lancer les parcours navigateur"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    # Debian's Chromium: Playwright's own browser download cannot work here.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def screenshots():
    """Where screenshots of the main pages go, for a person to look at."""
    directory = Path(os.environ.get("TEST_OUTPUT_DIR", settings.BASE_DIR / "test-output"))
    directory = directory / "screenshots"
    directory.mkdir(parents=True, exist_ok=True)

    def shoot(page, name):
        page.screenshot(path=directory / f"{name}.png", full_page=True)

    return shoot
