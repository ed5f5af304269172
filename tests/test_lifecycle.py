"""Every lifecycle transition and its guards (DOMAIN.md section 3)."""

import datetime

import pytest
import time_machine

from actionplan.models import ActionSheet, FollowUp
from conventions import lifecycle
from conventions.lifecycle import LifecycleError
from conventions.models import (
    AmendmentState,
    ConventionState,
    Outcome,
    PartyRole,
    TerminationMode,
)
from tests.factories import (
    ActionSheetFactory,
    ArticleFactory,
    AxisFactory,
    ConventionFactory,
    DeliberationFactory,
    IndicatorFactory,
    ObjectiveFactory,
    OrganisationFactory,
    PartyFactory,
    RepresentativeFactory,
    UserFactory,
    caf_party,
)

pytestmark = pytest.mark.django_db

TODAY = datetime.date(2025, 11, 20)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2025, 11, 20, 10, 0), tick=False):
        yield


@pytest.fixture
def convention():
    """Caf (2 signing people), an EPCI and two communes, one non-signing partner."""
    convention = ConventionFactory()
    caf_party(convention)
    lead = PartyFactory(
        convention=convention, organisation=convention.lead_authority, role=PartyRole.LEAD
    )
    lead.signatories.set([RepresentativeFactory(organisation=lead.organisation)])
    for _ in range(2):
        commune = PartyFactory(convention=convention)
        commune.signatories.set([RepresentativeFactory(organisation=commune.organisation)])
    PartyFactory(
        convention=convention,
        organisation=OrganisationFactory(kind="msa", name="MSA d'Alsace", siren=None),
        role=PartyRole.PARTNER,
        requires_deliberation=False,
    )
    ArticleFactory(convention=convention, number=1)
    return convention


def deliberate_all(convention, outcome=Outcome.ADOPTED_UNANIMOUSLY):
    version = convention.current_version
    for party in convention.parties.filter(requires_deliberation=True):
        DeliberationFactory(party=party, version=version, outcome=outcome)


def sign_all(convention, on=TODAY):
    for party, representative in lifecycle.pending_signatures(convention):
        lifecycle.record_signature(
            convention, party=party, representative=representative, signed_on=on
        )


def signed_convention(convention):
    lifecycle.freeze(convention)
    deliberate_all(convention)
    lifecycle.start_signing(convention)
    sign_all(convention)
    return convention


def test_freeze_makes_a_numbered_version_with_a_content_hash(convention):
    version = lifecycle.freeze(convention)
    convention.refresh_from_db()
    assert convention.state == ConventionState.IN_DELIBERATION
    assert version.number == 1
    assert len(version.content_hash) == 64
    assert version.content["articles"][0]["title"] == "Objet de la convention territoriale globale"


def test_freeze_refuses_a_party_without_signing_person(convention):
    PartyFactory(convention=convention, organisation=OrganisationFactory(name="Lièpvre"))
    with pytest.raises(LifecycleError, match="Lièpvre n'a pas de signataire désigné"):
        lifecycle.freeze(convention)
    convention.refresh_from_db()
    assert convention.state == ConventionState.DRAFT


def test_freeze_requires_the_caf_among_the_parties():
    convention = ConventionFactory()
    ArticleFactory(convention=convention)
    with pytest.raises(LifecycleError, match="la Caf n'est pas partie à la convention"):
        lifecycle.freeze(convention)


def test_freeze_twice_is_refused(convention):
    lifecycle.freeze(convention)
    with pytest.raises(LifecycleError, match="la convention est « En délibération »"):
        lifecycle.freeze(convention)


def test_reopen_without_changes_keeps_the_version_and_its_deliberations(convention):
    first = lifecycle.freeze(convention)
    deliberate_all(convention)
    lifecycle.reopen(convention)
    assert convention.state == ConventionState.DRAFT
    again = lifecycle.freeze(convention)
    assert again.pk == first.pk
    lifecycle.start_signing(convention)
    assert convention.state == ConventionState.SIGNING


def test_reopen_and_edit_flags_deliberations_on_the_old_version(convention):
    lifecycle.freeze(convention)
    deliberate_all(convention)
    lifecycle.reopen(convention)
    convention.articles.update(body="Texte modifié après la première délibération.")
    second = lifecycle.freeze(convention)
    assert second.number == 2
    deliberation = convention.parties.get(role=PartyRole.LEAD).deliberations.get()
    assert deliberation.is_outdated
    with pytest.raises(LifecycleError, match="il manque la délibération adoptée"):
        lifecycle.start_signing(convention)


def test_reopen_is_only_possible_in_deliberation(convention):
    with pytest.raises(LifecycleError, match="Impossible de rouvrir la convention"):
        lifecycle.reopen(convention)


def test_signing_requires_all_deliberations(convention):
    lifecycle.freeze(convention)
    lead = convention.parties.get(role=PartyRole.LEAD)
    DeliberationFactory(party=lead, version=convention.current_version)
    with pytest.raises(LifecycleError) as error:
        lifecycle.start_signing(convention)
    communes = convention.parties.filter(role=PartyRole.CO_SIGNATORY)
    for party in communes:
        assert str(party.organisation) in str(error.value)
    assert str(lead.organisation) not in str(error.value)
    assert "MSA" not in str(error.value)
    assert convention.state == ConventionState.IN_DELIBERATION


def test_a_rejected_deliberation_does_not_open_signing(convention):
    lifecycle.freeze(convention)
    deliberate_all(convention)
    commune = convention.parties.filter(role=PartyRole.CO_SIGNATORY).first()
    commune.deliberations.update(outcome=Outcome.REJECTED)
    with pytest.raises(LifecycleError, match=str(commune.organisation)):
        lifecycle.start_signing(convention)


def test_signing_cannot_start_from_draft(convention):
    with pytest.raises(LifecycleError, match="Impossible de mettre à la signature"):
        lifecycle.start_signing(convention)


def test_last_signature_makes_the_convention_signed_and_in_force(convention):
    lifecycle.freeze(convention)
    deliberate_all(convention)
    lifecycle.start_signing(convention)
    pending = lifecycle.pending_signatures(convention)
    assert len(pending) == 5  # two for the Caf, one per local authority, none for the MSA
    for party, representative in pending[:-1]:
        lifecycle.record_signature(
            convention, party=party, representative=representative, signed_on=TODAY
        )
        assert convention.state == ConventionState.SIGNING
    party, representative = pending[-1]
    lifecycle.record_signature(
        convention, party=party, representative=representative, signed_on=TODAY
    )
    assert convention.state == ConventionState.SIGNED
    assert convention.signed_on == TODAY
    assert convention.status_label(datetime.date(2025, 12, 1)) == "Signée, pas encore en vigueur"
    assert convention.status_label(datetime.date(2026, 6, 1)) == "En vigueur"
    assert convention.status_label(datetime.date(2031, 1, 1)) == "Échue"


def test_signature_guards(convention):
    lifecycle.freeze(convention)
    deliberate_all(convention)
    lifecycle.start_signing(convention)
    party, representative = lifecycle.pending_signatures(convention)[0]
    stranger = RepresentativeFactory(last_name="INCONNU")
    with pytest.raises(LifecycleError, match="n'est pas désigné"):
        lifecycle.record_signature(
            convention, party=party, representative=stranger, signed_on=TODAY
        )
    with pytest.raises(LifecycleError, match="dans le futur"):
        lifecycle.record_signature(
            convention,
            party=party,
            representative=representative,
            signed_on=TODAY + datetime.timedelta(days=1),
        )
    lifecycle.record_signature(
        convention, party=party, representative=representative, signed_on=TODAY
    )
    with pytest.raises(LifecycleError, match="a déjà signé"):
        lifecycle.record_signature(
            convention, party=party, representative=representative, signed_on=TODAY
        )
    other = PartyFactory()
    with pytest.raises(LifecycleError, match="n'appartient pas à la convention"):
        lifecycle.record_signature(
            convention, party=other, representative=representative, signed_on=TODAY
        )


def test_signature_outside_signing_is_refused(convention):
    party = convention.parties.get(role=PartyRole.LEAD)
    with pytest.raises(LifecycleError, match="Impossible d'enregistrer une signature"):
        lifecycle.record_signature(
            convention,
            party=party,
            representative=party.signatories.get(),
            signed_on=TODAY,
        )


@pytest.mark.parametrize(
    ("mode", "earliest"),
    [
        (TerminationMode.FORMAL_NOTICE, datetime.date(2027, 4, 15)),
        (TerminationMode.MUTUAL_CONSENT, datetime.date(2027, 9, 15)),
        (TerminationMode.UNILATERAL_CHANGE, datetime.date(2027, 3, 15)),
    ],
)
def test_termination_respects_the_notice_of_its_mode(convention, mode, earliest):
    signed_convention(convention)
    notice = datetime.date(2027, 3, 15)
    if earliest > notice:
        with pytest.raises(LifecycleError, match=f"avant le {earliest:%d/%m/%Y}"):
            lifecycle.terminate(
                convention,
                mode=mode,
                notice_on=notice,
                effective_on=earliest - datetime.timedelta(days=1),
                reason="Désaccord sur le plan d'actions",
            )
    lifecycle.terminate(
        convention, mode=mode, notice_on=notice, effective_on=earliest, reason="Désaccord"
    )
    assert convention.state == ConventionState.TERMINATED
    assert convention.is_in_force(earliest - datetime.timedelta(days=1))
    assert not convention.is_in_force(earliest)


def test_termination_needs_a_reason_and_a_signed_convention(convention):
    with pytest.raises(LifecycleError, match="Impossible de résilier"):
        lifecycle.terminate(
            convention,
            mode=TerminationMode.MUTUAL_CONSENT,
            notice_on=TODAY,
            effective_on=datetime.date(2027, 1, 1),
            reason="Fusion",
        )
    signed_convention(convention)
    with pytest.raises(LifecycleError, match="motif"):
        lifecycle.terminate(
            convention,
            mode=TerminationMode.MUTUAL_CONSENT,
            notice_on=TODAY,
            effective_on=datetime.date(2027, 1, 1),
            reason="  ",
        )


def test_renewal_makes_a_new_draft_with_current_representatives_and_the_plan(convention):
    axis = AxisFactory(convention=convention, number=1)
    objective = ObjectiveFactory(axis=axis, number=1)
    sheet = ActionSheetFactory(axis=axis, objective=objective, number=1)
    sheet.pilot_party = convention.parties.get(role=PartyRole.LEAD)
    sheet.save()
    IndicatorFactory(action_sheet=sheet)
    FollowUp.objects.create(action_sheet=sheet, year=2026, quarter=1)
    signed_convention(convention)
    commune = convention.parties.filter(role=PartyRole.CO_SIGNATORY).first()
    former_mayor = commune.signatories.get()
    former_mayor.mandate_end = datetime.date(2026, 3, 21)
    former_mayor.save()
    new_mayor = RepresentativeFactory(
        organisation=commune.organisation,
        first_name="Claire",
        last_name="NOUVELLE",
        mandate_start=datetime.date(2026, 3, 22),
    )

    renewed = lifecycle.renew(convention, reference="ctg-renouvelee-2031-2035")

    assert renewed.state == ConventionState.DRAFT
    assert renewed.predecessor == convention
    assert (renewed.start_date, renewed.end_date) == (
        datetime.date(2031, 1, 1),
        datetime.date(2035, 12, 31),
    )
    assert renewed.parties.count() == convention.parties.count()
    renewed_commune = renewed.parties.get(organisation=commune.organisation)
    assert list(renewed_commune.signatories.all()) == [new_mayor]
    assert renewed.articles.count() == 1
    copied = ActionSheet.objects.get(convention=renewed)
    assert copied.title == sheet.title
    assert copied.objective.code == "1.1"
    assert copied.pilot_party.convention == renewed
    assert copied.indicators.count() == 1
    assert not copied.follow_ups.exists()
    with pytest.raises(LifecycleError, match="déjà été renouvelée"):
        lifecycle.renew(convention, reference="encore-une")


def test_renewal_of_a_draft_is_refused(convention):
    with pytest.raises(LifecycleError, match="Impossible de renouveler"):
        lifecycle.renew(convention, reference="trop-tot")


def test_amendment_has_its_own_deliberations_and_signatures(convention):
    signed_convention(convention)
    amendment = lifecycle.amend(
        convention,
        subject="Ajout d'une fiche action sur l'inclusion numérique",
        changes_action_plan=True,
    )
    assert amendment.number == 1
    with pytest.raises(LifecycleError, match="Un avenant est déjà en cours"):
        lifecycle.amend(convention, subject="Deuxième avenant")
    with pytest.raises(LifecycleError, match="Décrivez les modifications"):
        lifecycle.freeze_amendment(amendment)
    amendment.changes_description = "Ajout de la fiche action n° 11 en annexe 3."
    amendment.save()
    lifecycle.freeze_amendment(amendment)
    assert amendment.state == AmendmentState.IN_DELIBERATION
    assert len(amendment.content_hash) == 64
    with pytest.raises(LifecycleError, match="il manque la délibération adoptée"):
        lifecycle.start_amendment_signing(amendment)
    # Deliberations on the convention itself do not count for the amendment.
    for party in convention.parties.filter(requires_deliberation=True):
        DeliberationFactory(party=party, amendment=amendment)
    lifecycle.start_amendment_signing(amendment)
    for party, representative in lifecycle.pending_signatures(convention, amendment=amendment):
        lifecycle.record_amendment_signature(
            amendment, party=party, representative=representative, signed_on=TODAY
        )
    assert amendment.state == AmendmentState.SIGNED
    assert amendment.signed_on == TODAY
    second = lifecycle.amend(convention, subject="Mise à jour de l'annexe 2")
    assert second.number == 2


def test_amending_an_unsigned_convention_is_refused(convention):
    with pytest.raises(LifecycleError, match="Impossible de créer un avenant"):
        lifecycle.amend(convention, subject="Trop tôt")


def test_history_records_who_changed_what(convention):
    user = UserFactory()
    convention.title = "CTG du Val d'Argent 2026-2030"
    convention._history_user = user
    convention.save()
    # Time is frozen here, so order the records by id rather than by date.
    created, changed = convention.history.order_by("history_id")
    assert (created.history_type, changed.history_type) == ("+", "~")
    assert changed.history_user == user
    assert changed.title == "CTG du Val d'Argent 2026-2030"
    assert created.title != changed.title
