"""A realistic data set of the whole country, for benchmarks: every Caf, ~1,300 conventions.

``generate_national()`` reads the official reference data (importing it first when
absent, with the same code as import_territories), plans each Caf's conventions
(planning.py), then writes them one Caf per transaction (writer.py, actions.py) by
bulk inserts: parties and representatives, deliberations that pass the model's
rules, signatures, frozen versions, action plans, indicators, every elapsed
quarter's follow-up, meetings and reviews; and the accounts that use them.

The same seed and the same "today" give the same rows (primary keys and creation
times aside). It refuses a database that holds real data: any convention or any
account (superusers aside) it did not create itself.
"""

import datetime
import hashlib
import random
import time
from collections import Counter

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import connection, transaction

from conventions import freshness
from conventions.demo.common import Tally
from conventions.demo.reference import load_reference as load_themes
from conventions.models import Convention
from partners.models import Department, Organisation, User
from partners.territories import import_territories

from . import people, planning
from .writer import Context, write_caf

DEFAULT_PASSWORD = "ctg-national-2026"
REFERENCE_PREFIX = "nat-"


class NationalDataError(Exception):
    """The database may not receive the generated data (message in French)."""


def real_data():
    """What the database holds that the generator did not create: (conventions, accounts)."""
    conventions = Convention.objects.exclude(reference__startswith=REFERENCE_PREFIX).count()
    accounts = (
        User.objects.filter(is_superuser=False)
        .exclude(email__endswith=f"@{people.USER_DOMAIN}")
        .count()
    )
    return conventions, accounts


def check_database(force=False):
    if Convention.objects.filter(reference__startswith=REFERENCE_PREFIX).exists():
        raise NationalDataError(
            "La base contient déjà des données générées par generate_national : repartez "
            "d'une base vide (« manage.py flush » puis « manage.py migrate ») pour les générer "
            "de nouveau."
        )
    conventions, accounts = real_data()
    if (conventions or accounts) and not force:
        raise NationalDataError(
            f"La base contient des données réelles ({conventions} convention(s), {accounts} "
            "compte(s) non générés) : génération refusée. Utilisez une base dédiée, ou "
            "--force pour ajouter quand même les données générées."
        )


def load_reference(data_dir):
    """Cafs, départements, EPCIs and communes, importing the official data when absent."""
    if not Organisation.objects.cafs().exists():
        import_territories(data_dir or settings.TERRITORIES_DATA_DIR)
    departments = {d.pk: d for d in Department.objects.all()}
    cafs = list(
        Organisation.objects.cafs()
        .filter(department__isnull=False)
        .select_related("department")
        .order_by("department__code", "pk")
    )
    fields = ["kind", "name", "siren", "insee_code", "population", "department_id", "epci_id"]
    local = (
        Organisation.objects.filter(kind__in=["epci", "commune"])
        .only(*fields)
        .order_by("kind", "siren", "insee_code", "pk")
    )
    organisations, members = {}, {}
    epcis_by_department, crossing = {}, {}
    for organisation in local:
        organisations[organisation.pk] = organisation
        if organisation.kind == "epci":
            epcis_by_department.setdefault(organisation.department_id, []).append(organisation.pk)
    for organisation in organisations.values():
        if organisation.kind == "commune" and organisation.epci_id in organisations:
            members.setdefault(organisation.epci_id, []).append(organisation.pk)
            crossing.setdefault(organisation.department_id, set()).add(organisation.epci_id)
    leads = {}
    for caf in cafs:
        # A département whose communes all belong to EPCIs of a neighbour (Paris and its
        # inner suburbs in the Métropole du Grand Paris) signs with those.
        own = epcis_by_department.get(caf.department_id) or sorted(
            crossing.get(caf.department_id, ()), key=lambda pk: organisations[pk].siren or ""
        )
        leads[caf.pk] = own
    return departments, cafs, organisations, members, leads


def generate_national(
    *,
    scale=1.0,
    seed=2026,
    force=False,
    password=DEFAULT_PASSWORD,
    today=None,
    data_dir=None,
    progress=None,
):
    """Generate the data set; return a summary (counts, duration, biggest Caf...)."""
    started = time.monotonic()
    today = today or datetime.date.today()
    progress = progress or (lambda message: None)
    check_database(force)
    departments, cafs, organisations, members, leads = load_reference(data_dir)
    rng = random.Random(seed)
    capacities = [2 * len(leads[caf.pk]) for caf in cafs]
    counts = planning.allocate(capacities, round(planning.NATIONAL_CONVENTIONS * scale), rng)
    specs_by_caf = [
        planning.plan_caf(rng, leads[caf.pk], count)
        for caf, count in zip(cafs, counts, strict=True)
    ]
    planning.choose_terminations(rng, specs_by_caf, 2 if scale >= 0.5 else 1)
    progress(
        f"Plan : {sum(counts)} conventions pour {sum(1 for c in counts if c)} Caf "
        f"(graine {seed}, date du jour {today:%d/%m/%Y})."
    )
    # One hash for every account: hashing thousands of passwords would take minutes.
    password_hash = make_password(password)
    with transaction.atomic():
        themes, _ = load_themes(Tally())
        people.administrator(password_hash).save()
    context = Context(
        today=today,
        password_hash=password_hash,
        themes=themes,
        organisations=organisations,
        members=members,
        department_codes={pk: d.code for pk, d in departments.items()},
        departments=departments,
        fingerprint=hashlib.sha256(),
    )
    biggest, largest_plan, follow_ups = None, None, Counter()
    for index, (caf, specs) in enumerate(zip(cafs, specs_by_caf, strict=True)):
        caf_started = time.monotonic()
        with transaction.atomic():
            builts = write_caf(
                context, caf, index, specs, random.Random(f"{seed}:{caf.department.code}")
            )
        if biggest is None or len(builts) > biggest[1]:
            biggest = (caf.name, len(builts))
        for built in builts:
            follow_ups.update(built.stats)
            if largest_plan is None or len(built.sheets) > largest_plan[1]:
                largest_plan = (built.convention.reference, len(built.sheets))
        sheets = sum(len(b.sheets) for b in builts)
        entries = sum(sum(b.stats.values()) for b in builts)
        progress(
            f"[{index + 1}/{len(cafs)}] {caf.name} : {len(builts)} conventions, {sheets} "
            f"fiches actions, {entries} suivis ({time.monotonic() - caf_started:.1f} s)"
        )
    # Written by bulk inserts: plan pages cached from an earlier data set are stale.
    freshness.all_plans_changed()
    if connection.vendor == "postgresql":
        # Fresh statistics: with the planner's estimates of empty tables, pages that
        # join follow-ups take a minute instead of a second.
        progress("Mise à jour des statistiques de PostgreSQL (ANALYZE)...")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    return {
        "duration": time.monotonic() - started,
        "biggest_caf": biggest,
        "largest_plan": largest_plan,
        "follow_up_states": dict(sorted(follow_ups.items())),
        "fingerprint": context.fingerprint.hexdigest(),
        "counts": table_counts(),
    }


def table_counts():
    """Rows per table of the generated models, as the summary prints them."""
    from actionplan import models as plan
    from conventions import models as conventions
    from partners import models as partners

    tracked = [
        partners.Organisation, partners.Representative, partners.User,
        conventions.Convention, conventions.Party, conventions.Party.signatories.through,
        conventions.Article, conventions.ConventionVersion, conventions.Deliberation,
        conventions.Signature, conventions.SteeringInstance, plan.Axis, plan.Objective,
        plan.ActionSheet, plan.Indicator, plan.IndicatorTarget, plan.Funding, plan.FollowUp,
        plan.IndicatorValue, plan.Meeting, plan.Review,
    ]  # fmt: skip
    return {model._meta.label: model.objects.count() for model in tracked}
