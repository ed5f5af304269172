"""The Documents section for a fixed cast: the Caf adviser who owns the convention, a
chargé de coopération and a reader of a party, an outsider adviser, an anonymous visitor."""

import datetime
import html
import re

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from conventions.documents import service
from conventions.models import (
    ConventionState,
    ConventionVersion,
    Document,
    DocumentFormat,
    DocumentKind,
    DocumentState,
    PartyRole,
)
from partners.models import Role
from tests.factories import (
    ArticleFactory,
    ConventionFactory,
    OrganisationFactory,
    PartyFactory,
    RepresentativeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def convention():
    convention = ConventionFactory()
    caf = PartyFactory(
        convention=convention, organisation=convention.caf, role=PartyRole.CAF,
        requires_deliberation=False,
    )  # fmt: skip
    caf.signatories.set(
        [RepresentativeFactory(organisation=convention.caf, role_title="Directeur")]
    )
    lead = PartyFactory(
        convention=convention, organisation=convention.lead_authority, role=PartyRole.LEAD
    )
    lead.signatories.set([RepresentativeFactory(organisation=convention.lead_authority)])
    commune = PartyFactory(convention=convention, organisation=OrganisationFactory(name="Lièpvre"))
    commune.signatories.set([RepresentativeFactory(organisation=commune.organisation)])
    ArticleFactory(convention=convention, number=1)
    return convention


@pytest.fixture
def cast(convention):
    commune = convention.parties.get(organisation__name="Lièpvre").organisation
    return {
        "adviser": UserFactory(role=Role.ADVISER, organisation=convention.caf),
        "cooperation": UserFactory(role=Role.COOPERATION, organisation=commune),
        "reader": UserFactory(role=Role.READER, organisation=commune),
        "outsider": UserFactory(adviser=True),
    }


def done_document(convention, capture):
    with capture(execute=True):
        document = service.request_document(convention, DocumentKind.CONVENTION)
    document.refresh_from_db()
    assert document.state == DocumentState.DONE
    return document


@pytest.mark.parametrize(
    ("who", "status"), [("adviser", 200), ("cooperation", 200), ("reader", 200), ("outsider", 404)]
)
def test_documents_section_is_visible_to_who_may_see_the_convention(
    client, convention, cast, who, status
):
    client.force_login(cast[who])
    response = client.get(reverse("conventions:documents", args=[convention.pk]))
    assert response.status_code == status


def test_anonymous_visitor_is_sent_to_the_login_page(client, convention):
    response = client.get(reverse("conventions:documents", args=[convention.pk]))
    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))


def test_htmx_gets_the_section_alone_polling_while_rendering(client, convention, cast):
    client.force_login(cast["adviser"])
    with_section = client.get(
        reverse("conventions:documents", args=[convention.pk]), headers={"HX-Request": "true"}
    )
    assert b"<html" not in with_section.content
    assert b"every 2s" not in with_section.content

    Document.objects.create(convention=convention, kind=DocumentKind.CONVENTION, content_hash="x")
    pending = client.get(
        reverse("conventions:documents", args=[convention.pk]), headers={"HX-Request": "true"}
    )
    assert b'hx-trigger="every 2s"' in pending.content
    assert "En attente" in pending.content.decode()


def test_convention_page_loads_the_documents_section_with_htmx(client, convention, cast):
    client.force_login(cast["adviser"])
    page = client.get(reverse("conventions:detail", args=[convention.pk])).content.decode()
    assert f'hx-get="{reverse("conventions:documents", args=[convention.pk])}"' in page
    assert "htmx/htmx.min.js" in page


def test_adviser_asks_for_the_convention_pdf_and_it_is_rendered_after_commit(
    client, convention, cast, django_capture_on_commit_callbacks
):
    client.force_login(cast["adviser"])
    url = reverse("conventions:document_request", args=[convention.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"kind": "convention"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert "Convention : production demandée." in response.content.decode()
    document = Document.objects.get(convention=convention)
    assert document.state == DocumentState.DONE
    assert document.requested_by == cast["adviser"]


@pytest.mark.parametrize(
    ("who", "status"), [("cooperation", 403), ("reader", 403), ("outsider", 404)]
)
def test_others_may_not_ask_for_the_convention_pdf(client, convention, cast, who, status):
    client.force_login(cast[who])
    url = reverse("conventions:document_request", args=[convention.pk])
    assert client.post(url, {"kind": "convention"}).status_code == status
    assert not Document.objects.exists()


def test_asking_needs_a_post(client, convention, cast):
    client.force_login(cast["adviser"])
    url = reverse("conventions:document_request", args=[convention.pk])
    assert client.get(url).status_code == 405


def test_signed_ready_of_a_draft_is_refused_with_a_french_message(client, convention, cast):
    client.force_login(cast["adviser"])
    url = reverse("conventions:document_request", args=[convention.pk])
    response = client.post(url, {"kind": "signed_ready"}, follow=True)
    assert "s'émet quand la convention est « À la signature »" in html.unescape(
        response.content.decode()
    )


@pytest.mark.parametrize("who", ["adviser", "cooperation", "reader"])
def test_download_is_a_file_response_for_who_may_see_the_convention(
    client, convention, cast, who, django_capture_on_commit_callbacks
):
    document = done_document(convention, django_capture_on_commit_callbacks)
    client.force_login(cast[who])
    response = client.get(
        reverse("conventions:document_download", args=[convention.pk, document.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_download_is_404_for_an_outsider_and_another_conventions_document(
    client, convention, cast, django_capture_on_commit_callbacks
):
    document = done_document(convention, django_capture_on_commit_callbacks)
    client.force_login(cast["outsider"])
    url = reverse("conventions:document_download", args=[convention.pk, document.pk])
    assert client.get(url).status_code == 404

    other = ConventionFactory(caf=cast["outsider"].organisation)
    client.force_login(cast["outsider"])
    assert (
        client.get(
            reverse("conventions:document_download", args=[other.pk, document.pk])
        ).status_code
        == 404
    )


def test_anonymous_download_goes_to_login(client, convention, django_capture_on_commit_callbacks):
    document = done_document(convention, django_capture_on_commit_callbacks)
    response = client.get(
        reverse("conventions:document_download", args=[convention.pk, document.pk])
    )
    assert response.status_code == 302


def test_media_files_are_not_served_publicly(
    client, convention, django_capture_on_commit_callbacks
):
    document = done_document(convention, django_capture_on_commit_callbacks)
    assert client.get("/media/" + document.file.name).status_code in (302, 404)


def test_cooperation_officer_prepares_their_own_councils_deliberation_only(
    client, convention, cast
):
    client.force_login(cast["cooperation"])
    url = reverse("conventions:document_request", args=[convention.pk])
    lead = convention.parties.get(role=PartyRole.LEAD)
    assert client.post(url, {"kind": "deliberation_draft", "party": lead.pk}).status_code == 403


def test_documents_section_query_count_does_not_grow_with_documents(
    client, convention, cast, django_assert_num_queries
):
    client.force_login(cast["adviser"])
    url = reverse("conventions:documents", args=[convention.pk])
    parties = list(convention.parties.exclude(role=PartyRole.CAF))

    def add_documents():
        for party in parties:
            Document.objects.create(
                convention=convention,
                kind=DocumentKind.DELIBERATION_DRAFT,
                party=party,
                content_hash="a",
                state=DocumentState.DONE,
                file_hash="b",
            )
        Document.objects.create(
            convention=convention, kind=DocumentKind.FOLLOW_UP_REPORT, year=2026, content_hash="c"
        )

    add_documents()
    with django_assert_num_queries(QUERIES_OF_THE_SECTION):
        client.get(url, headers={"HX-Request": "true"})
    add_documents()
    Document.objects.create(convention=convention, kind=DocumentKind.CONVENTION, content_hash="d")
    with django_assert_num_queries(QUERIES_OF_THE_SECTION):
        client.get(url, headers={"HX-Request": "true"})


# Session and user, the convention, its documents with their signed copies, parties,
# amendments and reviews.
QUERIES_OF_THE_SECTION = 10


# -- French file names, preview, defaults and the main action ------------------------


def test_download_is_named_in_french_after_the_convention(
    client, convention, cast, django_capture_on_commit_callbacks
):
    document = done_document(convention, django_capture_on_commit_callbacks)
    client.force_login(cast["reader"])
    response = client.get(
        reverse("conventions:document_download", args=[convention.pk, document.pk])
    )
    assert (
        f'filename="convention-{convention.reference}-projet.pdf"'
        in (response["Content-Disposition"])
    )


def test_file_names_say_what_each_document_is(convention):
    commune = convention.parties.get(organisation__name="Lièpvre")
    reference = convention.reference
    names = [
        (
            Document(convention=convention, kind=DocumentKind.CONVENTION, version_number=2),
            f"convention-{reference}-v2.pdf",
        ),
        (
            Document(convention=convention, kind=DocumentKind.SIGNED_READY, version_number=2),
            f"convention-{reference}-v2-a-signer.pdf",
        ),
        (
            Document(
                convention=convention, kind=DocumentKind.FOLLOW_UP_REPORT, year=2026, quarter=3
            ),
            f"rapport-de-suivi-{reference}-2026-T3.pdf",
        ),
        (
            Document(convention=convention, kind=DocumentKind.FOLLOW_UP_REPORT, year=2027),
            f"rapport-de-suivi-{reference}-2027.pdf",
        ),
        (
            Document(
                convention=convention,
                kind=DocumentKind.DELIBERATION_DRAFT,
                party=commune,
                format=DocumentFormat.DOCX,
            ),
            "projet-de-deliberation-liepvre.docx",
        ),
    ]
    for document, name in names:
        assert document.filename == name


def test_an_elided_article_stays_a_word_in_file_names(convention):
    commune = convention.parties.get(organisation__name="Lièpvre")
    commune.organisation.name = "Sainte-Croix-aux-Mines d'en Haut"
    document = Document(convention=convention, kind=DocumentKind.DELIBERATION_DRAFT, party=commune)
    assert document.filename == "projet-de-deliberation-sainte-croix-aux-mines-d-en-haut.pdf"


@pytest.mark.parametrize("who", ["adviser", "cooperation", "reader"])
def test_preview_shows_the_pdf_inline_locked_down_for_a_tab_of_its_own(
    client, convention, cast, who, django_capture_on_commit_callbacks
):
    document = done_document(convention, django_capture_on_commit_callbacks)
    client.force_login(cast[who])
    response = client.get(
        reverse("conventions:document_preview", args=[convention.pk, document.pk])
    )
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline")
    assert f"convention-{convention.reference}-projet.pdf" in response["Content-Disposition"]
    policy = response["Content-Security-Policy"]
    assert "default-src 'none'" in policy
    assert "frame-ancestors 'none'" in policy
    assert "script-src" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert b"".join(response.streaming_content).startswith(b"%PDF")


def test_preview_is_404_for_an_outsider_and_302_for_an_anonymous_visitor(
    client, convention, cast, django_capture_on_commit_callbacks
):
    document = done_document(convention, django_capture_on_commit_callbacks)
    url = reverse("conventions:document_preview", args=[convention.pk, document.pk])
    assert client.get(url).status_code == 302
    client.force_login(cast["outsider"])
    assert client.get(url).status_code == 404


def test_preview_is_only_for_produced_pdfs(client, convention, cast):
    client.force_login(cast["adviser"])
    waiting = Document.objects.create(
        convention=convention, kind=DocumentKind.CONVENTION, content_hash="w"
    )
    word = Document.objects.create(
        convention=convention, kind=DocumentKind.DELIBERATION_DRAFT, format=DocumentFormat.DOCX,
        party=convention.parties.get(organisation__name="Lièpvre"), content_hash="d",
        state=DocumentState.DONE, file="documents/x.docx",
    )  # fmt: skip
    for document in (waiting, word):
        url = reverse("conventions:document_preview", args=[convention.pk, document.pk])
        assert client.get(url).status_code == 404


def test_section_offers_preview_and_download_of_a_produced_pdf(
    client, convention, cast, django_capture_on_commit_callbacks
):
    document = done_document(convention, django_capture_on_commit_callbacks)
    client.force_login(cast["reader"])
    text = section(client, convention)
    assert reverse("conventions:document_preview", args=[convention.pk, document.pk]) in text
    assert 'target="_blank"' in text and "Aperçu" in text and "(nouvel onglet)" in text
    assert f"convention-{convention.reference}-projet.pdf" in text


def section(client, convention):
    response = client.get(
        reverse("conventions:documents", args=[convention.pk]), headers={"HX-Request": "true"}
    )
    return html.unescape(response.content.decode())


def selected(text, select_id):
    """The value of the option selected in a select of the page."""
    block = text.split(f'id="{select_id}"', 1)[1].split("</select>", 1)[0]
    return re.search(r'value="([^"]*)" selected', block).group(1)


def test_follow_up_report_preselects_the_current_year_and_quarter(client, convention, cast):
    with time_machine.travel(datetime.datetime(2027, 8, 14, 10, 0), tick=False):
        client.force_login(cast["adviser"])
        text = section(client, convention)
    assert selected(text, "report-year") == "2027"
    assert selected(text, "report-quarter") == "3"


def test_follow_up_report_outside_the_period_preselects_its_nearest_whole_year(
    client, convention, cast
):
    with time_machine.travel(datetime.datetime(2031, 2, 1, 10, 0), tick=False):
        client.force_login(cast["adviser"])
        text = section(client, convention)
    assert selected(text, "report-year") == "2030"
    assert selected(text, "report-quarter") == "0"


def main_button(text):
    return re.search(r'class="btn btn-sm btn-primary"[^>]*>([^<]+)<', text).group(1)


def test_main_action_of_a_draft_is_the_convention_pdf(client, convention, cast):
    client.force_login(cast["adviser"])
    text = section(client, convention)
    assert main_button(text) == "Convention – projet en préparation (PDF)"
    assert text.count("btn btn-sm btn-primary") == 1


def test_main_action_of_a_convention_to_sign_is_the_pdf_to_sign(client, convention, cast):
    ConventionVersion.objects.create(
        convention=convention, number=2, content={}, content_hash="h", frozen_at=timezone.now()
    )
    convention.state = ConventionState.SIGNING
    convention.save()
    client.force_login(cast["adviser"])
    text = section(client, convention)
    assert main_button(text) == "Convention prête à signer, version 2 (PDF)"
    assert "Convention – texte figé, version 2 (PDF)" in text
    assert text.count("btn btn-sm btn-primary") == 1
    # The main action comes first.
    assert text.index("Convention prête à signer") < text.index("Convention – texte figé")


def test_main_action_of_a_chargé_while_councils_deliberate_is_their_draft_deliberation(
    client, convention, cast
):
    ConventionVersion.objects.create(
        convention=convention, number=1, content={}, content_hash="h", frozen_at=timezone.now()
    )
    convention.state = ConventionState.IN_DELIBERATION
    convention.save()
    client.force_login(cast["cooperation"])
    text = section(client, convention)
    assert main_button(text) == "Préparer le projet de délibération"
    assert "Rapport de suivi" not in text


def test_a_reader_is_offered_no_document_to_produce(client, convention, cast):
    client.force_login(cast["reader"])
    assert "Produire un document" not in section(client, convention)
