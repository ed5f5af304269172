"""Personal API tokens: stored hashed, shown once, expiring, revocable by their owner
(the account page) or an administrator (the admin site), and a command for operators."""

import datetime
import hashlib
import html
import re
from io import StringIO

import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.urls import reverse

from api.models import ApiToken
from tests.api.conftest import client_for
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r"ctg_[0-9a-f]{8}_[A-Za-z0-9_-]{20,}")


def test_only_the_hash_of_a_token_is_stored():
    token, clear = ApiToken.objects.issue(UserFactory(), "Infocentre")
    assert TOKEN.fullmatch(clear)
    token.refresh_from_db()
    assert token.token_hash == hashlib.sha256(clear.encode()).hexdigest()
    stored = " ".join(str(value) for value in ApiToken.objects.values_list().get())
    assert clear.split("_", 2)[2] not in stored
    assert ApiToken.objects.find(clear) == token
    assert ApiToken.objects.find(clear[:-1] + ("A" if clear[-1] != "A" else "B")) is None


def test_a_token_expires_after_a_year_by_default():
    with time_machine.travel(datetime.date(2026, 3, 1)):
        token, _ = ApiToken.objects.issue(UserFactory(), "Infocentre")
    assert token.expires_on == datetime.date(2027, 3, 1)


def test_last_use_is_written_at_most_once_a_minute(django_assert_max_num_queries):
    user = UserFactory()
    token, clear = ApiToken.objects.issue(user, "Infocentre")
    client = client_for(None)
    client.credentials(HTTP_AUTHORIZATION=f"Bearer {clear}")
    url = reverse("api:organisations")
    with time_machine.travel(datetime.datetime(2026, 5, 4, 9, 0, tzinfo=datetime.UTC), tick=False):
        client.get(url)
        token.refresh_from_db()
        first = token.last_used_at
        assert first is not None
        with django_assert_max_num_queries(10) as queries:
            client.get(url)
        assert not [q for q in queries.captured_queries if q["sql"].startswith("UPDATE")]
    with time_machine.travel(datetime.datetime(2026, 5, 4, 9, 0, 30, tzinfo=datetime.UTC)):
        client.get(url)
    token.refresh_from_db()
    assert token.last_used_at == first
    with time_machine.travel(datetime.datetime(2026, 5, 4, 9, 2, tzinfo=datetime.UTC)):
        client.get(url)
    token.refresh_from_db()
    assert token.last_used_at > first


# -- The account page --------------------------------------------------------------------


def test_the_account_page_creates_a_token_and_shows_its_secret_once(client):
    user = UserFactory()
    client.force_login(user)
    page = client.get(reverse("account:preferences")).content.decode()
    assert "Jetons d'API" in page
    assert "Vous n'avez aucun jeton." in page

    response = client.post(
        reverse("api_tokens:create"), {"name": "Infocentre", "expires_on": "2027-01-15"}
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    secret = TOKEN.search(response.content.decode())[0]
    token = ApiToken.objects.get(user=user)
    assert token.name == "Infocentre"
    assert token.expires_on == datetime.date(2027, 1, 15)

    page = client.get(reverse("account:preferences")).content.decode()
    assert token.display_prefix in page
    assert secret not in page
    assert "Actif" in page
    # The secret works, once copied.
    assert (
        client_for(None)
        .get(reverse("api:organisations"), HTTP_AUTHORIZATION=f"Bearer {secret}")
        .status_code
        == 200
    )


@pytest.mark.parametrize(
    ("expires_on", "message"),
    [
        ("2031-01-01", "Un jeton vaut au plus 2 ans"),
        ("2020-01-01", "La date d'expiration doit être postérieure à aujourd'hui."),
        ("demain", "Saisissez une date valide."),
    ],
)
@time_machine.travel(datetime.date(2026, 5, 4))
def test_a_token_cannot_outlive_two_years(client, expires_on, message):
    user = UserFactory()
    client.force_login(user)
    response = client.post(
        reverse("api_tokens:create"), {"name": "Infocentre", "expires_on": expires_on}
    )
    assert response.status_code == 200
    assert message in html.unescape(response.content.decode())
    assert not ApiToken.objects.exists()


def test_a_person_revokes_their_own_token_and_it_stops_working(client):
    user = UserFactory()
    token, clear = ApiToken.objects.issue(user, "Infocentre")
    client.force_login(user)
    response = client.post(reverse("api_tokens:revoke", args=[token.pk]), follow=True)
    assert "est révoqué : il ne permet plus aucun appel" in response.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is not None
    assert (
        client_for(None)
        .get(reverse("api:organisations"), HTTP_AUTHORIZATION=f"Bearer {clear}")
        .status_code
        == 401
    )


def test_someone_elses_token_cannot_be_revoked(client):
    token, _ = ApiToken.objects.issue(UserFactory(), "Infocentre")
    client.force_login(UserFactory())
    assert client.post(reverse("api_tokens:revoke", args=[token.pk])).status_code == 404
    assert client.get(reverse("api_tokens:revoke", args=[token.pk])).status_code == 405
    token.refresh_from_db()
    assert token.revoked_at is None


def test_the_account_page_lists_only_ones_own_tokens(client, django_assert_max_num_queries):
    user = UserFactory()
    other, _ = ApiToken.objects.issue(UserFactory(), "Outil d'un autre")
    client.force_login(user)
    ApiToken.objects.issue(user, "Premier")
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("account:preferences"))
    for number in range(10):
        ApiToken.objects.issue(user, f"Jeton {number}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = client.get(reverse("account:preferences")).content.decode()
    assert "Jeton 9" in page
    assert "Outil d'un autre" not in html.unescape(page)


# -- Administrators and operators --------------------------------------------------------


def test_an_administrator_creates_a_service_accounts_token_in_the_admin_site(client):
    admin = UserFactory(administrator=True, is_superuser=True)
    service = UserFactory(username="infocentre.caf68")
    client.force_login(admin)
    response = client.post(
        reverse("admin:api_apitoken_add"),
        {"user": service.pk, "name": "Infocentre", "expires_on": "2027-06-30"},
        follow=True,
    )
    page = response.content.decode()
    secret = TOKEN.search(page)[0]
    token = ApiToken.objects.get(user=service)
    assert ApiToken.objects.find(secret) == token
    assert "il ne sera plus jamais affiché" in page
    change = client.get(reverse("admin:api_apitoken_change", args=[token.pk])).content.decode()
    assert secret not in change and token.token_hash not in change


def test_the_admin_action_revokes_tokens(client):
    admin = UserFactory(administrator=True, is_superuser=True)
    token, _ = ApiToken.objects.issue(UserFactory(), "Infocentre")
    client.force_login(admin)
    client.post(
        reverse("admin:api_apitoken_changelist"),
        {"action": "revoke", "_selected_action": [token.pk]},
    )
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_the_command_prints_a_working_token():
    user = UserFactory(username="conseiller.test")
    out = StringIO()
    call_command(
        "create_api_token",
        "conseiller.test",
        "--name",
        "Essai",
        "--days",
        "30",
        stdout=out,
        stderr=StringIO(),
    )
    clear = out.getvalue().strip()
    token = ApiToken.objects.find(clear)
    assert token.user == user and token.name == "Essai"
    with pytest.raises(CommandError, match="Aucun compte"):
        call_command("create_api_token", "personne", stdout=StringIO())
    with pytest.raises(CommandError, match="de 1 à 730 jours"):
        call_command("create_api_token", "conseiller.test", "--days", "1000", stdout=StringIO())


def test_the_admin_list_of_tokens_joins_its_owners(client, django_assert_max_num_queries):
    admin = UserFactory(administrator=True, is_superuser=True)
    client.force_login(admin)
    ApiToken.objects.issue(UserFactory(), "Premier")
    url = reverse("admin:api_apitoken_changelist")
    with django_assert_max_num_queries(30) as one:
        assert client.get(url).status_code == 200
    for number in range(5):
        ApiToken.objects.issue(UserFactory(), f"Jeton {number}")
    with django_assert_max_num_queries(len(one.captured_queries)):
        page = client.get(url).content.decode()
    assert "Jeton 4" in page


@time_machine.travel(datetime.date(2026, 5, 4))
def test_the_admin_site_also_refuses_a_token_of_more_than_two_years(client):
    admin = UserFactory(administrator=True, is_superuser=True)
    client.force_login(admin)
    response = client.post(
        reverse("admin:api_apitoken_add"),
        {"user": UserFactory().pk, "name": "Infocentre", "expires_on": "2029-01-01"},
    )
    assert "Un jeton vaut au plus 2 ans" in html.unescape(response.content.decode())
    assert not ApiToken.objects.exists()
