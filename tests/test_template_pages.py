"""The convention template pages and "utiliser comme modèle de la Caf".

Cast: the Caf du Haut-Rhin adviser (owns the Haut-Rhin template), the Caf du Doubs
adviser (another Caf), an administrator, the chargé de coopération and a reader of
the CC du Val d'Argent, an anonymous visitor.
"""

import datetime
import re

import pytest
import time_machine
from django.urls import reverse

from conventions import templates_service
from conventions.creation import create_convention
from conventions.models import Convention, ConventionTemplate, PartyRole, TemplateArticle
from conventions.placeholders import fill_placeholders, placeholder_values
from partners.models import Role, User
from tests.factories import (
    ArticleFactory,
    ConventionFactory,
    OrganisationFactory,
    PartyFactory,
    UserFactory,
    caf_party,
)

pytestmark = pytest.mark.django_db

LEGAL_VISAS = (
    "Vu les articles L. 263-1, L. 223-1 et L. 227-1 à 3 du Code de la sécurité sociale ;\n"
    "Vu le Code général des collectivités territoriales ;"
)
DELIBERATION_VISAS = (
    "Vu la délibération du conseil d'administration de la Caf du Haut-Rhin en date du "
    "12 décembre 2025 ;\n"
    "Vu la délibération du conseil communautaire de la Communauté de communes du Val "
    "d'Argent en date du ... ;"
)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 11, 23, 9, 0), tick=False):
        yield


@pytest.fixture
def cast():
    haut_rhin = OrganisationFactory(as_caf=True, name="Caf du Haut-Rhin", city="Mulhouse")
    doubs = OrganisationFactory(as_caf=True, name="Caf du Doubs", city="Besançon")
    epci = OrganisationFactory(as_epci=True, name="CC du Val d'Argent")
    return {
        "haut_rhin": haut_rhin,
        "doubs": doubs,
        "epci": epci,
        "adviser": UserFactory(role=Role.ADVISER, organisation=haut_rhin, first_name="Claire"),
        "other_adviser": UserFactory(role=Role.ADVISER, organisation=doubs),
        "administrator": UserFactory(administrator=True),
        "cooperation": UserFactory(role=Role.COOPERATION, organisation=epci),
        "reader": UserFactory(role=Role.READER, organisation=epci),
    }


def make_template(caf, name, articles=2):
    template = ConventionTemplate.objects.create(
        name=name,
        caf=caf,
        visas=LEGAL_VISAS,
        preamble="Les Caf sont nées de la volonté d'apporter une aide à toutes les familles.",
    )
    for number in range(1, articles + 1):
        TemplateArticle.objects.create(
            template=template,
            number=number,
            title=f"Article de {name} n° {number}",
            body=f"Texte {number} entre {{caf}} et {{territoire}}.",
        )
    return template


@pytest.fixture
def templates(cast):
    return {
        "own": make_template(cast["haut_rhin"], "Modèle CTG de la Caf du Haut-Rhin"),
        "national": make_template(None, "Modèle national de la Cnaf"),
        "other": make_template(cast["doubs"], "Modèle CTG de la Caf du Doubs"),
    }


def management(total, initial):
    return {
        "articles-TOTAL_FORMS": total,
        "articles-INITIAL_FORMS": initial,
        "articles-MIN_NUM_FORMS": 0,
        "articles-MAX_NUM_FORMS": 1000,
    }


def general_data(template, **changes):
    data = {
        "name": template.name,
        "is_active": "on" if template.is_active else "",
        "visas": template.visas,
        "preamble": template.preamble,
        "version": templates_service.template_version(template),
    }
    return data | changes


def articles_data(template, rows, extra=()):
    """rows: {article: {field: value}} for existing articles; extra: new ones."""
    data = management(len(rows) + len(extra), len(rows)) | {
        "version": templates_service.template_version(template)
    }
    for index, (article, changes) in enumerate(rows.items()):
        values = {
            "id": article.pk,
            "number": article.number,
            "title": article.title,
            "body": article.body,
            "has_party_blocks": "on" if article.has_party_blocks else "",
        } | changes
        data |= {f"articles-{index}-{name}": value for name, value in values.items()}
    for offset, values in enumerate(extra, start=len(rows)):
        data |= {f"articles-{offset}-{name}": value for name, value in values.items()}
    return data


# -- Who sees and edits what --------------------------------------------------

CAST = ["adviser", "other_adviser", "administrator", "cooperation", "reader"]
# page -> template -> expected status per member of the cast.
PAGES = {
    "template": {
        "own": [200, 404, 200, 403, 403],
        "national": [200, 200, 200, 403, 403],
        "other": [404, 200, 200, 403, 403],
    },
    "template_history": {
        "own": [200, 404, 200, 403, 403],
        "national": [200, 200, 200, 403, 403],
        "other": [404, 200, 200, 403, 403],
    },
    "template_edit": {
        "own": [200, 404, 200, 403, 403],
        "national": [403, 403, 200, 403, 403],
        "other": [404, 200, 200, 403, 403],
    },
    "template_articles": {
        "own": [200, 404, 200, 403, 403],
        "national": [403, 403, 200, 403, 403],
        "other": [404, 200, 200, 403, 403],
    },
}


@pytest.mark.parametrize("page", list(PAGES))
@pytest.mark.parametrize("which", ["own", "national", "other"])
def test_template_pages_for_the_cast(client, cast, templates, page, which):
    url = reverse(f"conventions:{page}", args=[templates[which].pk])
    for member, status in zip(CAST, PAGES[page][which], strict=True):
        client.force_login(cast[member])
        assert client.get(url).status_code == status, f"{member} sur {url}"
    client.logout()
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("login"))


# Budgets below include the navbar's count of the adviser's tasks (one query).
def test_adviser_lists_their_cafs_and_the_national_templates(
    client, cast, templates, django_assert_max_num_queries
):
    client.force_login(cast["adviser"])
    with django_assert_max_num_queries(7):
        page = client.get(reverse("conventions:templates")).content.decode()
    assert "Modèle CTG de la Caf du Haut-Rhin" in page
    assert "Modèle national de la Cnaf" in page
    assert "Modèle CTG de la Caf du Doubs" not in page
    assert page.count("Lecture seule") == 1  # the national one
    assert reverse("conventions:template_edit", args=[templates["own"].pk]) in page


def test_administrator_lists_every_template(client, cast, templates):
    client.force_login(cast["administrator"])
    page = client.get(reverse("conventions:templates")).content.decode()
    assert "Modèle CTG de la Caf du Doubs" in page
    assert "Lecture seule" not in page


@pytest.mark.parametrize("member", ["cooperation", "reader"])
def test_local_authority_users_have_no_template_pages(client, cast, templates, member):
    client.force_login(cast[member])
    assert client.get(reverse("conventions:templates")).status_code == 403
    page = client.get(reverse("conventions:home")).content.decode()
    assert "Modèles de convention" not in page


def test_navbar_links_advisers_to_the_templates(client, cast):
    client.force_login(cast["adviser"])
    page = client.get(reverse("conventions:home")).content.decode()
    assert f'href="{reverse("conventions:templates")}"' in page


@pytest.mark.parametrize(
    ("page", "method"),
    [
        ("templates", "post"),
        ("template", "post"),
        ("template_history", "post"),
        ("template_edit", "put"),
        ("template_articles", "delete"),
    ],
)
def test_wrong_method_gets_405(client, cast, templates, page, method):
    client.force_login(cast["adviser"])
    args = [] if page == "templates" else [templates["own"].pk]
    response = getattr(client, method)(reverse(f"conventions:{page}", args=args))
    assert response.status_code == 405


def test_adviser_cannot_post_to_a_national_template(client, cast, templates):
    national = templates["national"]
    client.force_login(cast["adviser"])
    url = reverse("conventions:template_edit", args=[national.pk])
    response = client.post(url, general_data(national, name="Modèle détourné"))
    assert response.status_code == 403
    national.refresh_from_db()
    assert national.name == "Modèle national de la Cnaf"


def test_detail_page_shows_texts_in_constant_queries(
    client, cast, templates, django_assert_max_num_queries
):
    template = templates["own"]
    for number in range(3, 15):
        TemplateArticle.objects.create(
            template=template, number=number, title=f"Article {number}", body="Texte."
        )
    client.force_login(cast["adviser"])
    with django_assert_max_num_queries(8):
        page = client.get(reverse("conventions:template", args=[template.pk])).content.decode()
    assert "Vu le Code général des collectivités territoriales" in page
    assert "Article 14 – Article 14" in page
    assert reverse("conventions:template_articles", args=[template.pk]) in page


# -- Editing ------------------------------------------------------------------


def test_adviser_edits_name_state_and_texts(client, cast, templates):
    template = templates["own"]
    client.force_login(cast["adviser"])
    url = reverse("conventions:template_edit", args=[template.pk])
    assert (
        f'value="{templates_service.template_version(template)}"'
        in client.get(url).content.decode()
    )
    data = general_data(
        template,
        name="Modèle CTG de la Caf du Haut-Rhin (2027)",
        is_active="",
        preamble="Pour {territoire}, la Caf s'engage sur la période {periode}.",
    )
    response = client.post(url, data)
    assert response.status_code == 302
    assert response["Location"] == reverse("conventions:template", args=[template.pk])
    template.refresh_from_db()
    assert template.name == "Modèle CTG de la Caf du Haut-Rhin (2027)"
    assert not template.is_active
    assert template.preamble == "Pour {territoire}, la Caf s'engage sur la période {periode}."
    assert template.history.latest().history_user == cast["adviser"]


def test_unknown_placeholder_is_refused_at_the_field_and_nothing_saved(client, cast, templates):
    template = templates["own"]
    client.force_login(cast["adviser"])
    url = reverse("conventions:template_edit", args=[template.pk])
    data = general_data(template, name="Nouveau nom", visas="Vu l'avis de {maire} ;")
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Variables inconnues : {maire}." in page
    assert 'id="error_1_id_visas"' in page  # at the field, as crispy shows it
    assert "Vu l&#x27;avis de {maire} ;" in page  # what was typed is kept
    template.refresh_from_db()
    assert template.name == "Modèle CTG de la Caf du Haut-Rhin"


def test_empty_name_is_refused_in_french(client, cast, templates):
    template = templates["own"]
    client.force_login(cast["adviser"])
    url = reverse("conventions:template_edit", args=[template.pk])
    page = client.post(url, general_data(template, name="")).content.decode()
    assert "Ce champ est obligatoire." in page


def test_a_save_without_its_version_is_refused_with_a_message(client, cast, templates):
    template = templates["own"]
    client.force_login(cast["adviser"])
    data = general_data(template, name="Sans version")
    del data["version"]
    response = client.post(reverse("conventions:template_edit", args=[template.pk]), data)
    assert "Le formulaire est incomplet : rechargez la page." in response.content.decode()
    data = articles_data(template, {a: {"title": "Sans version"} for a in template.articles.all()})
    del data["version"]
    response = client.post(reverse("conventions:template_articles", args=[template.pk]), data)
    assert response.status_code == 400
    assert "Le formulaire est incomplet : rechargez la page." in response.content.decode()
    assert not ConventionTemplate.objects.filter(name="Sans version").exists()
    assert not TemplateArticle.objects.filter(title="Sans version").exists()


def test_administrator_edits_a_national_template(client, cast, templates):
    national = templates["national"]
    client.force_login(cast["administrator"])
    url = reverse("conventions:template_edit", args=[national.pk])
    response = client.post(url, general_data(national, name="Modèle national 2027"))
    assert response.status_code == 302
    national.refresh_from_db()
    assert national.name == "Modèle national 2027"


def test_adviser_edits_adds_deletes_and_swaps_articles(client, cast, templates):
    template = templates["own"]
    first, second = template.articles.order_by("number")
    client.force_login(cast["adviser"])
    url = reverse("conventions:template_articles", args=[template.pk])
    page = client.get(url).content.decode()
    assert "Article de Modèle CTG de la Caf du Haut-Rhin n° 2" in page
    data = articles_data(
        template,
        {
            first: {"number": 2, "title": "Objet de la convention territoriale globale"},
            second: {"number": 1, "has_party_blocks": "on"},
        },
        extra=[
            {
                "number": 3,
                "title": "Durée de la convention",
                "body": "La présente convention est conclue du {date_debut} au {date_fin}.",
            }
        ],
    )
    response = client.post(url, data)
    assert response.status_code == 302
    rows = list(template.articles.order_by("number").values_list("pk", "title", "has_party_blocks"))
    assert rows[0] == (second.pk, second.title, True)
    assert rows[1] == (first.pk, "Objet de la convention territoriale globale", False)
    assert rows[2][1] == "Durée de la convention"

    data = articles_data(
        template,
        {article: {} for article in template.articles.order_by("number")},
    )
    data["articles-0-DELETE"] = "on"
    assert client.post(url, data).status_code == 302
    assert list(template.articles.order_by("number").values_list("number", flat=True)) == [2, 3]
    history = TemplateArticle.history.filter(template_id=template.pk)
    assert history.filter(history_type="-", id=second.pk, history_user=cast["adviser"]).exists()
    # The numbers parked during the swap never show in the history.
    assert not history.filter(number__gte=1000).exists()


def test_duplicate_article_numbers_are_refused_and_nothing_saved(client, cast, templates):
    template = templates["own"]
    first, second = template.articles.order_by("number")
    client.force_login(cast["adviser"])
    url = reverse("conventions:template_articles", args=[template.pk])
    data = articles_data(template, {first: {"title": "Titre modifié"}, second: {"number": 1}})
    response = client.post(url, data)
    assert response.status_code == 200
    page = response.content.decode()
    assert "Le numéro 1 est déjà celui d&#x27;un autre article." in page
    assert "Titre modifié" in page
    first.refresh_from_db()
    assert first.title != "Titre modifié"


def test_articles_page_writes_each_field_in_crispy_forms_markup(client, cast, templates):
    template = templates["own"]
    first, second = template.articles.order_by("number")
    TemplateArticle.objects.filter(pk=second.pk).update(has_party_blocks=True)
    client.force_login(cast["adviser"])
    page = client.get(reverse("conventions:template_articles", args=[template.pk])).content
    page = page.decode()
    assert (
        f'<input type="hidden" name="articles-0-id" value="{first.pk}" id="id_articles-0-id">'
        '<div id="div_id_articles-0-number" class="mb-3"><label for="id_articles-0-number" '
        'class="form-label requiredField">Numéro<span class="asteriskField">*</span></label>\n'
        '<input type="number" name="articles-0-number" value="1" min="1" max="999" '
        'class="numberinput form-control" id="id_articles-0-number">\n</div>'
    ) in page
    assert 'maxlength="255" class="textinput form-control" id="id_articles-0-title">' in page
    assert (
        '<input type="checkbox" name="articles-0-has_party_blocks" '
        'aria-describedby="id_articles-0-has_party_blocks_helptext" '
        'class="checkboxinput form-check-input" id="id_articles-0-has_party_blocks">\n'
    ) in page
    assert 'name="articles-1-has_party_blocks" checked ' in page
    assert 'name="articles-0-has_party_blocks" checked ' not in page
    assert '<label for="id_articles-2-DELETE" class="form-check-label">Supprimer</label>' in page
    # The new article may be left empty: no field of a formset is required to the browser.
    assert '<input type="hidden" name="articles-2-id" id="id_articles-2-id">' in page
    assert not re.search(r"<(input|textarea)[^>]* required[ >]", page)


def test_article_errors_are_shown_at_the_field(client, cast, templates):
    template = templates["own"]
    first, second = template.articles.order_by("number")
    client.force_login(cast["adviser"])
    url = reverse("conventions:template_articles", args=[template.pk])
    data = articles_data(
        template,
        {first: {"body": "Signé par {president}."}, second: {"title": "", "number": "x"}},
    )
    page = client.post(url, data).content.decode()
    assert "Variables inconnues : {president}." in page
    assert 'id="error_1_id_articles-0-body"' in page
    assert "Ce champ est obligatoire." in page
    assert "Saisissez un nombre entier." in page
    assert not TemplateArticle.objects.filter(body__contains="{president}").exists()


def test_an_article_of_another_template_cannot_be_slipped_in(client, cast, templates):
    template, other = templates["own"], templates["other"]
    foreign = other.articles.first()
    client.force_login(cast["adviser"])
    url = reverse("conventions:template_articles", args=[template.pk])
    data = articles_data(template, {foreign: {"title": "Détourné", "number": 9}})
    response = client.post(url, data)
    assert response.status_code == 200
    assert "n&#x27;appartient pas à ce modèle" in response.content.decode()
    foreign.refresh_from_db()
    assert foreign.title != "Détourné"


# -- Concurrent saves ---------------------------------------------------------


def test_stale_save_is_refused_with_the_text_kept(client, cast, templates):
    template = templates["own"]
    read_at = general_data(template)
    # A colleague saves first, from another page.
    colleague = UserFactory(
        role=Role.ADVISER, organisation=cast["haut_rhin"], first_name="Marc", last_name="WEBER"
    )
    templates_service.update_template(
        colleague,
        template,
        read_at["version"],
        {
            "name": template.name,
            "is_active": True,
            "visas": LEGAL_VISAS + "\nVu la loi du 18 décembre 2023 pour le plein emploi ;",
            "preamble": template.preamble,
        },
    )
    client.force_login(cast["adviser"])
    url = reverse("conventions:template_edit", args=[template.pk])
    mine = read_at | {"preamble": "Mon préambule réécrit pour {territoire}."}
    response = client.post(url, mine)
    assert response.status_code == 409
    page = response.content.decode()
    assert "Ce modèle a été modifié par Marc WEBER pendant que vous le modifiiez" in page
    assert "Mon préambule réécrit pour {territoire}." in page  # my text, kept
    assert "Vu la loi du 18 décembre 2023 pour le plein emploi" in page  # theirs, shown
    template.refresh_from_db()
    assert template.preamble.startswith("Les Caf sont nées")
    # Saving again is a deliberate choice, now carrying the stored version.
    current = templates_service.template_version(template)
    assert f'value="{current}"' in page
    assert client.post(url, mine | {"version": current}).status_code == 302
    template.refresh_from_db()
    assert template.preamble == "Mon préambule réécrit pour {territoire}."


def test_stale_articles_save_is_refused_when_an_article_changed_meanwhile(client, cast, templates):
    template = templates["own"]
    first, second = template.articles.order_by("number")
    mine = articles_data(template, {first: {"title": "Mon titre"}, second: {}})
    # Edited in the admin site meanwhile: the history records it, so it counts.
    second.body = "Texte corrigé par l'administrateur."
    second.save()
    client.force_login(cast["adviser"])
    url = reverse("conventions:template_articles", args=[template.pk])
    response = client.post(url, mine)
    assert response.status_code == 409
    page = response.content.decode()
    assert "votre saisie n&#x27;a pas été enregistrée" in page
    assert 'value="Mon titre"' in page
    assert "Texte corrigé par l&#x27;administrateur." in page
    first.refresh_from_db()
    assert first.title != "Mon titre"


# -- History ------------------------------------------------------------------


def test_history_shows_who_changed_which_fields(
    client, cast, templates, django_assert_max_num_queries
):
    template = templates["own"]
    first = template.articles.order_by("number").first()
    adviser = cast["adviser"]
    adviser.last_name = "MULLER"
    adviser.save()
    templates_service.update_template(
        adviser,
        template,
        templates_service.template_version(template),
        {
            "name": "Modèle Haut-Rhin 2027",
            "is_active": True,
            "visas": template.visas,
            "preamble": "Nouveau préambule.",
        },
    )
    templates_service.update_articles(
        adviser,
        template,
        templates_service.template_version(template),
        [
            {
                "id": first.pk,
                "number": 1,
                "title": "Objet de la convention",
                "body": first.body,
                "has_party_blocks": False,
                "delete": False,
            }
        ],
    )
    client.force_login(adviser)
    url = reverse("conventions:template_history", args=[template.pk])
    with django_assert_max_num_queries(9):
        page = client.get(url).content.decode()
    assert "Claire MULLER" in page
    assert "Nom : « Modèle CTG de la Caf du Haut-Rhin » → « Modèle Haut-Rhin 2027 »" in page
    assert "Préambule modifié" in page
    assert "Titre : « Article de Modèle CTG de la Caf du Haut-Rhin n° 1 » → « Objet" in page
    assert "Visas modifié" not in page  # unchanged

    # Twenty more saves cost no more queries.
    for round_ in range(20):
        templates_service.update_articles(
            adviser,
            template,
            templates_service.template_version(template),
            [
                {
                    "id": first.pk,
                    "number": 1,
                    "title": f"Objet, révision {round_}",
                    "body": first.body,
                    "has_party_blocks": False,
                    "delete": False,
                }
            ],
        )
    with django_assert_max_num_queries(9):
        page = client.get(url).content.decode()
    assert "Objet, révision 19" in page


def test_edit_pages_keep_constant_queries(client, cast, templates, django_assert_max_num_queries):
    template = templates["own"]
    for number in range(3, 15):
        TemplateArticle.objects.create(
            template=template, number=number, title=f"Article {number}", body="Texte."
        )
    client.force_login(cast["adviser"])
    with django_assert_max_num_queries(9):
        client.get(reverse("conventions:template_edit", args=[template.pk]))
    with django_assert_max_num_queries(10):
        client.get(reverse("conventions:template_articles", args=[template.pk]))


# -- Utiliser comme modèle de la Caf --------------------------------------------


@pytest.fixture
def val_d_argent(cast):
    """A signed Val d'Argent convention as imported: its own names in its texts."""
    convention = ConventionFactory(
        caf=cast["haut_rhin"],
        lead_authority=cast["epci"],
        title="Convention territoriale globale du Val d'Argent 2026-2030",
        territory_name="Communauté de communes du Val d'Argent",
        visas=LEGAL_VISAS + "\n" + DELIBERATION_VISAS,
        preamble="Territoire couvert : Communauté de communes du Val d'Argent, 9 133 habitants.",
        state="signed",
    )
    caf_party(convention, position=0)
    PartyFactory(convention=convention, organisation=cast["epci"], role=PartyRole.LEAD, position=1)
    ArticleFactory(
        convention=convention,
        number=1,
        title="Objet de la convention territoriale globale",
        body="La présente convention est conclue entre la Caf du Haut-Rhin et la Communauté "
        "de communes du Val d'Argent pour la période 2026-2030.",
    )
    ArticleFactory(
        convention=convention,
        number=3,
        title="Les champs d'intervention de la Communauté de communes du Val d'Argent",
        body="La Communauté de communes du Val d'Argent exerce la compétence petite enfance.",
        has_party_blocks=True,
    )
    ArticleFactory(
        convention=convention,
        number=10,
        title="La durée de la convention",
        body="La présente convention est conclue à compter du 1er janvier 2026 jusqu'au "
        "31 décembre 2030 au maximum.",
    )
    return convention


def test_convention_page_offers_to_make_it_a_template(client, cast, val_d_argent):
    url = reverse("conventions:template_from_convention", args=[val_d_argent.pk])
    client.force_login(cast["adviser"])
    assert url in client.get(reverse("conventions:detail", args=[val_d_argent.pk])).content.decode()
    client.force_login(cast["cooperation"])
    page = client.get(reverse("conventions:detail", args=[val_d_argent.pk])).content.decode()
    assert url not in page


def test_make_a_template_access_for_the_cast(client, cast, val_d_argent):
    url = reverse("conventions:template_from_convention", args=[val_d_argent.pk])
    # The CC is party to the convention: its users see it, read-only.
    on_get = [200, 404, 200, 403, 403]
    on_post = [302, 404, 302, 403, 403]
    for member, get, post in zip(CAST, on_get, on_post, strict=True):
        client.force_login(cast[member])
        assert client.get(url).status_code == get, member
        assert client.post(url, {"name": "Modèle"}).status_code == post, member
    assert ConventionTemplate.objects.filter(created_from=val_d_argent).count() == 2
    client.force_login(cast["adviser"])
    assert client.put(url).status_code == 405


def test_confirmation_page_proposes_a_name_and_shows_the_replacements(
    client, cast, val_d_argent, django_assert_max_num_queries
):
    client.force_login(cast["adviser"])
    url = reverse("conventions:template_from_convention", args=[val_d_argent.pk])
    with django_assert_max_num_queries(9):
        page = client.get(url).content.decode()
    assert (
        'value="Modèle Caf du Haut-Rhin d&#x27;après Convention territoriale globale du Val '
        'd&#x27;Argent 2026-2030"'
    ) in page
    assert "« la Communauté de communes du Val d&#x27;Argent »" in page
    assert "<code>{collectivite_chef_de_file}</code>" in page
    assert "<code>{date_debut}</code>" in page
    assert "Visas de délibération non repris (2)" in page
    assert not ConventionTemplate.objects.filter(created_from=val_d_argent).exists()


def test_make_a_template_from_a_convention(client, cast, val_d_argent):
    client.force_login(cast["adviser"])
    url = reverse("conventions:template_from_convention", args=[val_d_argent.pk])
    response = client.post(url, {"name": "Modèle Haut-Rhin d'après le Val d'Argent"})
    template = ConventionTemplate.objects.get(created_from=val_d_argent)
    assert response.status_code == 302
    assert response["Location"] == reverse("conventions:template", args=[template.pk])
    assert template.name == "Modèle Haut-Rhin d'après le Val d'Argent"
    assert template.caf == cast["haut_rhin"]
    assert template.is_active
    assert template.visas == LEGAL_VISAS  # the deliberation lines are the convention's own
    assert template.preamble == "Territoire couvert : {territoire}, 9 133 habitants."
    articles = list(template.articles.order_by("number"))
    assert [a.number for a in articles] == [1, 3, 10]
    assert articles[0].body == (
        "La présente convention est conclue entre {caf} et {collectivite_chef_de_file} pour la "
        "période {periode}."
    )
    assert articles[1].title == "Les champs d'intervention de {collectivite_chef_de_file}"
    # Opening a line, the lead authority's designation is capitalised: its placeholder too.
    assert articles[1].body == "{collectivite_chef_de_file} exerce la compétence petite enfance."
    assert articles[1].has_party_blocks
    assert articles[2].body == (
        "La présente convention est conclue à compter du {date_debut} jusqu'au {date_fin} au "
        "maximum."
    )
    assert template.history.get().history_user == cast["adviser"]
    assert TemplateArticle.history.filter(template_id=template.pk).count() == 3

    # The template fills back into the convention's own texts.
    values = placeholder_values(val_d_argent)
    for article, original in zip(articles, val_d_argent.articles.order_by("number"), strict=True):
        assert fill_placeholders(article.body, values) == original.body
        assert fill_placeholders(article.title, values) == original.title


def test_the_new_template_is_proposed_at_creation_and_fills_its_placeholders(
    client, cast, val_d_argent
):
    client.force_login(cast["adviser"])
    url = reverse("conventions:template_from_convention", args=[val_d_argent.pk])
    client.post(url, {"name": "Modèle Haut-Rhin d'après le Val d'Argent"})
    template = ConventionTemplate.objects.get(created_from=val_d_argent)
    form = client.get(reverse("conventions:create")).content.decode()
    assert (
        f'<option value="{template.pk}">Modèle Haut-Rhin d&#x27;après le Val d&#x27;Argent' in form
    )

    kaysersberg = OrganisationFactory(as_epci=True, name="CC de la Vallée de Kaysersberg")
    convention = create_convention(
        user=cast["adviser"],
        caf=cast["haut_rhin"],
        lead_authority=kaysersberg,
        template=template,
        start_date=datetime.date(2027, 1, 1),
        end_date=datetime.date(2031, 12, 31),
        communes=[],
    )
    assert convention.visas == LEGAL_VISAS
    assert convention.preamble == (
        "Territoire couvert : Communauté de communes de la Vallée de Kaysersberg, 9 133 habitants."
    )
    bodies = list(convention.articles.order_by("number").values_list("body", flat=True))
    assert bodies == [
        "La présente convention est conclue entre la Caf du Haut-Rhin et la Communauté de "
        "communes de la Vallée de Kaysersberg pour la période 2027-2031.",
        "La Communauté de communes de la Vallée de Kaysersberg exerce la compétence petite "
        "enfance.",
        "La présente convention est conclue à compter du 1er janvier 2027 jusqu'au "
        "31 décembre 2031 au maximum.",
    ]


def test_a_blank_name_or_an_unknown_placeholder_creates_nothing(client, cast, val_d_argent):
    client.force_login(cast["adviser"])
    url = reverse("conventions:template_from_convention", args=[val_d_argent.pk])
    page = client.post(url, {"name": "  "}).content.decode()
    assert "Ce champ est obligatoire." in page
    val_d_argent.preamble = "Texte saisi avec des accolades : {inconnue}."
    val_d_argent.save()
    response = client.post(url, {"name": "Modèle Haut-Rhin"})
    assert response.status_code == 200
    assert "Préambule : Variables inconnues : {inconnue}." in response.content.decode()
    assert not ConventionTemplate.objects.filter(created_from=val_d_argent).exists()


def test_an_article_without_text_is_kept_and_its_text_asked_for(client, cast, val_d_argent):
    val_d_argent.articles.filter(number=3).update(body="")
    client.force_login(cast["adviser"])
    url = reverse("conventions:template_from_convention", args=[val_d_argent.pk])
    assert client.post(url, {"name": "Modèle Haut-Rhin"}).status_code == 302
    template = ConventionTemplate.objects.get(created_from=val_d_argent)
    assert template.articles.get(number=3).body == ""
    articles_url = reverse("conventions:template_articles", args=[template.pk])
    data = articles_data(template, {a: {} for a in template.articles.order_by("number")})
    page = client.post(articles_url, data).content.decode()
    assert 'id="error_1_id_articles-1-body"' in page
    assert "Ce champ est obligatoire." in page


# Last in the module on purpose: the demo data, loaded once, stays until the module ends.
def test_the_pma_convention_becomes_a_template_of_the_caf_du_doubs(demo, client):
    pma = Convention.objects.get(reference="pma-2023-2027")
    adviser = User.objects.get(username="conseiller.doubs")
    client.force_login(adviser)
    url = reverse("conventions:template_from_convention", args=[pma.pk])
    page = client.get(url).content.decode()
    assert "« Pays de Montbéliard Agglomération »" in page
    assert client.post(url, {"name": "Modèle Caf du Doubs 2028"}).status_code == 302
    template = ConventionTemplate.objects.get(created_from=pma)
    assert template.caf == pma.caf
    assert "délibération" not in template.visas.lower()
    assert template.visas.startswith("Vu les articles L. 263-1")
    articles = list(template.articles.order_by("number"))
    assert len(articles) == pma.articles.count()
    assert "Pays de Montbéliard" not in "".join(a.body for a in articles)
    assert (
        "Le comité de pilotage sera copiloté par la Caf et {collectivite_chef_de_file}."
        in articles[5].body
    )

    sud = OrganisationFactory(
        as_epci=True, name="CC du Pays de Sancey-Belleherbe", department=pma.caf.department
    )
    convention = create_convention(
        user=adviser,
        caf=pma.caf,
        lead_authority=sud,
        template=template,
        start_date=datetime.date(2028, 1, 1),
        end_date=datetime.date(2032, 12, 31),
        communes=[],
    )
    body = convention.articles.get(number=6).body
    assert (
        "Le comité de pilotage sera copiloté par la Caf et la Communauté de communes du Pays "
        "de Sancey-Belleherbe." in body
    )
    duration = convention.articles.get(number=10).body
    assert "à compter du 1er janvier 2028 jusqu'au 31 décembre 2032" in duration
