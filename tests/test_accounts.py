import re

import pytest
from django.core import mail
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_sign_in_and_out(client):
    UserFactory(username="conseiller.hautrhin", role="reader")
    response = client.post(
        reverse("login"),
        {"username": "conseiller.hautrhin", "password": "motdepasse-de-test"},
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("conventions:home")
    response = client.post(reverse("logout"))
    assert response["Location"] == reverse("login")
    assert client.get(reverse("conventions:home")).status_code == 302


def test_wrong_password_is_explained_in_french(client):
    UserFactory(username="lecteur")
    page = client.post(reverse("login"), {"username": "lecteur", "password": "faux"})
    assert "Saisissez un nom d’utilisateur et un mot de passe valides" in page.content.decode()


def test_password_reset_by_email(client):
    user = UserFactory(email="cooperation@valdargent.fr")
    client.post(reverse("password_reset"), {"email": "cooperation@valdargent.fr"})
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == "CTG – nouveau mot de passe"
    link = re.search(r"http://testserver(/\S+)", message.body).group(1)
    form = client.get(link, follow=True)
    assert "Nouveau mot de passe" in form.content.decode()
    response = client.post(
        form.redirect_chain[-1][0],
        {"new_password1": "Vallée-2026-argent!", "new_password2": "Vallée-2026-argent!"},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password("Vallée-2026-argent!")


def test_an_english_browser_still_gets_french(client):
    page = client.get(reverse("login"), headers={"accept-language": "en-US,en;q=0.9"})
    assert "Nom d’utilisateur" in page.content.decode()


@pytest.fixture
def throttled(settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3


def _try(client, url, username, password):
    return client.post(url, {"username": username, "password": password})


@pytest.mark.parametrize("login", ["login", "admin:login"])
def test_repeated_failures_lock_the_account_out_even_with_the_right_password(
    client, throttled, login
):
    UserFactory(username="conseiller.doubs", is_staff=True)
    url = reverse(login)
    for _ in range(3):
        _try(client, url, "conseiller.doubs", "mauvais")

    locked = _try(client, url, "conseiller.doubs", "motdepasse-de-test")

    assert locked.status_code == 429
    page = locked.content.decode()
    assert "Connexion suspendue" in page
    assert "15 minutes" in page
    assert "_auth_user_id" not in client.session


def test_repeated_failures_from_one_address_lock_other_accounts_out(client, throttled):
    UserFactory(username="lecteur.valentigney")
    for name in ("inconnu.1", "inconnu.2", "inconnu.3"):
        _try(client, reverse("login"), name, "mauvais")

    locked = _try(client, reverse("login"), "lecteur.valentigney", "motdepasse-de-test")

    assert locked.status_code == 429


def test_an_administrator_unlocks_by_resetting_the_attempts(client, throttled):
    from axes.utils import reset

    UserFactory(username="conseiller.doubs")
    for _ in range(3):
        _try(client, reverse("login"), "conseiller.doubs", "mauvais")

    reset(username="conseiller.doubs")

    assert (
        _try(client, reverse("login"), "conseiller.doubs", "motdepasse-de-test").status_code == 302
    )


def test_a_success_forgets_earlier_failures(client, throttled):
    UserFactory(username="conseiller.doubs")
    for _ in range(2):
        _try(client, reverse("login"), "conseiller.doubs", "mauvais")
    assert (
        _try(client, reverse("login"), "conseiller.doubs", "motdepasse-de-test").status_code == 302
    )
    client.post(reverse("logout"))

    for _ in range(2):
        _try(client, reverse("login"), "conseiller.doubs", "mauvais")

    assert (
        _try(client, reverse("login"), "conseiller.doubs", "motdepasse-de-test").status_code == 302
    )


def _totp_device(user):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.create(user=user, name="Téléphone", confirmed=True)


def _current_code(device):
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


@pytest.mark.parametrize("login", ["login", "admin:login"])
def test_an_administrator_with_an_authenticator_needs_its_code(client, login):
    administrator = UserFactory(username="admin.ctg", is_staff=True, is_superuser=True)
    device = _totp_device(administrator)
    url = reverse(login)

    without = client.post(url, {"username": "admin.ctg", "password": "motdepasse-de-test"})
    assert without.status_code == 200
    assert "saisissez aussi le code à six chiffres" in without.content.decode()
    wrong = client.post(
        url, {"username": "admin.ctg", "password": "motdepasse-de-test", "otp_token": "000000"}
    )
    assert "Code d&#x27;authentification incorrect" in wrong.content.decode()
    assert "_auth_user_id" not in client.session
    device.refresh_from_db()
    device.throttle_reset()  # a failed code makes the next try wait a little

    right = client.post(
        url,
        {
            "username": "admin.ctg",
            "password": "motdepasse-de-test",
            "otp_token": _current_code(device),
        },
    )
    assert right.status_code == 302
    assert client.session["_auth_user_id"] == str(administrator.pk)


def test_without_an_authenticator_the_password_is_enough(client):
    UserFactory(username="conseiller.doubs")

    response = client.post(
        reverse("login"), {"username": "conseiller.doubs", "password": "motdepasse-de-test"}
    )

    assert response.status_code == 302
