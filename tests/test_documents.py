"""The convention document: its parts, French typography, storage, reuse and the task."""

import datetime
import hashlib
import io
import re

import pytest
from django.db import OperationalError
from pypdf import PdfReader

from conventions import lifecycle
from conventions.documents import service
from conventions.documents.typography import NBSP, NNBSP, french, prose
from conventions.models import Document, DocumentKind, DocumentState, PartyRole
from tests.factories import (
    ActionSheetFactory,
    ArticleFactory,
    AxisFactory,
    ConventionFactory,
    DeliberationFactory,
    IndicatorFactory,
    OrganisationFactory,
    PartyFactory,
    RepresentativeFactory,
    caf_party,
)

pytestmark = pytest.mark.django_db


def pdf_text(data):
    reader = PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"\s+", " ", text.replace(NBSP, " ").replace(NNBSP, " ")), reader


def stored(document):
    document.refresh_from_db()
    with document.file.open("rb") as handle:
        return handle.read()


@pytest.fixture
def convention():
    convention = ConventionFactory(territory_name="Communauté de communes du Val d'Argent")
    caf_party(convention, short_name="la Caf")
    lead = PartyFactory(
        convention=convention,
        organisation=convention.lead_authority,
        role=PartyRole.LEAD,
        competences="AU TITRE DES COMPETENCES OBLIGATOIRES :\n\n- Le développement économique",
    )
    lead.signatories.set(
        [
            RepresentativeFactory(
                organisation=convention.lead_authority,
                civility="M",
                first_name="Jean-Marc",
                last_name="BURRUS",
                role_title="Président",
            )
        ]
    )
    lievre = OrganisationFactory(name="Lièpvre")
    commune = PartyFactory(convention=convention, organisation=lievre)
    commune.signatories.set(
        [
            RepresentativeFactory(
                organisation=lievre, civility="M", first_name="Denis", last_name="PETIT"
            )
        ]
    )
    ArticleFactory(convention=convention, number=1, title="Objet de la convention")
    ArticleFactory(
        convention=convention,
        number=2,
        title="Les champs d'intervention des collectivités",
        body="Celles-ci concernent :",
        has_party_blocks=True,
    )
    convention.visas = "Vu le Code de l'action sociale et des familles ;"
    convention.save()
    axis = AxisFactory(convention=convention, number=1)
    sheet = ActionSheetFactory(axis=axis, number=1, title="Créer un collectif pour la jeunesse")
    IndicatorFactory(action_sheet=sheet)
    return convention


def render_now(convention, kind=DocumentKind.CONVENTION, capture=None, **options):
    with capture(execute=True):
        document = service.request_document(convention, kind, **options)
    document.refresh_from_db()
    return document


def test_french_typography_puts_non_breaking_spaces_before_high_punctuation():
    text = french("Elle a pour objet : « la Caf » ; vraiment ! le 1er janvier 2026, n° 2021-1644")
    assert f"objet{NBSP}:" in text
    assert f"«{NBSP}la Caf{NBSP}»" in text
    assert f"vraiment{NNBSP}!" in text
    assert f"Caf{NBSP}»{NNBSP};" in text
    assert f"1er{NBSP}janvier" in text
    assert f"n°{NBSP}2021" in text
    assert french("à 19:30 sur https://caf.fr") == "à 19:30 sur https://caf.fr"


def test_prose_makes_paragraphs_and_lists_and_escapes_markup():
    html = prose("Elle a pour objet :\n\n- Un <b>point</b> ;\n- Deux.")
    assert "<ul><li>Un &lt;b&gt;point&lt;/b&gt;" in html
    assert html.startswith("<p>Elle a pour objet")


def test_draft_document_has_every_part_in_order_and_is_marked_project(
    convention, django_capture_on_commit_callbacks
):
    document = render_now(convention, capture=django_capture_on_commit_callbacks)

    assert document.state == DocumentState.DONE
    assert document.version is None and document.version_number is None
    data = stored(document)
    text, reader = pdf_text(data)
    assert document.page_count == len(reader.pages)
    assert document.file_hash == hashlib.sha256(data).hexdigest()
    assert len(document.content_hash) == 64
    assert document.file.name == (f"documents/{convention.reference}/{document.content_hash}.pdf")
    parts = [
        "CONVENTION TERRITORIALE GLOBALE",
        "PROJET",
        "Sommaire",
        "Entre :",
        "représentée par le Président du Conseil d'Administration, Monsieur Luc CHERVY et par "
        "son Directeur, Monsieur Lionel KOENIG",
        "La Commune de Lièpvre, représentée par son Maire, Monsieur Denis PETIT, dûment autorisé "
        "à signer la présente convention par délibération de son conseil municipal",
        "ci-après dénommée « la Commune de Lièpvre »",
        "Vu le Code de l'action sociale et des familles ;",
        "Vu la délibération du conseil municipal de Lièpvre en date du ...",
        "Préambule",
        "Article 1 – Objet de la convention",
        "Article 2 – Les champs d'intervention des collectivités",
        "AU TITRE DES COMPETENCES OBLIGATOIRES",
        "Fait à Mulhouse, le",
        "en deux exemplaires originaux",
        "Annexe 1 – Diagnostic partagé",
        "Annexe 2 –",
        "Annexe 3 – Plan d'actions",
        "Fiche action n° 1",
        "Créer un collectif pour la jeunesse",
        "Annexe 4 –",
        "Annexe 6 – Évaluation",
        "Annexe 7 – Délibérations",
    ]
    positions = []
    for part in parts:
        assert part.lower() in text.lower(), part
        positions.append(text.lower().index(part.lower(), positions[-1] if positions else 0))
    assert positions == sorted(positions)
    assert re.search(r"Page 1 / \d+", text) is None  # no header nor footer number on the cover
    assert f"Page 2 / {len(reader.pages)}" in text
    assert "Du 1er janvier 2026 au 31 décembre 2030" in text


def test_table_of_contents_gives_page_numbers(convention, django_capture_on_commit_callbacks):
    document = render_now(convention, capture=django_capture_on_commit_callbacks)
    text, reader = pdf_text(stored(document))
    match = re.search(r"Article 1 – Objet de la convention[ .]*?(\d+)", text)
    page = int(match.group(1))
    assert "ARTICLE 1 – OBJET DE LA CONVENTION" in reader.pages[page - 1].extract_text().upper()


def test_frozen_version_prints_the_frozen_text_not_later_edits(
    convention, django_capture_on_commit_callbacks
):
    version = lifecycle.freeze(convention)
    convention.articles.filter(number=1).update(title="Titre modifié après le gel")
    document = render_now(convention, capture=django_capture_on_commit_callbacks)

    assert document.version == version and document.version_number == 1
    text, _reader = pdf_text(stored(document))
    assert "Objet de la convention" in text
    assert "Titre modifié après le gel" not in text
    assert "Version 1 figée le" in text
    assert version.content_hash in text.replace(" ", "")
    assert "PROJET" not in text


def test_visas_carry_the_date_of_each_recorded_deliberation(
    convention, django_capture_on_commit_callbacks
):
    version = lifecycle.freeze(convention)
    commune = convention.parties.get(organisation__name="Lièpvre")
    DeliberationFactory(party=commune, version=version, session_date=datetime.date(2026, 3, 2))
    document = render_now(convention, capture=django_capture_on_commit_callbacks)
    text, _reader = pdf_text(stored(document))
    assert "Vu la délibération du conseil municipal de Lièpvre en date du 2 mars 2026" in text
    assert "en date du ..." in text  # the lead authority has not deliberated yet


def test_unchanged_content_reuses_the_document_and_a_change_makes_a_new_one(
    convention, django_capture_on_commit_callbacks
):
    first = render_now(convention, capture=django_capture_on_commit_callbacks)
    again = render_now(convention, capture=django_capture_on_commit_callbacks)
    assert again.pk == first.pk

    convention.articles.filter(number=1).update(body="Un texte revu.")
    changed = render_now(convention, capture=django_capture_on_commit_callbacks)
    assert changed.pk != first.pk
    assert changed.content_hash != first.content_hash
    assert changed.file.name != first.file.name


def test_task_reuses_the_file_rendered_for_the_same_content(
    convention, django_capture_on_commit_callbacks, monkeypatch
):
    first = render_now(convention, capture=django_capture_on_commit_callbacks)

    def no_rendering(*args, **kwargs):
        raise AssertionError("rendered again")

    monkeypatch.setattr(service.pdf, "html_to_pdf", no_rendering)
    forced = render_now(convention, capture=django_capture_on_commit_callbacks, force=True)
    assert forced.pk != first.pk
    assert forced.state == DocumentState.DONE
    assert (forced.file.name, forced.file_hash) == (first.file.name, first.file_hash)

    # Running the task again on a document already done changes nothing.
    assert service.render(forced.pk) == DocumentState.DONE


def test_the_task_runs_only_once_the_transaction_commits(
    convention, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        document = service.request_document(convention, DocumentKind.CONVENTION)
    assert document.state == DocumentState.WAITING
    assert len(callbacks) == 1
    callbacks[0]()
    document.refresh_from_db()
    assert document.state == DocumentState.DONE


def test_a_bug_marks_the_document_failed_with_a_french_message_without_retry(
    convention, django_capture_on_commit_callbacks, monkeypatch
):
    calls = []

    def broken(*args, **kwargs):
        calls.append(1)
        raise ValueError("boom")

    monkeypatch.setattr(service.pdf, "html_to_pdf", broken)
    document = render_now(convention, capture=django_capture_on_commit_callbacks)
    assert document.state == DocumentState.FAILED
    assert "La production du document a échoué" in document.error
    assert len(calls) == 1

    # Asking again after a failure queues a new try.
    monkeypatch.undo()
    retried = render_now(convention, capture=django_capture_on_commit_callbacks)
    assert retried.pk != document.pk and retried.state == DocumentState.DONE


def test_a_lost_database_connection_is_retried(
    convention, django_capture_on_commit_callbacks, monkeypatch
):
    from conventions import tasks

    real_render = service.render
    calls = []

    def flaky(document_id):
        calls.append(document_id)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real_render(document_id)

    monkeypatch.setattr(tasks.service, "render", flaky)
    with django_capture_on_commit_callbacks(execute=False):
        document = service.request_document(convention, DocumentKind.CONVENTION)
    # As a worker runs it: the retry is a new run of the task (eager here, no countdown).
    tasks.render_document_task.apply(args=(document.pk,), throw=False)
    document.refresh_from_db()
    assert len(calls) == 2
    assert document.state == DocumentState.DONE


def test_signed_ready_needs_a_convention_in_signing(convention):
    with pytest.raises(service.DocumentError, match="À la signature"):
        service.request_document(convention, DocumentKind.SIGNED_READY)
    assert not Document.objects.exists()


def test_parties_logos_are_printed_on_the_cover_when_known(
    convention, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile
    from PIL import Image

    def png(colour):
        buffer = io.BytesIO()
        Image.new("RGB", (120, 60), colour).save(buffer, format="PNG")
        return ContentFile(buffer.getvalue())

    convention.caf.logo.save("caf.png", png((0, 114, 178)))
    lievre = convention.parties.get(organisation__name="Lièpvre").organisation
    lievre.logo.save("lievre.png", png((230, 159, 0)))

    document = render_now(convention, capture=django_capture_on_commit_callbacks)
    _text, reader = pdf_text(stored(document))
    assert len(reader.pages[0].images) == 2

    # A new logo is a new content: the document is rendered again.
    lievre.logo.save("lievre-2.png", png((0, 158, 115)))
    assert render_now(convention, capture=django_capture_on_commit_callbacks).pk != document.pk


def test_syndicates_and_the_caf_are_named_as_conventions_do(
    convention, django_capture_on_commit_callbacks
):
    sivu = OrganisationFactory(kind="syndicate", name="SIVU des Trois Fontaines")
    party = PartyFactory(convention=convention, organisation=sivu, short_name="le Sivu")
    party.signatories.set(
        [RepresentativeFactory(organisation=sivu, civility="M", role_title="Président")]
    )
    document = render_now(convention, capture=django_capture_on_commit_callbacks)
    text, _reader = pdf_text(stored(document))
    assert "Le SIVU des Trois Fontaines, représenté par son Président" in text
    assert "par délibération de son comité syndical" in text
    assert "La Caisse d'Allocations Familiales" in text


def test_render_convention_command_writes_the_pdf_without_storing_anything(convention, tmp_path):
    from django.core.management import CommandError, call_command

    output = tmp_path / "convention.pdf"
    out = io.StringIO()
    call_command("render_convention", convention.reference, output=str(output), stdout=out)
    assert output.read_bytes().startswith(b"%PDF")
    assert "empreinte du fichier : " + hashlib.sha256(output.read_bytes()).hexdigest() in (
        out.getvalue()
    )
    assert not Document.objects.exists()

    with pytest.raises(CommandError, match="n'a pas de texte figé"):
        call_command(
            "render_convention", convention.reference, output=str(output), signed_ready=True
        )
    lifecycle.freeze(convention)
    call_command(
        "render_convention",
        convention.reference,
        output=str(output),
        signed_ready=True,
        stdout=out,
    )
    assert "4 champs de signature" in out.getvalue()
    with pytest.raises(CommandError, match="Aucune convention"):
        call_command("render_convention", "inconnue", output=str(output))
