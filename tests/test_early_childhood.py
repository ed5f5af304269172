"""The early-childhood organising authority of each commune, on real figures.

Populations come from the official reference data (node_modules/@etalab/decoupage-
administratif): three communes of Pays de Montbéliard Agglomération around the two
thresholds.
"""

import json
from pathlib import Path

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.urls import reverse

from conventions.early_childhood import territory_facts
from conventions.models import PartyRole, Theme
from partners.models import Equipment, EquipmentType, Role
from tests.factories import (
    ActionSheetFactory,
    AxisFactory,
    ConventionFactory,
    OrganisationFactory,
    PartyFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

VOUJEAUCOURT, HERIMONCOURT, VALENTIGNEY = "25632", "25304", "25580"


@pytest.fixture(scope="module")
def official():
    with open(Path(str(settings.TERRITORIES_DATA_DIR)) / "communes.json", encoding="utf-8") as data:
        return {row["code"]: row for row in json.load(data) if row["type"] == "commune-actuelle"}


@pytest.fixture
def territory(official):
    """PMA as lead authority with its three communes as members; Valentigney is a party."""
    pma = OrganisationFactory(as_epci=True, name="CA Pays de Montbéliard Agglomération")
    communes = {}
    for code in (VOUJEAUCOURT, HERIMONCOURT, VALENTIGNEY):
        row = official[code]
        communes[code] = OrganisationFactory(
            name=row["nom"],
            siren=row["siren"],
            insee_code=code,
            department=pma.department,
            population=row["population"],
            population_year=2022,
            epci=pma,
        )
    convention = ConventionFactory(lead_authority=pma, state="signed")
    PartyFactory(convention=convention, organisation=convention.caf, role=PartyRole.CAF)
    PartyFactory(convention=convention, organisation=pma, role=PartyRole.LEAD)
    PartyFactory(convention=convention, organisation=communes[VALENTIGNEY])
    return convention, pma, communes


def rpe_for(organisation):
    kind, _ = EquipmentType.objects.get_or_create(code="RPE", defaults={"name": "Relais"})
    return Equipment.objects.create(organisation=organisation, equipment_type=kind, name="RPE")


def early_childhood_sheet(convention, communes=()):
    theme, _ = Theme.objects.get_or_create(code="petite-enfance", defaults={"name": "Petite"})
    sheet = ActionSheetFactory(convention=convention, axis=AxisFactory(convention=convention))
    sheet.themes.add(theme)
    sheet.communes.set(communes)
    return sheet


def test_real_communes_fall_on_each_side_of_the_thresholds(territory, official):
    convention, _, _ = territory
    # The official figures the rules are tested on.
    assert official[VOUJEAUCOURT]["population"] == 3174
    assert official[HERIMONCOURT]["population"] == 3508
    assert official[VALENTIGNEY]["population"] == 10501
    facts = {row.commune.insee_code: row for row in territory_facts(convention).communes}
    assert facts[VOUJEAUCOURT].tier == 0
    assert facts[HERIMONCOURT].tier == 1
    assert facts[VALENTIGNEY].tier == 2
    assert len(facts[VOUJEAUCOURT].obligations) == 2
    assert "planifier le développement des modes d'accueil" in facts[HERIMONCOURT].obligations
    assert any("Relais Petite Enfance" in o for o in facts[VALENTIGNEY].obligations)
    assert not any("Relais Petite Enfance" in o for o in facts[HERIMONCOURT].obligations)


def test_a_commune_over_10000_without_action_nor_rpe_is_flagged_on_the_page(client, territory):
    convention, _, communes = territory
    # An early-childhood action for another commune does not cover Valentigney.
    early_childhood_sheet(convention, [communes[HERIMONCOURT]])
    client.force_login(UserFactory(role=Role.ADVISER, organisation=convention.caf))
    page = client.get(reverse("conventions:detail", args=[convention.pk])).content.decode()
    assert "Valentigney (10\u202f501 habitants) dépasse 10 000 habitants et aucune fiche" in page
    assert "aucun Relais Petite Enfance soutenu par la commune" in page
    assert "population municipale INSEE 2022" in page
    # Hérimoncourt is listed with its planning obligation, Voujeaucourt only counted.
    assert "Hérimoncourt" in page and "Voujeaucourt" not in page
    assert "1 commune de 3 500 habitants ou moins" in page


def test_an_action_and_an_rpe_clear_the_warnings(territory):
    convention, _, communes = territory
    early_childhood_sheet(convention, [communes[VALENTIGNEY]])
    rpe_for(communes[VALENTIGNEY])
    assert territory_facts(convention).warnings == []


def test_a_sheet_for_the_whole_territory_covers_every_commune(territory):
    convention, _, communes = territory
    early_childhood_sheet(convention, [])
    rpe_for(communes[VALENTIGNEY])
    assert territory_facts(convention).warnings == []


def test_a_competence_transferred_to_the_epci_is_exercised_by_it(territory):
    convention, pma, _ = territory
    pma.early_childhood_competence = True
    pma.save()
    rpe_for(pma)
    early_childhood_sheet(convention, [])
    facts = {row.commune.insee_code: row for row in territory_facts(convention).communes}
    assert facts[VALENTIGNEY].holder == pma and facts[VALENTIGNEY].is_transferred
    assert facts[VALENTIGNEY].has_rpe
    assert territory_facts(convention).warnings == []


def test_only_an_epci_holds_the_competence_for_its_communes():
    commune = OrganisationFactory(early_childhood_competence=True)
    with pytest.raises(ValidationError) as error:
        commune.full_clean()
    assert "early_childhood_competence" in error.value.message_dict


def test_facts_take_a_fixed_number_of_queries(territory, django_assert_max_num_queries):
    convention, pma, _ = territory
    with django_assert_max_num_queries(4):
        territory_facts(convention)
    for _ in range(40):
        OrganisationFactory(epci=pma, department=pma.department, population=12000)
    early_childhood_sheet(convention, [])
    with django_assert_max_num_queries(4):
        assert len(territory_facts(convention).communes) == 43
    # The convention page gives the parties' organisations it has already read.
    organisations = [
        p.organisation for p in convention.parties.select_related("organisation__epci")
    ]
    with django_assert_max_num_queries(3):
        assert len(territory_facts(convention, organisations).communes) == 43
