"""Take the PMA convention to the signed state through the real lifecycle.

freeze -> one adopted deliberation per party that needs one -> start_signing ->
record_signature for the 38 signing people. Each step runs only if the
convention has not passed it yet, so a second load changes nothing.
"""

import datetime

from conventions import lifecycle
from conventions.models import (
    ConventionState,
    DeliberatingBody,
    Deliberation,
    Outcome,
    Signature,
)
from conventions.models.deliberation import BODY_BY_KIND

from .common import upsert
from .pma import VALENTIGNEY, backdate

FROZEN_ON = datetime.date(2023, 2, 14)
SIGNING_FROM = datetime.date(2023, 6, 1)
CAF_SIGNS_ON = datetime.date(2023, 6, 30)
PMA_SIGNS_ON = datetime.date(2023, 6, 27)

SUBJECT = (
    "Convention territoriale globale (CTG) 2023/2027 - signature entre la CAF, PMA, les SIVU "
    "et communes associées"
)

# The real deliberation: extract n° 2023-32 of the Valentigney municipal council.
VALENTIGNEY_DELIBERATION = {
    "body": DeliberatingBody.MUNICIPAL_COUNCIL,
    "session_date": datetime.date(2023, 4, 5),
    "act_number": "2023-32",
    "subject": SUBJECT,
    "members_in_office": 33,
    "present": 27,
    "proxies": 4,
    "votes_cast": 31,
    "votes_for": 31,
    "votes_against": 0,
    "abstentions": 0,
    "outcome": Outcome.ADOPTED_UNANIMOUSLY,
    "session_secretary": "Anne-Lise GARCIA",
    "published_on": datetime.date(2023, 4, 14),
}


def council_size(population):
    """Members of a municipal council by population (CGCT, art. L. 2121-2)."""
    for ceiling, size in (
        (100, 7),
        (500, 11),
        (1500, 15),
        (2500, 19),
        (3500, 23),
        (5000, 27),
        (10000, 29),
        (20000, 33),
        (30000, 35),
        (40000, 39),
    ):
        if (population or 0) < ceiling:
            return size
    return 43


def _illustrative(party, index):
    """Plausible figures for a council whose real deliberation we do not have.

    ILLUSTRATIVE: only Valentigney's deliberation is real (reference 003). The
    others follow its form with figures derived from the council's legal size.
    """
    kind = party.organisation.kind
    if kind == "epci":
        # Pays de Montbéliard Agglomération's council: size illustrative too.
        in_office, session = 98, datetime.date(2023, 3, 30)
    elif kind == "syndicate":
        in_office = 8
        session = datetime.date(2023, 3, 14) + datetime.timedelta(days=index)
    else:
        in_office = council_size(party.organisation.population)
        # Mondays to Wednesdays between 6 March and 10 May 2023.
        session = datetime.date(2023, 3, 6) + datetime.timedelta(days=7 * (index % 10) + index % 3)
    absent = 1 + index % 4 if in_office > 10 else index % 2
    present = in_office - absent
    proxies = min(absent, index % 3)
    abstentions = 1 if index % 7 == 3 else 0
    against = 2 if index % 11 == 5 and in_office > 15 else 0
    votes_cast = present + proxies - abstentions
    return {
        "body": BODY_BY_KIND[kind],
        "session_date": session,
        "act_number": f"{session.year}-{12 + (index * 7) % 61:02d}",
        "subject": SUBJECT,
        "members_in_office": in_office,
        "present": present,
        "proxies": proxies,
        "votes_cast": votes_cast,
        "votes_for": votes_cast - against,
        "votes_against": against,
        "abstentions": abstentions,
        "outcome": Outcome.ADOPTED_MAJORITY if against else Outcome.ADOPTED_UNANIMOUSLY,
        "session_secretary": "",
        "published_on": session + datetime.timedelta(days=8),
    }


def _deliberations(tally, convention):
    version = convention.current_version
    parties = convention.parties.select_related("organisation").filter(requires_deliberation=True)
    for index, party in enumerate(parties.order_by("position")):
        if party.organisation.insee_code == VALENTIGNEY:
            figures = VALENTIGNEY_DELIBERATION
        else:
            figures = _illustrative(party, index)
        deliberation = Deliberation(party=party, version=version, **figures)
        deliberation.full_clean()
        upsert(Deliberation, tally, party=party, version=version, defaults=figures)


def _signing_day(party):
    """Communes and SIVU through June 2023, then PMA, then the Caf last."""
    if party.role == "caf":
        return CAF_SIGNS_ON
    if party.role == "lead":
        return PMA_SIGNS_ON
    return SIGNING_FROM + datetime.timedelta(days=4 + party.position % 18)


def sign(tally, convention, user):
    """Move the convention on to signed; return how many steps were taken."""
    steps = 0
    if convention.state == ConventionState.DRAFT:
        lifecycle.freeze(convention, user=user)
        backdate(convention, "frozen_at", FROZEN_ON)
        steps += 1
    if convention.state == ConventionState.IN_DELIBERATION:
        _deliberations(tally, convention)
        lifecycle.start_signing(convention, user=user)
        backdate(convention, "signing_started_at", SIGNING_FROM)
        steps += 1
    if convention.state == ConventionState.SIGNING:
        for party, person in lifecycle.pending_signatures(convention):
            lifecycle.record_signature(
                convention,
                party=party,
                representative=person,
                signed_on=_signing_day(party),
                user=user,
            )
            tally.add(Signature, created=True)
        steps += 1
    return steps
