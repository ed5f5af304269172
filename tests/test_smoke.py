import pytest
from django.urls import reverse

from tests.factories import ConventionFactory, PartyFactory, UserFactory


@pytest.mark.django_db
def test_anonymous_visitor_is_sent_to_login(client):
    response = client.get(reverse("conventions:home"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


@pytest.mark.django_db
def test_home_lists_only_conventions_of_the_users_organisation(client):
    mine = PartyFactory()
    ConventionFactory(title="CTG d'un autre territoire")
    user = UserFactory(organisation=mine.organisation)
    client.force_login(user)
    response = client.get(reverse("conventions:home"))
    assert response.status_code == 200
    assert mine.convention.title in response.content.decode()
    assert "CTG d'un autre territoire" not in response.content.decode()


def test_undefined_template_variables_fail_tests():
    from django.template import engines

    template = engines["django"].from_string("{{ convention.titre_inexistant }}")
    with pytest.raises(AssertionError, match="Variable de gabarit indéfinie"):
        template.render({"convention": object()})
