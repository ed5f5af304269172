"""Documents other than the convention: draft deliberation (DOCX and PDF), amendment,
follow-up report, mid-term and final reviews."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from docx import Document as Docx
from pypdf import PdfReader

from actionplan.models import FollowUp, FollowUpState, FollowUpStatus, IndicatorValue, Review
from conventions import lifecycle
from conventions.documents import service
from conventions.models import (
    ConventionState,
    DocumentFormat,
    DocumentKind,
    DocumentState,
    PartyRole,
)
from partners.models import Role
from tests.factories import (
    ActionSheetFactory,
    ArticleFactory,
    AxisFactory,
    ConventionFactory,
    IndicatorFactory,
    OrganisationFactory,
    PartyFactory,
    RepresentativeFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db


def pdf_text(data):
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text.replace("\u00a0", " ").replace("\u202f", " "))


def produce(convention, kind, capture, **target):
    with capture(execute=True):
        document = service.request_document(convention, kind, **target)
    document.refresh_from_db()
    assert document.state == DocumentState.DONE, document.error
    with document.file.open("rb") as handle:
        return document, handle.read()


@pytest.fixture
def convention():
    convention = ConventionFactory(territory_name="Pays de Montbéliard Agglomération")
    caf = PartyFactory(
        convention=convention,
        organisation=convention.caf,
        role=PartyRole.CAF,
        requires_deliberation=False,
    )
    caf.signatories.set(
        [RepresentativeFactory(organisation=convention.caf, role_title="Directeur")]
    )
    lead = PartyFactory(
        convention=convention, organisation=convention.lead_authority, role=PartyRole.LEAD
    )
    lead.signatories.set([RepresentativeFactory(organisation=convention.lead_authority)])
    valentigney = OrganisationFactory(name="Valentigney")
    commune = PartyFactory(convention=convention, organisation=valentigney)
    commune.signatories.set(
        [
            RepresentativeFactory(
                organisation=valentigney, civility="M", first_name="Philippe", last_name="GAUTIER"
            )
        ]
    )
    ArticleFactory(convention=convention)
    axis = AxisFactory(convention=convention, number=1, title="Soutenir les familles")
    sheet = ActionSheetFactory(axis=axis, number=1, title="Guichet unique petite enfance")
    IndicatorFactory(action_sheet=sheet, label="Familles accueillies", unit="familles")
    lifecycle.freeze(convention)
    return convention


def test_draft_deliberation_docx_is_prefilled_from_the_convention(
    convention, django_capture_on_commit_callbacks
):
    party = convention.parties.get(organisation__name="Valentigney")
    document, data = produce(
        convention,
        DocumentKind.DELIBERATION_DRAFT,
        django_capture_on_commit_callbacks,
        party=party,
        format=DocumentFormat.DOCX,
    )
    assert document.format == DocumentFormat.DOCX
    assert document.filename.endswith(".docx")
    text = "\n".join(p.text for p in Docx(io.BytesIO(data)).paragraphs)
    assert "Commune de Valentigney" in text
    assert "EXTRAIT DU REGISTRE DES DÉLIBÉRATIONS DU CONSEIL MUNICIPAL" in text
    assert "Monsieur le Maire, Monsieur Philippe GAUTIER, à signer" in text
    assert "APPROUVE" in text and "AUTORISE" in text
    assert convention.current_version.content_hash in text
    assert "du 1er janvier 2026 au 31 décembre 2030" in text


def test_draft_deliberation_pdf_reads_like_an_extract_of_the_register(
    convention, django_capture_on_commit_callbacks
):
    party = convention.parties.get(organisation__name="Valentigney")
    _document, data = produce(
        convention, DocumentKind.DELIBERATION_DRAFT, django_capture_on_commit_callbacks, party=party
    )
    text = pdf_text(data)
    assert "EXTRAIT DU REGISTRE DES DÉLIBÉRATIONS DU CONSEIL MUNICIPAL" in text
    assert "Le Maire," in text
    assert "Secrétaire de séance : ..." in text


def test_cooperation_officer_downloads_their_councils_draft_as_docx(
    client, convention, django_capture_on_commit_callbacks
):
    party = convention.parties.get(organisation__name="Valentigney")
    client.force_login(UserFactory(role=Role.COOPERATION, organisation=party.organisation))
    url = reverse("conventions:document_request", args=[convention.pk])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            url, {"kind": "deliberation_draft", "party": party.pk, "format": "docx"}
        )
    assert response.status_code == 302
    document = convention.documents.get()
    download = client.get(
        reverse("conventions:document_download", args=[convention.pk, document.pk])
    )
    assert download["Content-Type"].endswith("wordprocessingml.document")


def test_amendment_document_states_what_it_changes(convention, django_capture_on_commit_callbacks):
    convention.state = ConventionState.SIGNED
    convention.signed_on = datetime.date(2026, 3, 1)
    convention.save()
    amendment = lifecycle.amend(
        convention,
        subject="l'ajout d'une fiche action sur la mobilité des jeunes",
        changes_action_plan=True,
        changes_description="La fiche action n° 2 « Mobilité des jeunes » est ajoutée.",
    )
    document, data = produce(
        convention, DocumentKind.AMENDMENT, django_capture_on_commit_callbacks, amendment=amendment
    )
    text = pdf_text(data)
    assert "AVENANT N° 1" in text
    assert "signée le 1er mars 2026" in text
    assert "l'ajout d'une fiche action sur la mobilité des jeunes" in text
    assert "Le présent avenant modifie le plan d'actions (annexe 3)" in text
    assert "« Mobilité des jeunes » est ajoutée" in text
    assert "Monsieur Philippe GAUTIER" in text
    assert "PROJET" in text  # not frozen yet
    assert document.label == "Avenant n° 1"


def _follow_up(sheet, year, quarter, **fields):
    return FollowUp.objects.create(
        action_sheet=sheet, year=year, quarter=quarter, state=FollowUpState.VALIDATED, **fields
    )


def test_follow_up_report_of_a_quarter_with_statistical_secrecy(
    convention, django_capture_on_commit_callbacks
):
    convention.statistical_secrecy = True
    convention.secrecy_min_value = 5
    convention.save()
    sheet = convention.action_sheets.get()
    indicator = sheet.indicators.get()
    _follow_up(
        sheet,
        2026,
        2,
        status=FollowUpStatus.IN_PROGRESS,
        progress=40,
        achievements="Deux permanences ouvertes à Valentigney.",
        difficulties="Recrutement de l'animatrice.",
    )
    IndicatorValue.objects.create(indicator=indicator, year=2026, quarter=2, value=Decimal(3))
    document, data = produce(
        convention,
        DocumentKind.FOLLOW_UP_REPORT,
        django_capture_on_commit_callbacks,
        year=2026,
        quarter=2,
    )
    text = pdf_text(data)
    assert "Rapport de suivi – 2e trimestre 2026" in text
    assert "du 1er avril 2026 au 30 juin 2026" in text
    assert "Guichet unique petite enfance" in text
    assert "En cours – avancement 40 %" in text
    assert "Deux permanences ouvertes à Valentigney." in text
    assert "T2 2026 : secret statistique" in text
    assert "T2 2026 : 3" not in text
    assert document.label == "Rapport de suivi – T2 2026"


def test_follow_up_report_of_a_year(convention, django_capture_on_commit_callbacks):
    sheet = convention.action_sheets.get()
    _follow_up(sheet, 2026, 1, status=FollowUpStatus.IN_PROGRESS, progress=20)
    _follow_up(sheet, 2026, 3, status=FollowUpStatus.DONE, progress=100)
    _document, data = produce(
        convention, DocumentKind.FOLLOW_UP_REPORT, django_capture_on_commit_callbacks, year=2026
    )
    text = pdf_text(data)
    assert "Rapport de suivi – année 2026" in text
    assert "Réalisée – avancement 100 %" in text


@pytest.mark.parametrize(("kind", "label"), [("mid_term", "Bilan intermédiaire"),
                                             ("final", "Bilan final")])  # fmt: skip
def test_reviews_summarise_the_plan(convention, django_capture_on_commit_callbacks, kind, label):
    sheet = convention.action_sheets.get()
    _follow_up(sheet, 2028, 2, status=FollowUpStatus.IN_DIFFICULTY, progress=30)
    review = Review.objects.create(
        convention=convention,
        kind=kind,
        date=datetime.date(2028, 6, 20),
        summary="Les actions petite enfance avancent ; la mobilité reste à engager.",
    )
    document, data = produce(
        convention, DocumentKind.REVIEW, django_capture_on_commit_callbacks, review=review
    )
    text = pdf_text(data)
    assert f"{label} du 20 juin 2028" in text
    assert "la mobilité reste à engager" in text
    assert "En difficulté – avancement 30 %" in text
    assert "Axe 1 – Soutenir les familles" in text
    assert document.label == f"{label} du 20/06/2028"


def test_amendment_document_carries_the_plan_changes_as_articles(
    convention, django_capture_on_commit_callbacks
):
    from actionplan import editing
    from conventions import amendment_plan

    convention.state = ConventionState.SIGNED
    convention.signed_on = datetime.date(2026, 3, 1)
    convention.save()
    amendment = lifecycle.amend(convention, subject="la révision du plan d'actions")
    copy = amendment_plan.start(amendment)
    sheet = copy.action_sheets.order_by("number").first()
    old_title = sheet.title
    sheet.title = "Un guichet unique pour toutes les familles"
    sheet.save()
    editing.add_axis(copy, title="Accès aux droits")
    document, data = produce(
        convention, DocumentKind.AMENDMENT, django_capture_on_commit_callbacks, amendment=amendment
    )
    text = " ".join(pdf_text(data).split())
    # Headings are printed in capitals.
    assert "ARTICLE 3 – PLAN D'ACTIONS (ANNEXE 3) – AXES ET OBJECTIFS" in text
    assert "Ajout : Axe 2 – Accès aux droits" in text
    assert "ARTICLE 4 – PLAN D'ACTIONS (ANNEXE 3) – FICHES ACTIONS" in text
    assert (
        f"Élément Ancienne rédaction Nouvelle rédaction Intitulé {old_title} "
        "Un guichet unique pour toutes les familles"
    ) in text
    assert "ARTICLE 5 – DATE D'EFFET" in text
    assert "ARTICLE 6 – AUTRES DISPOSITIONS" in text
