"""load_demo: the two real conventions, the demo users, and a second run that changes nothing.

The national import makes the command slow, so it runs once for the module,
inside a transaction rolled back at the end: other test modules never see it.
"""

import datetime
from io import StringIO

import pytest
import time_machine
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test.utils import override_settings

from actionplan.models import FollowUp, FollowUpState, FollowUpStatus, IndicatorValue
from conventions.demo import DEMO_PASSWORD, DEMO_USERS
from conventions.demo.pma import fictitious_siren
from conventions.models import (
    Convention,
    ConventionState,
    ConventionTemplate,
    Deliberation,
    Outcome,
    Signature,
    Theme,
)
from partners.models import EquipmentType, Organisation, Role, User
from partners.validators import luhn_is_valid


@pytest.fixture(scope="module")
def demo_output(django_db_setup, django_db_blocker):
    hashers = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=hashers),
        transaction.atomic(),
    ):
        out = StringIO()
        call_command("load_demo", force=True, stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


@pytest.fixture
def val_d_argent(demo_output, db):
    return Convention.objects.get(reference="val-d-argent-2026-2030")


@pytest.fixture
def pma(demo_output, db):
    return Convention.objects.get(reference="pma-2023-2027")


def test_summary_is_french_and_lists_the_demo_accounts(demo_output):
    assert "Démo chargée" in demo_output
    assert "Pays de Montbéliard Agglomération" in demo_output
    for spec in DEMO_USERS:
        assert spec["username"] in demo_output
    assert DEMO_PASSWORD in demo_output


def test_reference_data(demo_output, db):
    assert Theme.objects.count() == 11
    assert set(Theme.objects.values_list("code", flat=True)) >= {
        "petite-enfance",
        "parentalite",
        "avs",
        "equite-territoriale",
    }
    assert set(EquipmentType.objects.values_list("code", flat=True)) >= {
        "EAJE",
        "MAM",
        "RPE",
        "LAEP",
        "ALSH",
        "CS",
        "EVS",
        "FS",
    }
    for caf_name in ("Caf du Haut-Rhin", "Caf du Doubs"):
        template = ConventionTemplate.objects.get(caf__name=caf_name)
        assert list(template.articles.values_list("number", flat=True)) == list(range(1, 15))


def test_val_d_argent_draft(val_d_argent):
    convention = val_d_argent
    assert convention.state == ConventionState.DRAFT
    assert (convention.start_date, convention.end_date) == (
        datetime.date(2026, 1, 1),
        datetime.date(2030, 12, 31),
    )
    assert convention.signing_place == "Mulhouse"
    assert convention.caf.name == "Caf du Haut-Rhin"
    assert convention.caf.address == "26, avenue Robert Schuman"
    assert convention.lead_authority.siren == "246800395"
    # The Caf, the community of communes and its four communes.
    assert convention.parties.count() == 6
    caf_party = convention.parties.get(role="caf")
    assert not caf_party.requires_deliberation
    assert sorted(caf_party.signatories.values_list("last_name", flat=True)) == [
        "CHERVY",
        "KOENIG",
    ]
    lead = convention.parties.get(role="lead")
    assert lead.signatories.get().last_name == "BURRUS"
    assert "COMPETENCES OBLIGATOIRES" in lead.competences
    assert set(convention.parties.values_list("short_name", flat=True)) >= {
        "la Commune de Lièpvre",
        "la Commune de Sainte-Marie-aux-Mines",
    }
    mayors = {
        p.organisation.insee_code: p.signatories.get().last_name
        for p in convention.parties.filter(role="co_signatory")
    }
    assert mayors == {"68185": "PETIT", "68283": "FRECHARD", "68294": "BURRUS", "68298": "HESTIN"}
    assert convention.articles.count() == 14
    assert "1er janvier 2026" in convention.articles.get(number=10).body
    assert "{" not in "".join(convention.articles.values_list("body", flat=True))
    assert "Mutualité sociale agricole Alsace" in convention.preamble
    assert convention.axes.count() == 4
    codes = [o.code for axis in convention.axes.all() for o in axis.objectives.all()]
    assert codes == [
        "1.1",
        "1.2",
        "2.1",
        "2.2",
        "2.3",
        "3.1",
        "3.2",
        "3.3",
        "4.1",
        "4.2",
        "4.3",
        "4.4",
    ]
    assert convention.axes.get(number=3).objectives.get(number=2).title == (
        "Faciliter l'accès à la santé"
    )


def test_pma_signed_through_the_lifecycle(pma):
    convention = pma
    assert convention.state == ConventionState.SIGNED
    assert convention.signed_on.year == 2023
    assert convention.is_in_force(datetime.date(2026, 6, 1))
    assert convention.versions.count() == 1
    assert convention.parties.count() == 37
    assert Signature.objects.filter(party__convention=convention, amendment=None).count() == 38
    kinds = list(convention.parties.values_list("organisation__kind", flat=True))
    assert kinds.count("commune") == 33
    assert kinds.count("syndicate") == 2
    assert convention.lead_authority.siren == "200065647"
    # Every party that deliberates has an adopted deliberation on the signed version.
    deliberations = Deliberation.objects.filter(party__convention=convention)
    assert deliberations.count() == 36
    assert all(
        d.is_adopted and d.version_id == convention.current_version.pk for d in deliberations
    )


def test_pma_communes_are_matched_on_their_official_names(pma):
    mayors = {
        p.organisation.name: p.signatories.get().last_name
        for p in pma.parties.filter(organisation__kind="commune")
    }
    assert mayors["Fesches-le-Châtel"] == "DEMOUGE"
    assert mayors["Courcelles-lès-Montbéliard"] == "QUENOT"
    assert mayors["Dampierre-les-Bois"] == "TIROLE"
    assert mayors["Pont-de-Roide-Vermondans"] == "ARNOUX"
    assert mayors["Taillecourt"] == "KLEIN"
    assert mayors["Mandeure"] == "HOCQUET"
    assert all(
        p.organisation.insee_code.startswith("25")
        for p in pma.parties.filter(organisation__kind="commune")
    )
    sivus = Organisation.objects.filter(kind="syndicate", parties__convention=pma)
    assert {s.siren for s in sivus} == {fictitious_siren(1), fictitious_siren(2)}
    assert all(luhn_is_valid(s.siren) for s in sivus)


def test_valentigney_deliberation_has_its_real_figures(pma):
    deliberation = Deliberation.objects.get(
        party__convention=pma, party__organisation__insee_code="25580"
    )
    assert deliberation.session_date == datetime.date(2023, 4, 5)
    assert deliberation.act_number == "2023-32"
    assert (
        deliberation.members_in_office,
        deliberation.present,
        deliberation.proxies,
        deliberation.votes_cast,
        deliberation.votes_for,
        deliberation.votes_against,
    ) == (33, 27, 4, 31, 31, 0)
    assert deliberation.outcome == Outcome.ADOPTED_UNANIMOUSLY
    assert deliberation.session_secretary == "Anne-Lise GARCIA"
    assert deliberation.published_on == datetime.date(2023, 4, 14)
    deliberation.full_clean()


def test_pma_action_plan_has_every_field(pma):
    assert pma.axes.count() == 3
    sheets = list(pma.action_sheets.prefetch_related("indicators", "partner_parties"))
    assert [s.number for s in sheets] == list(range(1, 11))
    for sheet in sheets:
        assert sheet.axis.number == 3
        assert sheet.initial_diagnostic
        assert sheet.target_public
        assert sheet.operational_objectives
        assert sheet.implementation
        assert sheet.expected_results
        assert sheet.deadline_whole_period
        assert sheet.pilot_party is not None
        assert sheet.pilot_services == "CAF, PMA"
        assert sheet.indicators.exists()
        assert sheet.other_partners or sheet.partner_parties.exists()
    first = sheets[0]
    assert first.partner_parties.count() == 33
    assert list(first.indicators.values_list("label", flat=True)) == [
        "Nombre de réunions",
        "Nombre de participants",
        "Projets et actions collectives travaillés et mis en œuvre",
    ]


def test_pma_steering_and_equipment(pma):
    assert list(pma.steering_instances.values_list("name", flat=True)) == [
        "Comité de pilotage",
        "Comité technique",
    ]
    assert (
        "conseiller territorial" in pma.steering_instances.get(name="Comité technique").composition
    )
    by_type = {}
    for equipment in pma.equipment.select_related("equipment_type"):
        by_type[equipment.equipment_type.code] = by_type.get(equipment.equipment_type.code, 0) + 1
    assert by_type == {"EAJE": 16, "LAEP": 7, "RPE": 7, "ALSH": 32}
    assert pma.equipment.filter(organisation__name="SIVU de La Chaulière").exists()


def test_pma_follow_up(pma):
    # The seven quarters written from 2025 T1 to 2026 T3 (the current one is opened too).
    follow_ups = FollowUp.objects.filter(action_sheet__convention=pma).exclude(year=2026, quarter=4)
    follow_ups = follow_ups.exclude(year__gte=2027)
    assert follow_ups.count() == 70
    assert follow_ups.filter(state=FollowUpState.VALIDATED).count() == 60
    assert follow_ups.filter(status=FollowUpStatus.IN_DIFFICULTY).exists()
    for follow_up in follow_ups:
        follow_up.clean()
    assert IndicatorValue.objects.filter(indicator__action_sheet__convention=pma).exists()


def test_demo_users(demo_output, db):
    expected = {
        "admin": (Role.ADMINISTRATOR, None),
        "conseiller.hautrhin": (Role.ADVISER, "Caf du Haut-Rhin"),
        "conseiller.doubs": (Role.ADVISER, "Caf du Doubs"),
        "cooperation.valdargent": (Role.COOPERATION, "CC du Val d'Argent"),
        "lecteur.valentigney": (Role.READER, "Valentigney"),
    }
    users = {u.username: u for u in User.objects.filter(username__in=expected)}
    assert set(users) == set(expected)
    for username, (role, organisation) in expected.items():
        user = users[username]
        assert user.role == role
        assert (user.organisation.name if user.organisation else None) == organisation
        assert user.check_password(DEMO_PASSWORD)
    assert users["admin"].is_superuser
    assert not users["conseiller.doubs"].is_superuser
    assert len(DEMO_USERS) == 5


def test_the_current_quarter_is_open_whatever_the_day(pma):
    """Loaded on 2 April 2027 (its demo follow-up stops at 2026 T3), PMA's T2 2027 is open."""
    sheets = pma.action_sheets.count()
    with transaction.atomic():
        with time_machine.travel(datetime.datetime(2027, 4, 2, 9, 0), tick=False):
            call_command("load_demo", force=True, skip_territories=True, stdout=StringIO())
        opened = FollowUp.objects.filter(action_sheet__convention=pma, year=2027, quarter=2)
        assert opened.count() == sheets
        assert set(opened.values_list("state", flat=True)) == {FollowUpState.OPEN}
        transaction.set_rollback(True)


def _counts():
    return {model._meta.label: model._default_manager.count() for model in apps.get_models()}


def test_second_run_changes_nothing(demo_output, db):
    before = _counts()
    pma_before = Convention.objects.values().get(reference="pma-2023-2027")
    out = StringIO()
    call_command("load_demo", force=True, stdout=out)
    assert _counts() == before
    assert Convention.objects.values().get(reference="pma-2023-2027") == pma_before
    assert "rien n'a changé" in out.getvalue()


def test_refuses_to_run_outside_development_without_force(settings, db):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="DEBUG est désactivé"):
        call_command("load_demo", skip_territories=True, stdout=StringIO())


def test_a_second_run_never_resets_a_password_or_rights(demo_output, db):
    adviser = User.objects.get(username="conseiller.doubs")
    adviser.set_password("un-secret-choisi-par-elle")
    adviser.role = Role.READER
    adviser.save()

    call_command("load_demo", force=True, stdout=StringIO())

    adviser.refresh_from_db()
    assert adviser.check_password("un-secret-choisi-par-elle")
    assert adviser.role == Role.READER
