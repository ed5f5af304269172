# ruff: noqa: E501 (extract texts are kept one paragraph per line, as councils write them)
"""Extracts the reader's rules were not written from: other councils' software
(Berger-Levrault e-magnus, a community council, a comité syndical), other e-legality
stamps (Ministère de l'Intérieur, S²LOW, FAST, iXBus), other wordings of the vote and
of the dates, and a layout full of noise (two-column heading, words hyphenated at the
line's end, other figures and dates in the body). Each asserts what is read and that
what the extract does not say stays unread."""

import datetime

import pytest

from conventions.deliberation_reader import ONLY_WHEN_SO, read_text
from conventions.deliberation_reader.text import Text, normalise
from conventions.models.deliberation import DeliberatingBody, Outcome

KINDS = ["pdf", "unruled-pdf", "docx"]
# A line break inside a paragraph (markdown's hard break): where a PDF's line ends.
BR = "  \n"

SELONCOURT_PRESENT = [
    "M. Daniel BUCHWALDER", "Mme Claire DUPUIS", "M. Alain BRUN", "Mme Anne MOREL",
    "M. Henri VALLET", "Mme Sylvie CARON", "M. Thomas RENAUD", "Mme Aurélie FLEURY",
    "M. Gilles ARNAUD", "Mme Odile CHEVALIER", "M. Bruno PERROT", "Mme Nathalie JOLY",
    "M. Yannick BARBIER", "Mme Karine GAILLARD", "M. Olivier MEUNIER", "Mme Patricia LEMOINE",
    "M. Cédric COLLET", "Mme Estelle PREVOST", "M. Franck GUILLOT", "Mme Muriel HUMBERT",
    "M. Fabrice CLEMENT",
]  # fmt: skip


def e_magnus():
    """Berger-Levrault's e-magnus: the three counts on one line, the convocation and
    posting dates labelled, the opening in words with the hour, "Sont présents",
    "Absents ayant donné procuration", the Ministère de l'Intérieur's stamp at the foot."""
    return f"""**RÉPUBLIQUE FRANÇAISE**

**DÉPARTEMENT DU DOUBS**

**COMMUNE DE SELONCOURT**

**EXTRAIT DU REGISTRE DES DÉLIBÉRATIONS DU CONSEIL MUNICIPAL**

**Séance du 5 avril 2023**

Nombre de membres afférents au Conseil : 29 — en exercice : 27 — qui ont pris part à la délibération : 25

Date de la convocation : 28/03/2023

Date d'affichage : 28/03/2023

L'an deux mille vingt-trois, le cinq avril à dix-huit heures trente, le Conseil Municipal de la Commune de Seloncourt, régulièrement convoqué, s'est réuni au nombre prescrit par la loi, dans le lieu habituel de ses séances, sous la présidence de Monsieur Daniel BUCHWALDER, Maire.

Sont présents : {", ".join(SELONCOURT_PRESENT)}

Absents ayant donné procuration : M. Paul SIMON à M. Daniel BUCHWALDER, Mme Rose LEROY à Mme Claire DUPUIS, M. Marc FAVRE à M. Alain BRUN, Mme Julie GIRAUD à Mme Anne MOREL

Absents : M. Luc HENRY, Mme Eva ROCHE

Mme Claire DUPUIS est désignée secrétaire de séance.

**N° 2023-041**

**Objet : Convention territoriale globale 2023-2027 avec la Caf du Doubs**

Rapporteur : Mme Anne MOREL, adjointe

Vu le code général des collectivités territoriales, et notamment son article L.2121-29 ;

Vu la délibération du 14 décembre 2022 approuvant le budget primitif 2023 ;

Considérant que la convention couvre la période du 1er janvier 2023 au 31 décembre 2027 et mobilise 245 000 € de prestations de service pour 12 structures ;

Le Conseil, à l'unanimité des membres présents et représentés, DÉCIDE :

- d'approuver la convention territoriale globale 2023-2027 ;
- d'autoriser le Maire à la signer.

Fait et délibéré les jour, mois et an susdits.

Pour extrait conforme, Le Maire, Daniel BUCHWALDER

Accusé de réception - Ministère de l'Intérieur 025-212505557-20230405-2023_041-DE Accusé certifié exécutoire Réception par le préfet : 07/04/2023 Publication : 07/04/2023
"""


def community_council():
    """An EPCI: "Conseillers communautaires en exercice", a quorum that is no count
    of members, a substitute sitting for a titular member, the vote on one line with a
    member who does not take part."""
    return """**COMMUNAUTÉ DE COMMUNES DES TROIS VALLÉES**

**Conseil communautaire du mardi 4 avril 2023**

**Délibération n° DCC-2023-018**

Conseillers communautaires en exercice : 62

Quorum : 32

Conseillers présents : 53

Pouvoirs : 9

Mme Sophie LAMBERT siège en qualité de suppléante de M. Pierre VIDAL.

Président de séance : M. Jean-Luc ORTIZ

Secrétaire : M. Karim BENALI

**Objet : Convention territoriale globale du territoire des Trois Vallées**

Sur le rapport de Mme Hélène FAIVRE, vice-présidente

Le Conseil communautaire, après en avoir délibéré, ADOPTE la convention territoriale globale et AUTORISE le Président à la signer.

Vote : Pour 57 – Contre 2 – Abstention 2 – Ne prend pas part au vote 1

Transmis au contrôle de légalité le 06/04/2023

Affiché le 06/04/2023
"""


def syndicate_committee():
    """A comité syndical: "délégués" counted, the opening in figures inside words, the
    chair as "Présidence :", the vote in words and in a two-row table."""
    return """**SYNDICAT INTERCOMMUNAL À VOCATION SCOLAIRE DU PLATEAU**

**Extrait du registre des délibérations du Comité syndical**

L'an deux mille vingt-trois, le 5 du mois d'avril à 20h00, le Comité syndical, légalement convoqué, s'est réuni à la mairie de Pierrefontaine.

Nombre de délégués en exercice : 18

Nombre de délégués présents : 12

Nombre de délégués votants : 14

Date de convocation : 29.03.2023

Procurations : Mme Agnès ROY à M. Denis COLIN ; M. Yves PERRIN à Mme Nadia MARCHAL

Présidence : Mme Nadia MARCHAL, Présidente

M. Denis COLIN a été élu secrétaire.

**Délibération n° 2023/09**

**Objet : Participation du syndicat à la convention territoriale globale**

Le Comité syndical, après en avoir délibéré, par douze voix pour et deux abstentions, APPROUVE la participation du syndicat à la convention territoriale globale.

Votants\tPour\tContre\tAbstentions
14\t12\t0\t2

Rendu exécutoire le 11.04.2023
"""


def noisy_layout():
    """A two-column heading (the town hall's address left, the register's title
    right), words hyphenated at the line's end, a repeated page heading, and a body
    full of other figures and dates."""
    header = "Département du Doubs - Commune d'Étupes - Délibération n° 2023-17 - Séance du 5 avril 2023 - Page {page}/3"
    body = "\n\n".join(
        f"Considérant l'action n° {index} du plan : {index * 1250} € par an du 1er janvier 2023 au 31 décembre 2027, pour {index + 3} structures et 2 contre-visites."
        for index in range(1, 50)
    )
    return f"""MAIRIE D'ÉTUPES\tEXTRAIT DU REGISTRE DES DÉLIBÉRATIONS
2 rue de la Mairie\tDU CONSEIL MUNICIPAL
25460 ÉTUPES\tSéance du 5 avril 2023

{header.format(page=1)}

Nombre de con-{BR}seillers en exercice : 23

Présents : 17 - Excusés : 2 - Absents : 1 - Pou-{BR}voirs : 3 - Absten-{BR}tions : 0

Le Conseil municipal, régulièrement convoqué le 29 mars 2023, s'est réuni sous la présidence de M. Michel BESANÇON, Maire.

Secrétaire : Mme Laure VIEILLE

**Objet : Convention territoriale globale du Pays de Montbéliard**

Vu l'article L.2121-29 du code général des collectivités territoriales ;

Vu la délibération n° 2019-44 du 12 juin 2019 ;

{body}

{header.format(page=2)}

Le Conseil municipal, après en avoir délibéré, adopte par dix-{BR}huit voix pour et deux voix contre la convention territoriale globale après avis du sous-{BR}préfet et lecture du procès-{BR}verbal.

Le Président de séance, Michel BESANÇON

{header.format(page=3)}
"""


CHAMPAGNOLE_PRESENT = [
    "Mme Martine DUBOIS", "M. Guy PERRIN", "Mme Anne MOREL", "M. Alain BRUN",
    "Mme Sylvie CARON", "M. Thomas RENAUD", "Mme Aurélie FLEURY", "M. Gilles ARNAUD",
    "Mme Odile CHEVALIER", "M. Bruno PERROT", "Mme Nathalie JOLY", "M. Yannick BARBIER",
    "Mme Karine GAILLARD", "M. Olivier MEUNIER", "Mme Patricia LEMOINE", "M. Cédric COLLET",
    "Mme Estelle PREVOST", "M. Franck GUILLOT", "Mme Muriel HUMBERT", "M. Fabrice CLEMENT",
    "Mme Hélène VIDAL", "M. Rémi FONTAINE", "Mme Coralie BERNARD",
]  # fmt: skip


def stamp_first_with_proxy_lines():
    """The FAST (Docapost) stamp above the heading, the three counts as a table of
    labels over figures, "Sont excusés", a proxy per line ("A donné pouvoir", "X a
    donné pouvoir à Y"), the act's code without "n°", the vote in words."""
    return f"""Accusé de réception en préfecture

039-213901234-20230405-DEL2023_15-DE

Date de télétransmission : 07/04/2023

Date de réception préfecture : 07/04/2023

**VILLE DE CHAMPAGNOLE**

**PROCÈS-VERBAL DES DÉLIBÉRATIONS DU CONSEIL MUNICIPAL**

**Réunion du 5 avril 2023**

Afférents au conseil\tEn exercice\tAyant pris part à la délibération
29\t27\t26

Le Conseil Municipal s'est réuni sous la présidence de Mme Martine DUBOIS, Maire.

Sont présents : {", ".join(CHAMPAGNOLE_PRESENT)}

Sont excusés : M. Jean ROBERT

A donné pouvoir : M. Paul SIMON à M. Guy PERRIN{BR}Mme Rose LEROY a donné pouvoir à Mme Anne MOREL{BR}M. Marc FAVRE a donné pouvoir à M. Alain BRUN

M. Guy PERRIN a été élu secrétaire.

**Délibération DEL2023_15**

**OBJET : CONVENTION TERRITORIALE GLOBALE AVEC LA CAF DU JURA**

Le Conseil Municipal, après en avoir délibéré, adopte la convention par vingt-quatre voix pour et deux voix contre.
"""


def attendance_sheet():
    """A small commune: the heading in capitals with the date, surnames not in
    capitals, attendance as a sheet of crosses (nothing to count from), the vote on
    one line with a column of members who do not take part."""
    rows = "\n".join(
        f"{name}\t{present}\t{excused}\t{proxy}"
        for name, present, excused, proxy in [
            ("Mme Josiane Roussel, Maire", "X", "", ""),
            ("M. Pierre Girardot", "X", "", ""),
            ("Mme Agathe Vernier", "", "X", "M. Pierre Girardot"),
            ("M. Lucas Bourgeois", "X", "", ""),
            ("Mme Inès Faivre", "", "X", ""),
        ]
    )
    return f"""**CONSEIL MUNICIPAL DU 5 AVRIL 2023**

**Commune de Blussans**

Nombre de conseillers en exercice : 11

Nom\tPrésent\tExcusé\tPouvoir à
{rows}

Le conseil municipal s'est réuni sous la présidence de Mme Josiane Roussel, Maire. M. Lucas Bourgeois a été désigné secrétaire de séance.

Objet : Adhésion de la commune à la convention territoriale globale

Après en avoir délibéré, le conseil municipal approuve l'adhésion de la commune.

Votants\tPour\tContre\tAbstentions\tNe prend pas part au vote
10\t9\t0\t1\t1
"""


def disagreeing_figures():
    """The session's heading counts 21 present, the point's own block 20 (a member
    left before the vote)."""
    return """**COMMUNE DE MANDEURE**

**EXTRAIT DU REGISTRE DES DÉLIBÉRATIONS DU CONSEIL MUNICIPAL**

**Séance du 5 avril 2023**

Conseillers en exercice : 27 - Présents : 21 - Pouvoirs : 4

M. Louis GRAND quitte la séance avant l'examen du point n° 12.

**Délibération n° 2023-12**

**Objet : Convention territoriale globale**

Présents : 20 - Pouvoirs : 4 - Votants : 24

Le Conseil municipal, après en avoir délibéré, à l'unanimité, APPROUVE la convention.
"""


LAYOUTS = {
    "e_magnus": (
        e_magnus,
        {
            "authority": "Commune de Seloncourt",
            "body": DeliberatingBody.MUNICIPAL_COUNCIL,
            "session_date": datetime.date(2023, 4, 5),
            "act_number": "2023-041",
            "members_elected": 29,
            "in_office": 27,
            "present": 21,
            "proxies": 4,
            "absent": 2,
            "voters": 25,
            "votes_cast": 25,
            "for": 25,
            "against": 0,
            "abstentions": 0,
            "outcome": Outcome.ADOPTED_UNANIMOUSLY,
            "chair": "Daniel BUCHWALDER",
            "rapporteur": "Anne MOREL",
            "secretary": "Claire DUPUIS",
            "subject": "Convention territoriale globale 2023-2027 avec la Caf du Doubs",
            "convocation_on": datetime.date(2023, 3, 28),
            "posted_on": datetime.date(2023, 3, 28),
            "published_on": datetime.date(2023, 4, 7),
            "received_on": datetime.date(2023, 4, 7),
            "actes_id": "025-212505557-20230405-2023_041-DE",
        },
    ),
    "community_council": (
        community_council,
        {
            "authority": "Communauté de communes des Trois Vallées",
            "body": DeliberatingBody.COMMUNITY_COUNCIL,
            "session_date": datetime.date(2023, 4, 4),
            "act_number": "DCC-2023-018",
            "in_office": 62,
            "present": 53,
            "proxies": 9,
            # One member present does not take part: 61 voters, not 53 + 9.
            "voters": 61,
            "votes_cast": 59,
            "for": 57,
            "against": 2,
            "abstentions": 2,
            "outcome": Outcome.ADOPTED_MAJORITY,
            "chair": "Jean-Luc ORTIZ",
            "rapporteur": "Hélène FAIVRE",
            "secretary": "Karim BENALI",
            "subject": "Convention territoriale globale du territoire des Trois Vallées",
            "posted_on": datetime.date(2023, 4, 6),
            "published_on": datetime.date(2023, 4, 6),
            "sent_on": datetime.date(2023, 4, 6),
        },
    ),
    "syndicate_committee": (
        syndicate_committee,
        {
            "authority": "Syndicat intercommunal à vocation scolaire du Plateau",
            "body": DeliberatingBody.SYNDICATE_COMMITTEE,
            "session_date": datetime.date(2023, 4, 5),
            "act_number": "2023/09",
            "in_office": 18,
            "present": 12,
            "proxies": 2,
            "voters": 14,
            "votes_cast": 12,
            "for": 12,
            "against": 0,
            "abstentions": 2,
            "outcome": Outcome.ADOPTED,
            "chair": "Nadia MARCHAL",
            "secretary": "Denis COLIN",
            "subject": "Participation du syndicat à la convention territoriale globale",
            "convocation_on": datetime.date(2023, 3, 29),
            "posted_on": datetime.date(2023, 4, 11),
            "published_on": datetime.date(2023, 4, 11),
        },
    ),
    "stamp_first_with_proxy_lines": (
        stamp_first_with_proxy_lines,
        {
            "authority": "Ville de Champagnole",
            "body": DeliberatingBody.MUNICIPAL_COUNCIL,
            "session_date": datetime.date(2023, 4, 5),
            "act_number": "DEL2023_15",
            "members_elected": 29,
            "in_office": 27,
            "present": 23,
            "proxies": 3,
            "excused": 1,
            "voters": 26,
            "votes_cast": 26,
            "for": 24,
            "against": 2,
            "outcome": Outcome.ADOPTED_MAJORITY,
            "chair": "Martine DUBOIS",
            "secretary": "Guy PERRIN",
            "subject": "CONVENTION TERRITORIALE GLOBALE AVEC LA CAF DU JURA",
            "sent_on": datetime.date(2023, 4, 7),
            "received_on": datetime.date(2023, 4, 7),
            "actes_id": "039-213901234-20230405-DEL2023_15-DE",
        },
    ),
    "attendance_sheet": (
        attendance_sheet,
        {
            "authority": "Commune de Blussans",
            "body": DeliberatingBody.MUNICIPAL_COUNCIL,
            "session_date": datetime.date(2023, 4, 5),
            "in_office": 11,
            "voters": 10,
            "votes_cast": 9,
            "for": 9,
            "against": 0,
            "abstentions": 1,
            "outcome": Outcome.ADOPTED,
            "chair": "Josiane Roussel",
            "secretary": "Lucas Bourgeois",
            "subject": "Adhésion de la commune à la convention territoriale globale",
        },
    ),
    "noisy_layout": (
        noisy_layout,
        {
            "authority": "Commune d'Étupes",
            "body": DeliberatingBody.MUNICIPAL_COUNCIL,
            "session_date": datetime.date(2023, 4, 5),
            "act_number": "2023-17",
            "in_office": 23,
            "present": 17,
            "excused": 2,
            "absent": 1,
            "proxies": 3,
            "voters": 20,
            "votes_cast": 20,
            "for": 18,
            "against": 2,
            "abstentions": 0,
            "outcome": Outcome.ADOPTED_MAJORITY,
            "chair": "Michel BESANÇON",
            "secretary": "Laure VIEILLE",
            "subject": "Convention territoriale globale du Pays de Montbéliard",
            "convocation_on": datetime.date(2023, 3, 29),
        },
    ),
}


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("layout", list(LAYOUTS))
def test_unseen_layout_reads_what_it_says_and_nothing_more(read, layout, kind):
    build, expected = LAYOUTS[layout]
    reading = read(build(), kind)
    assert reading.values == expected
    # A second convocation is told only by the extracts of one: never "unread".
    assert reading.unread == [
        key for key in reading.labels if key not in expected and key not in ONLY_WHEN_SO
    ]


@pytest.mark.parametrize("kind", KINDS)
def test_figures_that_disagree_are_left_for_the_user(read, kind):
    """Two labelled counts of the present members (21 at the session's opening, 20 at
    the point): the reader cannot know which the vote had, so it reads neither and
    says why; nothing derived from it either."""
    reading = read(disagreeing_figures(), kind)
    assert "present" in reading.unread and "voters" not in reading.unread
    assert reading.conflicts == {"present": [21, 20]}
    assert reading.values["voters"] == 24 and reading.values["proxies"] == 4
    assert reading.as_json()["conflicts"] == {"present": [21, 20]}


def read_plain(text):
    return read_text(Text([normalise(line) for line in text.strip().splitlines()]))


OPENING = (
    "Commune de Mandeure\nSéance du 5 avril 2023\nLe Conseil municipal, après en avoir délibéré,\n"
)


@pytest.mark.parametrize(
    ("decision", "expected"),
    [
        (
            "à l'unanimité des membres présents et représentés, DÉCIDE d'approuver la convention.",
            {"outcome": Outcome.ADOPTED_UNANIMOUSLY},
        ),
        (
            "adopte la convention par 25 voix pour et 2 voix contre.",
            {"outcome": Outcome.ADOPTED_MAJORITY, "for": 25, "against": 2},
        ),
        (
            "adopte la convention par 25 voix contre 2.",
            {"outcome": Outcome.ADOPTED_MAJORITY, "for": 25, "against": 2},
        ),
        (
            "rejette la convention par 15 voix contre 12.",
            {"outcome": Outcome.REJECTED, "for": 12, "against": 15},
        ),
        (
            "Rejeté par 15 voix contre 12.",
            {"outcome": Outcome.REJECTED, "for": 12, "against": 15},
        ),
        (
            "La délibération est adoptée à la majorité absolue.",
            {"outcome": Outcome.ADOPTED_MAJORITY},
        ),
        (
            "par vingt-neuf voix pour, deux abstentions, approuve la convention.",
            {"outcome": Outcome.ADOPTED, "for": 29, "abstentions": 2},
        ),
        ("Le point est retiré de l'ordre du jour.", {"outcome": Outcome.POSTPONED}),
        ("Le vote est reporté à une séance ultérieure.", {"outcome": Outcome.POSTPONED}),
    ],
)
def test_wordings_of_the_decision(decision, expected):
    reading = read_plain(OPENING + decision)
    assert {key: reading.values.get(key) for key in expected} == expected
    if "for" not in expected:
        assert {"for", "against", "abstentions"} & set(reading.unread) or expected[
            "outcome"
        ] == Outcome.ADOPTED_UNANIMOUSLY


@pytest.mark.parametrize(
    ("opening", "date"),
    [
        (
            "Le cinq avril deux mille vingt-trois à dix-huit heures trente, le Conseil municipal s'est réuni.",
            datetime.date(2023, 4, 5),
        ),
        (
            "L'an deux mille vingt-trois, le 5 du mois d'avril à 20h00, le Conseil municipal s'est réuni.",
            datetime.date(2023, 4, 5),
        ),
        ("Séance du 1er avril 2023", datetime.date(2023, 4, 1)),
        ("Séance du mardi 4 avril 2023", datetime.date(2023, 4, 4)),
        ("Séance du 05.04.2023", datetime.date(2023, 4, 5)),
        ("Date de la séance : 2023-04-05", datetime.date(2023, 4, 5)),
    ],
)
def test_wordings_of_the_session_date(opening, date):
    reading = read_plain(f"Commune de Mandeure\n{opening}\nConvoqué le 28/03/2023.")
    assert reading.values["session_date"] == date
    assert reading.values["convocation_on"] == datetime.date(2023, 3, 28)


EXTRACT = """Commune de Valentigney
Extrait du registre des délibérations du Conseil municipal
Séance du 5 avril 2023
Délibération n° 2023-32
"""


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        (
            # The Ministère de l'Intérieur's acknowledgement, as iXBus and others print it.
            "Accusé de réception - Ministère de l'Intérieur\n025-212505815-20230405-2023_32-DE\nAccusé certifié exécutoire\nRéception par le préfet : 07/04/2023\nPublication : 07/04/2023",
            {"received_on": "2023-04-07", "posted_on": "2023-04-07", "sent_on": None},
        ),
        (
            # S²LOW.
            "Envoyé en préfecture le 06/04/2023\nReçu en préfecture le 07/04/2023\nAffiché le\nID : 025-212505815-20230405-2023_32-DE",
            {"sent_on": "2023-04-06", "received_on": "2023-04-07", "posted_on": None},
        ),
        (
            # FAST (Docapost).
            "Accusé de réception en préfecture\n025-212505815-20230405-2023_32-DE\nDate de télétransmission : 06/04/2023\nDate de réception préfecture : 07/04/2023",
            {"sent_on": "2023-04-06", "received_on": "2023-04-07", "posted_on": None},
        ),
        (
            "Certifié exécutoire compte tenu de la transmission en préfecture le 06/04/2023 et de la publication le 08/04/2023. Identifiant : 025-212505815-20230405-2023_32-DE",
            {"sent_on": "2023-04-06", "posted_on": "2023-04-08", "received_on": None},
        ),
        (
            "Transmis au contrôle de légalité le 06/04/2023\nRendu exécutoire le 08/04/2023\nFichier : 99_DE-025-212505815-20230405-2023_32-D.pdf",
            {"sent_on": "2023-04-06", "posted_on": "2023-04-08", "received_on": None},
        ),
        (
            "Reçu en préfecture le 2023-04-07\nPublié le 2023-04-08\nID : 025-212505815-20230405-2023_32-DE",
            {"received_on": "2023-04-07", "posted_on": "2023-04-08", "sent_on": None},
        ),
    ],
)
def test_stamps_of_the_e_legality_channels(stamp, expected):
    data = read_plain(EXTRACT + stamp).as_json()
    assert data["actes_id"] == "025-212505815-20230405-2023_32-DE"
    assert data["session_date"] == "2023-04-05"
    assert {key: data[key] for key in expected} == expected


@pytest.mark.parametrize(
    ("line", "key", "name"),
    [
        ("Mme Claire DUPUIS est désignée secrétaire de séance.", "secretary", "Claire DUPUIS"),
        ("Secrétaire : M. Karim BENALI", "secretary", "Karim BENALI"),
        ("M. Denis COLIN a été élu secrétaire.", "secretary", "Denis COLIN"),
        ("Présidence : M. Jean-Luc ORTIZ, Maire", "chair", "Jean-Luc ORTIZ"),
        (
            "Le Conseil s'est réuni sous la présidence de Monsieur Daniel BUCHWALDER, Maire.",
            "chair",
            "Daniel BUCHWALDER",
        ),
        ("Le Président de séance, Michel BESANÇON", "chair", "Michel BESANÇON"),
        ("Rapporteur : Mme Anne MOREL, adjointe", "rapporteur", "Anne MOREL"),
        ("Sur le rapport de M. Hugo LAMY, adjoint aux finances", "rapporteur", "Hugo LAMY"),
    ],
)
def test_wordings_of_the_people(line, key, name):
    reading = read_plain(f"{EXTRACT}{line}")
    assert reading.values[key] == name


@pytest.mark.parametrize(
    ("lines", "key", "count"),
    [
        # A proxy cut by the page's width, the next one in another wording.
        (
            "Pouvoirs : Mme Rose LEROY a donné\npouvoir à Mme Anne MOREL ; M. Marc FAVRE à M. Alain BRUN",
            "proxies",
            2,
        ),
        ("Procurations : M. Paul SIMON représenté(e) par M. Guy PERRIN", "proxies", 1),
        # A substitute sits for a titular member: one person present, not two.
        (
            "Sont présents : M. Jean-Luc ORTIZ, Mme Sophie LAMBERT suppléante de M. Pierre VIDAL, M. Karim BENALI",
            "present",
            3,
        ),
        (
            "Présents : M. Jean-Luc ORTIZ, M. Hugo LAMY (suppléant de Mme Rose LEROY), Mme Anne MOREL",
            "present",
            3,
        ),
    ],
)
def test_lists_of_names_in_other_wordings(lines, key, count):
    reading = read_plain(f"{EXTRACT}{lines}")
    assert reading.values[key] == count
    assert key in reading.derived


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        (
            "Nombre de conseillers : en exercice 27, présents 21, votants 25",
            {"in_office": 27, "present": 21, "voters": 25},
        ),
        (
            "Membres présents : 21 — Membres représentés : 4 — Nombre de votants : 25",
            {"present": 21, "proxies": 4, "voters": 25},
        ),
        (
            "Votants : 25 dont 4 pouvoirs\nPOUR : 23 / CONTRE : 0 / ABSTENTION : 2",
            {"voters": 25, "proxies": 4, "for": 23, "against": 0, "abstentions": 2},
        ),
        (
            "Le Conseil municipal, après en avoir délibéré, adopte à l'unanimité moins 2 abstentions.",
            {"outcome": Outcome.ADOPTED_UNANIMOUSLY, "abstentions": 2},
        ),
        (
            "Après en avoir délibéré, le Conseil municipal, par 20 voix pour, 3 contre et 2 abstentions, approuve la convention.",
            {"for": 20, "against": 3, "abstentions": 2, "outcome": Outcome.ADOPTED_MAJORITY},
        ),
        (
            "Le Maire certifie que la présente délibération a été affichée le 07/04/2023 et transmise au représentant de l'État le 06/04/2023.",
            {"posted_on": datetime.date(2023, 4, 7), "sent_on": datetime.date(2023, 4, 6)},
        ),
        ("Certifié exécutoire le 08/04/2023", {"posted_on": datetime.date(2023, 4, 8)}),
        (
            # The voters follow from the attendance, less the member who does not vote.
            "Présents : 21 - Pouvoirs : 4 - Ne prend pas part au vote : 1\nAprès en avoir délibéré, le Conseil approuve à l'unanimité.",
            {"voters": 24, "for": 24, "against": 0, "abstentions": 0},
        ),
        (
            "Le budget de 245 000 € pour 12 structures et la lutte contre 3 formes d'exclusion ; la convention dure 5 ans.",
            {"for": None, "against": None, "present": None, "voters": None},
        ),
    ],
)
def test_other_wordings_of_figures_and_dates(lines, expected):
    reading = read_plain(f"{EXTRACT}{lines}")
    assert {key: reading.values.get(key) for key in expected} == expected
