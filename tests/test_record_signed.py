"""A convention signed before the application is recorded as the documents say."""

import datetime

import pytest
import time_machine

from conventions import lifecycle
from conventions.lifecycle import LifecycleError
from conventions.models import ConventionState, Outcome, PartyRole, Signature
from tests.factories import (
    ArticleFactory,
    ConventionFactory,
    DeliberationFactory,
    PartyFactory,
    RepresentativeFactory,
    caf_party,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2025, 11, 20, 10, 0), tick=False):
        yield


@pytest.fixture
def convention():
    convention = ConventionFactory(
        start_date=datetime.date(2023, 1, 1), end_date=datetime.date(2027, 12, 31)
    )
    caf_party(convention)
    lead = PartyFactory(
        convention=convention, organisation=convention.lead_authority, role=PartyRole.LEAD
    )
    lead.signatories.set([RepresentativeFactory(organisation=lead.organisation)])
    commune = PartyFactory(convention=convention)
    commune.signatories.set([RepresentativeFactory(organisation=commune.organisation)])
    ArticleFactory(convention=convention)
    return convention


def test_a_draft_becomes_signed_on_the_real_date_with_its_text_frozen(convention):
    warnings = lifecycle.record_signed_convention(convention, signed_on=datetime.date(2022, 11, 21))

    convention.refresh_from_db()
    assert convention.state == ConventionState.SIGNED
    assert convention.signed_on == datetime.date(2022, 11, 21)
    assert convention.versions.count() == 1
    assert Signature.objects.filter(party__convention=convention).count() == 4
    assert not lifecycle.pending_signatures(convention)
    assert any("Aucune délibération adoptée" in line for line in warnings)


def test_each_signing_person_keeps_their_own_date_and_the_last_one_signs_the_convention(
    convention,
):
    commune = convention.parties.get(role=PartyRole.CO_SIGNATORY)
    mayor = commune.signatories.get()
    lifecycle.record_signed_convention(
        convention,
        signed_on=datetime.date(2022, 11, 21),
        signature_dates={(commune.pk, mayor.pk): datetime.date(2022, 12, 2)},
    )

    convention.refresh_from_db()
    assert convention.signed_on == datetime.date(2022, 12, 2)
    assert Signature.objects.get(party=commune).signed_on == datetime.date(2022, 12, 2)


def test_a_deliberation_after_the_signature_is_a_warning_not_an_error(convention):
    commune = convention.parties.get(role=PartyRole.CO_SIGNATORY)
    DeliberationFactory(
        party=commune,
        version=None,
        session_date=datetime.date(2023, 4, 5),
        outcome=Outcome.ADOPTED,
        members_in_office=None,
        present=None,
        votes_cast=None,
        votes_for=None,
    )

    warnings = lifecycle.record_signed_convention(convention, signed_on=datetime.date(2022, 11, 21))

    assert convention.state == ConventionState.SIGNED
    assert any("avant la délibération" in line and "05/04/2023" in line for line in warnings)
    # The deliberation recorded before is now on the signed text.
    assert commune.deliberations.get().version == convention.current_version


def test_a_signature_in_the_future_is_refused_and_nothing_is_written(convention):
    with pytest.raises(LifecycleError, match="futur"):
        lifecycle.record_signed_convention(convention, signed_on=datetime.date(2026, 1, 1))

    convention.refresh_from_db()
    assert convention.state == ConventionState.DRAFT
    assert not Signature.objects.filter(party__convention=convention).exists()


def test_a_party_without_signatory_prevents_recording(convention):
    convention.parties.get(role=PartyRole.CO_SIGNATORY).signatories.clear()

    with pytest.raises(LifecycleError, match="n'a pas de signataire désigné"):
        lifecycle.record_signed_convention(convention, signed_on=datetime.date(2022, 11, 21))
    assert not convention.versions.exists()


def test_a_signed_convention_cannot_be_recorded_again(convention):
    lifecycle.record_signed_convention(convention, signed_on=datetime.date(2022, 11, 21))

    with pytest.raises(LifecycleError, match="« Signée »"):
        lifecycle.record_signed_convention(convention, signed_on=datetime.date(2022, 11, 21))
