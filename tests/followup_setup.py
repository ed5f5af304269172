"""A signed convention in force with its follow-up, and the cast of the follow-up tests.

Cast: the Caf's adviser, the chargé de coopération of a party, a reader of a
party, a chargé de coopération of an organisation that is not party, the
adviser of another Caf, and an administrator.
"""

import datetime
from dataclasses import dataclass

from actionplan.models import (
    FollowUp,
    FollowUpState,
    IndicatorKind,
    IndicatorTarget,
)
from conventions.models import ConventionState, PartyRole
from partners.models import Role
from tests.factories import (
    ActionSheetFactory,
    AxisFactory,
    ConventionFactory,
    IndicatorFactory,
    OrganisationFactory,
    PartyFactory,
    UserFactory,
)

# 10 May 2026: the second quarter of 2026 is the current one, the first is past.
TODAY = datetime.datetime(2026, 5, 10, 9, 0)


@dataclass
class Setting:
    convention: object
    sheets: list
    indicators: list
    entries: dict  # (sheet number, year, quarter) -> FollowUp
    users: dict


def signed_convention(sheets=2, quarters=((2026, 1), (2026, 2)), **kwargs):
    convention = ConventionFactory(state=ConventionState.SIGNED, **kwargs)
    PartyFactory(convention=convention, organisation=convention.caf, role=PartyRole.CAF)
    lead = PartyFactory(
        convention=convention, organisation=convention.lead_authority, role=PartyRole.LEAD
    )
    commune = PartyFactory(convention=convention)
    axis = AxisFactory(convention=convention, number=1, title="Petite enfance")
    action_sheets = [
        ActionSheetFactory(axis=axis, number=n, title=f"Action numéro {n}", pilot_party=lead)
        for n in range(1, sheets + 1)
    ]
    indicators = []
    for sheet in action_sheets:
        counted = IndicatorFactory(action_sheet=sheet, label="Places créées", unit="places")
        IndicatorTarget.objects.create(
            indicator=counted, value=40, date=datetime.date(2030, 12, 31)
        )
        described = IndicatorFactory(
            action_sheet=sheet, label="Partenariats noués", kind=IndicatorKind.QUALITATIVE
        )
        indicators += [counted, described]
    entries = {}
    for sheet in action_sheets:
        for year, quarter in quarters:
            entries[(sheet.number, year, quarter)] = FollowUp.objects.create(
                action_sheet=sheet, year=year, quarter=quarter, state=FollowUpState.OPEN
            )
    users = {
        "adviser": UserFactory(
            role=Role.ADVISER, organisation=convention.caf, first_name="Claire", last_name="Roth"
        ),
        "cooperation": UserFactory(
            role=Role.COOPERATION,
            organisation=convention.lead_authority,
            first_name="Léa",
            last_name="Gaschy",
        ),
        "reader": UserFactory(role=Role.READER, organisation=commune.organisation),
        "other_cooperation": UserFactory(
            role=Role.COOPERATION, organisation=OrganisationFactory(as_epci=True)
        ),
        "other_adviser": UserFactory(adviser=True),
        "admin": UserFactory(administrator=True),
    }
    return Setting(convention, action_sheets, indicators, entries, users)


def entry_data(**changes):
    data = {
        "status": "in_progress",
        "progress": 40,
        "achievements": "Deux réunions du collectif petite enfance.",
        "difficulties": "",
        "next_steps": "Ouvrir le guichet unique en septembre.",
    }
    data.update(changes)
    return data
