"""generate_national: the whole country's data for benchmarks, at a tiny scale here.

The reference data is the real one (@etalab/decoupage-administratif), cut down to
three départements so that the import takes a second on SQLite.
"""

import datetime
import json
from collections import Counter
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.db import transaction

from actionplan.models import ActionSheet, FollowUp
from conventions.models import Convention, ConventionVersion, Deliberation, Party, Signature
from conventions.national import generate_national
from conventions.snapshot import build_snapshot, to_json
from partners.models import Organisation, Role, User
from partners.territories import import_territories

from .factories import ConventionFactory

TODAY = datetime.date(2026, 11, 29)
DEPARTMENTS = {"25", "68", "90"}
SCALE = 0.01


@pytest.fixture(scope="module")
def reference_dir(tmp_path_factory):
    """The official files restricted to the Doubs, the Haut-Rhin and the Territoire de Belfort."""
    source = Path(str(settings.TERRITORIES_DATA_DIR))
    target = tmp_path_factory.mktemp("territories")
    read = lambda name: json.loads((source / name).read_text(encoding="utf-8"))  # noqa: E731
    departments = [row for row in read("departements.json") if row["code"] in DEPARTMENTS]
    communes = [row for row in read("communes.json") if row.get("departement") in DEPARTMENTS]
    kept = {row["code"] for row in communes}
    epcis = []
    for row in read("epci.json"):
        members = [member for member in row["membres"] if member["code"] in kept]
        if members:
            epcis.append({**row, "membres": members})
    for name, rows in [
        ("departements.json", departments),
        ("communes.json", communes),
        ("epci.json", epcis),
    ]:
        (target / name).write_text(json.dumps(rows), encoding="utf-8")
    return target


@pytest.fixture
def territories(db, reference_dir):
    import_territories(reference_dir)


def generate(**options):
    return generate_national(scale=SCALE, seed=7, today=TODAY, **options)


def elapsed_quarters(convention):
    last = min(TODAY, convention.end_date)
    start = convention.start_date
    return (last.year - start.year) * 4 + (last.month - 1) // 3 - (start.month - 1) // 3 + 1


@pytest.mark.django_db
def test_generated_country_has_realistic_proportions(territories):
    summary = generate()

    conventions = list(Convention.objects.select_related("caf", "lead_authority"))
    assert len(conventions) == round(1300 * SCALE)
    assert {c.caf.department.code for c in conventions} == DEPARTMENTS
    states = Counter(c.state for c in conventions)
    assert states["signed"] > len(conventions) / 2
    assert states["terminated"] == 1
    sheets = Counter(ActionSheet.objects.values_list("convention_id", flat=True))
    assert all(10 <= sheets[c.pk] <= 120 for c in conventions)

    for convention in conventions:
        parties = list(convention.parties.select_related("organisation"))
        assert [p.organisation for p in parties if p.role == "caf"] == [convention.caf]
        assert [p.organisation for p in parties if p.role == "lead"] == [convention.lead_authority]
        assert convention.lead_authority.kind == "epci"
        assert convention.lead_authority.department_id == convention.caf.department_id
        assert all(p.signatories.exists() for p in parties if p.role != "partner")
        if convention.predecessor_id:
            predecessor = convention.predecessor
            assert predecessor.lead_authority_id == convention.lead_authority_id
            assert predecessor.end_date + datetime.timedelta(days=1) == convention.start_date
            assert predecessor.state == "signed"

    follow_ups = Counter(FollowUp.objects.values_list("action_sheet__convention_id", flat=True))
    for convention in conventions:
        if convention.state == "signed":
            assert follow_ups[convention.pk] == sheets[convention.pk] * elapsed_quarters(convention)
        elif convention.state != "terminated":
            assert follow_ups[convention.pk] == 0
    assert sum(follow_ups.values()) == sum(summary["follow_up_states"].values())

    with pytest.raises(CommandError, match="déjà des données générées"):
        call_command("generate_national", scale=SCALE, force=True)


@pytest.mark.django_db
def test_generated_rows_pass_the_models_rules(territories):
    generate()

    for deliberation in Deliberation.objects.select_related(
        "party__organisation__department"
    ).order_by("pk")[:200]:
        deliberation.full_clean()
    assert Deliberation.objects.exclude(actes_id="").exists()
    for entry in FollowUp.objects.order_by("pk")[::37]:
        entry.full_clean(exclude=["action_sheet"])
    states = Counter(FollowUp.objects.values_list("state", flat=True))
    assert states["validated"] > sum(states.values()) / 2
    assert {"open", "draft", "submitted"} <= states.keys()
    assert not FollowUp.objects.filter(state="validated", validated_by=None).exists()
    assert not FollowUp.objects.filter(state="validated", submitted_at=None).exists()
    assert not FollowUp.objects.filter(state="open").exclude(submitted_at=None).exists()
    assert not FollowUp.objects.filter(status="done").exclude(progress=100).exists()
    assert not FollowUp.objects.filter(status="not_started").exclude(progress=0).exists()

    # Signed means every signatory party deliberated and every signing person signed.
    for convention in Convention.objects.filter(state="signed")[:5]:
        for party in Party.objects.filter(convention=convention).exclude(role="partner"):
            assert party.deliberations.filter(outcome__startswith="adopted").exists()
            assert Signature.objects.filter(party=party).count() == party.signatories.count()

    # The frozen text is what the application itself would have frozen.
    for version in ConventionVersion.objects.select_related("convention").order_by("pk")[:3]:
        assert version.content == to_json(build_snapshot(version.convention))
        assert len(json.dumps(version.content)) > 20_000


@pytest.mark.django_db
def test_generated_accounts_cover_every_role(territories):
    generate(password="secret-national")

    cafs = Organisation.objects.cafs()
    assert cafs.count() == 3
    for caf in cafs:
        advisers = User.objects.filter(role=Role.ADVISER, organisation=caf)
        assert 1 <= advisers.count() <= 3
        assert User.objects.filter(role=Role.READER, organisation=caf).count() == 1
    leads = set(Convention.objects.values_list("lead_authority_id", flat=True))
    cooperation = set(
        User.objects.filter(role=Role.COOPERATION).values_list("organisation_id", flat=True)
    )
    assert leads <= cooperation
    admin = User.objects.get(is_superuser=True)
    assert admin.check_password("secret-national")
    assert User.objects.filter(role=Role.ADVISER).first().check_password("secret-national")
    assert len(set(User.objects.values_list("email", flat=True))) == User.objects.count()


@pytest.mark.django_db
def test_same_seed_gives_the_same_data(territories):
    def run():
        with transaction.atomic():
            summary = generate()
            transaction.set_rollback(True)
        del summary["duration"]
        return summary

    first = run()
    assert Convention.objects.count() == 0
    assert run() == first
    assert first["counts"]["actionplan.FollowUp"] > 1000
    assert (
        first["fingerprint"] != generate_national(scale=SCALE, seed=8, today=TODAY)["fingerprint"]
    )


@pytest.mark.django_db
def test_refuses_a_database_with_real_conventions(territories):
    ConventionFactory()

    with pytest.raises(CommandError, match="données réelles"):
        call_command("generate_national", scale=SCALE)
    assert Convention.objects.count() == 1
    assert not User.objects.exists()
