import copy
import os
from io import StringIO

import pytest
from celery import Celery
from celery.contrib.testing.app import setup_default_app
from django.core.management import call_command
from django.db import transaction
from django.test.utils import override_settings


class InvalidTemplateVariable(str):
    """Makes templates fail loudly on an undefined variable instead of printing nothing."""

    def __mod__(self, other):
        raise AssertionError(f"Variable de gabarit indéfinie : {other!r}")


@pytest.fixture(autouse=True)
def _strict_templates(settings):
    templates = copy.deepcopy(settings.TEMPLATES)
    for template in templates:
        template["OPTIONS"]["string_if_invalid"] = InvalidTemplateVariable("%s")
    settings.TEMPLATES = templates


@pytest.fixture(autouse=True)
def _empty_cache():
    # Cached figures (the navbar's count) must not outlive the test that made them.
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 costs a third of a second per user created; tests create many.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


# CI guard: with CI_REQUIRE_SERVICES=1 (set by .ci/run), a test that needs
# PostgreSQL, a real worker or Debian's Chromium and got skipped fails the run
# instead of passing unnoticed.
SERVICE_MARKERS = ("postgres", "worker", "browser")
_skipped_service_tests = []


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(config, items):
    # Browser journeys last: Playwright keeps an event loop running in the main thread
    # until the session ends, and pyHanko's signature checks run their own
    # (asyncio.run), which cannot start inside it.
    items.sort(key=lambda item: "browser" in item.keywords)


def pytest_runtest_logreport(report):
    if (
        os.environ.get("CI_REQUIRE_SERVICES") == "1"
        and report.skipped
        and not hasattr(report, "wasxfail")
        and any(marker in report.keywords for marker in SERVICE_MARKERS)
    ):
        _skipped_service_tests.append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    if _skipped_service_tests and exitstatus == pytest.ExitCode.OK:
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


def pytest_terminal_summary(terminalreporter):
    if _skipped_service_tests:
        terminalreporter.section("CI_REQUIRE_SERVICES", red=True)
        terminalreporter.line(
            "These tests need PostgreSQL, Redis and a Celery worker, or Chromium, and were "
            "skipped; CI requires them to run:",
            red=True,
        )
        for nodeid in _skipped_service_tests:
            terminalreporter.line(f"  {nodeid}", red=True)


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data (national territories and both real conventions), loaded once per
    module inside a transaction rolled back at the end, so other modules never see it."""
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=hashers),
        transaction.atomic(),
    ):
        call_command("load_demo", force=True, stdout=StringIO())
        yield
        transaction.set_rollback(True)


# Nothing listens on the discard port: connecting is refused at once, as with a
# Redis that is down.
UNREACHABLE_BROKER = "redis://127.0.0.1:9/0"


@pytest.fixture
def broker_down():
    """The shared tasks sent through a broker that refuses connections."""
    app = Celery("ctg-broker-down", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    app.conf.update(task_always_eager=False, broker_url=UNREACHABLE_BROKER, result_backend=None)
    with setup_default_app(app):
        app.set_current()
        yield app
