"""What the convention document says, part by part (DOMAIN.md section 4).

The text comes from the frozen ConventionVersion when there is one (the text
voted is the text signed), from the live data of a draft otherwise: both go
through the same snapshot shape (conventions/snapshot.py), so one layout serves
both. Facts that are not part of the voted text are read live: logos and
addresses, the deliberations recorded since the freeze (visas, annexe 7), who
must deliberate. The result is plain JSON-safe data; its SHA-256 identifies the
rendered document.
"""

import datetime
import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder

from conventions.early_childhood import territory_facts
from conventions.models import ConventionState, Deliberation
from conventions.models.deliberation import ADOPTED_OUTCOMES, DeliberatingBody
from conventions.snapshot import build_snapshot, to_json
from partners import grammar
from partners.grammar import french_date
from partners.models import OrganisationKind

# Bump when the layout changes, so that documents rendered before are not reused.
LAYOUT_VERSION = "convention-3"

COUNCIL = {
    OrganisationKind.COMMUNE: "conseil municipal",
    OrganisationKind.EPCI: "conseil communautaire",
    OrganisationKind.SYNDICATE: "comité syndical",
    OrganisationKind.DEPARTMENT: "conseil départemental",
    OrganisationKind.CAF: "conseil d'administration",
}
COUNCIL_BY_BODY = {
    DeliberatingBody.MUNICIPAL_COUNCIL: "conseil municipal",
    DeliberatingBody.COMMUNITY_COUNCIL: "conseil communautaire",
    DeliberatingBody.SYNDICATE_COMMITTEE: "comité syndical",
    DeliberatingBody.CAF_BOARD: "conseil d'administration",
    DeliberatingBody.DEPARTMENT_COUNCIL: "conseil départemental",
}
# The article that holds each authority's competences when none is flagged (DOMAIN.md 4).
COMPETENCES_ARTICLE = 3

ANNEXES = [
    (1, "Diagnostic partagé"),
    (2, "Liste des équipements et services soutenus par les collectivités locales"),
    (3, "Plan d'actions et fiches actions"),
    (4, "Modalités de pilotage stratégique et opérationnel et suivi de la CTG"),
    (5, "Fiche de poste du chargé de coopération"),
    (6, "Évaluation"),
    (7, "Délibérations"),
]


def split_signatory(label):
    """The snapshot stores "Monsieur Denis PETIT, Maire": name and title."""
    name, _, title = label.partition(", ")
    return name, title


def short_civility(full_name):
    """ "Monsieur Denis PETIT" -> "M. Denis PETIT", as signature blocks write it."""
    for long, short in (("Monsieur ", "M. "), ("Madame ", "Mme ")):
        if full_name.startswith(long):
            return short + full_name[len(long) :]
    return full_name


def done_at(place, signed_on, originals_count):
    """ "Fait à Montbéliard, le 21 novembre 2022, en deux exemplaires originaux."."""
    day = grammar.french_date(signed_on) if signed_on else "..................."
    return f"Fait à {place or '...'}, le {day}, {grammar.originals(originals_count)}."


def field_name(name, organisation):
    """PDF field names may not contain dots (they separate the name's parts)."""
    return f"Signature de {name} ({organisation})".replace(".", "")


def document_hash(data):
    canonical = json.dumps(data, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _early_childhood(convention):
    """Annexe 1's facts on the communes' early-childhood obligations (reference data of
    today, with its year: not part of the frozen text)."""
    facts = territory_facts(convention)
    return {
        "years": facts.population_years,
        "communes": [
            {
                "name": row.commune.name,
                "population": row.population_label,
                "over_scheme": row.tier == 2,
                "holder": row.holder.name if row.is_transferred else "",
                "has_rpe": row.has_rpe,
                "has_action": row.has_action,
            }
            for row in facts.above_planning
        ],
        "small": len(facts.small),
    }


def convention_content(convention, version=None, *, signed_ready=False, live=False):
    """The document's data for a convention: its frozen version if any, else live data.

    live reads today's data even for a frozen convention (an amendment names the
    parties and signatories as they are when it is drawn up).
    """
    if version is None and not live and convention.state != ConventionState.DRAFT:
        version = convention.current_version
    if version is not None:
        snapshot, version_number = version.content, version.number
        frozen_on = french_date(version.frozen_at.date())
    else:
        snapshot, version_number, frozen_on = to_json(build_snapshot(convention)), None, None

    live_parties = {
        party.organisation.name: party
        for party in convention.parties.select_related("organisation__department").prefetch_related(
            "signatories"
        )
    }
    deliberations = _deliberations(convention, version)
    competences_article = _competences_article(convention)

    parties = [
        _party(entry, live_parties.get(entry["organisation"])) for entry in snapshot["parties"]
    ]
    caf = next((p for p in parties if p["role"] == "caf"), None)
    signatories = [p for p in parties if p["role"] != "partner"]
    local = [p for p in signatories if p["role"] != "caf"]

    visas = [line.strip() for line in snapshot["visas"].splitlines() if line.strip()]
    visas += _deliberation_visas(parties, deliberations)
    if visas:
        last = visas[-1].rstrip(" ;")
        visas[-1] = last if last.endswith(".") else last + "."

    themes = _themes()
    start, end = snapshot["period"]
    start_date, end_date = datetime.date.fromisoformat(start), datetime.date.fromisoformat(end)
    is_project = version is None
    return {
        "layout": LAYOUT_VERSION,
        "kind": "convention",
        "reference": snapshot["reference"],
        "title": snapshot["title"],
        "territory": snapshot["territory"],
        "period": f"{start_date.year}-{end_date.year}",
        "start": french_date(start_date),
        "end": french_date(end_date),
        "caf_name": caf["name"] if caf else "",
        "caf_long_name": grammar.caf_long_name(caf["name"]) if caf else "",  # cover page
        "is_project": is_project,
        "signed_ready": signed_ready,
        "version_number": version_number,
        "version_hash": version.content_hash if version is not None else None,
        "frozen_on": frozen_on,
        "version_label": (
            f"Version {version_number} figée le {frozen_on}" if version_number else "Projet"
        ),
        "parties": parties,
        "caf": caf,
        "local_parties": local,
        "visas": visas,
        "preamble": snapshot["preamble"],
        "articles": [
            {
                **article,
                "blocks": [p for p in local if p["competences"]]
                if article["number"] == competences_article
                else [],
            }
            for article in snapshot["articles"]
        ],
        "signing_place": snapshot["signing_place"],
        "originals_count": snapshot["originals_count"],
        "done_at": done_at(
            snapshot["signing_place"], convention.signed_on, snapshot["originals_count"]
        ),
        "signature_groups": _signature_groups(signatories),
        "diagnostic": snapshot["diagnostic"],
        "early_childhood": _early_childhood(convention),
        "equipment": _equipment(
            snapshot["equipment"], {p["name"]: p["designation"] for p in parties}
        ),
        "axes": _axes(snapshot, themes),
        "steering_instances": snapshot["steering_instances"],
        "evaluation": snapshot["evaluation"],
        "indicators": [
            {"sheet": sheet["number"], "label": indicator["label"], "unit": indicator["unit"]}
            for sheet in snapshot["action_sheets"]
            for indicator in sheet["indicators"]
        ],
        "deliberations": [
            {**deliberations[p["party_id"]], "party": p["designation"]}
            for p in parties
            if p["party_id"] in deliberations
        ],
        "annexes": ANNEXES,
    }


def _competences_article(convention):
    """The article flagged as holding the competences blocks, else article 3."""
    flagged = (
        convention.articles.filter(has_party_blocks=True)
        .order_by("number")
        .values_list("number", flat=True)
        .first()
    )
    return flagged if flagged is not None else COMPETENCES_ARTICLE


def _deliberation_visas(parties, deliberations):
    """One line per recorded deliberation (the Caf board's included), and an "en date du
    ..." line for each party that must deliberate and has not yet."""
    lines = []
    for party in parties:
        deliberation = deliberations.get(party["party_id"])
        if deliberation is not None:
            council = COUNCIL_BY_BODY.get(deliberation["body_code"], party["council"])
            date = deliberation["session_date_label"]
        elif (
            party["role"] != "caf" and party["role"] != "partner" and party["requires_deliberation"]
        ):
            council, date = party["council"], "..."
        else:
            continue
        lines.append(
            f"Vu la délibération {grammar.de(grammar.the(council))} {party['council_of']} "
            f"en date du {date} ;"
        )
    return lines


def _party(entry, live):
    organisation = live.organisation if live else None
    kind = organisation.kind if organisation else OrganisationKind.OTHER
    name = entry["organisation"]
    named = (
        organisation.grammar if organisation is not None else grammar.organisation_name(kind, name)
    )
    people = []
    live_people = {}
    if live is not None:
        live_people = {f"{r.full_name}, {r.role_title}": r for r in live.signatories.all()}
    for label in entry["signatories"]:
        person_name, title = split_signatory(label)
        representative = live_people.get(label)
        civility = "MME" if person_name.startswith("Madame") else "M"
        people.append(
            {
                "name": person_name,
                "short_name": short_civility(person_name),
                "title": title,
                "civility": civility,
                "representative_id": representative.pk if representative else None,
                "field": field_name(person_name, name),
            }
        )
    if entry["role"] == "caf":
        # The board's president signs first, then the director, as in the documents.
        people.sort(key=lambda p: 0 if "président" in p["title"].lower() else 1)
    council = COUNCIL.get(kind, "organe délibérant")
    return {
        "party_id": live.pk if live else None,
        "name": name,
        "designation": grammar.capitalize(named.designation),
        "council_of": named.council_of,
        "caf_long_name": f"La {grammar.caf_long_name(name)}" if entry["role"] == "caf" else "",
        "role": entry["role"],
        "kind": kind,
        "short_name": entry["short_name"] or named.designation,
        "competences": entry["competences"],
        "people": people,
        "represented": named.represented,
        "named": named.named,
        "representation": _representation(people, named, council, entry["role"]),
        "council": council,
        "requires_deliberation": live.requires_deliberation if live else entry["role"] != "caf",
        "address": _address(organisation),
        "logo": organisation.logo.name if organisation and organisation.logo else "",
    }


def _representation(people, named, council, role):
    """ "représentée par son Maire, Monsieur Denis PETIT, dûment autorisé à signer..." """
    if not people:
        return f"{named.represented} par ..., dûment autorisé(e) à signer la présente convention"
    if role == "caf":
        parts = [
            f"par {grammar.title_with_article(p['title'], p['civility'])}, {p['name']}"
            if i == 0
            else f"par {grammar.possessive(p['title'])} {p['title']}, {p['name']}"
            for i, p in enumerate(people)
        ]
    else:
        parts = [f"par {grammar.possessive(p['title'])} {p['title']}, {p['name']}" for p in people]
    who = " et ".join(parts)
    authorised = grammar.authorised(p["civility"] for p in people)
    sentence = f"{named.represented} {who}, {authorised} à signer la présente convention"
    if role == "caf":
        return sentence
    return f"{sentence} par délibération de son {council}"


def _address(organisation):
    if organisation is None:
        return ""
    place = " ".join(part for part in (organisation.postcode, organisation.city) if part)
    return " – ".join(part for part in (organisation.address, place) if part)


def _deliberations(convention, version):
    """The adopted deliberation of each party on this text (or the latest one recorded)."""
    queryset = Deliberation.objects.filter(
        party__convention=convention, amendment=None, outcome__in=ADOPTED_OUTCOMES
    ).order_by("session_date", "pk")
    if version is not None:
        queryset = queryset.filter(version=version)
    found = {}
    for deliberation in queryset:
        found[deliberation.party_id] = {
            "body": deliberation.get_body_display(),
            "body_code": deliberation.body,
            "session_date": deliberation.session_date,
            "session_date_label": french_date(deliberation.session_date),
            "act_number": deliberation.act_number,
            "outcome": deliberation.get_outcome_display(),
            "votes": deliberation.votes_label,
            "actes_id": deliberation.actes_id,
            "facts": deliberation.session_facts(),
        }
    return found


def _signature_groups(signatories):
    groups = []
    for party in signatories:
        groups.append(
            {
                "party_id": party["party_id"],
                "designation": party["designation"],
                "people": [
                    {
                        **person,
                        "heading": grammar.capitalize(
                            grammar.title_with_article(person["title"], person["civility"])
                        ),
                    }
                    for person in party["people"]
                ],
            }
        )
    return groups


def _equipment(lines, designations):
    """ "Organisation | TYPE | name | address" lines grouped by authority, then by type;
    each authority named as the document names its party."""
    by_authority = {}
    for line in lines:
        organisation, code, name, address = (line.split(" | ") + ["", "", "", ""])[:4]
        types = by_authority.setdefault(organisation, {})
        types.setdefault(code, []).append({"name": name, "address": address})
    return [
        {
            "authority": designations.get(authority) or grammar.expand_abbreviation(authority),
            "types": [{"code": code, "items": items} for code, items in types.items()],
            "count": sum(len(items) for items in types.values()),
        }
        for authority, types in sorted(by_authority.items())
    ]


def _themes():
    from conventions.models import Theme

    return dict(Theme.objects.values_list("code", "name"))


def _axes(snapshot, themes):
    axes = []
    for axis in snapshot["axes"]:
        sheets = [s for s in snapshot["action_sheets"] if s["axis"] == axis["number"]]
        axes.append(
            {
                **axis,
                "sheets": [
                    {**sheet, "theme_labels": [themes.get(code, code) for code in sheet["themes"]]}
                    for sheet in sheets
                ],
            }
        )
    return axes
