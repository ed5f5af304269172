"""The "Historique" page of a convention: who changed what and when, in French, for
everyone who sees the convention, page by page, in a constant number of queries."""

import datetime
import html
import re
from decimal import Decimal

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from actionplan import followup
from actionplan.models import IndicatorValue
from conventions.models import (
    Article,
    Convention,
    Document,
    DocumentKind,
    DocumentState,
    Outcome,
    PartyRole,
)
from partners.models import Role
from tests.factories import (
    ArticleFactory,
    DeliberationFactory,
    OrganisationFactory,
    PartyFactory,
    RepresentativeFactory,
    UserFactory,
)
from tests.followup_setup import TODAY, entry_data, signed_convention

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def setting():
    return signed_convention(sheets=1, quarters=((2026, 2),))


@pytest.fixture
def convention(setting):
    return setting.convention


@pytest.fixture
def users(setting):
    return setting.users


def page(client, user, convention, **params):
    client.force_login(user)
    response = client.get(reverse("conventions:history", args=[convention.pk]), params)
    assert response.status_code == 200
    main = response.content.decode().split("<main", 1)[-1]
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", main)))


def saved(obj, user, reason=""):
    obj._history_user = user
    if reason:
        obj._change_reason = reason
    obj.save()
    return obj


@pytest.mark.parametrize("who", ["adviser", "cooperation", "reader", "admin"])
def test_everyone_who_sees_the_convention_reads_its_history(client, convention, users, who):
    page(client, users[who], convention)


@pytest.mark.parametrize("who", ["other_adviser", "other_cooperation"])
def test_outsiders_get_404(client, convention, users, who):
    client.force_login(users[who])
    url = reverse("conventions:history", args=[convention.pk])
    assert client.get(url).status_code == 404


def test_anonymous_visitor_is_sent_to_the_login_page(client, convention):
    response = client.get(reverse("conventions:history", args=[convention.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_history_page_only_answers_get(client, convention, users):
    client.force_login(users["adviser"])
    url = reverse("conventions:history", args=[convention.pk])
    assert client.post(url).status_code == 405


def test_a_field_change_names_the_element_field_values_person_and_date(client, convention, users):
    adviser = users["adviser"]
    convention.signing_place = "Sainte-Marie-aux-Mines"
    convention.statistical_secrecy = True
    saved(convention, adviser, "Lieu de signature corrigé")
    text = page(client, users["reader"], convention)
    assert "Convention" in text and convention.title in text
    assert "Lieu de signature : « Mulhouse » → « Sainte-Marie-aux-Mines »" in text
    assert "Clause de secret statistique : « non » → « oui »" in text
    assert "par Claire Roth" in text
    assert "dimanche 10 mai 2026 à 11:00" in text  # 09:00 UTC, Paris time
    assert "Motif : Lieu de signature corrigé" in text


def test_choices_show_their_label_and_foreign_keys_their_name(client, convention, users):
    party = convention.parties.get(role=PartyRole.CO_SIGNATORY)
    party.role = PartyRole.PARTNER
    saved(party, users["adviser"])
    deliberation = DeliberationFactory(party=party)
    deliberation.outcome = Outcome.ADOPTED_MAJORITY
    deliberation.votes_for, deliberation.votes_against, deliberation.votes_cast = 30, 1, 31
    saved(deliberation, users["adviser"])
    text = page(client, users["adviser"], convention)
    assert f"Partie {party.organisation.name}" in text
    assert "Rôle : « Cosignataire » → « Partenaire non signataire »" in text
    assert "Délibération" in text
    assert f"{party.organisation.name}, séance du 05/04/2023 (n° 2023-32)" in text
    assert "Décision : « Adoptée à l'unanimité » → « Adoptée à la majorité »" in text
    assert "Contre : « 0 » → « 1 »" in text


def test_a_party_added_then_removed_is_told_in_the_words_of_the_domain(client, convention, users):
    organisation = OrganisationFactory(name="Rombach-le-Franc")
    party = PartyFactory(convention=convention, organisation=organisation)
    party._history_user = users["adviser"]
    party.delete()
    text = page(client, users["reader"], convention, type="parties")
    assert "Partie Rombach-le-Franc Retrait de la convention le" in text
    assert "Partie Rombach-le-Franc Ajout à la convention le" in text


def test_bad_page_and_filter_fall_back_to_the_first_page_of_everything(client, convention, users):
    text = page(client, users["reader"], convention, type="inconnu", page="abc")
    assert convention.lead_authority.name in text
    assert "Aucune modification" not in text
    assert convention.title in page(client, users["reader"], convention, page="999")


def test_signing_people_added_to_a_party_are_named(client, convention, users):
    party = convention.parties.get(role=PartyRole.LEAD)
    mayor = RepresentativeFactory(
        organisation=party.organisation, first_name="Jean-Marc", last_name="Burrus"
    )
    party._history_user = users["adviser"]
    party.signatories.add(mayor)
    text = page(client, users["cooperation"], convention, type="parties")
    assert "Signataires : « (vide) » → « Jean-Marc BURRUS »" in text


def test_a_deleted_article_is_still_told_with_who_deleted_it(client, convention, users):
    article = ArticleFactory(convention=convention, number=7, title="Durée")
    article._history_user = users["adviser"]
    article.delete()
    text = page(client, users["reader"], convention, type="textes")
    assert "Article 7 – Durée" in text
    assert "Suppression le" in text
    assert not Article.objects.filter(pk=article.pk).exists()


def test_long_texts_are_shortened_with_the_whole_text_behind_voir(client, convention, users):
    convention.preamble = "Considérant les besoins des familles du territoire. " * 10
    saved(convention, users["adviser"])
    text = page(client, users["reader"], convention)
    assert "Préambule : « (vide) » → « Considérant les besoins" in text
    assert "…" in text
    assert "voir" in text and ("Considérant les besoins des familles du territoire. " * 9) in text


def test_follow_up_transmission_send_back_and_validation_are_told_with_their_reason(
    client, setting, convention, users
):
    entry = setting.entries[(1, 2026, 2)]
    followup.save_entry(users["cooperation"], entry, entry.revision, entry_data(), submit=True)
    followup.send_back(users["adviser"], entry, entry.revision, "Précisez le nombre de places.")
    followup.save_entry(
        users["cooperation"], entry, entry.revision, entry_data(progress=50), submit=True
    )
    followup.validate(users["adviser"], entry, entry.revision)
    text = page(client, users["cooperation"], convention, type="suivi")
    assert "Suivi trimestriel Fiche action 1 – Action numéro 1 – T2 2026" in text
    assert "Transmission à la Caf le" in text and "par Léa Gaschy" in text
    assert "Renvoi pour complément le" in text
    assert "Motif : Renvoyé pour complément : Précisez le nombre de places." in text
    assert "Commentaire du conseiller : « (vide) » → « Précisez le nombre de places. »" in text
    assert "Validation le" in text and "par Claire Roth" in text
    assert "Réalisation (%) : « 40 » → « 50 »" in text
    assert "État : « Transmis » → « Validé »" in text
    # Most recent first.
    assert text.index("Validation le") < text.index("Renvoi pour complément le")


def test_indicator_values_under_statistical_secrecy_stay_hidden_outside_the_caf(
    client, setting, convention, users
):
    convention.statistical_secrecy = True
    convention.save()
    value = IndicatorValue.objects.create(
        indicator=setting.indicators[0], year=2026, quarter=2, value=Decimal("3")
    )
    value.value = Decimal("4")
    saved(value, users["adviser"])
    reader_text = page(client, users["reader"], convention, type="suivi")
    assert "Valeur : « secret statistique » → « secret statistique »" in reader_text
    adviser_text = page(client, users["adviser"], convention, type="suivi")
    assert "Valeur : « 3 » → « 4 »" in adviser_text


def test_documents_produced_are_told_from_request_to_outcome(client, convention, users):
    document = Document.objects.create(
        convention=convention, kind=DocumentKind.FOLLOW_UP_REPORT, year=2026, quarter=2,
        content_hash="a", requested_by=users["adviser"],
    )  # fmt: skip
    document.state = DocumentState.RENDERING
    document.save()
    document.state = DocumentState.DONE
    document.save()
    text = page(client, users["reader"], convention, type="documents")
    assert "Document produit Rapport de suivi – T2 2026" in text
    assert "Demande le" in text
    assert "Production terminée le" in text
    assert "État : « En cours » → « Prêt »" in text
    assert text.count("Rapport de suivi – T2 2026") == 2  # the worker's start is not told


def test_the_filter_keeps_one_kind_of_change(client, convention, users):
    ArticleFactory(convention=convention, number=9, title="Évaluation")
    parties_only = page(client, users["adviser"], convention, type="parties")
    assert "Article 9 – Évaluation" not in parties_only
    assert convention.lead_authority.name in parties_only
    everything = page(client, users["adviser"], convention)
    assert "Article 9 – Évaluation" in everything
    assert convention.lead_authority.name in everything


def test_history_is_paginated_by_50_newest_first(client, convention, users):
    for number in range(1, 121):
        with time_machine.travel(TODAY + datetime.timedelta(minutes=number), tick=False):
            ArticleFactory(convention=convention, number=100 + number, title=f"Titre {number}")
    first = page(client, users["adviser"], convention, type="textes")
    assert first.count("Création le") == 50
    assert "Article 220 – Titre 120" in first and "Article 171 – Titre 71" in first
    assert "Article 170 – Titre 70" not in first
    assert "page 1 sur 3" in first
    third = page(client, users["adviser"], convention, type="textes", page=3)
    assert "Article 101 – Titre 1" in third
    assert "Article 220 – Titre 120" not in third


def grow(convention, setting, users, times, start=0):
    """A longer history of every kind: parties, articles, deliberations, plan, follow-up."""
    adviser = users["adviser"]
    party = convention.parties.filter(role=PartyRole.CO_SIGNATORY).order_by("pk").first()
    for n in range(start, start + times):
        article = ArticleFactory(convention=convention, number=300 + n, title=f"Titre {n}")
        article.body = f"Texte modifié {n}"
        saved(article, adviser)
        party.short_name = f"la Commune {n}"
        saved(party, adviser)
        organisation = OrganisationFactory()
        extra = PartyFactory(convention=convention, organisation=organisation)
        extra.signatories.add(RepresentativeFactory(organisation=organisation))
        DeliberationFactory(party=extra, act_number=f"2026-{n}")
        sheet = setting.sheets[0]
        sheet.title = f"Action renommée {n}"
        saved(sheet, adviser)
        IndicatorValue.objects.update_or_create(
            indicator=setting.indicators[0], year=2026, quarter=2,
            defaults={"value": Decimal(n)},
        )  # fmt: skip
        Document.objects.create(
            convention=convention, kind=DocumentKind.CONVENTION, content_hash=str(n)
        )


# Session and user, the convention, the page's COUNT and rows, for each kind of record
# on the page its records and the previous ones, the names (two rounds) and the
# many-to-many fields with history: about 31 for the history grown below, whatever
# its length.
MAX_QUERIES = 60


@pytest.mark.parametrize("times", [1, 12])
def test_the_page_takes_a_bounded_number_of_queries_whatever_the_history(
    client, setting, convention, users, times, django_assert_max_num_queries
):
    grow(convention, setting, users, times)
    client.force_login(users["reader"])
    url = reverse("conventions:history", args=[convention.pk])
    with django_assert_max_num_queries(MAX_QUERIES):
        response = client.get(url)
    assert response.status_code == 200
    with django_assert_max_num_queries(MAX_QUERIES):
        client.get(url, {"page": 2})


def test_the_number_of_queries_does_not_grow_with_the_history(
    client, setting, convention, users, django_assert_max_num_queries
):
    grow(convention, setting, users, 2)
    client.force_login(users["reader"])
    url = reverse("conventions:history", args=[convention.pk])
    with CaptureQueriesContext(connection) as short:
        client.get(url)
    grow(convention, setting, users, 15, start=2)
    with django_assert_max_num_queries(len(short.captured_queries)):
        client.get(url)


def test_the_convention_page_links_to_its_history(client, convention, users):
    client.force_login(users["reader"])
    text = client.get(reverse("conventions:detail", args=[convention.pk])).content.decode()
    assert reverse("conventions:history", args=[convention.pk]) in text


def test_a_reader_cannot_see_another_conventions_history_through_the_url(client, users):
    other = Convention.objects.create(
        reference="autre-2026-2030", title="Autre CTG", caf=users["other_adviser"].organisation,
        lead_authority=OrganisationFactory(as_epci=True), territory_name="Ailleurs",
        start_date=datetime.date(2026, 1, 1), end_date=datetime.date(2030, 12, 31),
    )  # fmt: skip
    client.force_login(UserFactory(role=Role.READER))
    assert client.get(reverse("conventions:history", args=[other.pk])).status_code == 404
