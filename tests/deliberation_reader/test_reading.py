"""What is read from extracts built from the reference texts, in PDF and DOCX, laid out
as several councils' software write them."""

import datetime
from dataclasses import replace

import docx
import pytest

from conventions.deliberation_reader import read_extract
from conventions.models.deliberation import DeliberatingBody, Outcome
from tests.deliberation_reader import builders
from tests.deliberation_reader.builders import SIVU, VAL_D_ARGENT, VALENTIGNEY

# "unruled-pdf": the tables without borders, read by pdfplumber as lines shared by
# their columns.
KINDS = ["pdf", "unruled-pdf", "docx"]
SUBJECT = builders.SUBJECT


def figures(reading, *keys):
    return {key: reading.values.get(key) for key in keys}


@pytest.mark.parametrize("kind", KINDS)
def test_valentigney_extract_reads_every_fact_it_states(read, kind):
    reading = read(builders.valentigney(), kind)
    assert reading.values == {
        "authority": "Commune de Valentigney",
        "body": DeliberatingBody.MUNICIPAL_COUNCIL,
        "session_date": datetime.date(2023, 4, 5),
        "act_number": "2023-32",
        "in_office": 33,
        "present": 27,
        "proxies": 4,
        "excused": 4,
        "absent": 2,
        "voters": 31,
        "votes_cast": 31,
        "for": 31,
        "against": 0,
        "abstentions": 0,
        "outcome": Outcome.ADOPTED_UNANIMOUSLY,
        "chair": "Philippe GAUTIER",
        "secretary": "Anne-Lise GARCIA",
        "subject": "CONVENTION TERRITORIALE GLOBALE (CTG) 2023/2027- SIGNATURE ENTRE LA CAF, "
        "PMA, LES SIVU ET COMMUNES ASSOCIÉES",
        "convocation_on": datetime.date(2023, 3, 30),
        "posted_on": datetime.date(2023, 4, 14),
        "published_on": datetime.date(2023, 4, 14),
    }
    # The extract says neither the members elected, nor a rapporteur, nor the préfecture's
    # dates ("accusé réception le ....."), nor an ACTES id.
    assert reading.unread == [
        "members_elected",
        "rapporteur",
        "sent_on",
        "received_on",
        "actes_id",
    ]
    # Excused and absent members are counted from the names; the rest of the vote
    # follows from "A L'UNANIMITE" and the 31 votes cast.
    assert reading.derived == {"excused", "absent", "voters", "for", "against", "abstentions"}


@pytest.mark.parametrize("kind", KINDS)
def test_the_session_date_is_not_the_minutes_date_nor_the_convocation(read, kind):
    """The extract also cites the minutes of the 22 February session and the 30 March
    convocation; the same holds when the blocks come in another order."""
    for text in (builders.valentigney(), builders.reordered()):
        reading = read(text, kind)
        assert reading.values["session_date"] == datetime.date(2023, 4, 5)
        assert reading.values["convocation_on"] == datetime.date(2023, 3, 30)


@pytest.mark.parametrize("kind", KINDS)
def test_blocks_in_another_order_read_the_same(read, kind):
    reference = read(builders.valentigney(), kind)
    assert read(builders.reordered(), kind).values == reference.values


@pytest.mark.parametrize("kind", KINDS)
def test_figures_in_a_table_of_labels_and_in_a_vote_table(read, kind):
    reading = read(builders.figures_in_table(), kind)
    assert figures(reading, "in_office", "present", "excused", "absent", "proxies", "voters") == {
        "in_office": 33,
        "present": 27,
        "excused": 4,
        "absent": 2,
        "proxies": 4,
        "voters": 31,
    }
    # The vote table: a row of labels over a row of figures.
    assert figures(reading, "votes_cast", "for", "against", "abstentions") == {
        "votes_cast": 31,
        "for": 31,
        "against": 0,
        "abstentions": 0,
    }
    assert reading.derived == set()
    assert reading.values["subject"] == SUBJECT
    assert reading.values["convocation_on"] == datetime.date(2023, 3, 30)
    assert reading.values["posted_on"] == datetime.date(2023, 4, 14)
    assert reading.values["secretary"] == "Anne-Lise GARCIA"


@pytest.mark.parametrize("kind", KINDS)
def test_figures_in_running_sentences(read, kind):
    reading = read(builders.figures_in_sentences(), kind)
    assert figures(reading, "in_office", "present", "proxies", "excused", "absent") == {
        "in_office": 33,
        "present": 27,
        "proxies": 4,
        "excused": 4,
        "absent": 2,
    }
    assert reading.values["voters"] == 31 and "voters" in reading.derived
    assert reading.values["session_date"] == datetime.date(2023, 4, 5)
    assert reading.values["convocation_on"] == datetime.date(2023, 3, 30)
    # "X a été désignée secrétaire de séance": the name comes first.
    assert reading.values["secretary"] == "Anne-Lise GARCIA"
    assert reading.values["subject"] == SUBJECT


@pytest.mark.parametrize("kind", KINDS)
def test_figures_and_session_date_in_words(read, kind):
    reading = read(builders.figures_in_words(), kind)
    assert reading.values["session_date"] == datetime.date(2023, 4, 5)
    assert reading.values["convocation_on"] == datetime.date(2023, 3, 30)
    assert figures(reading, "in_office", "present", "proxies", "excused", "absent", "voters") == {
        "in_office": 33,
        "present": 27,
        "proxies": 4,
        "excused": 4,
        "absent": 2,
        "voters": 31,
    }
    assert "voters" not in reading.derived
    assert reading.values["act_number"] == "2023-32"
    assert reading.values["chair"] == "Lise VURPILLOT"
    assert reading.values["secretary"] == "Omar RABEL"


@pytest.mark.parametrize("separator", [", ", " - ", " ; ", ". "])
@pytest.mark.parametrize("kind", KINDS)
def test_lists_of_names_are_counted_when_no_figure_is_given(read, kind, separator):
    reading = read(builders.names_only(separator=separator), kind)
    assert figures(reading, "present", "excused", "absent", "proxies", "voters") == {
        "present": 27,
        "excused": 4,
        "absent": 2,
        "proxies": 4,
        "voters": 31,
    }
    assert {"present", "excused", "absent", "proxies", "voters"} <= reading.derived
    assert "in_office" in reading.unread


@pytest.mark.parametrize("kind", KINDS)
def test_unanimity_without_figures_gives_the_vote_marked_as_derived(read, kind):
    reading = read(builders.names_only(), kind)
    assert reading.values["outcome"] == Outcome.ADOPTED_UNANIMOUSLY
    assert figures(reading, "votes_cast", "for", "against", "abstentions") == {
        "votes_cast": 31,
        "for": 31,
        "against": 0,
        "abstentions": 0,
    }
    assert {"votes_cast", "for", "against", "abstentions"} <= reading.derived


@pytest.mark.parametrize("kind", KINDS)
def test_another_software_with_the_e_legality_stamp(read, kind):
    reading = read(builders.other_software(), kind)
    assert reading.values["actes_id"] == "025-212505815-20230405-2023_32-DE"
    assert reading.values["sent_on"] == datetime.date(2023, 4, 14)
    assert reading.values["received_on"] == datetime.date(2023, 4, 14)
    assert reading.values["posted_on"] == datetime.date(2023, 4, 14)
    assert reading.values["session_date"] == datetime.date(2023, 4, 5)
    assert reading.values["act_number"] == "2023-32"
    assert reading.values["rapporteur"] == "Maud PELISSIER"
    assert reading.values["chair"] == "Philippe GAUTIER"
    assert reading.values["outcome"] == Outcome.ADOPTED_UNANIMOUSLY
    assert figures(reading, "in_office", "present", "proxies", "voters", "for", "against") == {
        "in_office": 33,
        "present": 27,
        "proxies": 4,
        "voters": 31,
        "for": 31,
        "against": 0,
    }
    assert "session_date" not in reading.derived


@pytest.mark.parametrize("kind", KINDS)
def test_community_council_of_reference_000_with_its_stamped_file_name(read, kind):
    reading = read(builders.community_council(), kind)
    assert reading.values["authority"] == "Communauté de communes du Val d'Argent"
    assert reading.values["body"] == DeliberatingBody.COMMUNITY_COUNCIL
    assert reading.values["session_date"] == VAL_D_ARGENT.session
    assert reading.values["act_number"] == "DEL_2025_41"
    # The 99_DE-...-D file name gives the canonical identifier.
    assert reading.values["actes_id"] == "068-246800395-20251002-DEL_2025_41-DE"
    assert reading.values["received_on"] == datetime.date(2025, 10, 6)
    assert reading.values["convocation_on"] == datetime.date(2025, 9, 25)
    assert figures(reading, "in_office", "present", "voters", "proxies", "excused", "absent") == {
        "in_office": 30,
        "present": 23,
        "voters": 25,
        "proxies": 2,
        "excused": 3,
        "absent": 4,
    }
    assert reading.values["outcome"] == Outcome.ADOPTED_MAJORITY
    assert figures(reading, "for", "against", "abstentions") == {
        "for": 22,
        "against": 2,
        "abstentions": 1,
    }
    assert reading.values["chair"] == "Jean-Marc BURRUS"
    assert reading.values["secretary"] == "Noëllie HESTIN"
    assert reading.values["subject"] == VAL_D_ARGENT.subject


@pytest.mark.parametrize("kind", KINDS)
def test_syndicate_committee_of_a_sivu(read, kind):
    reading = read(builders.syndicate_committee(), kind)
    assert reading.values["authority"] == "SIVU de la Vallée du Gland"
    assert reading.values["body"] == DeliberatingBody.SYNDICATE_COMMITTEE
    assert reading.values["session_date"] == SIVU.session
    assert reading.values["convocation_on"] == SIVU.convocation
    assert reading.values["act_number"] == "2023/07"
    assert figures(reading, "in_office", "present", "voters", "proxies", "absent") == {
        "in_office": 12,
        "present": 9,
        "voters": 10,
        "proxies": 1,
        "absent": 2,
    }
    assert reading.values["chair"] == "Claire MARTIN"
    assert reading.values["secretary"] == "Jean DUPONT"
    assert reading.values["subject"] == SIVU.subject


@pytest.mark.parametrize("kind", KINDS)
def test_majority_with_votes_against_and_abstentions(read, kind):
    facts = replace(VALENTIGNEY, votes_for=25, against=3, abstentions=3)
    for text in (
        builders.figures_in_table(facts, "majority"),
        builders.other_software(facts, "majority"),
    ):
        reading = read(text, kind)
        assert reading.values["outcome"] == Outcome.ADOPTED_MAJORITY
        assert figures(reading, "votes_cast", "for", "against", "abstentions") == {
            "votes_cast": 28,
            "for": 25,
            "against": 3,
            "abstentions": 3,
        }


@pytest.mark.parametrize("kind", KINDS)
def test_rejected(read, kind):
    facts = replace(VALENTIGNEY, votes_for=10, against=18, abstentions=3)
    reading = read(builders.figures_in_sentences(facts, "rejected"), kind)
    assert reading.values["outcome"] == Outcome.REJECTED
    assert figures(reading, "for", "against", "abstentions") == {
        "for": 10,
        "against": 18,
        "abstentions": 3,
    }


@pytest.mark.parametrize("kind", KINDS)
def test_postponed_has_no_vote(read, kind):
    reading = read(builders.figures_in_words(outcome="postponed"), kind)
    assert reading.values["outcome"] == Outcome.POSTPONED
    assert {"votes_cast", "for", "against", "abstentions"} <= set(reading.unread)


@pytest.mark.parametrize("kind", KINDS)
def test_unanimity_with_abstentions_keeps_them(read, kind):
    """ "À l'unanimité" of the votes cast, 2 abstentions written: nothing derived over
    what is written."""
    facts = replace(VALENTIGNEY, votes_for=29, abstentions=2)
    reading = read(builders.other_software(facts, "unanimity"), kind)
    assert reading.values["outcome"] == Outcome.ADOPTED_UNANIMOUSLY
    assert figures(reading, "votes_cast", "for", "against", "abstentions") == {
        "votes_cast": 29,
        "for": 29,
        "against": 0,
        "abstentions": 2,
    }


def test_the_stamp_in_a_word_header_is_read(tmp_path):
    """E-legality stamps pasted into a DOCX often sit in the page header."""
    path = builders.render(builders.figures_in_table(), "docx", tmp_path / "extrait.docx")
    document = docx.Document(path)
    header = document.sections[0].header
    header.is_linked_to_previous = False
    header.paragraphs[0].text = (
        "Accusé de réception en préfecture 025-212505815-20230405-2023_32-DE "
        "Date de réception préfecture : 12/04/2023"
    )
    document.save(path)
    reading = read_extract(path)
    assert reading.values["actes_id"] == "025-212505815-20230405-2023_32-DE"
    assert reading.values["received_on"] == datetime.date(2023, 4, 12)
    assert reading.values["session_date"] == datetime.date(2023, 4, 5)


def test_a_short_extract_without_attendance_is_still_read(read):
    text = """**Commune de Lièpvre**

Délibération n° 2025-41 - séance du 12 décembre 2025

Objet : Convention territoriale globale du Val d'Argent

Le conseil municipal, après en avoir délibéré, approuve à l'unanimité la convention.
"""
    reading = read(text, "pdf")
    assert reading.values["session_date"] == datetime.date(2025, 12, 12)
    assert reading.values["outcome"] == Outcome.ADOPTED_UNANIMOUSLY
    assert reading.values["authority"] == "Commune de Lièpvre"
    assert reading.values["subject"] == "Convention territoriale globale du Val d'Argent"
