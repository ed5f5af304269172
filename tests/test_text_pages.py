import pytest
from django.urls import reverse

from conventions import lifecycle
from conventions.models import PartyRole
from partners.models import Equipment, EquipmentType, Role
from tests.factories import (
    ArticleFactory,
    ConventionFactory,
    PartyFactory,
    RepresentativeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def convention(client):
    convention = ConventionFactory()
    for organisation, role in (
        (convention.caf, PartyRole.CAF),
        (convention.lead_authority, PartyRole.LEAD),
    ):
        party = PartyFactory(convention=convention, organisation=organisation, role=role)
        party.signatories.set([RepresentativeFactory(organisation=organisation)])
    ArticleFactory(convention=convention, number=1, title="Objet de la convention")
    client.force_login(UserFactory(role=Role.ADVISER, organisation=convention.caf))
    return convention


def read(client, name, convention):
    """The version the page shows, as a browser sends it back."""
    context = client.get(reverse(f"conventions:{name}", args=[convention.pk])).context
    version = context.get("read_version")
    return {"read_version": version or context["form"]["read_version"].value()}


def management(prefix, total, initial):
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


def test_adviser_edits_and_adds_articles(client, convention):
    article = convention.articles.get()
    data = management("articles", 2, 1) | {
        "articles-0-id": article.pk,
        "articles-0-number": 1,
        "articles-0-title": "Objet de la convention territoriale globale",
        "articles-0-body": "La présente convention vise à définir le projet stratégique.",
        "articles-1-number": 2,
        "articles-1-title": "Les champs d'intervention de la Caf",
        "articles-1-body": "Les interventions de la Caf concernent les axes suivants.",
    }
    data |= read(client, "edit_articles", convention)
    response = client.post(reverse("conventions:edit_articles", args=[convention.pk]), data)
    assert response.status_code == 302
    titles = list(convention.articles.order_by("number").values_list("title", flat=True))
    assert titles == [
        "Objet de la convention territoriale globale",
        "Les champs d'intervention de la Caf",
    ]


def test_duplicate_article_numbers_are_refused_and_nothing_is_saved(client, convention):
    article = convention.articles.get()
    data = management("articles", 2, 1) | {
        "articles-0-id": article.pk,
        "articles-0-number": 1,
        "articles-0-title": "Titre modifié",
        "articles-0-body": "Texte",
        "articles-1-number": 1,
        "articles-1-title": "Doublon",
        "articles-1-body": "Texte",
    }
    response = client.post(reverse("conventions:edit_articles", args=[convention.pk]), data)
    assert response.status_code == 200
    assert "Titre modifié" in response.content.decode()
    assert convention.articles.get().title == "Objet de la convention"


def test_adviser_writes_the_diagnostic(client, convention):
    data = {
        "title": convention.title,
        "territory_name": convention.territory_name,
        "diagnostic_summary": "Territoire rural de 9 133 habitants, offre d'accueil fragile.",
        "originals_count": 2,
        "secrecy_min_recipients": 100,
        "secrecy_min_value": 5,
    } | read(client, "edit_general", convention)
    response = client.post(reverse("conventions:edit_general", args=[convention.pk]), data)
    assert response.status_code == 302
    convention.refresh_from_db()
    assert convention.diagnostic_summary.startswith("Territoire rural")


def test_adviser_builds_the_equipment_annex(client, convention):
    eaje = EquipmentType.objects.create(code="EAJE", name="Établissement d'accueil du jeune enfant")
    url = reverse("conventions:edit_equipment", args=[convention.pk])
    client.post(
        url,
        {
            "add": "1",
            "organisation": convention.lead_authority.pk,
            "equipment_type": eaje.pk,
            "name": "Multi-accueil Les Lutins",
            "address": "2 rue de l'École, 68160 Sainte-Marie-aux-Mines",
        },
    )
    equipment = Equipment.objects.get()
    assert list(convention.equipment.all()) == [equipment]
    client.post(url, {"select": "1"} | {"read_version": client.get(url).context["read_version"]})
    assert not convention.equipment.exists()


def test_adviser_describes_the_steering_instances(client, convention):
    data = management("steering_instances", 1, 0) | {
        "steering_instances-0-position": 1,
        "steering_instances-0-name": "Comité de pilotage",
        "steering_instances-0-composition": "Caf du Haut-Rhin, CC du Val d'Argent",
        "steering_instances-0-periodicity": "Une fois par an",
    }
    data |= read(client, "edit_steering", convention)
    response = client.post(reverse("conventions:edit_steering", args=[convention.pk]), data)
    assert response.status_code == 302
    assert convention.steering_instances.get().name == "Comité de pilotage"


def test_texts_are_locked_once_frozen(client, convention):
    lifecycle.freeze(convention)
    for name in ("edit_general", "edit_articles", "edit_equipment", "edit_steering"):
        response = client.get(reverse(f"conventions:{name}", args=[convention.pk]))
        assert response.status_code == 302


def test_readers_get_403_and_outsiders_404(client, convention):
    client.force_login(UserFactory(role=Role.READER, organisation=convention.lead_authority))
    assert client.get(reverse("conventions:edit_articles", args=[convention.pk])).status_code == 403
    client.force_login(UserFactory(role=Role.ADVISER))
    assert client.get(reverse("conventions:edit_articles", args=[convention.pk])).status_code == 404


def test_a_stale_text_save_is_refused_with_the_text_kept(client, convention):
    base = {
        "title": convention.title,
        "territory_name": convention.territory_name,
        "originals_count": 2,
        "secrecy_min_recipients": 100,
        "secrecy_min_value": 5,
    }
    url = reverse("conventions:edit_general", args=[convention.pk])
    mine = base | {"preamble": "Mon préambule"} | read(client, "edit_general", convention)
    theirs = base | {"preamble": "Leur préambule"} | read(client, "edit_general", convention)
    assert client.post(url, theirs).status_code == 302

    response = client.post(url, mine)

    assert response.status_code == 409
    page = response.content.decode()
    assert "Mon préambule" in page and "Leur préambule" in page
    convention.refresh_from_db()
    assert convention.preamble == "Leur préambule"


def test_a_text_save_racing_a_freeze_never_puts_the_convention_back_to_draft(client, convention):
    data = {
        "title": "Titre tardif",
        "territory_name": convention.territory_name,
        "originals_count": 2,
        "secrecy_min_recipients": 100,
        "secrecy_min_value": 5,
    } | read(client, "edit_general", convention)
    lifecycle.freeze(convention)

    client.post(reverse("conventions:edit_general", args=[convention.pk]), data)

    convention.refresh_from_db()
    assert convention.state == "in_deliberation"
    assert convention.frozen_at is not None
    assert convention.title != "Titre tardif"


def test_stale_articles_are_refused(client, convention):
    article = convention.articles.get()
    url = reverse("conventions:edit_articles", args=[convention.pk])

    def row(title):
        return management("articles", 1, 1) | {
            "articles-0-id": article.pk,
            "articles-0-number": 1,
            "articles-0-title": title,
            "articles-0-body": "Texte",
        }

    mine = row("Mon titre") | read(client, "edit_articles", convention)
    theirs = row("Leur titre") | read(client, "edit_articles", convention)
    assert client.post(url, theirs).status_code == 302

    response = client.post(url, mine)

    assert response.status_code == 409
    assert "Mon titre" in response.content.decode()
    article.refresh_from_db()
    assert article.title == "Leur titre"


def test_a_stale_equipment_list_is_refused(client, convention):
    eaje = EquipmentType.objects.create(code="EAJE", name="Établissement d'accueil du jeune enfant")
    lutins = Equipment.objects.create(
        organisation=convention.lead_authority, equipment_type=eaje, name="Les Lutins"
    )
    url = reverse("conventions:edit_equipment", args=[convention.pk])
    version = {"read_version": client.get(url).context["read_version"]}
    assert client.post(url, {"select": "1", "equipment": [lutins.pk]} | version).status_code == 302

    response = client.post(url, {"select": "1"} | version)

    assert response.status_code == 409
    assert list(convention.equipment.all()) == [lutins]
