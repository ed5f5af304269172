"""The reading rules on plain text: numbers and dates in words, lists of names, the
session date among the others, figures read as written."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from conventions.deliberation_reader import read_text
from conventions.deliberation_reader.dates import find_dates
from conventions.deliberation_reader.numbers import count_value
from conventions.deliberation_reader.rules import count_names
from conventions.deliberation_reader.text import Text, normalise
from conventions.models import Deliberation
from conventions.models.deliberation import DeliberatingBody, Outcome


def read(text):
    return read_text(Text([normalise(line) for line in text.strip().splitlines()]))


@pytest.mark.parametrize(
    ("words", "value"),
    [
        ("vingt-sept", 27),
        ("trente-trois", 33),
        ("trente et un", 31),
        ("soixante et onze", 71),
        ("soixante-dix-neuf", 79),
        ("quatre-vingts", 80),
        ("quatre-vingt-onze", 91),
        ("cent douze", 112),
        ("deux mille vingt-trois", 2023),
        ("deux mil vingt-trois", 2023),
        ("27", 27),
        ("vingt-sept conseillers", None),
    ],
)
def test_french_numbers_in_words(words, value):
    assert count_value(words) == value


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("séance du 05/04/2023", datetime.date(2023, 4, 5)),
        ("le 5 avril 2023", datetime.date(2023, 4, 5)),
        ("publié le 14 AVR. 2023", datetime.date(2023, 4, 14)),
        ("le 1er mars 2024", datetime.date(2024, 3, 1)),
        ("L'An Deux Mille Vingt-trois, le cinq avril", datetime.date(2023, 4, 5)),
        ("L'An Deux Mille Vingt-trois, le 05 avril 2023", datetime.date(2023, 4, 5)),
        ("l'an deux mil vingt-trois et le cinq du mois d'avril", datetime.date(2023, 4, 5)),
        ("le vingt-sept octobre deux mille vingt-deux", datetime.date(2022, 10, 27)),
        ("le 31/02/2023", None),
    ],
)
def test_dates_in_figures_and_in_words(text, date):
    found = find_dates(normalise(text).lower())
    assert [found_date.date for found_date in found] == ([date] if date else [])


@pytest.mark.parametrize(
    ("names", "count"),
    [
        # As in the Valentigney extract: a missing full stop, a stray one, a double one.
        ("MM. Mmes. Philippe GAUTIER. Jean-Claude HERARD Arnaud PAVILLARD. Gérard. PATEREK. "
         "Stéphanie BOURQUIN.. Claude-Françoise SAUMIER.", 6),
        ("GAUTIER Philippe, VURPILLOT Lise, LE GALL Yann", 3),
        ("M. Philippe Gautier, Mme Lise Vurpillot et M. Yann Le Gall", 3),
        ("Mme Nadine MERCIER (pouvoir à M. Valère NEDEY), M. Omar RABEL", 2),
    ],
)  # fmt: skip
def test_names_are_counted_whatever_the_separators(names, count):
    assert count_names(names) == count


def test_the_session_date_is_chosen_among_the_other_dates():
    reading = read(
        """
        Date de convocation : 28/03/2023
        Le procès-verbal de la séance du 22 février 2023 est adopté.
        Le 5 avril 2023 à 18 h, le conseil municipal s'est réuni.
        Affiché le 12/04/2023
        Transmis en préfecture le 13/04/2023
        Reçu en préfecture le 14/04/2023
        """
    )
    assert reading.values["session_date"] == datetime.date(2023, 4, 5)
    assert reading.values["convocation_on"] == datetime.date(2023, 3, 28)
    assert reading.values["posted_on"] == datetime.date(2023, 4, 12)
    assert reading.values["published_on"] == datetime.date(2023, 4, 12)
    assert reading.values["sent_on"] == datetime.date(2023, 4, 13)
    assert reading.values["received_on"] == datetime.date(2023, 4, 14)


def test_a_label_line_followed_by_its_number_line():
    """pdfplumber may give a table's label and figure on two lines."""
    reading = read(
        """
        Conseillers en exercice
        33
        Présents
        27
        Votants
        29
        """
    )
    assert (reading.values["in_office"], reading.values["present"], reading.values["voters"]) == (
        33,
        27,
        29,
    )


def test_a_vote_count_with_votes_against_is_a_majority():
    reading = read("Le conseil municipal, après en avoir délibéré, ADOPTE. Pour : 20 Contre : 5")
    assert reading.values["outcome"] == Outcome.ADOPTED_MAJORITY
    assert reading.values["votes_cast"] == 25
    assert reading.derived >= {"outcome", "votes_cast"}


def test_the_minutes_adopted_unanimously_are_not_the_decision():
    reading = read(
        """
        Le procès-verbal de la séance précédente est adopté à l'unanimité.
        Après en avoir délibéré, le conseil municipal REJETTE la proposition.
        """
    )
    assert reading.values["outcome"] == Outcome.REJECTED


@pytest.mark.parametrize(
    ("line", "body", "authority"),
    [
        ("COMMUNE DE SAINTE-MARIE-AUX-MINES - Conseil Municipal",
         DeliberatingBody.MUNICIPAL_COUNCIL, "Commune de Sainte-Marie-aux-Mines"),
        ("Ville de Montbéliard\nConseil municipal", DeliberatingBody.MUNICIPAL_COUNCIL,
         "Ville de Montbéliard"),
        ("COMMUNE DE LA ROCHELLE\nConseil municipal", DeliberatingBody.MUNICIPAL_COUNCIL,
         "Commune de La Rochelle"),
        ("Mairie de Lièpvre\nConseil municipal", DeliberatingBody.MUNICIPAL_COUNCIL,
         "Commune de Lièpvre"),
        ("PAYS DE MONTBÉLIARD AGGLOMÉRATION\nConseil communautaire",
         DeliberatingBody.COMMUNITY_COUNCIL, "Pays de Montbéliard Agglomération"),
        ("Syndicat mixte du Pays de Montbéliard\nComité syndical",
         DeliberatingBody.SYNDICATE_COMMITTEE, "Syndicat mixte du Pays de Montbéliard"),
        ("Caisse d'allocations familiales du Doubs\nConseil d'administration",
         DeliberatingBody.CAF_BOARD, "Caisse d'allocations familiales du Doubs"),
    ],
)  # fmt: skip
def test_body_and_authority(line, body, authority):
    reading = read(f"Département du Doubs\n{line}")
    assert reading.values["body"] == body
    assert reading.values["authority"] == authority


@pytest.mark.parametrize(
    ("line", "number"),
    [
        ("Délibération n° D_137_2022", "D_137_2022"),
        ("Point n° 12 : convention territoriale globale", "12"),
        ("N° 2023/45", "2023/45"),
        ("EXTRAIT n° 2023-32", "2023-32"),
    ],
)
def test_act_number(line, number):
    assert read(line).values["act_number"] == number


def test_impossible_figures_are_read_as_written_and_refused_by_the_validation():
    """6 proxies for 2 absent members and a unanimity with votes against: read as
    written, then the deliberation's validation explains both in French."""
    reading = read(
        """
        Séance du 05/04/2023 - Conseil municipal
        Conseillers en exercice : 33 - Présents : 31 - Pouvoirs : 6 - Votants : 37
        Après en avoir délibéré, le conseil adopte à l'unanimité.
        Pour : 30 Contre : 7 Abstentions : 0
        """
    )
    values = reading.values
    assert (values["present"], values["proxies"], values["against"]) == (31, 6, 7)
    assert values["outcome"] == Outcome.ADOPTED_UNANIMOUSLY
    deliberation = Deliberation(
        body=values["body"],
        session_date=values["session_date"],
        subject="CTG",
        members_in_office=values["in_office"],
        present=values["present"],
        proxies=values["proxies"],
        votes_cast=values["votes_cast"],
        votes_for=values["for"],
        votes_against=values["against"],
        abstentions=values["abstentions"],
        outcome=values["outcome"],
    )
    with pytest.raises(ValidationError) as error:
        deliberation.clean()
    errors = error.value.message_dict
    assert errors["proxies"] == [
        "6 pouvoirs pour 2 membres absents : seul un membre absent peut donner pouvoir."
    ]
    assert errors["outcome"][0].startswith("Une délibération adoptée à l'unanimité ne peut")


def test_a_layout_of_its_own_read_from_its_labels():
    """Another council's software: members elected and in function, absents "dont 2
    représentés", proxies inside the list of the excused, a point without "n°", the
    vote with dashes, the stamp's dates."""
    reading = read(
        """
        RÉPUBLIQUE FRANÇAISE
        DÉPARTEMENT DU HAUT-RHIN
        COMMUNE DE LIÈPVRE
        EXTRAIT DU PROCÈS-VERBAL DES DÉLIBÉRATIONS DU CONSEIL MUNICIPAL
        Séance du 12 décembre 2025
        Nombre de conseillers afférents au conseil : 15
        Conseillers en fonction : 15
        Conseillers présents : 11
        Conseillers absents : 4 dont 2 représentés
        Sous la présidence de M. Denis PETIT, Maire
        Absents excusés : A. ROTH (procuration à P. WEISS), E. BRAUN (procuration à L. MEYER)
        Absents non excusés : M. Jean KOCH, Mme Eva HAAS
        M. Paul WEISS est désigné secrétaire de séance.
        Point 5 - Approbation de la convention territoriale globale du Val d'Argent
        Le conseil municipal, après en avoir délibéré,
        Votes : Pour 12 - Contre 0 - Abstention 1
        approuve la convention.
        Acte rendu exécutoire après dépôt en préfecture le 16/12/2025 et publication le 17/12/2025
        Pour extrait conforme, Lièpvre, le 18 décembre 2025
        Le Maire,
        Denis PETIT
        """
    )
    values = reading.values
    assert values["authority"] == "Commune de Lièpvre"
    assert values["session_date"] == datetime.date(2025, 12, 12)
    assert (values["members_elected"], values["in_office"], values["present"]) == (15, 15, 11)
    assert (values["absent"], values["proxies"], values["excused"]) == (4, 2, 2)
    assert values["act_number"] == "5"
    assert values["subject"] == "Approbation de la convention territoriale globale du Val d'Argent"
    assert (values["for"], values["against"], values["abstentions"]) == (12, 0, 1)
    assert values["votes_cast"] == 12 and "votes_cast" in reading.derived
    assert values["voters"] == 13 and "voters" in reading.derived
    assert values["chair"] == "Denis PETIT"
    assert values["secretary"] == "Paul WEISS"
    assert values["sent_on"] == datetime.date(2025, 12, 16)
    assert values["posted_on"] == datetime.date(2025, 12, 17)
    assert values["outcome"] == Outcome.ADOPTED


def test_two_columns_merged_on_the_same_lines():
    """An unruled two-column heading: pdfplumber gives each line with both columns."""
    reading = read(
        """
        Département du Doubs REPUBLIQUE FRANCAISE
        VILLE D'AUDINCOURT
        EXTRAIT DU REGISTRE DES DELIBERATIONS DU CONSEIL MUNICIPAL
        Nombre de membres Séance du lundi 12 juin 2023
        afférents au Conseil : 35
        en exercice : 33 L'an deux mille vingt-trois, le douze juin à 18 heures 30,
        qui ont pris part le Conseil Municipal, dûment convoqué, s'est réuni sous la
        à la délibération : 30 présidence de Monsieur Martial BOURQUIN, Maire.
        Date de la convocation : mardi 6 juin 2023
        Présents : M. Martial BOURQUIN, Maire, Mme Anne DUPONT, M. Paul MARTIN, MME JULIE PETIT
        Absents ayant donné procuration : Mme Lea ROUX à M. MARTIN, M. Jean FAURE à Mme DUPONT
        Délibération DEL2023_045
        Objet : Convention Territoriale Globale 2023-2027
        ADOPTÉ : Pour 28 - Contre 1 - Abstention 1
        """
    )
    values = reading.values
    assert values["authority"] == "Ville d'Audincourt"
    assert values["session_date"] == datetime.date(2023, 6, 12)
    assert values["convocation_on"] == datetime.date(2023, 6, 6)
    assert (values["members_elected"], values["in_office"]) == (35, 33)
    assert values["present"] == 4 and "present" in reading.derived
    assert values["proxies"] == 2
    assert values["act_number"] == "DEL2023_045"
    assert values["subject"] == "Convention Territoriale Globale 2023-2027"
    assert (values["for"], values["against"], values["abstentions"]) == (28, 1, 1)
    assert values["outcome"] == Outcome.ADOPTED_MAJORITY


def test_stamp_of_another_e_legality_platform():
    reading = read(
        """
        Accusé de réception - Ministère de l'Intérieur
        025-212500565-20230612-DEL2023045-DE
        Réception par le préfet : 16/06/2023
        Publication : 17/06/2023
        """
    )
    assert reading.values["actes_id"] == "025-212500565-20230612-DEL2023045-DE"
    assert reading.values["received_on"] == datetime.date(2023, 6, 16)
    assert reading.values["posted_on"] == datetime.date(2023, 6, 17)
    # The decision date of the identifier stands in for an unread session date.
    assert reading.values["session_date"] == datetime.date(2023, 6, 12)
    assert "session_date" in reading.derived


def test_pour_and_contre_in_running_text_are_no_vote():
    reading = read(
        """
        La convention est signée pour 5, 6 ou 7 ans.
        Elle engage les partenaires.
        Elle organise la lutte contre 3 formes de pauvreté.
        Après en avoir délibéré, le conseil municipal adopte à l'unanimité.
        """
    )
    assert "for" not in reading.values
    assert reading.values["against"] == 0 and "against" in reading.derived


def test_vote_without_colons_one_figure_a_line():
    reading = read("Après en avoir délibéré :\nPour 28\nContre 1\nAbstention 1")
    assert (reading.values["for"], reading.values["against"]) == (28, 1)
    assert reading.values["abstentions"] == 1


@pytest.mark.parametrize(
    ("text", "chair", "rapporteur"),
    [
        ("Président de séance : M. Jean-Marc BURRUS\nRapporteur : Mme Noëllie HESTIN",
         "Jean-Marc BURRUS", "Noëllie HESTIN"),
        ("Sur le rapport de Madame Lise VURPILLOT, adjointe.\nPour extrait conforme,\n"
         "Le Maire,\nPhilippe GAUTIER", "Philippe GAUTIER", "Lise VURPILLOT"),
        ("sous la présidence de M. le Maire, Philippe GAUTIER.", "Philippe GAUTIER", None),
        ("La séance est présidée par Mme Claire MARTIN, Présidente.", "Claire MARTIN", None),
    ],
)  # fmt: skip
def test_chair_and_rapporteur(text, chair, rapporteur):
    reading = read(text)
    assert reading.values.get("chair") == chair
    assert reading.values.get("rapporteur") == rapporteur


def test_a_surname_with_an_elided_particle_counts_once():
    assert count_names("Mme Anne d'ARCY, M. Paul LE GALL, Mme Eva DE LA FONTAINE") == 3


def test_the_convocation_posted_before_the_session_and_the_act_published_after():
    reading = read(
        """
        Date de convocation : 28/03/2023 - Date d'affichage : 29/03/2023
        Séance du 5 avril 2023
        Publié le 14/04/2023
        """
    )
    assert reading.values["convocation_on"] == datetime.date(2023, 3, 28)
    assert reading.values["posted_on"] == datetime.date(2023, 3, 29)
    assert reading.values["published_on"] == datetime.date(2023, 4, 14)


def test_numbers_and_headings_that_are_not_the_act_s():
    reading = read(
        """
        RÉPUBLIQUE FRANÇAISE - LIBERTÉ ÉGALITÉ FRATERNITÉ
        LISTE DES CONSEILLERS PRÉSENTS
        Vu la loi n° 2015-991 du 7 août 2015 ;
        N° 2023/45
        APPROBATION DE LA CONVENTION TERRITORIALE GLOBALE
        """
    )
    assert reading.values["act_number"] == "2023/45"
    assert reading.values["subject"] == "APPROBATION DE LA CONVENTION TERRITORIALE GLOBALE"


def test_a_second_convocation_and_its_first_session_are_read():
    """CGCT L. 2121-17: after a session without quorum the council meets again and
    deliberates whatever the number present; the extract says so, and the rules let it."""
    reading = read(
        """
Commune de Lièpvre
Extrait du registre des délibérations du Conseil municipal
Séance du 12 décembre 2025
Le Conseil municipal, le quorum n'ayant pas été atteint lors de la séance du 5 décembre 2025,
s'est réuni en seconde convocation le 12 décembre 2025 sous la présidence de M. Denis PETIT.
En exercice : 15. Présents : 6. Pouvoirs : 2.
Après en avoir délibéré, le Conseil municipal, à l'unanimité, approuve la convention.
"""
    )
    values = reading.values
    assert values["second_convocation"] is True
    assert values["first_session_date"] == datetime.date(2025, 12, 5)
    assert values["session_date"] == datetime.date(2025, 12, 12)
    assert reading.as_json()["second_convocation"] is True
    deliberation = Deliberation(
        session_date=values["session_date"],
        members_in_office=values["in_office"],
        present=values["present"],
        proxies=values["proxies"],
        outcome=values["outcome"],
        second_convocation=values["second_convocation"],
        first_session_date=values["first_session_date"],
    )
    deliberation.clean()  # 6 present of 15 in office: no quorum needed, nothing refused


def test_a_first_convocation_is_not_listed_as_unread():
    reading = read(
        """
Commune de Lièpvre
Extrait du registre des délibérations du Conseil municipal
Séance du 12 décembre 2025, sous la présidence de M. Denis PETIT, Maire.
En exercice : 15. Présents : 11. Pouvoirs : 2.
Rappel : à défaut de quorum, le conseil est convoqué à nouveau et délibère sans condition de quorum.
Après en avoir délibéré, le Conseil municipal, à l'unanimité, approuve la convention.
"""
    )
    assert "second_convocation" not in reading.values
    assert "second_convocation" not in reading.unread
    assert "first_session_date" not in reading.unread
    assert reading.as_json()["second_convocation"] is False
