"""Consistency rules of a council deliberation (DOMAIN.md section 6)."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from conventions.models import Outcome
from tests.factories import (
    DeliberationFactory,
    DepartmentFactory,
    OrganisationFactory,
    PartyFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def valentigney_party():
    doubs = DepartmentFactory(code="25", name="Doubs", linking_type=2)
    valentigney = OrganisationFactory(
        name="Valentigney", insee_code="25580", siren="212505804", department=doubs
    )
    return PartyFactory(organisation=valentigney)


def errors_of(deliberation):
    with pytest.raises(ValidationError) as error:
        deliberation.full_clean()
    return error.value.message_dict


def test_valentigney_real_deliberation_is_accepted(valentigney_party):
    deliberation = DeliberationFactory.build(party=valentigney_party)
    deliberation.full_clean()
    deliberation.save()
    assert deliberation.is_adopted


def test_more_present_than_members_in_office_is_refused(valentigney_party):
    errors = errors_of(DeliberationFactory.build(party=valentigney_party, present=34))
    assert errors["present"] == ["Il y a plus de présents (34) que de membres en exercice (33)."]


def test_proxies_cannot_exceed_absent_members(valentigney_party):
    errors = errors_of(
        DeliberationFactory.build(
            party=valentigney_party, present=30, proxies=4, votes_cast=34, votes_for=34
        )
    )
    assert "seul un membre absent peut donner pouvoir" in errors["proxies"][0]


def test_missing_quorum_is_refused_with_the_threshold(valentigney_party):
    errors = errors_of(
        DeliberationFactory.build(
            party=valentigney_party, present=16, proxies=4, votes_cast=20, votes_for=20
        )
    )
    assert "Quorum non atteint : 16 présents sur 33" in errors["present"][0]
    assert "au moins 17" in errors["present"][0]


def test_second_convocation_deliberates_without_quorum(valentigney_party):
    deliberation = DeliberationFactory.build(
        party=valentigney_party,
        present=10,
        proxies=3,
        votes_cast=13,
        votes_for=13,
        second_convocation=True,
        first_session_date=datetime.date(2023, 3, 29),
    )
    deliberation.full_clean()


def test_second_convocation_must_be_three_days_after_the_first(valentigney_party):
    errors = errors_of(
        DeliberationFactory.build(
            party=valentigney_party,
            present=10,
            proxies=3,
            votes_cast=13,
            votes_for=13,
            second_convocation=True,
            first_session_date=datetime.date(2023, 4, 3),
        )
    )
    assert "au moins trois jours" in errors["first_session_date"][0]


def test_votes_cannot_exceed_present_plus_proxies(valentigney_party):
    errors = errors_of(
        DeliberationFactory.build(party=valentigney_party, votes_cast=32, votes_for=32)
    )
    assert errors["votes_cast"] == [
        "32 suffrages exprimés pour 27 présents et 4 pouvoirs : impossible."
    ]


def test_votes_for_and_against_must_add_up_to_votes_cast(valentigney_party):
    errors = errors_of(
        DeliberationFactory.build(
            party=valentigney_party,
            votes_for=25,
            votes_against=3,
            outcome=Outcome.ADOPTED_MAJORITY,
        )
    )
    assert "doit égaler les suffrages exprimés (31)" in errors["votes_for"][0]


def test_abstentions_count_against_the_voices_present(valentigney_party):
    errors = errors_of(DeliberationFactory.build(party=valentigney_party, abstentions=2))
    assert "dépassent les 31 voix présentes et représentées" in errors["abstentions"][0]


def test_voters_cannot_exceed_present_plus_proxies(valentigney_party):
    errors = errors_of(DeliberationFactory.build(party=valentigney_party, voters=32))
    assert errors["voters"] == ["32 votants pour 27 présents et 4 pouvoirs : impossible."]


def test_votes_cast_cannot_exceed_the_voters(valentigney_party):
    errors = errors_of(DeliberationFactory.build(party=valentigney_party, voters=30))
    assert errors["votes_cast"] == [
        "Il y a plus de suffrages exprimés (31) que de votants (30) : les suffrages exprimés "
        "sont les votes des votants, moins les abstentions et les bulletins blancs ou nuls."
    ]


def test_abstentions_are_counted_among_the_voters(valentigney_party):
    errors = errors_of(
        DeliberationFactory.build(
            party=valentigney_party, voters=30, votes_cast=29, votes_for=29, abstentions=2
        )
    )
    assert errors["abstentions"] == [
        "29 suffrages exprimés et 2 abstentions font 31, plus que les 30 votants."
    ]


def test_members_not_taking_part_in_the_vote_leave_fewer_voters(valentigney_party):
    # Two members present do not take part (an interest in the matter): 29 voters.
    deliberation = DeliberationFactory.build(
        party=valentigney_party, voters=29, votes_cast=28, votes_for=28, abstentions=1
    )
    deliberation.full_clean()


def test_unanimity_means_no_vote_against(valentigney_party):
    errors = errors_of(
        DeliberationFactory.build(party=valentigney_party, votes_for=29, votes_against=2)
    )
    assert errors["outcome"] == [
        "Une délibération adoptée à l'unanimité ne peut compter aucune voix contre (2 ici)."
    ]


def test_majority_with_abstentions_is_accepted(valentigney_party):
    DeliberationFactory.build(
        party=valentigney_party,
        votes_cast=28,
        votes_for=25,
        votes_against=3,
        abstentions=3,
        outcome=Outcome.ADOPTED_MAJORITY,
    ).full_clean()


def test_rejected_needs_a_majority_against(valentigney_party):
    errors = errors_of(DeliberationFactory.build(party=valentigney_party, outcome=Outcome.REJECTED))
    assert "la majorité est pour" in errors["outcome"][0]


def test_actes_identifier_of_the_party_is_accepted_and_normalised():
    haut_rhin = DepartmentFactory()
    cc = OrganisationFactory(
        as_epci=True, name="CC du Val d'Argent", siren="246800395", department=haut_rhin
    )
    deliberation = DeliberationFactory.build(
        party=PartyFactory(organisation=cc),
        session_date=datetime.date(2025, 10, 2),
        actes_id="99_DE-068-246800395-20251002-DEL_2025_41-D",
    )
    deliberation.full_clean()
    assert deliberation.actes_id == "068-246800395-20251002-DEL_2025_41-DE"


def test_actes_identifier_of_another_authority_is_explained(valentigney_party):
    errors = errors_of(
        DeliberationFactory.build(
            party=valentigney_party, actes_id="025-212503882-20230405-2023_32-DE"
        )
    )
    assert errors["actes_id"] == [
        "Identifiant ACTES incohérent : le SIREN 212503882 de l'identifiant n'est pas celui "
        "de Valentigney (212505804)."
    ]


def test_actes_identifier_with_another_date_or_department_is_explained(valentigney_party):
    errors = errors_of(
        DeliberationFactory.build(
            party=valentigney_party, actes_id="039-212505804-20230406-2023_32-DE"
        )
    )
    message = errors["actes_id"][0]
    assert "le département 039 de l'identifiant n'est pas celui de Valentigney (025)" in message
    assert (
        "la date de décision 06/04/2023 de l'identifiant n'est pas la date de la séance "
        "(05/04/2023)" in message
    )


def test_malformed_actes_identifier_is_explained(valentigney_party):
    errors = errors_of(DeliberationFactory.build(party=valentigney_party, actes_id="2023-32"))
    assert "n'a pas la forme attendue" in errors["actes_id"][0]


# The facts an extract gives beyond the vote (issue 14).

VALENTIGNEY_FACTS = {
    "members_elected": 33,
    "voters": 31,
    "excused": 4,
    "absent": 2,
    "chair": "Monsieur Philippe GAUTIER, Maire",
    "convocation_on": datetime.date(2023, 3, 30),
    "posted_on": datetime.date(2023, 3, 30),
    "sent_to_prefecture_on": datetime.date(2023, 4, 12),
    "received_by_prefecture_on": datetime.date(2023, 4, 12),
}


def test_valentigney_extract_facts_are_accepted_and_summarised(valentigney_party):
    deliberation = DeliberationFactory.build(party=valentigney_party, **VALENTIGNEY_FACTS)
    deliberation.full_clean()
    assert deliberation.attendance_label == (
        "33 élus, 33 en exercice, 27 présents, 4 excusés, 2 absents, 4 pouvoirs, 31 votants"
    )
    assert deliberation.session_facts() == [
        "Présidence : Monsieur Philippe GAUTIER, Maire",
        "Membres : 33 élus, 33 en exercice, 27 présents, 4 excusés, 2 absents, 4 pouvoirs, "
        "31 votants",
        "Convocation du 30/03/2023",
        "Convocation affichée le 30/03/2023",
        "Reçue en préfecture le 12/04/2023",
    ]


def test_a_deliberation_without_the_new_facts_prints_none():
    assert DeliberationFactory.build().session_facts() == []


def test_more_members_in_office_than_seats_is_refused(valentigney_party):
    errors = errors_of(DeliberationFactory.build(party=valentigney_party, members_elected=32))
    assert errors["members_in_office"] == [
        "Il y a plus de membres en exercice (33) que de membres élus (32) : le conseil ne "
        "peut compter plus de membres que de sièges."
    ]


def test_fewer_members_in_office_than_seats_is_accepted(valentigney_party):
    DeliberationFactory.build(party=valentigney_party, members_elected=35).full_clean()


def test_present_excused_and_absent_must_make_the_members_in_office(valentigney_party):
    errors = errors_of(DeliberationFactory.build(party=valentigney_party, excused=4, absent=3))
    assert errors["absent"] == [
        "Les présents (27) + excusés (4) + absents (3) font 34 : ce total doit égaler les "
        "membres en exercice (33)."
    ]


def test_excused_alone_cannot_exceed_the_members_not_present(valentigney_party):
    errors = errors_of(DeliberationFactory.build(party=valentigney_party, excused=7))
    assert errors["excused"] == [
        "Les présents (27) + excusés (7) font 34, plus que les membres en exercice (33)."
    ]


def test_more_proxies_than_excused_and_absent_members_is_refused(valentigney_party):
    # Members in office unknown: the excused and absent members bound the proxies.
    errors = errors_of(
        DeliberationFactory.build(
            party=valentigney_party, members_in_office=None, excused=2, absent=1
        )
    )
    assert errors["proxies"] == [
        "4 pouvoirs pour 3 membres excusés ou absents : seul un membre absent peut donner pouvoir."
    ]


def test_convocation_and_its_posting_come_before_the_session(valentigney_party):
    errors = errors_of(
        DeliberationFactory.build(
            party=valentigney_party,
            convocation_on=datetime.date(2023, 4, 5),
            posted_on=datetime.date(2023, 4, 14),
        )
    )
    assert errors["convocation_on"] == [
        "La convocation (05/04/2023) doit précéder la séance (05/04/2023)."
    ]
    assert "se saisit dans « publiée le »" in errors["posted_on"][0]


def test_a_convocation_posted_before_it_was_sent_is_questioned(valentigney_party):
    errors = errors_of(
        DeliberationFactory.build(
            party=valentigney_party,
            convocation_on=datetime.date(2023, 3, 30),
            posted_on=datetime.date(2023, 3, 20),
        )
    )
    assert "affichée (20/03/2023) avant d'être envoyée (30/03/2023)" in errors["posted_on"][0]


def test_receipt_by_the_prefecture_follows_sending_and_session(valentigney_party):
    errors = errors_of(
        DeliberationFactory.build(
            party=valentigney_party,
            sent_to_prefecture_on=datetime.date(2023, 4, 12),
            received_by_prefecture_on=datetime.date(2023, 4, 11),
        )
    )
    assert errors["received_by_prefecture_on"] == [
        "Reçue en préfecture le 11/04/2023, avant d'y être transmise (12/04/2023) : impossible."
    ]
    errors = errors_of(
        DeliberationFactory.build(
            party=valentigney_party, received_by_prefecture_on=datetime.date(2023, 4, 4)
        )
    )
    assert "avant la séance (05/04/2023)" in errors["received_by_prefecture_on"][0]
