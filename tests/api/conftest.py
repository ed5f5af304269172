import pytest
from rest_framework.test import APIClient

from api.models import ApiToken
from conventions.models import Convention
from partners.models import User


def token_for(user, **kwargs):
    return ApiToken.objects.issue(user, "Essai", **kwargs)[1]


def client_for(user):
    """An API client carrying a fresh token of this person (no session)."""
    client = APIClient()
    if user is not None:
        client.credentials(HTTP_AUTHORIZATION=f"Bearer {token_for(user)}")
    return client


@pytest.fixture
def as_user():
    return client_for


@pytest.fixture
def demo_conventions(demo):
    return {
        "vda": Convention.objects.get(reference="val-d-argent-2026-2030"),
        "pma": Convention.objects.get(reference="pma-2023-2027"),
    }


@pytest.fixture
def demo_users(demo):
    return {user.username: user for user in User.objects.all()}
