"""Finding an organisation by name or SIREN: the suggestions of the pickers and the
resolution of what a person typed when the picker's script did not run.

Organisations are reference data (names, SIREN, départements from the official
registers): every signed-in person may search them. What may be *chosen* is decided by
each form's own queryset, never by the suggestions.
"""

import re

from django.db.models import Case, IntegerField, Value, When

from partners.collation import fold
from partners.models import OrganisationKind

MAX_RESULTS = 20
MAX_QUERY_LENGTH = 100
SIREN_IN_TEXT = re.compile(r"(?<![0-9])([0-9]{9})(?![0-9])")


def describe(organisation) -> str:
    """ "CC du Val d'Argent – Intercommunalité (EPCI), 68, SIREN 246800726": the kind,
    département and SIREN tell apart the several "Saint-Louis" of France."""
    details = [organisation.get_kind_display()]
    if organisation.department_id:
        details.append(organisation.department.code)
    if organisation.siren:
        details.append(f"SIREN {organisation.siren}")
    return f"{organisation.name} – {', '.join(details)}"


def suggestions(queryset, text, *, kinds=(), within=None, limit=MAX_RESULTS):
    """At most ``limit`` organisations of ``queryset`` matching ``text``, in one query.

    First the communes of the EPCI ``within`` (the lead authority's members when
    adding parties), then by the order of ``kinds`` (EPCIs first for a lead
    authority), then the names that start with the text, then French order.
    """
    text = text[:MAX_QUERY_LENGTH].replace("\x00", "")
    siren = SIREN_IN_TEXT.search(text)
    if siren:
        queryset = queryset.matching(text) | queryset.filter(siren=siren.group(1))
    else:
        queryset = queryset.matching(text)
    if kinds:
        queryset = queryset.filter(kind__in=kinds)
    ranks = {"within_rank": Value(1), "kind_rank": Value(0), "start_rank": Value(1)}
    if within:
        ranks["within_rank"] = Case(When(epci_id=within, then=0), default=1)
    if len(kinds) > 1:
        ranks["kind_rank"] = Case(
            *(When(kind=kind, then=position) for position, kind in enumerate(kinds)),
            default=len(kinds),
            output_field=IntegerField(),
        )
    folded = fold(text)
    if folded:
        ranks["start_rank"] = Case(When(search_name__startswith=folded, then=0), default=1)
    return list(
        queryset.select_related("department")
        .annotate(**ranks)
        .order_by("within_rank", "kind_rank", "start_rank", "search_name", "name", "pk")[:limit]
    )


def as_json(organisation) -> dict:
    department = organisation.department
    return {
        "id": organisation.pk,
        "name": organisation.name,
        "kind": organisation.kind,
        "kind_label": organisation.get_kind_display(),
        "department": f"{department.code} – {department.name}" if department else "",
        "siren": organisation.siren or "",
        "label": describe(organisation),
    }


def parse_kinds(raw: str) -> list[str]:
    """ "epci,commune" -> ["epci", "commune"]; an unknown kind raises ValueError."""
    kinds = [kind.strip() for kind in raw.split(",") if kind.strip()]
    for kind in kinds:
        OrganisationKind(kind)
    return kinds


class Unresolved(Exception):
    """What was typed names no organisation, or several; the message says which."""


def resolve(queryset, raw: str):
    """The organisation of ``queryset`` meant by ``raw``: the id the picker sends, or,
    typed by hand, a SIREN, a suggestion's label (it holds the SIREN) or an exact name
    (accents and case ignored). Raises Unresolved with a French message."""
    # PostgreSQL refuses NUL characters; "²" is a digit to isdigit() but not to int().
    raw = (raw or "").replace("\x00", "").strip()[:MAX_QUERY_LENGTH]
    if raw.isascii() and raw.isdigit() and len(raw) != 9:
        found = queryset.filter(pk=int(raw)).first() if len(raw) < 10 else None
        if found:
            return found
        raise Unresolved("Cette organisation ne fait pas partie des choix possibles ici.")
    siren = SIREN_IN_TEXT.search(raw)
    if siren:
        found = queryset.filter(siren=siren.group(1)).first()
        if found is None and raw.isascii() and raw.isdigit():
            found = queryset.filter(pk=int(raw)).first()
        if found:
            return found
        raise Unresolved(f"Aucune organisation possible ici n'a le SIREN {siren.group(1)}.")
    named = list(queryset.filter(search_name=fold(raw)).select_related("department")[:6])
    if len(named) == 1:
        return named[0]
    if named:
        raise Unresolved(
            "Plusieurs organisations portent ce nom ; recopiez celle que vous voulez, avec "
            f"son SIREN : {' ; '.join(describe(org) for org in named)}."
        )
    close = suggestions(queryset, raw, limit=5)
    if close:
        raise Unresolved(
            f"Aucune organisation ne s'appelle « {raw} ». Recopiez l'une de celles-ci : "
            f"{' ; '.join(describe(org) for org in close)}."
        )
    raise Unresolved(
        f"Aucune organisation possible ici ne correspond à « {raw} ». Tapez son nom ou son SIREN."
    )
