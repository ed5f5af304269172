"""Import of départements, communes, EPCI and Cafs from @etalab/decoupage-administratif."""

import io
import json
import time

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction

from partners.models import Department, Organisation
from partners.territories import POPULATION_YEAR, import_territories

VAL_D_ARGENT = "246800395"
VAL_D_ARGENT_COMMUNES = {
    "68185": ("Lièpvre", "216801852"),
    "68283": ("Rombach-le-Franc", "216802835"),
    "68294": ("Sainte-Croix-aux-Mines", "216802942"),
    "68298": ("Sainte-Marie-aux-Mines", "216802983"),
}


# --- A small data folder written to tmp_path ---------------------------------------------


def write_data(data_dir, members):
    data_dir.mkdir(exist_ok=True)
    departements = [
        {"code": "68", "nom": "Haut-Rhin", "typeLiaison": 2, "zone": "metro"},
        {"code": "988", "nom": "Nouvelle-Calédonie", "typeLiaison": 0, "zone": "com"},
    ]
    communes = [
        {
            "code": code,
            "nom": name,
            "departement": "68",
            "type": "commune-actuelle",
            "siren": siren,
            "population": 1000,
        }
        for code, (name, siren) in VAL_D_ARGENT_COMMUNES.items()
    ]
    communes.append({"code": "68298", "nom": "Échery", "type": "commune-deleguee"})
    epcis = [
        {
            "code": VAL_D_ARGENT,
            "nom": "CC du Val d'Argent",
            "type": "CC",
            "populationMunicipale": 9133,
            "membres": [{"code": code} for code in members],
        }
    ]
    for name, content in [
        ("departements.json", departements),
        ("communes.json", communes),
        ("epci.json", epcis),
    ]:
        (data_dir / name).write_text(json.dumps(content), encoding="utf-8")
    return data_dir


@pytest.mark.django_db
def test_commune_moved_out_of_its_epci_is_detached(tmp_path):
    data_dir = write_data(tmp_path / "data", VAL_D_ARGENT_COMMUNES)
    import_territories(data_dir)
    epci = Organisation.objects.get(siren=VAL_D_ARGENT)
    assert epci.member_communes.count() == 4

    members = [code for code in VAL_D_ARGENT_COMMUNES if code != "68283"]
    counts = import_territories(write_data(data_dir, members))

    assert counts["communes_detached"] == 1
    assert counts["communes_created"] == 0
    assert Organisation.objects.get(insee_code="68283").epci is None
    assert set(epci.member_communes.values_list("insee_code", flat=True)) == set(members)


@pytest.mark.django_db
def test_small_import_skips_overseas_collectivities_and_delegated_communes(tmp_path):
    counts = import_territories(write_data(tmp_path / "data", VAL_D_ARGENT_COMMUNES))
    assert counts["departments"] == 1
    assert counts["communes"] == 4
    assert Organisation.objects.get(insee_code="68298").name == "Sainte-Marie-aux-Mines"
    assert not Department.objects.filter(code="988").exists()


@pytest.mark.django_db
def test_a_renamed_caf_is_kept_and_not_duplicated(tmp_path):
    data_dir = write_data(tmp_path / "data", VAL_D_ARGENT_COMMUNES)
    import_territories(data_dir)
    caf = Organisation.objects.cafs().get(department__code="68")
    assert caf.name == "Caf du Haut-Rhin"
    caf.name = "Caf du Haut-Rhin (Mulhouse)"
    caf.address = "26 avenue Robert Schuman"
    caf.save()

    counts = import_territories(data_dir)

    assert counts["cafs_created"] == 0
    caf = Organisation.objects.cafs().get(department__code="68")
    assert caf.name == "Caf du Haut-Rhin (Mulhouse)"
    assert caf.address == "26 avenue Robert Schuman"


@pytest.mark.django_db
def test_a_commune_entered_by_hand_is_adopted_through_its_siren(tmp_path):
    by_hand = Organisation.objects.create(kind="commune", name="Lievre", siren="216801852")
    import_territories(write_data(tmp_path / "data", VAL_D_ARGENT_COMMUNES))
    by_hand.refresh_from_db()
    assert by_hand.insee_code == "68185"
    assert by_hand.name == "Lièpvre"
    assert Organisation.objects.filter(siren="216801852").count() == 1


def test_missing_data_folder_gives_a_french_error(tmp_path):
    with pytest.raises(CommandError, match="Lancez `npm install`"):
        call_command("import_territories", data_dir=tmp_path / "absent")


# --- The whole country, imported once for the module ------------------------------------


@pytest.fixture(scope="module")
def country(django_db_setup, django_db_blocker):
    """Real data imported once, inside a transaction rolled back after the module."""
    with django_db_blocker.unblock(), transaction.atomic():
        start = time.monotonic()
        counts = import_territories(settings.TERRITORIES_DATA_DIR)
        vendor = transaction.get_connection().vendor
        print(f"\nFull import on {vendor}: {time.monotonic() - start:.1f} s")
        yield counts
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_full_import_counts(country):
    assert country["departments"] == 101
    assert country["communes"] == 34_969
    assert country["epcis"] == 1_255
    assert country["cafs"] == 101
    assert Organisation.objects.communes().count() == 34_969
    assert Organisation.objects.epcis().count() == 1_255
    assert Organisation.objects.cafs().count() == 101


@pytest.mark.django_db
def test_val_d_argent_has_exactly_its_four_communes(country):
    epci = Organisation.objects.get(siren=VAL_D_ARGENT)
    assert epci.name == "CC du Val d'Argent"
    assert epci.kind == "epci"
    assert epci.epci_kind == "CC"
    assert epci.department.code == "68"
    members = {c.insee_code: c.name for c in epci.member_communes.all()}
    assert members == {code: name for code, (name, _) in VAL_D_ARGENT_COMMUNES.items()}
    liepvre = Organisation.objects.get(insee_code="68185")
    assert liepvre.siren == "216801852"
    assert liepvre.department.code == "68"
    assert liepvre.population > 0
    assert liepvre.population_year == POPULATION_YEAR
    liepvre.full_clean()


@pytest.mark.django_db
def test_one_caf_per_department_named_with_its_connector(country):
    caf = Organisation.objects.cafs().get(department__code="68")
    assert caf.name == "Caf du Haut-Rhin"
    assert caf.siren is None
    names = dict(Organisation.objects.cafs().values_list("department__code", "name"))
    assert names["13"] == "Caf des Bouches-du-Rhône"
    assert names["01"] == "Caf de l'Ain"
    assert names["75"] == "Caf de Paris"
    assert names["974"] == "Caf de La Réunion"


@pytest.mark.django_db
def test_corsica_and_overseas(country):
    ajaccio = Organisation.objects.get(insee_code="2A004")
    assert ajaccio.name == "Ajaccio"
    assert ajaccio.department.code == "2A"
    assert ajaccio.epci is not None
    ajaccio.full_clean()
    assert Organisation.objects.get(insee_code="97611").population_year == 2017  # Mayotte
    noumea = Organisation.objects.get(insee_code="98818")
    assert noumea.department is None
    assert noumea.population_year is None


@pytest.mark.django_db
def test_second_run_creates_nothing(country):
    total = Organisation.objects.count()
    out = io.StringIO()
    call_command("import_territories", stdout=out)
    assert "101 départements, 34\u00a0969 communes, 1\u00a0255 EPCI, 101 Caf" in out.getvalue()
    assert "Créés : 0 départements, 0 communes, 0 EPCI, 0 Caf." in out.getvalue()
    assert "Mis à jour : 0 départements, 0 communes, 0 EPCI." in out.getvalue()
    assert Organisation.objects.count() == total
    assert Department.objects.count() == 101
