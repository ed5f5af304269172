"""Reading the two reference conventions, built as DOCX and PDF, and their variants."""

import time

import pytest

from conventions.importing.extract import extract_blocks
from conventions.importing.reader import read_convention
from tests.importing import builders


def read(path):
    return read_convention(extract_blocks(path))


@pytest.fixture(scope="module")
def pma_docx(tmp_path_factory):
    path = tmp_path_factory.mktemp("pma") / "pma.docx"
    return builders.build_docx(builders.reference_text(builders.PMA), path)


@pytest.fixture(scope="module", params=["docx", "pdf"])
def pma(request, tmp_path_factory, pma_docx):
    if request.param == "docx":
        return read(pma_docx)
    path = tmp_path_factory.mktemp("pma") / "pma.pdf"
    return read(builders.build_pdf(builders.reference_text(builders.PMA), path))


@pytest.fixture(scope="module", params=["styles", "bold"])
def val_d_argent(request, tmp_path_factory):
    path = tmp_path_factory.mktemp("vda") / "vda.docx"
    text = builders.reference_text(builders.VAL_D_ARGENT)
    return read(builders.build_docx(text, path, headings=request.param))


def test_pma_caf_territory_and_period(pma):
    assert (pma.caf.name, pma.caf.department_code) == ("Caf du Doubs", "25")
    assert pma.territory == "Pays de Montbéliard Agglomération"
    assert (pma.start_date, pma.end_date) == ("2023-01-01", "2027-12-31")


def test_pma_parties_in_order_with_roles(pma):
    assert len(pma.parties) == 37
    assert [p.role for p in pma.parties[:4]] == ["caf", "lead", "co_signatory", "co_signatory"]
    assert pma.parties[1].name == "Pays de Montbéliard Agglomération"
    assert [p.kind for p in pma.parties[2:4]] == ["syndicate", "syndicate"]
    assert [p.kind for p in pma.parties[4:]] == ["commune"] * 33
    assert pma.parties[4].name == "La Commune de Arbouans"
    assert pma.parties[-1].name == "La Commune de Bourguignon"


def test_pma_representatives(pma):
    caf, arbouans = pma.parties[0], pma.parties[4]
    assert [(r.civility, r.first_name, r.last_name, r.function) for r in caf.representatives] == [
        ("M", "Gilles", "ABRAM", "Président du Conseil d'Administration"),
        ("M", "Lionel", "KOENIG", "Directeur"),
    ]
    rota = arbouans.representatives[0]
    assert (rota.civility, rota.first_name, rota.last_name, rota.function) == (
        "M",
        "Arnaud",
        "ROTA",
        "Maire",
    )
    assert rota.mandate == "délibération de son Conseil Municipal"
    petetin = pma.parties[3].representatives[0]
    assert (petetin.civility, petetin.function) == ("MME", "Présidente")
    assert caf.short_name == "la Caf du Doubs"


def test_pma_signature_and_deliberations(pma):
    assert (pma.place_signed, pma.signed_on, pma.originals_count) == (
        "Montbéliard",
        "2022-11-21",
        2,
    )
    board = [d for d in pma.deliberations if d.body == "caf_board"]
    assert [(d.party, d.date) for d in board] == [
        ("La Caisse des Allocations familiales du Doubs", "2021-11-29")
    ]
    valentigney = next(d for d in pma.deliberations if d.party == "La Commune de Valentigney")
    assert (valentigney.date, valentigney.act_number) == ("2023-04-05", "2023-32")
    assert not any(v.startswith("Vu la délibération du") for v in pma.visas)
    assert "Vu le Code général des collectivités territoriales ;" in pma.visas
    # The typo "Mandeuve" in the visas is attached to Mandeure, and said so.
    assert any("Mandeuve" in warning for warning in pma.warnings)
    assert pma.unread == []


def test_pdf_running_header_and_page_numbers_are_dropped(tmp_path):
    path = builders.build_pdf(builders.reference_text(builders.VAL_D_ARGENT), tmp_path / "v.pdf")
    texts = [block.text for block in extract_blocks(path)]
    assert not any("document de travail" in text for text in texts)
    assert not any(text.startswith("Page ") for text in texts)
    assert (
        "Les parties décident et réalisent, d'un commun accord, les actions de communication "
        "relatives à la présente convention." in texts
    )


def test_pma_articles_and_annexes(pma):
    assert [a.number for a in pma.articles] == list(range(1, 15))
    assert pma.articles[0].title == "OBJET DE LA CONVENTION TERRITORIALE GLOBALE"
    assert pma.articles[13].title == "CONFIDENTIALITE"
    assert [a.number for a in pma.articles if a.has_party_blocks] == [3]
    assert pma.parties[1].competences.endswith("Cf. Annexe 3.")
    assert "- Aider les familles à concilier vie familiale" in pma.articles[1].body
    assert [a.number for a in pma.annexes] == [2, 3, 4, 5, 6]
    assert pma.annexes[2].title.startswith("Modalités de pilotage")
    assert pma.preamble.startswith("Les Caf sont nées")


def test_pma_action_sheets(pma):
    assert [a.title for a in pma.axes] == [
        "Engager l'EPCI dans la démarche CTG en 2022",
        "Participer aux travaux de construction de la Ctg",
        "Plan d'actions décliné en 10 fiches",
    ]
    sheets = pma.axes[2].sheets
    assert [s.number for s in sheets] == list(range(1, 11))
    assert (
        sheets[2].title
        == "Réflexion pour l'amélioration de l'offre de restauration scolaire sur PMA"
    )
    assert sheets[2].deadline_whole_period is True
    assert " ".join(sheets[2].target_public.split()) == (
        "Collectivités et structures qui assurent la compétence de la fourniture des "
        "repas scolaires"
    )
    # A PDF cell wraps its text: the words, not the line breaks, are what was written.
    assert " ".join(" ".join(sheets[2].indicators).split()) == (
        "Nombre de réunions et de participants Projets travaillés et mis en œuvre"
    )
    for sheet in sheets:
        assert sheet.initial_diagnostic and sheet.target_public and sheet.pilot_services
        assert sheet.expected_results and sheet.indicators


def test_pma_sheet_with_labels_inside_its_cells(pma_docx):
    # Sheet 5 puts every label in its cells' paragraphs, one closing a paragraph.
    sheet = read(pma_docx).axes[2].sheets[4]
    assert sheet.implementation == "Mise en place de réunions de travail avec pilotage à définir"
    assert sheet.partners.startswith("Organisateurs de transports")
    assert sheet.target_public.endswith("d'aide à la mobilité...")


def test_reading_pma_docx_is_fast(pma_docx):
    extract_blocks(pma_docx)  # imports and caches warmed up once
    started = time.perf_counter()
    read(pma_docx)
    assert time.perf_counter() - started < 1


def test_val_d_argent(val_d_argent):
    read_ = val_d_argent
    assert (read_.caf.name, read_.caf.department_code) == ("Caf du Haut-Rhin", "68")
    lead = [p for p in read_.parties if p.role == "lead"]
    assert [p.name for p in lead] == ["La Communauté de communes du Val d'Argent"]
    assert [p.kind for p in read_.parties].count("commune") == 4
    assert (read_.start_date, read_.end_date) == ("2026-01-01", "2030-12-31")
    assert (read_.place_signed, read_.signed_on, read_.originals_count) == ("Mulhouse", None, 2)
    assert "Date de signature non lue : « Fait à Mulhouse, le _____ »" in read_.unread
    assert [a.number for a in read_.articles] == list(range(1, 15))
    assert [(a.number, len(a.objectives)) for a in read_.axes] == [(1, 2), (2, 3), (3, 3), (4, 4)]
    assert read_.axes[2].objectives[1].title == "Faciliter l'accès à la santé"
    assert lead[0].competences.startswith("La Communauté de communes du Val d'Argent met en place")
    hestin = read_.parties[-1].representatives[0]
    assert (hestin.civility, hestin.first_name, hestin.last_name) == ("MME", "Noëllie", "HESTIN")


def test_other_wordings_read_the_same(tmp_path):
    text = builders.other_wordings(builders.reference_text(builders.PMA))
    assert "Article 1er :" in text and "Mme Nathalie" in text and "représenté(e) par" in text
    result = read(builders.build_docx(text, tmp_path / "words.docx", headings="bold"))
    assert [a.number for a in result.articles] == list(range(1, 15))
    assert result.articles[0].title == "OBJET DE LA CONVENTION TERRITORIALE GLOBALE"
    petetin = result.parties[3].representatives[0]
    assert (petetin.civility, petetin.first_name, petetin.last_name) == (
        "MME",
        "Nathalie",
        "PETETIN",
    )
    assert len(result.parties) == 37


def test_parties_in_another_order(tmp_path):
    text = builders.parties_reordered_000(builders.reference_text(builders.VAL_D_ARGENT))
    result = read(builders.build_docx(text, tmp_path / "order.docx"))
    names = [p.name for p in result.parties]
    assert names[1] == "La Commune de Rombach-Le-Franc"
    assert names[-1] == "La Commune de Lièpvre"
    lead = next(p for p in result.parties if p.role == "lead")
    assert lead.name == "La Communauté de communes du Val d'Argent"


@pytest.mark.parametrize("layout", ["lines", "table"])
@pytest.mark.parametrize("build", [builders.build_docx, builders.build_pdf])
def test_single_commune_with_dates_in_figures(tmp_path, layout, build):
    path = build(builders.single_commune(layout), tmp_path / f"single.{build.__name__[-4:]}")
    result = read(path)
    assert [(p.role, p.name) for p in result.parties] == [
        ("caf", "La Caf du Doubs"),
        ("lead", "La Commune de Taillecourt"),
    ]
    anne = result.parties[0].representatives[0]
    assert (anne.civility, anne.function) == ("MME", "Présidente")
    assert (result.start_date, result.end_date) == ("2024-01-01", "2028-12-31")
    assert (result.place_signed, result.signed_on, result.originals_count) == (
        "Taillecourt",
        "2024-04-15",
        3,
    )
    assert [(d.body, d.date, d.act_number) for d in result.deliberations] == [
        ("municipal_council", "2024-03-12", "2024-07")
    ]
    assert [(a.number, a.title) for a in result.articles] == [(1, "Objet"), (2, "Durée")]
    objective = result.axes[0].objectives[0]
    assert (result.axes[0].title, objective.number) == ("Petite enfance", 1)
    sheet = objective.sheets[0]
    assert sheet.title == "Ouvrir une micro-crèche"
    assert sheet.target_public == "Familles avec enfants de moins de 3 ans"
    assert sheet.operational_objectives == "- Ouvrir une micro-crèche\n- Recruter deux agents"
    assert (sheet.deadline, sheet.deadline_whole_period) == ("2025-12-31", False)
    assert sheet.indicators == ["Nombre de places créées", "Taux d'occupation"]
