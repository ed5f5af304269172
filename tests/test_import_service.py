"""Creating a convention from what was read in its document (conventions/importing/service.py),
on the two reference conventions built as DOCX, with the real reference data loaded."""

import datetime
import hashlib
import io
import re

import pytest
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from pypdf import PdfReader

from actionplan.models import ActionSheet, Axis, Indicator
from conventions.documents import service as documents
from conventions.importing import service
from conventions.importing.result import ReadAnnex, ReadConvention, ReadSheet
from conventions.models import (
    Article,
    Convention,
    ConventionImport,
    ConventionState,
    Deliberation,
    DocumentKind,
    ImportState,
    Outcome,
    Party,
    Signature,
    SteeringInstance,
)
from partners.models import Organisation, Representative, Role
from tests.factories import UserFactory
from tests.importing import builders

pytestmark = pytest.mark.django_db

PONT_DE_ROIDE = "25463"  # "Pont de Roide" in the document, Pont-de-Roide-Vermondans since 2016


@pytest.fixture(scope="module")
def documents_built(tmp_path_factory):
    folder = tmp_path_factory.mktemp("documents")
    return {
        "pma": builders.build_docx(builders.reference_text(builders.PMA), folder / "pma.docx"),
        "vda": builders.build_docx(
            builders.reference_text(builders.VAL_D_ARGENT), folder / "val-d-argent.docx"
        ),
    }


@pytest.fixture(scope="module")
def cafs(demo, django_db_blocker):
    with django_db_blocker.unblock():
        return {
            code: Organisation.objects.get(kind="caf", department__code=code)
            for code in ("25", "68")
        }


@pytest.fixture(scope="module")
def read_pma(demo, django_db_blocker, documents_built, cafs):
    """The PMA document as read, kept as a dict so that each test gets its own copy."""
    with django_db_blocker.unblock():
        return service.read_file(documents_built["pma"], "pma.docx", caf=cafs["25"]).to_dict()


@pytest.fixture(scope="module")
def read_vda(demo, django_db_blocker, documents_built, cafs):
    with django_db_blocker.unblock():
        return service.read_file(
            documents_built["vda"], "val-d-argent.docx", caf=cafs["68"]
        ).to_dict()


@pytest.fixture
def doubs_adviser(cafs):
    return UserFactory(role=Role.ADVISER, organisation=cafs["25"])


def corrected_pma(read_pma):
    """The PMA reading as the adviser corrects it on the review page: the commune the
    reference data knows under its name since its merger is chosen by hand."""
    read = ReadConvention.from_dict(read_pma)
    commune = Organisation.objects.get(insee_code=PONT_DE_ROIDE)
    party = next(p for p in read.parties if p.name == "La Commune de Pont de Roide")
    party.organisation_id, party.siren, party.matched_name = commune.pk, commune.siren, commune.name
    return read


def make_import(documents_built, user, caf, name="pma"):
    path = documents_built[name]
    return service.read_upload(user=user, caf=caf, file=path, filename=path.name)


def counts():
    models = (
        Convention,
        Party,
        Representative,
        Signature,
        Deliberation,
        Article,
        Axis,
        ActionSheet,
        Indicator,
        SteeringInstance,
    )
    return {model.__name__: model.objects.count() for model in models}


# -- Reading and keeping the upload ----------------------------------------------------------


def test_upload_is_kept_with_its_hash_and_what_was_read(documents_built, cafs, doubs_adviser):
    convention_import = make_import(documents_built, doubs_adviser, cafs["25"])
    content = documents_built["pma"].read_bytes()
    assert convention_import.state == ImportState.READ
    assert convention_import.file_sha256 == hashlib.sha256(content).hexdigest()
    with convention_import.file.open("rb") as stored:
        assert stored.read() == content
    assert len(convention_import.data["parties"]) == 37
    assert convention_import.uploaded_by == doubs_adviser


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "Le fichier est vide."),
        (b"%PDF-1.7\n" + b"0" * (21 * 1024 * 1024), "la limite est de 20 Mo"),
        (b"PK\x03\x04 not really a docx", "endommagé"),
    ],
    ids=["empty", "too-large", "corrupted"],
)
def test_refused_upload_stores_nothing(cafs, doubs_adviser, settings, content, message):
    upload = SimpleUploadedFile("convention.docx", content)
    with pytest.raises(service.ImportRefused) as refused:
        service.read_upload(
            user=doubs_adviser, caf=cafs["25"], file=upload, filename="convention.docx"
        )
    assert message in str(refused.value)
    assert not ConventionImport.objects.exists()
    assert not (settings.MEDIA_ROOT / "imports").exists()


@pytest.mark.parametrize("who", ["reader", "other-caf-adviser"])
def test_only_the_cafs_advisers_and_administrators_may_import(documents_built, cafs, who):
    user = (
        UserFactory(role=Role.READER, organisation=cafs["25"])
        if who == "reader"
        else UserFactory(role=Role.ADVISER, organisation=cafs["68"])
    )
    with pytest.raises(PermissionDenied):
        make_import(documents_built, user, cafs["25"])
    assert not ConventionImport.objects.exists()
    administrator = UserFactory(administrator=True)
    assert make_import(documents_built, administrator, cafs["25"]).caf == cafs["25"]


# -- What blocks the creation --------------------------------------------------------------


def test_an_unmatched_party_is_listed_and_blocks_the_creation(read_pma):
    read = ReadConvention.from_dict(read_pma)
    problems = service.import_problems(read, signed=True)
    assert problems == [
        "« La Commune de Pont de Roide » : choisissez son organisation dans le référentiel."
    ]
    assert service.import_problems(corrected_pma(read_pma), signed=True) == []


def test_dates_lead_authority_and_signature_are_checked(read_pma):
    read = corrected_pma(read_pma)
    read.end_date = "2029-12-31"
    read.signed_on = None
    for party in read.parties:
        if party.role == "lead":
            party.role = "co_signatory"
    read.parties[4].representatives = []
    read.parties[6].organisation_id = read.parties[5].organisation_id
    problems = service.import_problems(read, signed=True)
    assert "Une CTG dure au plus cinq ans." in problems
    assert "Convention déjà signée : indiquez la date de signature." in problems
    assert "Aucune collectivité chef de file : donnez ce rôle à l'une des parties." in problems
    assert (
        "« La Commune de Arbouans » : aucun signataire lu ; ajoutez la personne qui signe."
        in problems
    )
    assert any("désignent la même organisation (Audincourt)" in p for p in problems)
    # As a draft, the signature date is not needed.
    assert "Convention déjà signée : indiquez la date de signature." not in (
        service.import_problems(read, signed=False)
    )


# -- Creating the convention ---------------------------------------------------------------


def test_pma_imported_as_signed(documents_built, cafs, doubs_adviser, read_pma):
    convention_import = make_import(documents_built, doubs_adviser, cafs["25"])
    representatives_before = Representative.objects.count()

    read = corrected_pma(read_pma)
    read.axes[2].sheets[1].pilot_services = "PMA, service enfance"

    convention, warnings = service.confirm_import(
        user=doubs_adviser, convention_import=convention_import, read=read, signed=True
    )

    convention.refresh_from_db()
    assert convention.state == ConventionState.SIGNED
    assert convention.signed_on == datetime.date(2022, 11, 21)
    assert (convention.start_date, convention.end_date) == (
        datetime.date(2023, 1, 1),
        datetime.date(2027, 12, 31),
    )
    assert convention.caf == cafs["25"]
    assert convention.lead_authority.siren == "200065647"
    assert convention.territory_name == "Pays de Montbéliard Agglomération"
    assert convention.signing_place == "Montbéliard"
    assert convention.visas.splitlines()[0].startswith("Vu les articles L. 263-1")
    parties = list(convention.parties.select_related("organisation").order_by("position"))
    assert len(parties) == 37
    assert [p.role for p in parties[:3]] == ["caf", "lead", "co_signatory"]
    assert parties[4].organisation.name == "Arbouans"
    assert parties[-1].organisation.name == "Bourguignon"
    assert parties[1].competences.startswith(
        "Pays de Montbéliard Agglomération et les communes associées mettent en place"
    )
    signatures = Signature.objects.filter(party__convention=convention, amendment=None)
    assert signatures.count() == 38
    assert set(signatures.values_list("signed_on", flat=True)) == {datetime.date(2022, 11, 21)}
    # The people the demo already knows are reused, not duplicated.
    assert Representative.objects.count() == representatives_before
    board = Deliberation.objects.get(party=parties[0])
    assert (board.body, board.session_date, board.outcome) == (
        "caf_board",
        datetime.date(2021, 11, 29),
        Outcome.ADOPTED,
    )
    assert board.votes_for is None
    assert board.subject == "Approbation de la convention territoriale globale 2023-2027"
    valentigney = Deliberation.objects.get(party__convention=convention, act_number="2023-32")
    assert valentigney.session_date == datetime.date(2023, 4, 5)
    assert any("Valentigney a signé le 21/11/2022" in w for w in warnings)
    assert convention.articles.count() == 14
    assert convention.articles.get(number=3).has_party_blocks
    sheets = list(convention.action_sheets.order_by("number"))
    assert [s.number for s in sheets] == list(range(1, 11))
    assert sheets[0].title.startswith("Créer et coordonner un collectif pour l'enfance")
    assert sheets[0].deadline_whole_period
    assert sheets[0].pilot_services == "CAF, PMA"
    assert sheets[0].pilot_party is None  # two parties named: no pilot guessed
    assert sheets[1].pilot_party == parties[1]  # "PMA" names the lead authority alone
    assert sheets[0].indicators.count() == 1
    assert list(convention.axes.values_list("number", flat=True)) == [1, 2, 3]
    assert [i.name for i in convention.steering_instances.all()] == [
        "Comité de pilotage",
        "Comité technique",
    ]
    convention_import.refresh_from_db()
    assert convention_import.state == ImportState.CONFIRMED
    assert convention_import.convention == convention
    assert convention_import.confirmed_by == doubs_adviser


def test_val_d_argent_imported_as_draft(documents_built, cafs, read_vda):
    adviser = UserFactory(role=Role.ADVISER, organisation=cafs["68"])
    convention_import = make_import(documents_built, adviser, cafs["68"], name="vda")
    read = ReadConvention.from_dict(read_vda)
    assert service.import_problems(read, signed=False) == []

    convention, warnings = service.confirm_import(
        user=adviser, convention_import=convention_import, read=read, signed=False
    )

    assert warnings == []
    assert convention.state == ConventionState.DRAFT
    assert convention.signed_on is None
    assert not Signature.objects.filter(party__convention=convention).exists()
    assert convention.lead_authority.siren == "246800395"
    assert convention.title == (
        "Convention territoriale globale de la Communauté de communes du Val d'Argent 2026-2030"
    )
    assert [p.organisation.name for p in convention.parties.order_by("position")][2:] == [
        "Lièpvre",
        "Rombach-le-Franc",
        "Sainte-Croix-aux-Mines",
        "Sainte-Marie-aux-Mines",
    ]
    lead = convention.parties.get(role="lead")
    assert [r.last_name for r in lead.signatories.all()] == ["BURRUS"]
    assert "AU TITRE DES COMPETENCES OBLIGATOIRES" in lead.competences
    assert convention.articles.count() == 14
    assert convention.axes.count() == 4
    assert convention.axes.get(number=1).objectives.count() == 2
    board = Deliberation.objects.get(party__convention=convention)
    assert board.session_date == datetime.date(2025, 12, 12)
    assert board.version is None


def test_annexes_and_a_deadline_in_words_find_their_fields(documents_built, cafs, read_vda):
    adviser = UserFactory(role=Role.ADVISER, organisation=cafs["68"])
    convention_import = make_import(documents_built, adviser, cafs["68"], name="vda")
    read = ReadConvention.from_dict(read_vda)
    read.title = "CTG du Val d'Argent 2026-2030, renouvellement"  # as corrected on review
    read.annexes = [
        ReadAnnex(1, "Diagnostic partagé", "Le territoire compte 9 133 habitants."),
        ReadAnnex(4, "Pilotage", "Les partenaires se retrouvent chaque année en juin."),
        ReadAnnex(5, "Évaluation", "Un bilan à mi-parcours et un bilan final."),
    ]
    read.axes[0].objectives[0].sheets = [
        ReadSheet(
            number=7,
            title="Animer la commission intercommunale",
            implementation="Deux réunions par an.",
            deadline_text="Rentrée 2027",
            pilot_services="Communauté de communes du Val d'Argent",
            indicators=["Nombre de réunions\n- Nombre d'élus présents"],
        )
    ]

    convention, _warnings = service.confirm_import(
        user=adviser, convention_import=convention_import, read=read, signed=False
    )

    assert convention.title == "CTG du Val d'Argent 2026-2030, renouvellement"
    assert convention.diagnostic_summary == "Le territoire compte 9 133 habitants."
    assert convention.evaluation_text == "Un bilan à mi-parcours et un bilan final."
    # Prose that does not introduce the instances one by one is kept whole.
    instance = convention.steering_instances.get()
    assert (instance.name, instance.missions) == (
        "Modalités de pilotage",
        "Les partenaires se retrouvent chaque année en juin.",
    )
    sheet = convention.action_sheets.get()
    assert (sheet.number, sheet.objective.code) == (1, "1.1")
    assert sheet.implementation == "Deux réunions par an.\nÉchéance : Rentrée 2027"
    assert (sheet.deadline, sheet.deadline_whole_period) == (None, False)
    assert sheet.pilot_party == convention.parties.get(role="lead")
    assert list(sheet.indicators.values_list("label", flat=True)) == [
        "Nombre de réunions",
        "Nombre d'élus présents",
    ]


def test_a_late_refusal_writes_nothing(documents_built, cafs, doubs_adviser, read_pma):
    """The last row of the plan is refused: everything created before it is undone."""
    convention_import = make_import(documents_built, doubs_adviser, cafs["25"])
    read = corrected_pma(read_pma)
    read.axes[-1].sheets[-1].indicators = ["x" * 501]
    before = counts()

    with pytest.raises(service.ImportRefused) as refused:
        service.confirm_import(
            user=doubs_adviser, convention_import=convention_import, read=read, signed=True
        )

    assert any(p.startswith("Fiche action 10, indicateur") for p in refused.value.problems)
    assert counts() == before
    convention_import.refresh_from_db()
    assert (convention_import.state, convention_import.convention) == (ImportState.READ, None)


def test_a_blocking_problem_refuses_and_writes_nothing(
    documents_built, cafs, doubs_adviser, read_pma
):
    convention_import = make_import(documents_built, doubs_adviser, cafs["25"])
    before = counts()
    with pytest.raises(service.ImportRefused) as refused:
        service.confirm_import(
            user=doubs_adviser,
            convention_import=convention_import,
            read=ReadConvention.from_dict(read_pma),
            signed=True,
        )
    assert refused.value.problems == [
        "« La Commune de Pont de Roide » : choisissez son organisation dans le référentiel."
    ]
    assert counts() == before


def test_confirming_twice_is_refused(documents_built, cafs, doubs_adviser, read_pma):
    convention_import = make_import(documents_built, doubs_adviser, cafs["25"])
    read = corrected_pma(read_pma)
    service.confirm_import(
        user=doubs_adviser, convention_import=convention_import, read=read, signed=False
    )
    before = counts()
    with pytest.raises(service.ImportRefused, match="déjà donné une convention"):
        service.confirm_import(
            user=doubs_adviser, convention_import=convention_import, read=read, signed=False
        )
    assert counts() == before


def test_a_reference_already_taken_is_refused(documents_built, cafs, doubs_adviser, read_pma):
    convention_import = make_import(documents_built, doubs_adviser, cafs["25"])
    with pytest.raises(service.ImportRefused, match="« pma-2023-2027 » est déjà prise"):
        service.confirm_import(
            user=doubs_adviser,
            convention_import=convention_import,
            read=corrected_pma(read_pma),
            signed=False,
            reference="pma-2023-2027",
        )


# -- The source document and the printed convention -----------------------------------------


@pytest.fixture
def imported_pma(documents_built, cafs, doubs_adviser, read_pma):
    convention_import = make_import(documents_built, doubs_adviser, cafs["25"])
    convention, _warnings = service.confirm_import(
        user=doubs_adviser,
        convention_import=convention_import,
        read=corrected_pma(read_pma),
        signed=True,
    )
    return convention


def test_source_document_is_served_to_those_who_see_the_convention(
    client, imported_pma, documents_built, doubs_adviser, django_assert_max_num_queries
):
    url = reverse("conventions:import_source", args=[imported_pma.pk])
    client.force_login(doubs_adviser)
    page = client.get(reverse("conventions:detail", args=[imported_pma.pk])).content.decode()
    assert f'href="{url}"' in page and "Document d'origine importé : pma.docx" in page
    with django_assert_max_num_queries(7):
        response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == documents_built["pma"].read_bytes()
    assert 'attachment; filename="pma.docx"' in response["Content-Disposition"]
    assert client.post(url).status_code == 405

    arbouans = imported_pma.parties.get(organisation__name="Arbouans").organisation
    client.force_login(UserFactory(role=Role.COOPERATION, organisation=arbouans))
    assert client.get(url).status_code == 200

    client.force_login(UserFactory(adviser=True))  # another Caf's adviser
    assert client.get(url).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302


def test_a_convention_born_in_the_application_has_no_source_document(client, doubs_adviser):
    convention = Convention.objects.get(reference="pma-2023-2027")
    assert service.source_document(doubs_adviser, convention) is None
    client.force_login(doubs_adviser)
    url = reverse("conventions:import_source", args=[convention.pk])
    assert client.get(url).status_code == 404


def test_the_imported_convention_prints_its_parties_visas_and_signature(imported_pma):
    document = documents.request_document(imported_pma, DocumentKind.CONVENTION)
    documents.render(document.pk)
    document.refresh_from_db()
    with document.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = re.sub(r"\s+", " ", " ".join(page.extract_text() for page in reader.pages))
    text = text.replace("\u202f", " ").replace("\u00a0", " ")
    for name in ("Arbouans", "Pont-de-Roide-Vermondans", "Bourguignon", "ROTA", "KOENIG"):
        assert name in text, name
    assert "Vu le Code général des collectivités territoriales" in text
    assert "Vu la délibération du conseil d'administration" in text
    assert "29 novembre 2021" in text
    # Depends on the "signed" helper's work (place and date of signature printed).
    assert "Fait à Montbéliard, le 21 novembre 2022" in text
