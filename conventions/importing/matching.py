"""Parties read from a document matched to the organisations of the reference data.

The candidates (the Caf's département's organisations, and every EPCI and syndicate
for names read as such) are loaded in one query, then compared in Python on
normalised names: accents, case, hyphens and spaces, "lès"/"les", "Saint"/"St",
"Sainte"/"Ste" do not matter; an EPCI matches on its long name as well ("CC du Val
d'Argent" is "Communauté de communes du Val d'Argent"). A name one letter away
from exactly one candidate of the département matches, with a warning. A party
with no candidate, or several, stays unmatched with a line in `unread`: never a
silent wrong match. A SIREN written in the document ("SIREN 200065647") is matched
first, in the same query.
"""

import re

from django.db.models import Q

from conventions.importing.text import fold, one_edit_apart
from partners.models import Organisation, OrganisationKind

ABBREVIATIONS = [(r"\bste\b", "sainte"), (r"\bst\b", "saint")]
LEADING = re.compile(
    r"^(?:la |le |les |l )?"
    r"(?:commune (?:de la |de l |du |des |de |d )|ville (?:de |d )|mairie (?:de |d ))?"
)


def key(name):
    """A name reduced for comparison: "La Commune de Courcelles lès Montbéliard" and
    "Courcelles-lès-Montbéliard" give the same key."""
    folded = fold(name)
    for pattern, replacement in ABBREVIATIONS:
        folded = re.sub(pattern, replacement, folded)
    return LEADING.sub("", folded).strip()


def match_parties(read, caf=None):
    """Fill each party's organisation_id, matched_name, siren and kind, and the Caf's
    organisation, from the reference data. Returns `read`, changed in place."""
    code = read.caf.department_code or getattr(getattr(caf, "department", None), "code", "")
    local_kinds = [OrganisationKind.EPCI, OrganisationKind.SYNDICATE]
    query = Q(kind__in=local_kinds) | Q(kind=OrganisationKind.CAF, department__code=code)
    if code:
        query |= Q(department__code=code)
    sirens = [party.siren for party in read.parties if party.siren]
    if sirens:
        query |= Q(siren__in=sirens)
    candidates = list(
        Organisation.objects.filter(query, is_active=True).select_related("department")
    )
    _match_caf(read, caf, candidates, code)
    for party in read.parties:
        if party.kind == "caf":
            continue
        by_siren = [o for o in candidates if party.siren and o.siren == party.siren]
        if by_siren:
            _fill(party, by_siren[0])
            continue
        if party.siren:
            read.warnings.append(
                f"SIREN {party.siren} de « {party.name} » inconnu du référentiel : "
                "rapprochement par le nom."
            )
            party.siren = ""
        found = _candidates_for(party, candidates, code)
        if len(found) == 1:
            _fill(party, found[0])
        elif found:
            read.unread.append(
                f"Plusieurs organisations possibles pour « {party.name} » : choisissez-la."
            )
        else:
            close = _close_candidates(party, candidates, code)
            if len(close) == 1:
                _fill(party, close[0])
                read.warnings.append(
                    f"« {party.name} » rapproché de « {close[0].name} » (orthographe proche)."
                )
            else:
                read.unread.append(
                    f"Organisation non trouvée dans le référentiel pour « {party.name} »."
                )
    return read


def _match_caf(read, caf, candidates, code):
    cafs = [
        o
        for o in candidates
        if o.kind == OrganisationKind.CAF and o.department and o.department.code == code
    ]
    organisation = cafs[0] if len(cafs) == 1 else None
    if organisation is None and caf is not None and getattr(caf.department, "code", "") == code:
        organisation = caf
    if organisation is None:
        if code:
            read.unread.append(f"Caf du département {code} absente du référentiel.")
        return
    read.caf.organisation_id = organisation.pk
    for party in read.parties:
        if party.kind == "caf":
            _fill(party, organisation)


def _same_kind(party, organisation):
    if party.kind in ("", "other"):
        return True
    return organisation.kind == party.kind


def _names(organisation):
    names = {key(organisation.name)}
    if organisation.kind == OrganisationKind.EPCI:
        names.add(key(organisation.long_name))
        # "CA Pays de Montbéliard Agglomération" is written without its "CA".
        names.add(key(re.sub(r"^(?:CC|CA|CU|Métropole)\s+", "", organisation.name)))
    return names


def _in_department(organisation, code):
    return not code or (organisation.department and organisation.department.code == code)


def _candidates_for(party, candidates, code):
    wanted = key(party.name)
    found = [o for o in candidates if _same_kind(party, o) and wanted in _names(o)]
    # A commune's name is only unique within a département: prefer the Caf's own.
    local = [o for o in found if _in_department(o, code)]
    return local or found


def _close_candidates(party, candidates, code):
    if party.kind != "commune":
        return []
    wanted = key(party.name)
    return [
        o
        for o in candidates
        if o.kind == OrganisationKind.COMMUNE
        and _in_department(o, code)
        and any(one_edit_apart(wanted, name) for name in _names(o))
    ]


def _fill(party, organisation):
    party.organisation_id = organisation.pk
    party.matched_name = organisation.name
    party.siren = organisation.siren or ""
    party.kind = organisation.kind
