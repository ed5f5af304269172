import datetime

import pytest
from django.core.exceptions import ValidationError

from conventions.actes import parse_actes_id
from partners.validators import validate_insee_commune_code, validate_siren
from tests.factories import ConventionFactory, OrganisationFactory


@pytest.mark.parametrize(
    "siren",
    [
        "246800395",  # CC du Val d'Argent
        "200065647",  # Pays de Montbéliard Agglomération
        "216801852",  # Lièpvre
        "356000000",  # La Poste, the documented exception to the Luhn rule
    ],
)
def test_real_sirens_are_accepted(siren):
    validate_siren(siren)


@pytest.mark.parametrize(
    ("siren", "message"),
    [
        ("246800396", "clé de contrôle"),
        ("24680039", "exactement 9 chiffres"),
        ("2468003950", "exactement 9 chiffres"),
        ("24680039A", "exactement 9 chiffres"),
    ],
)
def test_impossible_sirens_are_refused_in_french(siren, message):
    with pytest.raises(ValidationError) as error:
        validate_siren(siren)
    assert message in error.value.messages[0]


@pytest.mark.parametrize("code", ["68185", "25580", "2A004", "2B033", "97411"])
def test_real_insee_codes_are_accepted(code):
    validate_insee_commune_code(code)


@pytest.mark.parametrize("code", ["6818", "2C004", "2a004", "681850", "AB123"])
def test_impossible_insee_codes_are_refused(code):
    with pytest.raises(ValidationError, match="code commune INSEE"):
        validate_insee_commune_code(code)


@pytest.mark.django_db
def test_a_commune_belongs_to_at_most_one_epci_and_only_to_an_epci():
    epci = OrganisationFactory(as_epci=True)
    other_commune = OrganisationFactory()
    commune = OrganisationFactory(epci=other_commune)
    with pytest.raises(ValidationError) as error:
        commune.full_clean()
    assert "L'organisation de rattachement doit être un EPCI." in error.value.message_dict["epci"]
    commune.epci = epci
    commune.full_clean()
    commune.save()
    # A single foreign key: attaching to a second EPCI replaces the first one.
    assert list(epci.member_communes.all()) == [commune]


@pytest.mark.django_db
def test_only_a_commune_may_join_an_epci():
    epci = OrganisationFactory(as_epci=True)
    caf = OrganisationFactory(as_caf=True, epci=epci)
    with pytest.raises(ValidationError) as error:
        caf.full_clean()
    assert "Seule une commune" in error.value.message_dict["epci"][0]


@pytest.mark.django_db
def test_insee_code_must_match_the_department():
    commune = OrganisationFactory(insee_code="25580", name="Valentigney")
    with pytest.raises(ValidationError) as error:
        commune.full_clean()
    assert "ne correspond pas au département 68" in error.value.message_dict["insee_code"][0]


@pytest.mark.django_db
def test_convention_period_must_end_after_it_starts():
    convention = ConventionFactory.build(
        caf=OrganisationFactory(as_caf=True),
        lead_authority=OrganisationFactory(as_epci=True),
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2025, 12, 31),
    )
    with pytest.raises(ValidationError) as error:
        convention.full_clean()
    assert error.value.message_dict["end_date"] == [
        "La date de fin doit être postérieure à la date de début."
    ]


@pytest.mark.django_db
def test_convention_lasts_at_most_five_years():
    convention = ConventionFactory.build(
        caf=OrganisationFactory(as_caf=True),
        lead_authority=OrganisationFactory(as_epci=True),
        start_date=datetime.date(2026, 1, 1),
        end_date=datetime.date(2031, 12, 31),
    )
    with pytest.raises(ValidationError) as error:
        convention.full_clean(exclude=["reference"])
    assert "au plus cinq ans" in error.value.message_dict["end_date"][0]


@pytest.mark.django_db
def test_database_refuses_a_period_ending_before_its_start():
    from django.db import IntegrityError

    with pytest.raises(IntegrityError):
        ConventionFactory(start_date=datetime.date(2026, 1, 1), end_date=datetime.date(2025, 1, 1))


def test_actes_identifier_is_parsed():
    actes = parse_actes_id("039-200090579-20221027-D_137_2022-DE")
    assert actes.department == "039"
    assert actes.siren == "200090579"
    assert actes.date == datetime.date(2022, 10, 27)
    assert actes.act_number == "D_137_2022"
    assert actes.nature == "DE"


def test_actes_identifier_is_read_out_of_a_stamped_file_name():
    actes = parse_actes_id("99_DE-068-246800395-20251002-DEL_2025_41-D")
    assert str(actes) == "068-246800395-20251002-DEL_2025_41-DE"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("39-200090579-20221027-D_137_2022-DE", "forme attendue"),
        ("039-20009057-20221027-D_137_2022-DE", "forme attendue"),
        ("039-200090579-20221027-D-DE", "forme attendue"),
        ("039-200090579-20221027-D_137_2022_TROP_LONG-DE", "forme attendue"),
        ("039-200090579-20221327-D_137_2022-DE", "n'existe pas"),
        ("039-200090579-20221027-D_137_2022-XX", "nature"),
    ],
)
def test_malformed_actes_identifiers_are_refused(value, message):
    with pytest.raises(ValidationError) as error:
        parse_actes_id(value)
    assert message in error.value.messages[0]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("kind", "name", "designation"),
    [
        ("epci", "CC du Val d'Argent", "la Communauté de communes du Val d'Argent"),
        ("epci", "Métropole de Lyon", "la Métropole de Lyon"),
        ("epci", "CA Pays de Montbéliard Agglomération", "Pays de Montbéliard Agglomération"),
        ("commune", "Lièpvre", "la Commune de Lièpvre"),
        ("caf", "Caf du Haut-Rhin", "la Caf du Haut-Rhin"),
        ("syndicate", "Sivu des Trois Fontaines", "le Sivu des Trois Fontaines"),
    ],
)
def test_organisations_are_named_as_conventions_write_them(kind, name, designation):
    organisation = OrganisationFactory.build(kind=kind, name=name, epci_kind="CC")
    assert organisation.designation == designation


def test_placeholders_are_filled_as_plain_text_with_a_capital_at_line_start():
    from conventions.placeholders import fill_placeholders

    values = {"collectivite_chef_de_file": "la Communauté de communes du Val d'Argent"}
    text = "{collectivite_chef_de_file} s'engage.\nAvec {collectivite_chef_de_file}. {{ code }}"
    assert fill_placeholders(text, values) == (
        "La Communauté de communes du Val d'Argent s'engage.\n"
        "Avec la Communauté de communes du Val d'Argent. {{ code }}"
    )


def test_unknown_placeholders_are_refused_in_template_texts():
    from conventions.placeholders import validate_placeholders

    with pytest.raises(ValidationError, match=r"Variables inconnues : \{maire\}"):
        validate_placeholders("Signé par {maire} pour {caf}.")
