"""French grammar of names (partners/grammar.py), on real names of the reference data."""

import datetime

import pytest

from partners import grammar
from partners.grammar import organisation_name


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Arbouans", "d'Arbouans"),
        ("Audincourt", "d'Audincourt"),
        ("Étupes", "d'Étupes"),
        ("Hérimoncourt", "d'Hérimoncourt"),
        ("Hyères", "d'Hyères"),
        ("Honfleur", "de Honfleur"),
        ("Hautmont", "de Hautmont"),
        ("Le Havre", "du Havre"),
        ("Les Abymes", "des Abymes"),
        ("La Rochelle", "de La Rochelle"),
        ("L'Isle-Adam", "de L'Isle-Adam"),
        ("Lièpvre", "de Lièpvre"),
        ("Courcelles lès Montbéliard", "de Courcelles lès Montbéliard"),
        ("Yutz", "d'Yutz"),
    ],
)
def test_de_contracts_and_elides_before_place_names(text, expected):
    assert grammar.de(text) == expected


@pytest.mark.parametrize(
    ("name", "designation", "of", "represented"),
    [
        ("Arbouans", "la Commune d'Arbouans", "de la Commune d'Arbouans", "représentée"),
        ("Le Havre", "la Commune du Havre", "de la Commune du Havre", "représentée"),
        ("Les Abymes", "la Commune des Abymes", "de la Commune des Abymes", "représentée"),
        ("La Rochelle", "la Commune de La Rochelle", "de la Commune de La Rochelle", "représentée"),
        (
            "Hérimoncourt",
            "la Commune d'Hérimoncourt",
            "de la Commune d'Hérimoncourt",
            "représentée",
        ),
        ("Lièpvre", "la Commune de Lièpvre", "de la Commune de Lièpvre", "représentée"),
    ],
)
def test_communes(name, designation, of, represented):
    named = organisation_name("commune", name)
    assert (named.designation, named.of, named.represented) == (designation, of, represented)


def test_a_commune_council_is_named_after_the_place():
    assert organisation_name("commune", "Arbouans").council_of == "d'Arbouans"
    assert organisation_name("commune", "Le Havre").council_of == "du Havre"
    assert organisation_name("epci", "CC du Val d'Argent").council_of == (
        "de la Communauté de communes du Val d'Argent"
    )


@pytest.mark.parametrize(
    ("name", "designation", "of"),
    [
        (
            "CC du Val d'Argent",
            "la Communauté de communes du Val d'Argent",
            "de la Communauté de communes du Val d'Argent",
        ),
        (
            "CC Bretagne Romantique",
            "la Communauté de communes Bretagne Romantique",
            "de la Communauté de communes Bretagne Romantique",
        ),
        (
            "CC de l'Ile d'Oléron",
            "la Communauté de communes de l'Ile d'Oléron",
            "de la Communauté de communes de l'Ile d'Oléron",
        ),
        (
            "CA du Saint-Quentinois",
            "la Communauté d'agglomération du Saint-Quentinois",
            "de la Communauté d'agglomération du Saint-Quentinois",
        ),
        (
            "CU Caen la Mer",
            "la Communauté urbaine Caen la Mer",
            "de la Communauté urbaine Caen la Mer",
        ),
        # Names that say what they are stand without an article.
        (
            "CA Pays de Montbéliard Agglomération",
            "Pays de Montbéliard Agglomération",
            "de Pays de Montbéliard Agglomération",
        ),
        ("CC Douarnenez Communauté", "Douarnenez Communauté", "de Douarnenez Communauté"),
        ("CA Colmar Agglomération", "Colmar Agglomération", "de Colmar Agglomération"),
        ("CA Carcassonne Agglo", "Carcassonne Agglo", "de Carcassonne Agglo"),
        ("Metz Métropole", "Metz Métropole", "de Metz Métropole"),
        ("Grenoble-Alpes-Métropole", "Grenoble-Alpes-Métropole", "de Grenoble-Alpes-Métropole"),
        ("CA Le Muretain Agglo", "Le Muretain Agglo", "du Muretain Agglo"),
        (
            "CA Les Sables d'Olonne Agglomération",
            "Les Sables d'Olonne Agglomération",
            "des Sables d'Olonne Agglomération",
        ),
        # ...unless the name starts with what it is.
        ("CA Agglomération d'Agen", "l'Agglomération d'Agen", "de l'Agglomération d'Agen"),
        ("CA Agglo du Pays de Dreux", "l'Agglo du Pays de Dreux", "de l'Agglo du Pays de Dreux"),
        ("Métropole de Lyon", "la Métropole de Lyon", "de la Métropole de Lyon"),
        (
            "Eurométropole de Strasbourg",
            "l'Eurométropole de Strasbourg",
            "de l'Eurométropole de Strasbourg",
        ),
    ],
)
def test_epcis_from_the_reference_data(name, designation, of):
    named = organisation_name("epci", name)
    assert named.designation == designation
    assert named.of == of
    assert named.represented == "représentée"
    assert "CC " not in named.of and "CA " not in named.of


def test_double_spaces_of_the_reference_data_are_dropped():
    named = organisation_name("epci", "CA ECLA  (Espace Communautaire Lons Agglomération)")
    assert "  " not in named.designation


@pytest.mark.parametrize(
    ("name", "designation", "of"),
    [
        ("SIVU des Trois Fontaines", "le SIVU des Trois Fontaines", "du SIVU des Trois Fontaines"),
        ("Sivu de La Chaulière", "le Sivu de La Chaulière", "du Sivu de La Chaulière"),
        (
            "Syndicat intercommunal du Mont",
            "le Syndicat intercommunal du Mont",
            "du Syndicat intercommunal du Mont",
        ),
    ],
)
def test_syndicates_are_masculine(name, designation, of):
    named = organisation_name("syndicate", name)
    assert (named.designation, named.of, named.represented) == (designation, of, "représenté")
    assert named.named == "ci-après dénommé"


@pytest.mark.parametrize(
    ("name", "designation", "of"),
    [
        ("Caf du Doubs", "la Caf du Doubs", "de la Caf du Doubs"),
        ("Caf de la Haute-Garonne", "la Caf de la Haute-Garonne", "de la Caf de la Haute-Garonne"),
        (
            "Caf des Bouches-du-Rhône",
            "la Caf des Bouches-du-Rhône",
            "de la Caf des Bouches-du-Rhône",
        ),
        ("Caf de l'Ain", "la Caf de l'Ain", "de la Caf de l'Ain"),
        ("Caf de Paris", "la Caf de Paris", "de la Caf de Paris"),
    ],
)
def test_cafs(name, designation, of):
    named = organisation_name("caf", name)
    assert (named.designation, named.of, named.represented) == (designation, of, "représentée")


def test_caf_long_name_for_cover_pages():
    assert grammar.caf_long_name("Caf du Doubs") == "Caisse d'Allocations Familiales du Doubs"
    assert grammar.caf_long_name("Caf de l'Ain") == "Caisse d'Allocations Familiales de l'Ain"


def test_a_department_takes_its_connector():
    named = organisation_name("department", "Doubs", department_connector="du Doubs")
    assert named.designation == "le Département du Doubs"
    assert named.of == "du Département du Doubs"
    assert named.represented == "représenté"


@pytest.mark.parametrize(
    ("title", "civility", "article", "possessive"),
    [
        ("Maire", "M", "le Maire", "son"),
        ("Maire", "MME", "la Maire", "son"),
        ("Président", "M", "le Président", "son"),
        ("Présidente", "MME", "la Présidente", "sa"),
        ("Présidente du Conseil d'Administration", "MME", "la Présidente du Conseil "
         "d'Administration", "sa"),
        ("Directeur", "M", "le Directeur", "son"),
        ("Directrice", "MME", "la Directrice", "sa"),
        ("Vice-présidente", "MME", "la Vice-présidente", "sa"),
        ("Adjoint au maire", "M", "l'Adjoint au maire", "son"),
        ("Adjointe au maire", "MME", "l'Adjointe au maire", "son"),
        ("Conseillère déléguée", "MME", "la Conseillère déléguée", "sa"),
    ],
)  # fmt: skip
def test_titles_take_their_article_and_possessive(title, civility, article, possessive):
    assert grammar.title_with_article(title, civility) == article
    assert grammar.possessive(title) == possessive


def test_never_le_presidente():
    assert grammar.title_with_article("Présidente") != "le Présidente"
    assert grammar.speaker("Présidente", "MME") == "Madame la Présidente"
    assert grammar.speaker("Maire", "M") == "Monsieur le Maire"
    assert grammar.speaker("Maire", "MME") == "Madame la Maire"


def test_authorised_agrees_with_the_people():
    assert grammar.authorised(["M"]) == "dûment autorisé"
    assert grammar.authorised(["MME"]) == "dûment autorisée"
    assert grammar.authorised(["MME", "M"]) == "dûment autorisés"
    assert grammar.authorised(["MME", "MME"]) == "dûment autorisées"


def test_prepositions_before_councils():
    assert grammar.de(grammar.the("conseil municipal")) == "du conseil municipal"
    assert grammar.de(grammar.the("organe délibérant")) == "de l'organe délibérant"
    assert grammar.to(grammar.the("conseil communautaire")) == "au conseil communautaire"
    assert grammar.to(grammar.the("organe délibérant")) == "à l'organe délibérant"
    assert grammar.the("comité syndical") == "le comité syndical"


@pytest.mark.parametrize(
    ("count", "words"),
    [
        (1, "en un exemplaire original"),
        (2, "en deux exemplaires originaux"),
        (3, "en trois exemplaires originaux"),
        (17, "en dix-sept exemplaires originaux"),
        (20, "en vingt exemplaires originaux"),
        (37, "en 37 exemplaires originaux"),
    ],
)
def test_originals_in_words_up_to_twenty(count, words):
    assert grammar.originals(count) == words


def test_french_dates():
    assert grammar.french_date(datetime.date(2026, 1, 1)) == "1er janvier 2026"
    assert grammar.french_date(datetime.date(2022, 11, 21)) == "21 novembre 2022"
    assert grammar.capitalize("la Caf du Doubs") == "La Caf du Doubs"
