"""The rows of a convention built from a reviewed `ReadConvention`.

Called by `service.confirm_import` inside its transaction, once `import_problems`
found nothing blocking. Each row is checked by its model's own rules before it
is saved; a refusal is a `ValidationError` whose messages name the row, and the
caller rolls everything back.
"""

import datetime
import re

from conventions.importing.plan import build_action_plan
from conventions.importing.rows import save
from conventions.importing.text import fold
from conventions.models import (
    Article,
    Convention,
    Deliberation,
    Outcome,
    Party,
    PartyRole,
    SteeringInstance,
)
from conventions.models.deliberation import BODY_BY_KIND, DeliberatingBody
from partners.models import Organisation, Representative

STEERING_FALLBACK_NAME = "Modalités de pilotage"
# "Le comité de pilotage est composé...", "La commission enfance se réunit...": an
# instance is introduced by its name at the start of a line of annexe 4.
INSTANCE = re.compile(
    r"^(?:le |la |l')?((?:comité|comite|commission|instance|groupe|conférence)\b[^,:.;]*?)"
    r"(?=\s+(?:est|sont|se|a|ont|prépare|réunit|assure|rassemble|associe|composé)\b|\s*[:,])",
    re.IGNORECASE,
)
PERIODICITY = re.compile(r"se réuni\w*\s+([^.;]*)", re.IGNORECASE)


def build_convention(read, *, user, caf, lead_authority, reference, title):
    start = datetime.date.fromisoformat(read.start_date)
    end = datetime.date.fromisoformat(read.end_date)
    convention = Convention(
        reference=reference,
        title=title,
        caf=caf,
        lead_authority=lead_authority,
        territory_name=read.territory.strip() or lead_authority.long_name,
        start_date=start,
        end_date=end,
        visas="\n".join(line.strip() for line in read.visas if line.strip()),
        preamble=read.preamble.strip(),
        signing_place=read.place_signed.strip(),
        originals_count=read.originals_count or 2,
        created_by=user,
    )
    _fill_annexes(convention, read)
    save(convention, "Convention", user)
    for article in read.articles:
        save(
            Article(
                convention=convention,
                number=article.number,
                title=article.title.strip(),
                body=article.body.strip(),
                has_party_blocks=article.has_party_blocks,
            ),
            f"Article {article.number}",
            user,
        )
    parties = _build_parties(convention, read, user)
    _build_deliberations(convention, read, parties, user)
    _build_steering(convention, read, user)
    build_action_plan(convention, read, parties, user)
    return convention


# -- Parties and their signing people -------------------------------------------------------


def _person_key(organisation_id, first_name, last_name):
    return organisation_id, fold(first_name), fold(last_name)


def _build_parties(convention, read, user):
    """The parties, created in document order with their signing people."""
    organisations = Organisation.objects.in_bulk([p.organisation_id for p in read.parties])
    known = {
        _person_key(r.organisation_id, r.first_name, r.last_name): r
        for r in Representative.objects.filter(organisation_id__in=organisations)
    }
    parties = []
    for position, entry in enumerate(read.parties):
        organisation = organisations[entry.organisation_id]
        party = save(
            Party(
                convention=convention,
                organisation=organisation,
                role=entry.role,
                position=position,
                short_name=entry.short_name.strip(),
                competences=entry.competences.strip(),
                requires_deliberation=entry.role not in (PartyRole.CAF, PartyRole.PARTNER),
            ),
            f"Partie « {entry.name} »",
            user,
        )
        people = [
            _representative(organisation, person, known, user) for person in entry.representatives
        ]
        party.signatories.set(list(dict.fromkeys(people)))
        parties.append(party)
    return parties


def _representative(organisation, person, known, user):
    """The person already known for this organisation (names compared without case or
    accents), else a new representative, without mandate dates."""
    key = _person_key(organisation.pk, person.first_name, person.last_name)
    if key not in known:
        known[key] = save(
            Representative(
                organisation=organisation,
                civility=person.civility,
                first_name=person.first_name.strip(),
                last_name=person.last_name.strip(),
                role_title=person.function.strip(),
            ),
            f"{organisation}, {person.first_name} {person.last_name}",
            user,
        )
    return known[key]


# -- Deliberations ------------------------------------------------------------------------


def _build_deliberations(convention, read, parties, user):
    """The deliberations the document dates; one cited "en date du ..." is still to come."""
    subject = f"Approbation de la convention territoriale globale {convention.period_label}"
    by_name = {entry.name: party for entry, party in zip(read.parties, parties, strict=True)}
    for entry in read.deliberations:
        if not entry.date:
            continue
        party = by_name[entry.party]
        body = entry.body or BODY_BY_KIND.get(party.organisation.kind, DeliberatingBody.OTHER)
        save(
            Deliberation(
                party=party,
                body=body,
                session_date=datetime.date.fromisoformat(entry.date),
                act_number=entry.act_number.strip(),
                actes_id=entry.actes_id.strip(),
                subject=subject,
                outcome=Outcome.ADOPTED,
            ),
            f"Délibération du {entry.date} ({party.organisation})",
            user,
        )


# -- Annexes --------------------------------------------------------------------------------


def _annex(read, number, keyword):
    """The annex whose title names its subject; else the one at its usual number, when its
    title says nothing else (the models do not all number their annexes alike)."""
    for annex in read.annexes:
        if keyword in fold(annex.title):
            return annex
    return next((a for a in read.annexes if a.number == number and not a.title.strip()), None)


def _fill_annexes(convention, read):
    diagnostic = _annex(read, 1, "diagnostic")
    evaluation = _annex(read, 6, "evaluation")
    convention.diagnostic_summary = diagnostic.body.strip() if diagnostic else ""
    convention.evaluation_text = evaluation.body.strip() if evaluation else ""


def steering_instances(text):
    """[(name, composition, missions, periodicity)] read from annexe 4, or [] when its
    lines do not introduce the instances one by one."""
    instances = []
    for line in text.splitlines():
        line = line.strip().lstrip("-•➤▪ ").strip()
        if not line:
            continue
        found = INSTANCE.match(line)
        if found:
            name = found.group(1).strip()
            instances.append([name[0].upper() + name[1:], [], [], ""])
        elif not instances:
            return []
        current = instances[-1]
        (current[1] if "compos" in line.lower() else current[2]).append(line)
        periodicity = PERIODICITY.search(line)
        if periodicity and not current[3]:
            current[3] = periodicity.group(1).strip()[:200]
    return [(name, "\n".join(c), "\n".join(m), p) for name, c, m, p in instances]


def _build_steering(convention, read, user):
    annex = _annex(read, 4, "pilotage")
    if annex is None or not annex.body.strip():
        return
    instances = steering_instances(annex.body) or [
        (STEERING_FALLBACK_NAME, "", annex.body.strip(), "")
    ]
    for position, (name, composition, missions, periodicity) in enumerate(instances, start=1):
        save(
            SteeringInstance(
                convention=convention,
                position=position,
                name=name[:200],
                composition=composition,
                missions=missions,
                periodicity=periodicity,
            ),
            f"Annexe 4, {name}",
            user,
        )
