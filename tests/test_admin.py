"""The Django admin site: every model reachable, in French, fast on 35,000 communes."""

import datetime
import re

import pytest
from django.contrib import admin
from django.contrib.auth.models import Group
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from simple_history.admin import SimpleHistoryAdmin

from actionplan.models import (
    ActionSheet,
    FollowUp,
    Funding,
    IndicatorTarget,
    IndicatorValue,
    Meeting,
    MeetingKind,
    Review,
    ReviewKind,
)
from conventions.admin import PartyForm
from conventions.models import (
    Amendment,
    CafExport,
    Convention,
    ConventionTemplate,
    ConventionVersion,
    Party,
    Signature,
    SteeringInstance,
    TemplateArticle,
    Theme,
)
from partners.admin import PlainMarkupMixin
from partners.models import Equipment, EquipmentType, Organisation, User
from tests.factories import (
    ArticleFactory,
    DeliberationFactory,
    IndicatorFactory,
    ObjectiveFactory,
    OrganisationFactory,
    PartyFactory,
    RepresentativeFactory,
    UserFactory,
)
from tests.webhooks.factories import delivery_with_attempt

pytestmark = pytest.mark.django_db

REGISTERED = sorted(admin.site._registry, key=lambda model: model._meta.label)


@pytest.fixture
def superuser():
    return UserFactory(administrator=True, is_superuser=True)


@pytest.fixture
def admin_client(client, superuser):
    client.force_login(superuser)
    return client


@pytest.fixture
def one_of_everything(superuser):
    """One row in every table, so that change pages and list columns render real data."""
    make_everything(superuser)


def make_everything(superuser):
    """A row in every table; called again, one more row in each (reference rows shared)."""
    party = PartyFactory()
    convention = party.convention
    representative = RepresentativeFactory(organisation=party.organisation)
    party.signatories.add(representative)
    theme, _ = Theme.objects.get_or_create(code="petite-enfance", name="Petite enfance")
    convention.themes.add(theme)
    equipment_type, _ = EquipmentType.objects.get_or_create(code="EAJE", name="Multi-accueil")
    Equipment.objects.create(
        organisation=party.organisation, equipment_type=equipment_type, name="Les Lutins"
    )
    template = ConventionTemplate.objects.create(name="Modèle national")
    TemplateArticle.objects.create(template=template, number=1, title="Objet", body="Texte.")
    ArticleFactory(convention=convention)
    SteeringInstance.objects.create(convention=convention, name="Comité de pilotage")
    version = ConventionVersion.objects.create(
        convention=convention,
        number=1,
        content={"titre": "CTG"},
        content_hash="a" * 64,
        frozen_at=timezone.now(),
        frozen_by=superuser,
    )
    DeliberationFactory(party=party, version=version)
    amendment = Amendment.objects.create(convention=convention, number=1, subject="Ajout")
    Signature.objects.create(
        party=party, representative=representative, signed_on=datetime.date(2026, 1, 15)
    )
    objective = ObjectiveFactory(axis__convention=convention)
    indicator = IndicatorFactory(
        action_sheet__axis=objective.axis, action_sheet__objective=objective
    )
    sheet = indicator.action_sheet
    Funding.objects.create(action_sheet=sheet, funder=convention.caf, amount=1000)
    IndicatorTarget.objects.create(indicator=indicator, value=10, date=datetime.date(2030, 12, 31))
    follow_up = FollowUp.objects.create(action_sheet=sheet, year=2026, quarter=1)
    IndicatorValue.objects.create(indicator=indicator, follow_up=follow_up, year=2026, quarter=1)
    meeting = Meeting.objects.create(
        convention=convention, kind=MeetingKind.STEERING_COMMITTEE, date=datetime.date(2026, 6, 1)
    )
    review = Review.objects.create(
        convention=convention,
        kind=ReviewKind.YEARLY,
        date=datetime.date(2026, 12, 1),
        meeting=meeting,
        leads_to_amendment=amendment,
    )
    review.follow_ups.add(follow_up)
    delivery_with_attempt(convention.caf)
    CafExport.objects.create(
        requested_by=superuser, kind="indicators", format="csv", year=2026, scope="National"
    )


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_changelist_queries_do_not_grow_with_rows(admin_client, superuser, model):
    """Every list joins what it shows: three rows of each take the queries of one."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    make_everything(superuser)
    with CaptureQueriesContext(connection) as one:
        admin_client.get(admin_url(model, "changelist"))
    make_everything(superuser)
    make_everything(superuser)
    with CaptureQueriesContext(connection) as three:
        assert admin_client.get(admin_url(model, "changelist")).status_code == 200
    assert len(three) <= len(one), [q["sql"][:120] for q in three.captured_queries]


def admin_url(model, view, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{view}", args=args)


@pytest.mark.parametrize("model", REGISTERED, ids=lambda model: model._meta.label)
def test_superuser_opens_every_admin_page(admin_client, one_of_everything, model):
    model_admin = admin.site._registry[model]
    response = admin_client.get(admin_url(model, "changelist"))
    assert response.status_code == 200

    response = admin_client.get(admin_url(model, "add"))
    # Frozen versions are read-only by design: no add page.
    read_only = not model_admin.has_add_permission(response.wsgi_request)
    assert response.status_code == (403 if read_only else 200)

    obj = model.objects.first()
    if obj is None:
        return  # auth groups: nothing to open
    response = admin_client.get(admin_url(model, "change", obj.pk))
    assert response.status_code == 200
    if isinstance(model_admin, SimpleHistoryAdmin):
        response = admin_client.get(admin_url(model, "history", obj.pk))
        assert response.status_code == 200


def test_every_domain_model_is_registered():
    registered = {model._meta.label for model in admin.site._registry}
    for label in [
        "partners.Department",
        "partners.Organisation",
        "partners.Representative",
        "partners.EquipmentType",
        "partners.Equipment",
        "partners.User",
        "conventions.Theme",
        "conventions.ConventionTemplate",
        "conventions.Convention",
        "conventions.Deliberation",
        "conventions.Signature",
        "conventions.Amendment",
        "conventions.ConventionVersion",
        "conventions.ConventionImport",
        "actionplan.Axis",
        "actionplan.ActionSheet",
        "actionplan.Indicator",
        "actionplan.IndicatorValue",
        "actionplan.FollowUp",
        "actionplan.Meeting",
        "actionplan.Review",
        "actionplan.TrackingImport",
    ]:
        assert label in registered, f"{label} n'est pas dans l'administration"


def test_models_with_history_use_the_history_admin():
    for model, model_admin in admin.site._registry.items():
        if hasattr(model, "history"):
            assert isinstance(model_admin, SimpleHistoryAdmin), model._meta.label


def test_admin_speaks_french(admin_client, one_of_everything):
    response = admin_client.get(reverse("admin:index"))
    content = response.content.decode()
    assert 'lang="fr' in content
    assert "Référentiels et conventions" in content
    assert "Organisations" in content
    response = admin_client.get(admin_url(Organisation, "changelist"))
    content = response.content.decode()
    assert "Sélectionnez" in content
    assert "Select organisation" not in content


def test_history_shows_who_changed_what(admin_client, superuser):
    organisation = OrganisationFactory(name="Lièpvre")
    response = admin_client.post(
        admin_url(Organisation, "change", organisation.pk),
        {
            "kind": "commune",
            "name": "Lièpvre (68)",
            "siren": organisation.siren,
            "department": organisation.department_id,
            "is_active": "on",
            "representatives-TOTAL_FORMS": "0",
            "representatives-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.context["adminform"].errors
    latest = organisation.history.first()
    assert latest.name == "Lièpvre (68)"
    assert latest.history_user == superuser
    response = admin_client.get(admin_url(Organisation, "history", organisation.pk))
    assert superuser.username in response.content.decode()


def test_history_page_is_in_french(admin_client):
    organisation = OrganisationFactory(name="Lièpvre", population=1700)
    organisation.is_active = False
    organisation.population = 1720
    organisation.kind = "syndicate"
    organisation.save()
    response = admin_client.get(admin_url(Organisation, "history", organisation.pk))
    content = response.content.decode()
    assert "Modifications" in content
    assert "Changes" not in content
    assert "None" not in content
    assert "Active:" in content and "Oui" in content and "Non" in content
    assert "Syndicat intercommunal" in content
    assert "1700" in content and "1720" in content


def test_permissions_are_labelled_in_french(admin_client):
    response = admin_client.get(admin_url(Group, "add"))
    content = response.content.decode()
    assert "Conventions | Peut modifier : convention" in content
    assert "Peut consulter : historique de convention" in content
    assert "Can change" not in content
    assert "historical" not in content


def test_frozen_version_cannot_be_changed(admin_client, one_of_everything):
    version = ConventionVersion.objects.get()
    url = admin_url(ConventionVersion, "change", version.pk)
    response = admin_client.get(url)
    assert response.status_code == 200
    assert 'name="_save"' not in response.content.decode()
    assert admin_client.post(url, {"number": 2}).status_code == 403
    assert admin_client.post(admin_url(ConventionVersion, "delete", version.pk)).status_code == 403


def test_organisation_search_by_siren(admin_client):
    wanted = OrganisationFactory(name="Sainte-Croix-aux-Mines", siren="216802984")
    OrganisationFactory(name="Lièpvre")
    url = admin_url(Organisation, "changelist")

    response = admin_client.get(url, {"q": "216802984"})
    assert list(response.context["cl"].result_list) == [wanted]

    response = admin_client.get(url, {"q": "216 802 984"})
    assert list(response.context["cl"].result_list) == [wanted]


def test_organisation_search_by_insee_code(admin_client):
    wanted = OrganisationFactory(name="Lièpvre", insee_code="68185")
    OrganisationFactory(name="Rombach-le-Franc", insee_code="68279")
    response = admin_client.get(admin_url(Organisation, "changelist"), {"q": "68185"})
    assert list(response.context["cl"].result_list) == [wanted]


def _communes(count, epci):
    for _ in range(count):
        OrganisationFactory(epci=epci, population=1000)


def test_organisation_changelist_query_count_does_not_grow(
    admin_client, django_assert_max_num_queries
):
    url = admin_url(Organisation, "changelist")
    epci = OrganisationFactory(as_epci=True)
    _communes(3, epci)
    with CaptureQueriesContext(connection) as with_three:
        response = admin_client.get(url)
    assert response.context["cl"].result_count == 4

    _communes(27, OrganisationFactory(as_epci=True))
    with django_assert_max_num_queries(len(with_three)):
        response = admin_client.get(url)
    assert response.context["cl"].result_count == 32
    assert len(with_three) <= 12, [query["sql"] for query in with_three]


def test_epci_change_page_lists_member_communes(admin_client):
    epci = OrganisationFactory(as_epci=True, name="CC du Val d'Argent")
    OrganisationFactory(name="Lièpvre", insee_code="68185", epci=epci, population=1720)
    OrganisationFactory(name="Sainte-Marie-aux-Mines", insee_code="68298", epci=epci)
    OrganisationFactory(name="Colmar", insee_code="68066")
    response = admin_client.get(admin_url(Organisation, "change", epci.pk))
    content = response.content.decode()
    assert "Communes membres" in content
    assert "Lièpvre" in content
    assert "68185" in content
    assert "Sainte-Marie-aux-Mines" in content
    assert "Colmar" not in content


def test_commune_change_page_has_no_member_communes(admin_client):
    commune = OrganisationFactory(name="Lièpvre")
    response = admin_client.get(admin_url(Organisation, "change", commune.pk))
    assert "Communes membres" not in response.content.decode()


def test_representative_in_office_filter(admin_client):
    current = RepresentativeFactory(last_name="PETIT", mandate_end=None)
    former = RepresentativeFactory(last_name="ANCIEN", mandate_end=datetime.date(2020, 5, 22))
    url = admin_url(current.__class__, "changelist")
    response = admin_client.get(url, {"en_fonction": "oui"})
    assert list(response.context["cl"].result_list) == [current]
    response = admin_client.get(url, {"en_fonction": "non"})
    assert list(response.context["cl"].result_list) == [former]


def test_party_refuses_a_signatory_of_another_organisation():
    party = PartyFactory()
    stranger = RepresentativeFactory(last_name="DUPONT")
    form = PartyForm(
        data={
            "convention": party.convention_id,
            "organisation": party.organisation_id,
            "role": "co_signatory",
            "position": 1,
            "signatories": [stranger.pk],
            "requires_deliberation": "on",
        }
    )
    assert not form.is_valid()
    assert "ne représentent pas" in str(form.errors["signatories"])


def test_admin_adds_a_user_with_role_and_organisation(admin_client):
    caf = OrganisationFactory(as_caf=True)
    response = admin_client.post(
        admin_url(User, "add"),
        {
            "username": "conseillere",
            "email": "conseillere@caf68.fr",
            "first_name": "Claire",
            "last_name": "Martin",
            "usable_password": "true",
            "password1": "Un-mot-de-passe-solide-42",
            "password2": "Un-mot-de-passe-solide-42",
            "role": "adviser",
            "organisation": caf.pk,
        },
    )
    assert response.status_code == 302, response.context["adminform"].errors
    user = User.objects.get(username="conseillere")
    assert (user.role, user.organisation, user.email) == ("adviser", caf, "conseillere@caf68.fr")


def test_user_changelist_shows_role_and_organisation(admin_client):
    adviser = UserFactory(adviser=True, username="claire")
    response = admin_client.get(admin_url(User, "changelist"), {"role__exact": "adviser"})
    assert list(response.context["cl"].result_list) == [adviser]
    content = response.content.decode()
    assert "Rôle" in content
    assert "Conseiller territorial Caf" in content
    assert adviser.organisation.name in content
    assert "type d&#x27;organisation" in content


def test_non_staff_user_is_sent_to_the_admin_login(client):
    client.force_login(UserFactory())
    url = admin_url(Organisation, "changelist")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('admin:login')}?next={url}"


def test_anonymous_visitor_is_sent_to_a_login_page(client):
    # LoginRequiredMiddleware answers first, with the application's login page;
    # after signing in, a non-staff user still meets the admin login above.
    url = admin_url(Organisation, "changelist")
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next={url}"


def test_convention_change_page_queries_do_not_grow_with_parties(
    admin_client, django_assert_max_num_queries
):
    """Parties are listed on the convention's page and changed on their own: a convention
    of 47 parties took four queries a party."""
    party = PartyFactory()
    convention = party.convention
    url = admin_url(convention.__class__, "change", convention.pk)
    admin_client.get(url)
    with CaptureQueriesContext(connection) as with_one:
        response = admin_client.get(url)
    assert response.status_code == 200
    for _ in range(3):
        other = PartyFactory(convention=convention)
        other.signatories.add(RepresentativeFactory(organisation=other.organisation))
    with django_assert_max_num_queries(len(with_one)):
        response = admin_client.get(url)
    page = response.content.decode()
    assert page.count("/change/") >= 4  # each party links to its own page
    assert str(other.organisation) in page


def test_follow_ups_filter_by_year_among_the_conventions_years(admin_client, superuser):
    make_everything(superuser)
    sheet = FollowUp.objects.get().action_sheet
    FollowUp.objects.create(action_sheet=sheet, year=2027, quarter=2)
    url = admin_url(FollowUp, "changelist")
    response = admin_client.get(url)
    years = [
        choice["display"]
        for choice in response.context["cl"].filter_specs[2].choices(response.context["cl"])
    ]
    convention = sheet.convention
    assert years[1:] == [
        str(year) for year in range(convention.start_date.year, convention.end_date.year + 1)
    ]
    response = admin_client.get(url, {"year": "2027"})
    assert [f.year for f in response.context["cl"].result_list] == [2027]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="statistiques de PostgreSQL")
def test_unfiltered_list_of_a_big_table_is_counted_from_statistics(
    admin_client, superuser, monkeypatch
):
    from partners.admin import EstimatedCountPaginator

    make_everything(superuser)
    sheet = FollowUp.objects.get().action_sheet
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE actionplan_followup")
    FollowUp.objects.create(action_sheet=sheet, year=2027, quarter=2)
    monkeypatch.setattr(EstimatedCountPaginator, "EXACT_BELOW", 1)
    url = admin_url(FollowUp, "changelist")
    # The statistics know the one row analysed, not the one added since.
    assert admin_client.get(url).context["cl"].result_count == 1
    assert admin_client.get(url, {"year": "2027"}).context["cl"].result_count == 1
    assert admin_client.get(url, {"q": ""}).context["cl"].result_count == 1
    monkeypatch.setattr(EstimatedCountPaginator, "EXACT_BELOW", 20_000)
    assert admin_client.get(url).context["cl"].result_count == 2


def test_convention_page_lists_its_articles_whose_text_is_changed_on_their_own_page(
    admin_client, django_assert_max_num_queries
):
    """Every article's text drawn in full made the page of a convention 160 to 420 KB."""
    article = ArticleFactory(body="Texte propre au premier article.")
    convention = article.convention
    url = admin_url(convention.__class__, "change", convention.pk)
    admin_client.get(url)
    with CaptureQueriesContext(connection) as with_one:
        page = admin_client.get(url).content.decode()
    article_url = admin_url(article.__class__, "change", article.pk)
    assert f'<a href="{article_url}">Article {article.number} – {article.title}</a>' in page
    assert "Texte propre au premier article." not in page
    assert f"{admin_url(article.__class__, 'add')}?convention={convention.pk}" in page
    for _ in range(3):
        ArticleFactory(convention=convention, body="Un autre texte.")
    with django_assert_max_num_queries(len(with_one)):
        page = admin_client.get(url).content.decode()
    assert page.count("Article ") >= 4

    page = admin_client.get(article_url).content.decode()
    assert "Texte propre au premier article." in page
    response = admin_client.post(
        article_url,
        {
            "convention": convention.pk,
            "number": article.number,
            "title": article.title,
            "body": "Texte corrigé.",
        },
    )
    assert response.status_code == 302
    article.refresh_from_db()
    assert article.body == "Texte corrigé."


def test_template_page_lists_its_articles_and_picks_its_convention_by_search(admin_client):
    template = ConventionTemplate.objects.create(name="Modèle de la Caf")
    article = TemplateArticle.objects.create(
        template=template, number=1, title="Objet", body="Texte du modèle."
    )
    PartyFactory.create_batch(2)  # conventions a select would list in full
    page = admin_client.get(admin_url(ConventionTemplate, "change", template.pk)).content.decode()
    assert admin_url(TemplateArticle, "change", article.pk) in page
    assert "Texte du modèle." not in page
    assert f"{admin_url(TemplateArticle, 'add')}?template={template.pk}" in page
    assert "<option" not in page.split('name="created_from"')[1].split("</select>")[0]

    response = admin_client.post(
        admin_url(TemplateArticle, "change", article.pk),
        {"template": template.pk, "number": 1, "title": "Objet", "body": "{inconnu}"},
    )
    assert response.status_code == 200
    assert "Variables inconnues : {inconnu}" in response.content.decode()
    article.refresh_from_db()
    assert article.body == "Texte du modèle."


def test_convention_page_lists_its_parties_each_changed_on_its_own_page(admin_client):
    party = PartyFactory(short_name="la Ville")
    convention = party.convention
    page = admin_client.get(admin_url(convention.__class__, "change", convention.pk))
    page = page.content.decode()
    party_url = admin_url(party.__class__, "change", party.pk)
    expected = f"{party.organisation.name} – {party.get_role_display()}</a> (la Ville)"
    assert f'<a href="{party_url}">{expected}' in page
    assert f"{admin_url(party.__class__, 'add')}?convention={convention.pk}" in page
    assert 'name="parties-TOTAL_FORMS"' not in page  # nothing of the party is changed here
    assert admin_client.get(party_url).status_code == 200


def test_list_checkboxes_and_double_lists_are_drawn_as_django_draws_them(superuser):
    """Written in Python for speed, with Django's markup: the same HTML as its widgets'."""
    from django.contrib.admin import ModelAdmin
    from django.contrib.admin.widgets import FilteredSelectMultiple
    from django.test.html import parse_html

    from partners.admin import PlainFilteredSelectMultiple

    organisation = OrganisationFactory(name='Syndicat "Les Lutins" & Cie')
    model_admin = admin.site._registry[Organisation]
    assert parse_html(model_admin.action_checkbox(organisation)) == parse_html(
        ModelAdmin.action_checkbox(model_admin, organisation)
    )

    choices = [("Petite enfance", [(1, "Crèches & <haltes>"), (2, "RAM")]), (3, 'Jeunesse "12-17"')]
    ours = PlainFilteredSelectMultiple("thématiques", False, choices=choices)
    django = FilteredSelectMultiple("thématiques", False, choices=choices)
    for value in [[], ["2", "3"]]:
        assert parse_html(ours.render("themes", value, {"id": "id_themes"})) == parse_html(
            django.render("themes", value, {"id": "id_themes"})
        )


def test_action_sheet_change_page_queries_do_not_grow_with_partners_and_indicators(
    admin_client, django_assert_max_num_queries
):
    """Each partner party picked was named by one query for its organisation."""
    sheet = IndicatorFactory().action_sheet
    sheet.partner_parties.add(PartyFactory(convention=sheet.convention))
    url = admin_url(sheet.__class__, "change", sheet.pk)
    admin_client.get(url)
    with CaptureQueriesContext(connection) as with_one:
        assert admin_client.get(url).status_code == 200
    for _ in range(3):
        sheet.partner_parties.add(PartyFactory(convention=sheet.convention))
        IndicatorFactory(action_sheet=sheet)
    with django_assert_max_num_queries(len(with_one)):
        page = admin_client.get(url).content.decode()
    for party in sheet.partner_parties.all():
        assert str(party) in page


def test_convention_change_page_queries_do_not_grow_with_frozen_versions(
    admin_client, superuser, django_assert_max_num_queries
):
    """Each frozen version listed read its convention again for its name."""
    convention = PartyFactory().convention

    def freeze(number):
        ConventionVersion.objects.create(
            convention=convention,
            number=number,
            content={},
            content_hash=f"{number}" * 64,
            frozen_at=timezone.now(),
            frozen_by=superuser,
        )

    freeze(1)
    url = admin_url(convention.__class__, "change", convention.pk)
    admin_client.get(url)
    with CaptureQueriesContext(connection) as with_one:
        assert admin_client.get(url).status_code == 200
    for number in range(2, 5):
        freeze(number)
    with django_assert_max_num_queries(len(with_one)):
        page = admin_client.get(url).content.decode()
    version = ConventionVersion.objects.get(convention=convention, number=4)
    assert f'<a href="{admin_url(ConventionVersion, "change", version.pk)}">Version 4</a>' in page
    assert 'name="versions-TOTAL_FORMS"' not in page  # read-only: listed, no formset


def test_form_fields_are_written_as_django_templates_write_them():
    """Labels, inputs, text areas and lists written in Python for speed: the same HTML,
    byte for byte, as Django's templates."""
    from django import forms

    from partners.admin import PLAIN_RENDERER

    class Every(forms.Form):
        text = forms.CharField(label='Nom "court" & <sigle>', help_text="Aide")
        number = forms.IntegerField(required=False, min_value=0)
        email = forms.EmailField(required=False)
        url = forms.CharField(required=False, widget=forms.URLInput)
        day = forms.DateField(required=False, widget=forms.DateInput(attrs={"type": "date"}))
        hidden = forms.CharField(required=False, widget=forms.HiddenInput)
        body = forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 3}))
        kind = forms.ChoiceField(
            choices=[("", "---"), ("a", "Crèches & <haltes>"), ("Groupe", [("b", 'B "2"')])]
        )
        several = forms.MultipleChoiceField(choices=[(1, "Un"), (2, "Deux")], required=False)
        agreed = forms.BooleanField(required=False, label="D'accord ?")

    data = {
        "text": 'Val "d\'Argent" <b>',
        "number": "3",
        "email": "a@b.fr",
        "day": "2026-01-15",
        "hidden": "x&y",
        "body": "Ligne 1\n<Ligne 2>",
        "kind": "b",
        "several": ["1", "2"],
    }
    for bound in [Every(), Every(data=data), Every(initial={"body": "", "number": 0})]:
        for field in bound:
            django_form = type(bound)(data=bound.data or None, initial=bound.initial)
            django_field = django_form[field.name]
            ours = type(bound)(
                data=bound.data or None, initial=bound.initial, renderer=PLAIN_RENDERER
            )[field.name]
            assert str(ours) == str(django_field), field.name
            for attrs in [None, {"class": "required"}]:
                assert ours.label_tag(attrs=attrs) == django_field.label_tag(attrs=attrs)
            ours.field.widget.attrs["id"] = ""
            django_field.field.widget.attrs["id"] = ""
            assert ours.label_tag() == django_field.label_tag()


@pytest.mark.parametrize("model", [ActionSheet, Equipment, Convention, Party])
def test_related_field_links_are_drawn_as_django_draws_them(rf, superuser, model):
    """The add, change, delete and view links of related fields, written in Python: the
    same HTML as Django's wrapper."""
    from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
    from django.test.html import parse_html

    from partners.admin import PlainRelatedFieldWidgetWrapper

    make_everything(superuser)
    request = rf.get("/")
    request.user = superuser
    model_admin = admin.site._registry[model]
    obj = model.objects.first()
    form = model_admin.get_form(request, obj)(instance=obj)
    wrapped = [field for field in form if isinstance(field.field.widget, RelatedFieldWidgetWrapper)]
    assert wrapped
    for field in wrapped:
        ours = field.field.widget
        assert type(ours) is PlainRelatedFieldWidgetWrapper
        django = RelatedFieldWidgetWrapper(
            ours.widget,
            ours.rel,
            ours.admin_site,
            can_add_related=ours.can_add_related,
            can_change_related=ours.can_change_related,
            can_delete_related=ours.can_delete_related,
            can_view_related=ours.can_view_related,
        )
        assert parse_html(str(field)) == parse_html(field.as_widget(widget=django)), field.name


def test_action_sheet_page_links_its_indicators_and_means_each_changed_on_its_own_page(
    admin_client, superuser
):
    make_everything(superuser)
    funding = Funding.objects.get()
    sheet = funding.action_sheet
    indicator = sheet.indicators.get()
    page = admin_client.get(admin_url(ActionSheet, "change", sheet.pk)).content.decode()
    indicator_url = admin_url(indicator.__class__, "change", indicator.pk)
    assert f'<a href="{indicator_url}">{indicator.label}</a>' in page
    assert f"{admin_url(indicator.__class__, 'add')}?action_sheet={sheet.pk}" in page
    funding_url = admin_url(Funding, "change", funding.pk)
    assert f'<a href="{funding_url}">{funding.funder.name} – 1000,00 €</a>' in page
    assert f"{admin_url(Funding, 'add')}?action_sheet={sheet.pk}" in page
    assert "-TOTAL_FORMS" not in page  # nothing of them is changed here
    assert admin_client.get(funding_url).status_code == 200
    page = admin_client.get(f"{admin_url(Funding, 'add')}?action_sheet={sheet.pk}")
    assert page.context["adminform"].form.initial["action_sheet"] == str(sheet.pk)


def test_convention_page_links_its_steering_instances_and_frozen_versions(admin_client, superuser):
    make_everything(superuser)
    instance = SteeringInstance.objects.get()
    convention = instance.convention
    version = convention.versions.get()
    page = admin_client.get(admin_url(Convention, "change", convention.pk)).content.decode()
    instance_url = admin_url(SteeringInstance, "change", instance.pk)
    assert f'<a href="{instance_url}">Comité de pilotage</a>' in page
    assert f"{admin_url(SteeringInstance, 'add')}?convention={convention.pk}" in page
    version_url = admin_url(ConventionVersion, "change", version.pk)
    assert f'<a href="{version_url}">Version 1</a>' in page
    assert f"par {superuser.username} (empreinte aaaaaaaaaaaa…)" in page
    assert "-TOTAL_FORMS" not in page
    assert admin_client.get(instance_url).status_code == 200


def test_change_page_names_its_chosen_rows_without_a_query_each(admin_client, superuser):
    """The sheet is read joined to its convention, axis, objective and pilot party, which
    its search pickers name: four queries fewer."""
    make_everything(superuser)
    sheet = ActionSheet.objects.get()
    sheet.pilot_party = sheet.convention.parties.first()
    sheet.save()
    url = admin_url(ActionSheet, "change", sheet.pk)
    with CaptureQueriesContext(connection) as queries:
        page = admin_client.get(url).content.decode()
    for table in ["conventions_convention", "actionplan_axis", "actionplan_objective"]:
        assert not [q for q in queries if q["sql"].startswith(f'SELECT "{table}"."id"')], table
    for related in [sheet.convention, sheet.axis, sheet.objective, sheet.pilot_party]:
        assert f'<option value="{related.pk}" selected>{escape(related)}</option>' in page

    other_axis = ObjectiveFactory(axis__convention=sheet.convention).axis
    response = admin_client.post(url, {"axis": other_axis.pk, "title": ""})
    assert response.status_code == 200  # invalid: the page again, with the axis posted
    assert f'<option value="{other_axis.pk}" selected>{escape(other_axis)}</option>' in (
        response.content.decode()
    )


def test_list_rows_link_to_the_same_change_urls_as_django_builds(admin_client, superuser):
    from django.contrib.admin.views.main import ChangeList

    make_everything(superuser)
    response = admin_client.get(admin_url(Convention, "changelist"))
    changelist = response.context["cl"]
    for convention in changelist.result_list:
        assert changelist.url_for_result(convention) == ChangeList.url_for_result(
            changelist, convention
        )


def _form_of(response):
    page = response.content.decode()
    start = page.index("<form ", page.index('<div id="content-main">'))
    form = page[start : page.index("</form>", start) + 7]
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", form)


@pytest.mark.parametrize(
    "model",
    [model for model in REGISTERED if isinstance(admin.site._registry[model], PlainMarkupMixin)],
    ids=lambda model: model._meta.label,
)
def test_change_pages_fieldsets_are_drawn_as_django_draws_them(
    admin_client, one_of_everything, model, monkeypatch
):
    """The fieldsets written in Python (PlainFieldsets): the same HTML as Django's template,
    on every add and change page, and on a page sent back with errors."""
    from django.test.html import parse_html

    model_admin = admin.site._registry[model]
    obj = model.objects.first()
    requests = [("get", admin_url(model, "add"), None)]
    if obj is not None:
        url = admin_url(model, "change", obj.pk)
        requests += [("get", url, None), ("post", url, {"_save": "1"})]
    for method, url, data in requests:
        ours = getattr(admin_client, method)(url, data)
        if ours.status_code != 200:
            continue  # read-only models: no add page; a post that saved
        monkeypatch.setattr(model_admin, "change_form_template", None)
        django = getattr(admin_client, method)(url, data)
        monkeypatch.undo()
        assert parse_html(_form_of(ours)) == parse_html(_form_of(django)), url
