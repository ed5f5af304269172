"""Parties read from 003 matched to organisations of the reference data."""

import pytest

from conventions.importing.extract import extract_blocks
from conventions.importing.matching import match_parties
from conventions.importing.reader import read_convention, read_document
from tests.factories import DepartmentFactory, OrganisationFactory
from tests.importing import builders

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def pma_blocks(tmp_path_factory):
    path = tmp_path_factory.mktemp("pma") / "pma.docx"
    return extract_blocks(builders.build_docx(builders.reference_text(builders.PMA), path))


@pytest.fixture
def doubs():
    doubs = DepartmentFactory(code="25", name="Doubs", linking_type=2)
    other = DepartmentFactory(code="70", name="Haute-Saône", linking_type=3)
    organisations = {
        "caf": OrganisationFactory(as_caf=True, name="Caf du Doubs", department=doubs),
        "pma": OrganisationFactory(
            as_epci=True,
            epci_kind="CA",
            name="CA Pays de Montbéliard Agglomération",
            department=doubs,
        ),
        "arbouans": OrganisationFactory(name="Arbouans", department=doubs),
        "courcelles": OrganisationFactory(name="Courcelles-lès-Montbéliard", department=doubs),
        "sainte_suzanne": OrganisationFactory(name="Sainte-Suzanne", department=doubs),
        "mandeure": OrganisationFactory(name="Mandeure", department=doubs),
        "taillecourt": OrganisationFactory(name="Taillecourt", department=doubs),
        "bart": OrganisationFactory(name="Bart", department=doubs),
        "bart_elsewhere": OrganisationFactory(name="Bart", department=other),
        "pont": OrganisationFactory(name="Pont-de-Roide-Vermondans", department=doubs),
    }
    return organisations


def party(read, name):
    return next(p for p in read.parties if p.name == name)


def test_parties_match_by_normalised_name(pma_blocks, doubs, django_assert_max_num_queries):
    read = read_convention(pma_blocks)
    with django_assert_max_num_queries(1):
        match_parties(read)
    assert read.caf.organisation_id == doubs["caf"].pk
    assert read.parties[0].organisation_id == doubs["caf"].pk
    lead = party(read, "Pays de Montbéliard Agglomération")
    assert (lead.organisation_id, lead.siren) == (doubs["pma"].pk, doubs["pma"].siren)
    assert party(read, "La Commune de Arbouans").matched_name == "Arbouans"
    # Hyphens and spaces, "lès", "Sainte" do not matter.
    assert (
        party(read, "La Commune de Courcelles lès Montbéliard").organisation_id
        == doubs["courcelles"].pk
    )
    assert party(read, "La Commune de Sainte Suzanne").organisation_id == doubs["sainte_suzanne"].pk
    # The commune of the Caf's département wins over a namesake elsewhere.
    assert party(read, "La Commune de Bart").organisation_id == doubs["bart"].pk


def test_a_typo_matches_only_when_unique_and_says_so(pma_blocks, doubs):
    read = match_parties(read_convention(pma_blocks))
    tallecourt = party(read, "La Commune de Tallecourt")
    assert tallecourt.organisation_id == doubs["taillecourt"].pk
    assert any("Tallecourt" in warning and "Taillecourt" in warning for warning in read.warnings)


def test_unknown_party_stays_unmatched_with_a_line(pma_blocks, doubs):
    read = match_parties(read_convention(pma_blocks))
    pont = party(read, "La Commune de Pont de Roide")
    assert pont.organisation_id is None
    assert (
        "Organisation non trouvée dans le référentiel pour « La Commune de Pont de Roide »."
        in read.unread
    )
    # SIVU absent from the reference data: unmatched, not guessed.
    assert party(read, "Le Sivu des Trois Fontaines").organisation_id is None


def test_ambiguous_name_is_not_matched(pma_blocks, doubs):
    OrganisationFactory(name="Arbouans", department=doubs["arbouans"].department)
    read = match_parties(read_convention(pma_blocks))
    assert party(read, "La Commune de Arbouans").organisation_id is None
    assert any("Plusieurs organisations possibles" in line for line in read.unread)


def test_siren_written_in_the_document_is_matched_first(doubs, tmp_path):
    text = builders.single_commune().replace(
        "La Commune de Taillecourt, représentée",
        f"La Commune de Taillecourt-la-Neuve (SIREN {doubs['taillecourt'].siren}), représentée",
    )
    read = read_document(builders.build_docx(text, tmp_path / "siren.docx"), "siren.docx")
    commune = read.parties[1]
    assert commune.name == "La Commune de Taillecourt-la-Neuve"
    assert (commune.organisation_id, commune.siren) == (
        doubs["taillecourt"].pk,
        doubs["taillecourt"].siren,
    )


def test_read_document_reads_and_matches_with_the_advisers_caf(doubs, tmp_path):
    text = builders.single_commune().replace("La Caf du Doubs, représentée", "La Caf, représentée")
    path = builders.build_docx(text, tmp_path / "hint.docx")
    read = read_document(path, "hint.docx", caf=doubs["caf"])
    assert (read.caf.name, read.caf.department_code) == ("Caf du Doubs", "25")
    assert read.caf.organisation_id == doubs["caf"].pk
    assert read.parties[1].organisation_id == doubs["taillecourt"].pk


def test_val_d_argent_matches_the_cc_by_its_long_name(tmp_path):
    haut_rhin = DepartmentFactory(code="68", name="Haut-Rhin", linking_type=2)
    caf = OrganisationFactory(as_caf=True, name="Caf du Haut-Rhin", department=haut_rhin)
    cc = OrganisationFactory(as_epci=True, name="CC du Val d'Argent", department=haut_rhin)
    for name in ["Lièpvre", "Rombach-le-Franc", "Sainte-Croix-aux-Mines", "Sainte-Marie-aux-Mines"]:
        OrganisationFactory(name=name, department=haut_rhin, epci=cc)
    text = builders.reference_text(builders.VAL_D_ARGENT)
    read = read_document(builders.build_docx(text, tmp_path / "vda.docx"), "vda.docx")
    assert read.caf.organisation_id == caf.pk
    assert [p.matched_name for p in read.parties] == [
        "Caf du Haut-Rhin",
        "CC du Val d'Argent",
        "Lièpvre",
        "Rombach-le-Franc",
        "Sainte-Croix-aux-Mines",
        "Sainte-Marie-aux-Mines",
    ]
    assert [p.kind for p in read.parties] == ["caf", "epci"] + ["commune"] * 4
    assert not any("Organisation" in line for line in read.unread)
