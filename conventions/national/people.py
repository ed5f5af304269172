"""Representatives and user accounts of the generated data set."""

import datetime

from partners.models import Civility, Representative, Role, User

from . import vocabulary as words

USER_DOMAIN = "ctg-national.example.org"
# Municipal elections of March 2026, then the new community councils: a mayor or a
# president not re-elected hands over on these dates (DOMAIN.md §5).
MAYORS_CHANGE = datetime.date(2026, 3, 22)
PRESIDENTS_CHANGE = datetime.date(2026, 4, 16)
PREVIOUS_MANDATE_START = {"commune": datetime.date(2020, 5, 23), "epci": datetime.date(2020, 7, 15)}


def person(rng):
    civility = Civility.MRS if rng.random() < 0.45 else Civility.MR
    first = rng.choice(words.FIRST_NAMES_F if civility == Civility.MRS else words.FIRST_NAMES_M)
    return civility, first, rng.choice(words.LAST_NAMES)


def _title(kind, civility, which=0):
    feminine = civility == Civility.MRS
    if kind == "commune":
        return "Maire"
    if kind == "caf":
        if which == 0:
            return f"{'Présidente' if feminine else 'Président'} du Conseil d'Administration"
        return "Directrice" if feminine else "Directeur"
    if kind == "department":
        return f"{'Présidente' if feminine else 'Président'} du Conseil départemental"
    return "Présidente" if feminine else "Président"


def representatives_of(rng, organisation):
    """Unsaved representatives of one organisation: the Caf's president and director; a
    local authority's head, with the one elected in 2026 when the former was not re-elected."""
    kind = organisation.kind
    people = []
    if kind == "caf":
        for which in (0, 1):
            civility, first, last = person(rng)
            people.append((civility, first, last, _title(kind, civility, which), None, None))
    elif kind in PREVIOUS_MANDATE_START:
        change = MAYORS_CHANGE if kind == "commune" else PRESIDENTS_CHANGE
        start = PREVIOUS_MANDATE_START[kind]
        civility, first, last = person(rng)
        if rng.random() < 0.55:  # re-elected
            people.append((civility, first, last, _title(kind, civility), start, None))
        else:
            end = change - datetime.timedelta(days=1)
            people.append((civility, first, last, _title(kind, civility), start, end))
            civility, first, last = person(rng)
            people.append((civility, first, last, _title(kind, civility), change, None))
    else:
        civility, first, last = person(rng)
        people.append((civility, first, last, _title(kind, civility), None, None))
    return [
        Representative(
            organisation_id=organisation.pk,
            civility=civility,
            first_name=first,
            last_name=last,
            role_title=title,
            mandate_start=start,
            mandate_end=end,
        )
        for civility, first, last, title, start, end in people
    ]


def in_office(organisation, representatives, on):
    """Who signs for the organisation on that day: the Caf's president and director, or
    the head of the local authority in office."""
    found = [r for r in representatives if r.is_in_office(on)]
    if organisation.kind == "caf":
        return found
    return found[:1] or representatives[-1:]


def full_name(representative):
    return f"{representative.get_civility_display()} {representative.first_name} " + (
        representative.last_name.upper()
    )


def user(rng, username, role, organisation_id, password_hash, *, staff=False):
    civility, first, last = person(rng)
    return User(
        username=username,
        email=f"{username}@{USER_DOMAIN}",
        first_name=first,
        last_name=last,
        role=role,
        organisation_id=organisation_id,
        password=password_hash,
        is_staff=staff,
        is_superuser=staff,
    )


def administrator(password_hash):
    return User(
        username="admin.national",
        email=f"admin.national@{USER_DOMAIN}",
        first_name="Camille",
        last_name="Administratrice",
        role=Role.ADMINISTRATOR,
        password=password_hash,
        is_staff=True,
        is_superuser=True,
    )
