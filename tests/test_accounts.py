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
