"""Conventions signed before the application, in the browser and in the documents: the
real dates recorded with warnings, unknown vote counts, the Caf board's deliberation,
the ACTES identifier, the place and date of signature, the competences article."""

import datetime
import io
import re

import pytest
import time_machine
from django.urls import reverse
from pypdf import PdfReader

from conventions import lifecycle
from conventions.documents import service
from conventions.documents.typography import NBSP, NNBSP
from conventions.models import (
    ConventionState,
    Deliberation,
    DocumentKind,
    Outcome,
    PartyRole,
    Signature,
)
from partners.models import Role
from tests.factories import (
    ArticleFactory,
    ConventionFactory,
    DeliberationFactory,
    DepartmentFactory,
    OrganisationFactory,
    PartyFactory,
    RepresentativeFactory,
    UserFactory,
    caf_party,
)

pytestmark = pytest.mark.django_db

ACTES_CAF = "025-778952788-20211129-CA_2021_113-DE"


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2025, 11, 20, 10, 0), tick=False):
        yield


@pytest.fixture
def convention():
    """Pays de Montbéliard Agglomération, the Caf du Doubs and Arbouans, as in 2022."""
    doubs = DepartmentFactory(code="25", name="Doubs", linking_type=2)
    convention = ConventionFactory(
        caf=OrganisationFactory(as_caf=True, name="Caf du Doubs", department=doubs),
        lead_authority=OrganisationFactory(
            as_epci=True, epci_kind="CA", name="CA Pays de Montbéliard Agglomération"
        ),
        territory_name="Pays de Montbéliard Agglomération",
        start_date=datetime.date(2023, 1, 1),
        end_date=datetime.date(2027, 12, 31),
        signing_place="Montbéliard",
        originals_count=2,
    )
    caf_party(convention)
    lead = PartyFactory(
        convention=convention,
        organisation=convention.lead_authority,
        role=PartyRole.LEAD,
        competences="Compétence obligatoire : le développement économique.",
    )
    lead.signatories.set(
        [
            RepresentativeFactory(
                organisation=lead.organisation,
                civility="M",
                first_name="Charles",
                last_name="DEMOUGE",
                role_title="Président",
            )
        ]
    )
    arbouans = OrganisationFactory(name="Arbouans", department=doubs)
    commune = PartyFactory(convention=convention, organisation=arbouans)
    commune.signatories.set(
        [
            RepresentativeFactory(
                organisation=arbouans,
                civility="MME",
                first_name="Marie",
                last_name="BLANC",
                role_title="Maire",
            )
        ]
    )
    syndicate = OrganisationFactory(kind="syndicate", name="SIVU des Trois Fontaines")
    sivu = PartyFactory(convention=convention, organisation=syndicate)
    sivu.signatories.set(
        [
            RepresentativeFactory(
                organisation=syndicate,
                civility="MME",
                first_name="Nathalie",
                last_name="PETETIN",
                role_title="Présidente",
            )
        ]
    )
    for number, title in ((1, "Objet"), (2, "Missions"), (3, "Champs d'intervention")):
        ArticleFactory(convention=convention, number=number, title=title, body="Texte.")
    return convention


@pytest.fixture
def adviser(client, convention):
    user = UserFactory(role=Role.ADVISER, organisation=convention.caf)
    client.force_login(user)
    return user


def detail(client, convention):
    return client.get(reverse("conventions:detail", args=[convention.pk])).content.decode()


def record_url(convention):
    return reverse("conventions:record_signed", args=[convention.pk])


def party(convention, name):
    return convention.parties.get(organisation__name=name)


# -- Recording a convention signed before the application --------------------------


def test_the_convention_page_offers_to_record_a_signed_convention(client, convention, adviser):
    assert record_url(convention) in detail(client, convention)
    page = client.get(record_url(convention)).content.decode()
    assert "Date de signature" in page
    assert "Madame Marie BLANC, Maire – Arbouans" in page  # one optional date per person


def test_adviser_records_the_real_dates_and_reads_the_warnings(client, convention, adviser):
    commune = party(convention, "Arbouans")
    mayor = commune.signatories.get()
    response = client.post(
        record_url(convention),
        {"signed_on": "2022-11-21", f"date_{commune.pk}_{mayor.pk}": "2022-12-02"},
        follow=True,
    )
    page = response.content.decode()
    convention.refresh_from_db()
    assert convention.state == ConventionState.SIGNED
    assert convention.signed_on == datetime.date(2022, 12, 2)
    assert Signature.objects.get(party=commune).signed_on == datetime.date(2022, 12, 2)
    assert "La convention est enregistrée comme signée le 02/12/2022." in page
    assert "Aucune délibération adoptée n&#x27;est enregistrée pour" in page
    assert "Fait à Montbéliard, le 2 décembre 2022, en deux exemplaires originaux." in page


def test_a_future_date_is_refused_at_the_field_and_nothing_changes(client, convention, adviser):
    page = client.post(record_url(convention), {"signed_on": "2026-01-05"}).content.decode()
    assert "La date de signature ne peut pas être dans le futur." in page
    convention.refresh_from_db()
    assert convention.state == ConventionState.DRAFT
    assert not Signature.objects.exists()


def test_a_convention_without_articles_cannot_be_recorded_as_signed(client, convention, adviser):
    convention.articles.all().delete()
    page = client.get(record_url(convention)).content.decode()
    assert "la convention n&#x27;a aucun article" in page
    client.post(record_url(convention), {"signed_on": "2022-11-21"})
    convention.refresh_from_db()
    assert convention.state == ConventionState.DRAFT


def test_a_signed_convention_is_not_offered_again(client, convention, adviser):
    lifecycle.record_signed_convention(convention, signed_on=datetime.date(2022, 11, 21))
    assert record_url(convention) not in detail(client, convention)
    page = client.get(record_url(convention)).content.decode()
    assert "la convention est « Signée »" in page


def test_record_signed_access(client, convention):
    client.force_login(UserFactory(role=Role.READER, organisation=convention.lead_authority))
    assert client.post(record_url(convention), {"signed_on": "2022-11-21"}).status_code == 403
    client.force_login(UserFactory(role=Role.ADVISER))
    assert client.get(record_url(convention)).status_code == 404
    client.logout()
    assert client.get(record_url(convention)).status_code == 302
    client.force_login(UserFactory(role=Role.ADVISER, organisation=convention.caf))
    assert client.put(record_url(convention)).status_code == 405
    convention.refresh_from_db()
    assert convention.state == ConventionState.DRAFT


def test_a_signature_before_the_signing_start_is_recorded_with_a_warning(
    client, convention, adviser
):
    version = lifecycle.freeze(convention)
    for signing in convention.parties.exclude(role=PartyRole.CAF):
        DeliberationFactory(party=signing, version=version, session_date=datetime.date(2022, 10, 3))
    lifecycle.start_signing(convention)
    commune = party(convention, "Arbouans")
    mayor = commune.signatories.get()
    response = client.post(
        reverse("conventions:signature", args=[convention.pk]),
        {"signatory": f"{commune.pk}-{mayor.pk}", "signed_on": "2022-11-21"},
        follow=True,
    )
    page = response.content.decode()
    assert Signature.objects.get(party=commune).signed_on == datetime.date(2022, 11, 21)
    assert "avant la mise à la signature du 20/11/2025 : la date réelle est enregistrée" in page
    assert "précède la mise à la signature" not in page


def test_a_signature_before_the_council_deliberated_warns(convention):
    version = lifecycle.freeze(convention)
    for signing in convention.parties.exclude(role=PartyRole.CAF):
        DeliberationFactory(party=signing, version=version, session_date=datetime.date(2022, 12, 5))
    lifecycle.start_signing(convention)
    commune = party(convention, "Arbouans")
    signature = lifecycle.record_signature(
        convention,
        party=commune,
        representative=commune.signatories.get(),
        signed_on=datetime.date(2022, 11, 21),
    )
    warnings = lifecycle.signature_warnings(convention, signature)
    assert "La Commune d'Arbouans a signé le 21/11/2022, avant la délibération" in " ".join(
        warnings
    )


# -- Deliberations: unknown counts, after the signature, the Caf board ---------------


def deliberation_data(**overrides):
    data = {
        "body": "municipal_council",
        "session_date": "2022-12-05",
        "act_number": "",
        "subject": "Convention territoriale globale – signature",
        "members_in_office": "",
        "present": "",
        "proxies": "",
        "votes_cast": "",
        "votes_for": "",
        "votes_against": "",
        "abstentions": "",
        "outcome": "adopted",
    }
    return data | overrides


def deliberation_url(convention, party):
    return reverse("conventions:deliberation_create", args=[convention.pk, party.pk])


def test_a_deliberation_without_vote_counts_is_recorded_after_signing_with_a_warning(
    client, convention, adviser
):
    lifecycle.record_signed_convention(convention, signed_on=datetime.date(2022, 11, 21))
    commune = party(convention, "Arbouans")
    form = client.get(deliberation_url(convention, commune)).content.decode()
    assert "Adoptée (vote non précisé)" in form
    response = client.post(deliberation_url(convention, commune), deliberation_data(), follow=True)
    page = response.content.decode()
    deliberation = Deliberation.objects.get()
    assert deliberation.votes_for is None and deliberation.members_in_office is None
    assert deliberation.version == convention.current_version
    assert (
        "La Commune d&#x27;Arbouans a signé le 21/11/2022, avant cette délibération du 05/12/2022"
        in page
    )
    assert "non précisé" in page
    assert "None" not in page


def test_figures_given_are_still_checked_at_the_field(client, convention, adviser):
    lifecycle.record_signed_convention(convention, signed_on=datetime.date(2022, 11, 21))
    commune = party(convention, "Arbouans")
    data = deliberation_data(
        members_in_office="33", present="34", outcome="adopted_majority", votes_for="3"
    )
    page = client.post(deliberation_url(convention, commune), data).content.decode()
    assert "Il y a plus de présents (34) que de membres en exercice (33)." in page
    assert 'id="error_1_id_present"' in page or "is-invalid" in page
    assert not Deliberation.objects.exists()


def test_the_caf_board_deliberation_is_recorded_and_its_actes_id_shown(client, convention, adviser):
    lifecycle.record_signed_convention(convention, signed_on=datetime.date(2022, 11, 21))
    caf = convention.parties.get(role=PartyRole.CAF)
    page = detail(client, convention)
    assert deliberation_url(convention, caf) in page
    form = client.get(deliberation_url(convention, caf)).content.decode()
    assert 'value="caf_board" selected' in form
    data = deliberation_data(
        body="caf_board",
        session_date="2021-11-29",
        act_number="2021-113",
        actes_id="",
    )
    client.post(deliberation_url(convention, caf), data)
    deliberation = Deliberation.objects.get(party=caf)
    Deliberation.objects.filter(pk=deliberation.pk).update(actes_id=ACTES_CAF)
    page = detail(client, convention)
    assert ACTES_CAF in page
    assert "2021-113" in page


def test_unknown_counts_read_non_precise_in_the_admin_list(admin_client, convention):
    DeliberationFactory(
        party=party(convention, "Arbouans"),
        members_in_office=None,
        present=None,
        votes_cast=None,
        votes_for=None,
        outcome=Outcome.ADOPTED,
    )
    page = admin_client.get(reverse("admin:conventions_deliberation_changelist")).content.decode()
    assert "non précisé" in page
    assert "None" not in re.sub(r"<script.*?</script>", "", page, flags=re.S)


# -- The general texts page: place, originals, previous convention -----------------


def test_adviser_sets_place_originals_and_the_previous_convention(
    client, convention, adviser, django_assert_max_num_queries
):
    previous = ConventionFactory(caf=convention.caf, title="CTG PMA 2018-2022")
    renewed = ConventionFactory(caf=convention.caf, title="CTG déjà renouvelée")
    ConventionFactory(caf=convention.caf, title="Sa suivante", predecessor=renewed)
    foreign = ConventionFactory(title="CTG d'une autre Caf")
    url = reverse("conventions:edit_general", args=[convention.pk])
    with django_assert_max_num_queries(20) as few:
        page = client.get(url).content.decode()
    ConventionFactory.create_batch(5, caf=convention.caf)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(url)
    assert "CTG PMA 2018-2022" in page
    assert "CTG déjà renouvelée" not in page
    assert "CTG d&#x27;une autre Caf" not in page
    assert (
        f'value="{convention.pk}"' not in page.split('name="predecessor"')[1].split("</select>")[0]
    )
    data = {
        "title": convention.title,
        "territory_name": convention.territory_name,
        "signing_place": "Audincourt",
        "originals_count": 3,
        "predecessor": previous.pk,
        "secrecy_min_recipients": 100,
        "secrecy_min_value": 5,
        "read_version": client.get(url).context["form"]["read_version"].value(),
    }
    assert client.post(url, data).status_code == 302
    convention.refresh_from_db()
    assert (convention.signing_place, convention.originals_count) == ("Audincourt", 3)
    assert convention.predecessor == previous
    page = detail(client, convention)
    assert "Fait à Audincourt, le ..................., en trois exemplaires originaux." in page
    assert "CTG PMA 2018-2022" in page
    refused = client.post(url, data | {"predecessor": foreign.pk}).content.decode()
    assert "Sélectionnez un choix valide" in refused


def test_adviser_flags_the_competences_article(client, convention, adviser):
    articles = list(convention.articles.order_by("number"))
    data = {
        "articles-TOTAL_FORMS": "3",
        "articles-INITIAL_FORMS": "3",
        "articles-MIN_NUM_FORMS": "0",
        "articles-MAX_NUM_FORMS": "1000",
    }
    for index, article in enumerate(articles):
        data |= {
            f"articles-{index}-id": article.pk,
            f"articles-{index}-number": article.number,
            f"articles-{index}-title": article.title,
            f"articles-{index}-body": article.body,
        }
    url = reverse("conventions:edit_articles", args=[convention.pk])
    data["read_version"] = client.get(url).context["read_version"]
    both = data | {"articles-1-has_party_blocks": "on", "articles-2-has_party_blocks": "on"}
    page = client.post(url, both).content.decode()
    assert "Un seul article reçoit les compétences des collectivités" in page
    assert not convention.articles.filter(has_party_blocks=True).exists()
    assert client.post(url, data | {"articles-1-has_party_blocks": "on"}).status_code == 302
    assert list(convention.articles.filter(has_party_blocks=True).values_list("number", flat=True))
    assert convention.articles.get(has_party_blocks=True).number == 2


# -- The convention PDF ----------------------------------------------------------


def pdf_text(document):
    document.refresh_from_db()
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text.replace(NBSP, " ").replace(NNBSP, " "))


def render(convention, capture):
    with capture(execute=True):
        document = service.request_document(convention, DocumentKind.CONVENTION)
    return pdf_text(document)


def test_the_pdf_of_a_convention_signed_before_the_application(
    convention, django_capture_on_commit_callbacks
):
    caf = convention.parties.get(role=PartyRole.CAF)
    lead = convention.parties.get(role=PartyRole.LEAD)
    DeliberationFactory(
        party=caf,
        body="caf_board",
        session_date=datetime.date(2021, 11, 29),
        act_number="2021-113",
        actes_id=ACTES_CAF,
        outcome=Outcome.ADOPTED,
        members_in_office=None,
        present=None,
        votes_cast=None,
        votes_for=None,
        version=None,
    )
    DeliberationFactory(
        party=lead,
        body="community_council",
        session_date=datetime.date(2022, 10, 3),
        act_number="C 2022/187",
        version=None,
    )
    lifecycle.record_signed_convention(
        convention,
        signed_on=datetime.date(2022, 11, 21),
        signature_dates={},
    )
    convention.refresh_from_db()
    text = render(convention, django_capture_on_commit_callbacks)

    assert (
        "Vu la délibération du conseil d'administration de la Caf du Doubs en date du "
        "29 novembre 2021 ;" in text
    )
    assert (
        "Vu la délibération du conseil communautaire de Pays de Montbéliard Agglomération "
        "en date du 3 octobre 2022 ;" in text
    )
    # Parties that must deliberate and have not yet keep their line.
    assert "Vu la délibération du conseil municipal d'Arbouans en date du ... ;" in text
    assert "Vu la délibération du comité syndical du SIVU des Trois Fontaines en date du" in text
    assert "Fait à Montbéliard, le 21 novembre 2022, en deux exemplaires originaux." in text

    annex = text[text.index("Annexe 7 – Délibérations", text.index("Signatures")) :]
    assert "Identifiant ACTES" in annex
    assert ACTES_CAF in annex.replace(" ", "")
    assert "La Caf du Doubs Conseil d'administration de la Caf" in annex
    assert "CA Pays" not in annex
    assert "Votes : non précisé" in annex
    assert "Votes : 31 pour, 0 contre, 0 abstention" in annex
    assert "None" not in text

    # The competences entered on the party print in article 3, no switch needed.
    article_3 = text[text.index("Article 3 – Champs d'intervention", text.index("Préambule")) :]
    assert "Compétence obligatoire : le développement économique." in article_3

    # Names composed as the documents write them.
    assert (
        "Le SIVU des Trois Fontaines, représenté par sa Présidente, Madame Nathalie PETETIN, "
        "dûment autorisée à signer la présente convention par délibération de son comité "
        "syndical" in text
    )
    assert (
        "La Commune d'Arbouans, représentée par son Maire, Madame Marie BLANC, dûment "
        "autorisée à signer" in text
    )
    assert "Pays de Montbéliard Agglomération, représentée par son Président" in text
    assert "La Maire" in text  # Madame BLANC's signature block
    assert "de CC" not in text and "Commune de Arbouans" not in text
    assert "le Présidente" not in text.lower()


def test_the_amendment_prints_its_own_place_and_date(
    convention, django_capture_on_commit_callbacks
):
    lifecycle.record_signed_convention(convention, signed_on=datetime.date(2022, 11, 21))
    convention.refresh_from_db()
    amendment = lifecycle.amend(convention, subject="Ajout d'une fiche action")
    amendment.changes_description = "Une fiche action n° 11 est ajoutée."
    amendment.save()
    with django_capture_on_commit_callbacks(execute=True):
        document = service.request_document(convention, DocumentKind.AMENDMENT, amendment=amendment)
    text = pdf_text(document)
    assert "Fait à Montbéliard, le ..................., en deux exemplaires originaux." in text
    assert "signée le 21 novembre 2022" in text


def test_the_draft_deliberation_of_a_syndicate_chaired_by_a_woman(
    convention, django_capture_on_commit_callbacks
):
    sivu = party(convention, "SIVU des Trois Fontaines")
    lifecycle.freeze(convention)
    with django_capture_on_commit_callbacks(execute=True):
        document = service.request_document(convention, DocumentKind.DELIBERATION_DRAFT, party=sivu)
    text = pdf_text(document)
    assert "SIVU des Trois Fontaines" in text
    assert "EXTRAIT DU REGISTRE DES DÉLIBÉRATIONS DU COMITÉ SYNDICAL" in text
    assert "le comité syndical s'est réuni" in text
    assert "Le texte soumis au comité syndical" in text
    assert "Madame la Présidente, Madame Nathalie PETETIN, à signer" in text
    assert (
        "Elle réunit 4 signataires : la Caf du Doubs, Pays de Montbéliard Agglomération, la "
        "Commune d'Arbouans et le SIVU des Trois Fontaines." in text
    )
    assert "La Présidente," in text
    assert "le Présidente" not in text.lower()


def test_the_convention_page_names_parties_in_constant_queries(
    client, convention, adviser, django_assert_max_num_queries
):
    lifecycle.record_signed_convention(convention, signed_on=datetime.date(2022, 11, 21))

    def add_parties(count):
        for number in range(count):
            doubs = DepartmentFactory(code=f"{number + 30}", name=f"Département {number}")
            for organisation in (
                OrganisationFactory(kind="department", name=f"Dép {number}", department=doubs),
                OrganisationFactory(name=f"Écurcey {number}", department=doubs),
            ):
                added = PartyFactory(convention=convention, organisation=organisation)
                DeliberationFactory(party=added, votes_for=None, votes_cast=None)

    add_parties(1)
    with django_assert_max_num_queries(40) as few:
        page = detail(client, convention)
    add_parties(6)
    with django_assert_max_num_queries(len(few.captured_queries)):
        page = detail(client, convention)
    assert "corriger la délibération de la Commune d&#x27;Écurcey 5" in page
    assert "non précisé" in page
