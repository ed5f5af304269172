"""Writing one Caf's conventions, with everything under them, by bulk inserts.

The caller opens one transaction per Caf: a crash leaves no half Caf. Rows are built
in memory from plain data (the Caf's specs, reference records, a random generator
seeded for this Caf), then inserted table by table; primary keys come back from
bulk_create (PostgreSQL, SQLite 3.35+). Bulk inserts bypass django-simple-history:
generated rows have no history, which is what a fresh data set would show anyway.
"""

import datetime
import math
from collections import Counter
from dataclasses import dataclass, field

from conventions.actes import actes_department_code
from conventions.models import (
    Article,
    Convention,
    ConventionVersion,
    Deliberation,
    Party,
    Signature,
    SteeringInstance,
)
from conventions.models.deliberation import BODY_BY_KIND, Outcome
from conventions.snapshot import content_hash, to_json
from partners.models import Organisation, Representative, Role, User

from . import people, texts
from . import vocabulary as words
from .actions import write_follow_ups, write_meetings, write_plan

BATCH = 2000
UTC = datetime.UTC


@dataclass
class Context:
    """What every Caf's writing shares: reference records and the run's settings."""

    today: datetime.date
    password_hash: str
    themes: dict
    # Organisation instances (EPCIs and communes) by id, member communes by EPCI id,
    # département codes by id.
    organisations: dict
    members: dict
    department_codes: dict
    departments: dict
    fingerprint: object
    # Representatives and cooperation accounts already written, by organisation id.
    representatives: dict = field(default_factory=dict)
    cooperation: dict = field(default_factory=dict)
    department_organisations: dict = field(default_factory=dict)


@dataclass
class Built:
    """One convention as written, kept in memory for its snapshot and follow-up."""

    spec: object
    convention: Convention
    party_rows: list = field(default_factory=list)
    parties: dict = field(default_factory=dict)
    articles: list = field(default_factory=list)
    steering: list = field(default_factory=list)
    axes: list = field(default_factory=list)
    sheets: list = field(default_factory=list)
    version: ConventionVersion | None = None
    freeze_day: datetime.date | None = None
    signing_day: datetime.date | None = None
    stats: Counter = field(default_factory=Counter)


def moment(day, rng):
    """A working-hours datetime on that day (UTC)."""
    return datetime.datetime(
        day.year, day.month, day.day, 8 + rng.randrange(9), rng.randrange(60), tzinfo=UTC
    )


def write_caf(context, caf, index, specs, rng):
    """Write the Caf's template, accounts and conventions; return what was built."""
    if not specs:
        _caf_users(context, caf, rng, 1)
        return []
    template = texts.create_template(caf, index)
    advisers = _caf_users(context, caf, rng, 1 + (len(specs) > 10) + (len(specs) > 30))
    builts = [Built(spec, None) for spec in specs]
    _choose_parties(context, caf, builts, rng)
    _write_cooperation(context, builts, rng)
    _write_conventions(context, caf, template, builts, advisers, rng)
    _write_parties(context, caf, builts, rng)
    write_plan(context, builts, rng)
    _write_articles(context, caf, template, builts)
    _write_versions_and_votes(context, builts, advisers, rng)
    write_follow_ups(context, builts, advisers, rng)
    write_meetings(context, builts, rng)
    for built in builts:
        context.fingerprint.update(_fingerprint(built).encode())
    return builts


def _fingerprint(built):
    convention = built.convention
    return (
        f"{convention.reference}|{convention.state}|{convention.start_date}|"
        f"{convention.end_date}|{len(built.party_rows)}|{len(built.sheets)}|"
        f"{built.version.content_hash if built.version else ''}|"
        f"{sorted(built.stats.items())}\n"
    )


# -- People --------------------------------------------------------------------------


def _caf_users(context, caf, rng, advisers):
    code = context.department_codes[caf.department_id].lower()
    rows = [
        people.user(rng, f"conseiller.{code}.{n}", Role.ADVISER, caf.pk, context.password_hash)
        for n in range(1, advisers + 1)
    ]
    rows.append(people.user(rng, f"lecteur.{code}", Role.READER, caf.pk, context.password_hash))
    User.objects.bulk_create(rows, batch_size=BATCH)
    return rows[:-1]


def _write_cooperation(context, builts, rng):
    """A chargé de coopération for each lead authority and for some communes."""
    wanted = []
    for built in builts:
        wanted.append(built.spec.lead_id)
        if built.spec.commune_ids and rng.random() < 0.3:
            wanted.append(built.spec.commune_ids[0])
    rows = []
    for organisation_id in wanted:
        if organisation_id in context.cooperation:
            continue
        organisation = context.organisations[organisation_id]
        key = organisation.insee_code or organisation.siren or str(organisation.pk)
        user = people.user(
            rng, f"cooperation.{key.lower()}", Role.COOPERATION, organisation.pk,
            context.password_hash,
        )  # fmt: skip
        context.cooperation[organisation_id] = user
        rows.append(user)
    User.objects.bulk_create(rows, batch_size=BATCH)


def _department_organisation(context, department_id):
    found = context.department_organisations.get(department_id)
    if found is None:
        department = context.departments[department_id]
        found = Organisation.objects.filter(kind="department", department_id=department_id).first()
        if found is None:
            found = Organisation(
                kind="department",
                name=f"Département {department.name_with_connector}",
                department=department,
            )
            Organisation.objects.bulk_create([found])
        found.department = department
        context.department_organisations[department_id] = found
        context.organisations[found.pk] = found
    return found


def _choose_parties(context, caf, builts, rng):
    """Member communes (all, some or none), sometimes the Département or a syndicate;
    representatives for every organisation that is a party."""
    syndicates = []
    for built in builts:
        spec = built.spec
        if spec.predecessor is not None:
            spec.commune_ids = spec.predecessor.commune_ids
            spec.extra_ids = spec.predecessor.extra_ids
            continue
        members = context.members.get(spec.lead_id, [])
        roll = rng.random()
        if roll < 0.35 and len(members) <= 45:
            chosen = list(members)
        elif roll < 0.8 and members:
            chosen = sorted(rng.sample(members, min(len(members), rng.randint(2, 15))))
        else:
            chosen = []
        spec.commune_ids = chosen
        spec.extra_ids = []
        if rng.random() < 0.15:
            spec.extra_ids.append(_department_organisation(context, caf.department_id).pk)
        if rng.random() < 0.08:
            place = context.organisations[chosen[0]].name if chosen else "la vallée"
            syndicate = Organisation(
                kind="syndicate",
                name=f"SIVU enfance-jeunesse de {place}",
                department_id=caf.department_id,
            )
            syndicates.append(syndicate)
            spec.syndicate = syndicate
    Organisation.objects.bulk_create(syndicates, batch_size=BATCH)
    for built in builts:
        syndicate = getattr(built.spec, "syndicate", None)
        if syndicate is not None:
            context.organisations[syndicate.pk] = syndicate
            built.spec.extra_ids.append(syndicate.pk)
    context.organisations[caf.pk] = caf
    needed = {caf.pk}
    for built in builts:
        needed.update([built.spec.lead_id, *built.spec.commune_ids, *built.spec.extra_ids])
    new = []
    for organisation_id in sorted(needed - context.representatives.keys()):
        rows = people.representatives_of(rng, context.organisations[organisation_id])
        context.representatives[organisation_id] = rows
        new.extend(rows)
    Representative.objects.bulk_create(new, batch_size=BATCH)


# -- Conventions and parties ---------------------------------------------------------


def _timeline(built, today, rng):
    """Freeze, deliberations and signing days of one convention (DOMAIN.md §3)."""
    spec = built.spec
    if spec.state in ("signed", "terminated"):
        built.freeze_day = spec.start - datetime.timedelta(days=rng.randint(60, 150))
    elif spec.state == "in_deliberation":
        built.freeze_day = today - datetime.timedelta(days=rng.randint(20, 120))
    elif spec.state == "signing":
        built.freeze_day = today - datetime.timedelta(days=rng.randint(120, 200))


def _write_conventions(context, caf, template, builts, advisers, rng):
    rows = []
    code = context.department_codes[caf.department_id].lower()
    for built in builts:
        spec = built.spec
        lead = context.organisations[spec.lead_id]
        _timeline(built, context.today, rng)
        themes = sorted(rng.sample(list(context.themes), rng.randint(3, 7)))
        convention = Convention(
            reference=f"nat-{code}-{lead.siren or lead.pk}-{spec.start.year}-{spec.end.year}",
            title=f"Convention territoriale globale {spec.start.year}-{spec.end.year} – "
            f"{lead.long_name}",
            caf_id=caf.pk,
            lead_authority_id=lead.pk,
            territory_name=lead.long_name,
            start_date=spec.start,
            end_date=spec.end,
            state=spec.state,
            template_id=template.pk,
            diagnostic_summary=_diagnostic(lead, rng),
            evaluation_text="L'évaluation s'appuie sur les indicateurs des fiches actions, "
            "renseignés chaque trimestre, et sur un bilan annuel présenté en comité de pilotage.",
            signing_place=lead.name if rng.random() < 0.5 else caf.name.removeprefix("Caf "),
            originals_count=2,
            statistical_secrecy=rng.random() < 0.2,
            frozen_at=moment(built.freeze_day, rng) if built.freeze_day else None,
            created_by_id=advisers[0].pk,
        )
        convention.theme_codes = themes
        if spec.state == "terminated":
            convention.terminated_on = rng.choice(
                [datetime.date(2025, 6, 30), datetime.date(2025, 12, 31)]
            )
            convention.termination_mode = "mutual_consent"
            convention.termination_notice_on = convention.terminated_on - datetime.timedelta(
                days=183
            )
            convention.termination_reason = rng.choice(words.TERMINATION_REASONS)
        built.convention = convention
        spec.convention = convention
        rows.append(convention)
    # Predecessors first: a renewal points to its predecessor's primary key.
    firsts = [c for b, c in zip(builts, rows, strict=True) if b.spec.predecessor is None]
    Convention.objects.bulk_create(firsts, batch_size=BATCH)
    renewals = []
    for built in builts:
        if built.spec.predecessor is not None:
            built.convention.predecessor_id = built.spec.predecessor.convention.pk
            renewals.append(built.convention)
    Convention.objects.bulk_create(renewals, batch_size=BATCH)
    through = Convention.themes.through
    through.objects.bulk_create(
        [
            through(convention_id=c.pk, theme_id=context.themes[code].pk)
            for c in rows
            for code in c.theme_codes
        ],
        batch_size=BATCH,
    )


def _diagnostic(lead, rng):
    population = f"{lead.population:,}".replace(",", "\u00a0") if lead.population else "—"
    return (
        f"Le territoire de {lead.long_name} compte {population} habitants. "
        + rng.choice(words.DIAGNOSTICS).format(n=rng.randint(5, 30))
        + "\n\n"
        + rng.choice(words.DIAGNOSTICS).format(n=rng.randint(5, 30))
    )


def _write_parties(context, caf, builts, rng):
    parties = []
    for built in builts:
        spec = built.spec
        signing_on = _signing_reference_day(built, context.today)
        entries = [(caf, "caf"), (context.organisations[spec.lead_id], "lead")]
        for organisation_id in spec.extra_ids:
            organisation = context.organisations[organisation_id]
            role = "co_signatory"
            if organisation.kind == "department" and rng.random() < 0.5:
                role = "partner"
            entries.append((organisation, role))
        entries.extend((context.organisations[i], "co_signatory") for i in spec.commune_ids)
        for position, (organisation, role) in enumerate(entries, start=1):
            party = Party(
                convention_id=built.convention.pk,
                organisation_id=organisation.pk,
                role=role,
                position=position,
                short_name=organisation.designation,
                competences=rng.choice(words.COMPETENCES)
                if role in ("lead", "co_signatory")
                else "",
                requires_deliberation=role != "partner",
            )
            signatories = []
            if role != "partner":
                signatories = people.in_office(
                    organisation, context.representatives[organisation.pk], signing_on
                )
            party.generated_signatories = signatories
            party.generated_organisation = organisation
            parties.append(party)
            built.party_rows.append(
                (party, organisation, [(people.full_name(r), r.role_title) for r in signatories])
            )
            built.parties.setdefault(role, []).append(party)
    Party.objects.bulk_create(parties, batch_size=BATCH)
    through = Party.signatories.through
    through.objects.bulk_create(
        [
            through(party_id=party.pk, representative_id=representative.pk)
            for party in parties
            for representative in party.generated_signatories
        ],
        batch_size=BATCH,
    )


def _signing_reference_day(built, today):
    """The day whose representatives sign: about the start for signed conventions."""
    if built.spec.state in ("signed", "terminated"):
        return built.freeze_day + datetime.timedelta(days=60)
    return today


def _write_articles(context, caf, template, builts):
    articles, steering = [], []
    for built in builts:
        convention = built.convention
        lead = context.organisations[built.spec.lead_id]
        organisations = [organisation for _, organisation, _ in built.party_rows]
        values = texts.placeholder_values(convention, caf, lead, organisations)
        convention.visas = texts.fill(template.visas, values)
        convention.preamble = texts.fill(template.preamble, values)
        for article in template.generated_articles:
            row = Article(
                convention_id=convention.pk,
                number=article.number,
                title=texts.fill(article.title, values),
                body=texts.fill(article.body, values),
                has_party_blocks=article.has_party_blocks,
            )
            built.articles.append(row)
            articles.append(row)
        for position, (name, missions, periodicity) in enumerate(STEERING, start=1):
            row = SteeringInstance(
                convention_id=convention.pk,
                position=position,
                name=name,
                missions=missions,
                composition=f"Élus et techniciens de {caf.name} et de {lead.long_name}, "
                "représentants des communes signataires.",
                periodicity=periodicity,
            )
            built.steering.append(row)
            steering.append(row)
    Article.objects.bulk_create(articles, batch_size=500)
    SteeringInstance.objects.bulk_create(steering, batch_size=BATCH)
    Convention.objects.bulk_update(
        [built.convention for built in builts], ["visas", "preamble"], batch_size=200
    )


STEERING = [
    (
        "Comité de pilotage",
        "Valide les orientations, suit l'avancement du plan d'actions et arrête le bilan annuel.",
        "Au moins une fois par an",
    ),
    (
        "Comité technique",
        "Prépare les comités de pilotage, suit les fiches actions et propose les ajustements.",
        "Deux fois par an",
    ),
]


# -- Frozen version, deliberations, signatures ---------------------------------------


def _write_versions_and_votes(context, builts, advisers, rng):
    versions, deliberations, signatures = [], [], []
    for built in builts:
        if built.freeze_day is None:
            continue
        snapshot = texts.snapshot(built)
        built.version = ConventionVersion(
            convention_id=built.convention.pk,
            number=1,
            content=to_json(snapshot),
            content_hash=content_hash(snapshot),
            frozen_at=built.convention.frozen_at,
            frozen_by_id=advisers[0].pk,
        )
        versions.append(built.version)
    ConventionVersion.objects.bulk_create(versions, batch_size=100)
    changed = []
    for built in builts:
        if built.version is None:
            continue
        new_deliberations, new_signatures = _votes(context, built, advisers, rng)
        deliberations.extend(new_deliberations)
        signatures.extend(new_signatures)
        changed.append(built.convention)
    Deliberation.objects.bulk_create(deliberations, batch_size=BATCH)
    Signature.objects.bulk_create(signatures, batch_size=BATCH)
    Convention.objects.bulk_update(changed, ["signing_started_at", "signed_on"], batch_size=BATCH)


def _votes(context, built, advisers, rng):
    today, state = context.today, built.spec.state
    deliberations, signatures = [], []
    voting = [p for p, _, _ in built.party_rows if p.requires_deliberation]
    last_session = built.freeze_day
    for party in voting:
        session = built.freeze_day + datetime.timedelta(days=rng.randint(7, 60))
        if state == "in_deliberation" and (session >= today or rng.random() < 0.4):
            continue
        if state == "signing":
            session = min(session, today - datetime.timedelta(days=20))
        last_session = max(last_session, session)
        deliberations.append(_deliberation(context, built, party, session, rng))
    if state == "in_deliberation":
        return deliberations, signatures
    signing_start = last_session + datetime.timedelta(days=rng.randint(3, 15))
    if state == "signing":
        signing_start = min(signing_start, today - datetime.timedelta(days=3))
    built.convention.signing_started_at = moment(signing_start, rng)
    last_signature = signing_start
    for party in voting:
        for representative in party.generated_signatories:
            day = signing_start + datetime.timedelta(days=rng.randint(3, 45))
            if state == "signing" and (day >= today or rng.random() < 0.6):
                continue
            last_signature = max(last_signature, day)
            signatures.append(
                Signature(
                    party_id=party.pk,
                    representative_id=representative.pk,
                    signed_on=day,
                    recorded_by_id=advisers[0].pk,
                )
            )
    if state in ("signed", "terminated"):
        built.convention.signed_on = last_signature
        built.signing_day = last_signature
    return deliberations, signatures


def council_size(organisation, rng):
    """Members in office of the body that deliberates (CGCT L. 2121-2 for communes)."""
    kind, population = organisation.kind, organisation.population or 0
    if kind == "commune":
        for limit, size in COMMUNE_COUNCILS:
            if population < limit:
                return size
        return 69
    if kind == "epci":
        return min(160, 16 + int(math.sqrt(population) / 6))
    if kind == "caf":
        return 24
    if kind == "department":
        return rng.randrange(34, 82, 2)
    return rng.randint(8, 30)


COMMUNE_COUNCILS = [
    (100, 7), (500, 11), (1500, 15), (2500, 19), (3500, 23), (5000, 27), (10000, 29),
    (20000, 33), (30000, 35), (40000, 39), (50000, 43), (60000, 45), (80000, 49),
    (100000, 53), (150000, 55), (200000, 59), (250000, 61), (300000, 65),
]  # fmt: skip


def _deliberation(context, built, party, session, rng):
    """A deliberation that passes Deliberation.clean: quorum, proxies, votes, ACTES id."""
    organisation = party.generated_organisation
    in_office = council_size(organisation, rng)
    present = rng.randint(in_office // 2 + 1, in_office)
    proxies = rng.randint(0, (in_office - present + 1) // 2)
    voices = present + proxies
    abstentions = min(voices // 4, rng.choice([0, 0, 0, 0, 0, 1, 1, 2, 3]))
    votes_cast = voices - abstentions
    # A few votes against, never enough to tip a small council.
    against = rng.randint(1, votes_cast // 5) if votes_cast >= 5 and rng.random() < 0.2 else 0
    number = rng.randint(1, 250)
    actes_id = ""
    department_code = context.department_codes.get(organisation.department_id)
    if organisation.siren and department_code:
        actes_id = (
            f"{actes_department_code(department_code)}-{organisation.siren}-"
            f"{session:%Y%m%d}-DEL_{session.year}_{number}-DE"
        )
    convention = built.convention
    return Deliberation(
        party_id=party.pk,
        version_id=built.version.pk,
        body=BODY_BY_KIND.get(organisation.kind, "other"),
        session_date=session,
        act_number=f"{session.year}-{number}",
        subject=f"Approbation de la Convention territoriale globale {convention.start_date.year}"
        f"-{convention.end_date.year} et autorisation de signature",
        members_in_office=in_office,
        present=present,
        proxies=proxies,
        votes_cast=votes_cast,
        votes_for=votes_cast - against,
        votes_against=against,
        abstentions=abstentions,
        outcome=Outcome.ADOPTED_UNANIMOUSLY if not against else Outcome.ADOPTED_MAJORITY,
        session_secretary=" ".join(people.person(rng)[1:]),
        sent_to_prefecture_on=session + datetime.timedelta(days=rng.randint(1, 6))
        if actes_id
        else None,
        actes_id=actes_id,
        published_on=session + datetime.timedelta(days=rng.randint(2, 8)),
    )
