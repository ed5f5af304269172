import copy

import pytest


class InvalidTemplateVariable(str):
    """Makes templates fail loudly on an undefined variable instead of printing nothing."""

    def __mod__(self, other):
        raise AssertionError(f"Variable de gabarit indéfinie : {other!r}")

    def __bool__(self):
        # Django's {% if %} and filters like default test truthiness of the fallback.
        return False


@pytest.fixture(autouse=True)
def _strict_templates(settings):
    templates = copy.deepcopy(settings.TEMPLATES)
    for template in templates:
        template["OPTIONS"]["string_if_invalid"] = InvalidTemplateVariable("%s")
    settings.TEMPLATES = templates


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # PBKDF2 costs a third of a second per user created; tests create many.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
