"""`manage.py import_convention FILE --caf CODE [--dry-run] [--json] [--signed] [--user]`,
on the two reference conventions built as DOCX, with the real reference data loaded."""

import json
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from conventions.models import Convention, ConventionImport, ConventionState, Party
from partners.models import Organisation, Representative, Role
from tests.factories import UserFactory
from tests.importing import builders

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("documents")
    not_a_ctg = "# Compte rendu du conseil d'école\n\nLa séance est ouverte à 18 h.\n"
    return {
        "pma": builders.build_docx(builders.reference_text(builders.PMA), folder / "pma.docx"),
        "vda": builders.build_docx(
            builders.reference_text(builders.VAL_D_ARGENT), folder / "val-d-argent.docx"
        ),
        "not_a_ctg": builders.build_docx(not_a_ctg, folder / "compte-rendu.docx"),
    }


def run(*args):
    out, err = StringIO(), StringIO()
    call_command("import_convention", *map(str, args), stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def counts():
    return [m.objects.count() for m in (Convention, Party, Representative, ConventionImport)]


def test_json_prints_what_was_read_as_one_object(demo, files):
    before = counts()
    out, _err = run(files["pma"], "--caf", "25", "--json", "--dry-run")
    data = json.loads(out)
    for key in (
        "caf",
        "territory",
        "start_date",
        "end_date",
        "place_signed",
        "signed_on",
        "parties",
        "deliberations",
        "articles",
        "axes",
        "unread",
    ):
        assert key in data, key
    assert data["territory"] == "Pays de Montbéliard Agglomération"
    assert (data["start_date"], data["end_date"]) == ("2023-01-01", "2027-12-31")
    assert (data["place_signed"], data["signed_on"]) == ("Montbéliard", "2022-11-21")
    assert len(data["parties"]) == 37
    arbouans = data["parties"][4]
    assert arbouans["siren"] == "212500201"
    assert arbouans["representatives"][0] | {"mandate": ""} == {
        "civility": "M",
        "first_name": "Arnaud",
        "last_name": "ROTA",
        "function": "Maire",
        "mandate": "",
    }
    assert {"body": "caf_board", "date": "2021-11-29"}.items() <= data["deliberations"][0].items()
    assert [a["number"] for a in data["articles"]] == list(range(1, 15))
    assert len(data["axes"][2]["sheets"]) == 10
    assert "Pont de Roide" in " ".join(data["unread"])
    # Accents printed as such, not escaped.
    assert "Montbéliard" in out
    assert counts() == before


def test_dry_run_writes_nothing(demo, files):
    before = counts()
    out, _err = run(files["vda"], "--caf", "68", "--dry-run")
    assert "6 parties, 14 articles" in out
    assert counts() == before


def test_creates_a_draft_and_prints_its_reference(demo, files):
    out, _err = run(files["vda"], "--caf", "68")
    convention = Convention.objects.get(source_import__isnull=False)
    assert convention.state == ConventionState.DRAFT
    assert f"Convention créée (en préparation) : {convention.reference}" in out
    assert convention.parties.count() == 6
    assert convention.source_import.filename == "val-d-argent.docx"


def test_creates_a_signed_convention_in_the_name_of_a_user(demo, files):
    caf = Organisation.objects.get(kind="caf", department__code="25")
    adviser = UserFactory(role=Role.ADVISER, organisation=caf, username="conseillere")
    # The only blocking problem of this document (an unmatched commune) is simulated away
    # by renaming the commune as the reference data knows it.
    text = builders.reference_text(builders.PMA).replace(
        "Pont de Roide", "Pont-de-Roide-Vermondans"
    )
    path = builders.build_docx(text, files["pma"].parent / "pma-corrige.docx")
    out, _err = run(path, "--caf", "25", "--signed", "--user", "conseillere")
    convention = Convention.objects.get(source_import__isnull=False)
    assert convention.state == ConventionState.SIGNED
    assert convention.parties.count() == 37
    assert convention.source_import.confirmed_by == adviser
    assert f"Convention créée (signée) : {convention.reference}" in out
    assert "Attention : " in out  # deliberations missing or after the signatures


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("{pma}", "--caf", "99"), "Aucune Caf pour le département « 99 »"),
        (("/nulle/part.docx", "--caf", "25"), "Fichier introuvable : /nulle/part.docx"),
        (
            ("{not_a_ctg}", "--caf", "25"),
            "Document refusé : Ce document ne ressemble pas à une convention territoriale",
        ),
        (("{vda}", "--caf", "68", "--user", "personne"), "Aucun compte « personne »."),
    ],
    ids=["unknown-caf", "missing-file", "not-a-ctg", "unknown-user"],
)
def test_french_errors(demo, files, args, message):
    before = counts()
    with pytest.raises(CommandError) as error:
        run(*(arg.format(**files) for arg in args))
    assert message in str(error.value)
    assert counts() == before


def test_blocking_problems_are_listed_and_nothing_is_written(demo, files):
    before = counts()
    with pytest.raises(CommandError) as error:
        run(files["pma"], "--caf", "25", "--signed")
    assert str(error.value) == (
        "La convention ne peut pas encore être créée.\n"
        "- « La Commune de Pont de Roide » : choisissez son organisation dans le référentiel."
    )
    assert counts() == before


def test_a_user_who_may_not_import_is_refused(demo, files):
    caf = Organisation.objects.get(kind="caf", department__code="68")
    UserFactory(role=Role.READER, organisation=caf, username="lecteur")
    before = counts()
    with pytest.raises(CommandError, match="Seuls les conseillers de cette Caf"):
        run(files["vda"], "--caf", "68", "--user", "lecteur")
    assert counts() == before
