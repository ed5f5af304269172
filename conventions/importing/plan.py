"""The action plan (annexe 3) of an imported convention: axes, objectives, sheets.

Numbers follow actionplan/editing.py: axes 1..n, objectives 1..n in their axis,
sheets 1..n in the order a reader meets them (by axis, the sheets attached to
the axis itself first, then objective by objective), whatever the document's
own numbering.
"""

import datetime
import re

from actionplan.models import ActionSheet, Axis, Indicator, Objective
from conventions.importing.rows import save
from conventions.importing.text import fold
from conventions.models import PartyRole

# Words left out of an acronym: "Pays de Montbéliard Agglomération" is "PMA".
SMALL_WORDS = {"de", "du", "des", "la", "le", "les", "l", "d", "et", "en", "a", "aux", "au"}


def build_action_plan(convention, read, parties, user):
    """`parties` are the convention's Party rows, in the order of `read.parties`."""
    names = [
        (party, _names(party, entry)) for party, entry in zip(parties, read.parties, strict=True)
    ]
    number = 0
    for axis_number, entry in enumerate(read.axes, start=1):
        axis = save(
            Axis(convention=convention, number=axis_number, title=entry.title.strip()),
            f"Axe {axis_number}",
            user,
        )
        groups = [(None, entry.sheets)]
        for objective_number, objective_entry in enumerate(entry.objectives, start=1):
            objective = save(
                Objective(axis=axis, number=objective_number, title=objective_entry.title.strip()),
                f"Objectif {axis_number}.{objective_number}",
                user,
            )
            groups.append((objective, objective_entry.sheets))
        for objective, sheets in groups:
            for sheet in sheets:
                number += 1
                _build_sheet(convention, axis, objective, number, sheet, names, user)


def _build_sheet(convention, axis, objective, number, entry, names, user):
    implementation = entry.implementation.strip()
    deadline = datetime.date.fromisoformat(entry.deadline) if entry.deadline else None
    if entry.deadline_text.strip() and not deadline and not entry.deadline_whole_period:
        # A deadline written in words ("fin 2024", "rentrée") has no field of its own:
        # it is kept with the implementation rather than lost.
        implementation = "\n".join(
            filter(None, [implementation, f"Échéance : {entry.deadline_text.strip()}"])
        )
    sheet = save(
        ActionSheet(
            convention=convention,
            axis=axis,
            objective=objective,
            number=number,
            title=entry.title.strip(),
            initial_diagnostic=entry.initial_diagnostic.strip(),
            target_public=entry.target_public.strip(),
            operational_objectives=entry.operational_objectives.strip(),
            implementation=implementation,
            deadline=deadline,
            deadline_whole_period=entry.deadline_whole_period and deadline is None,
            pilot_party=pilot_party(entry.pilot_services, names),
            pilot_services=entry.pilot_services.strip(),
            other_partners=entry.partners.strip(),
            expected_results=entry.expected_results.strip(),
            human_means=entry.human_means.strip(),
            territory=entry.territory.strip(),
        ),
        f"Fiche action {number}",
        user,
    )
    for position, label in enumerate(indicator_lines(entry.indicators)):
        save(
            Indicator(action_sheet=sheet, position=position, label=label),
            f"Fiche action {number}, indicateur « {label[:40]} »",
            user,
        )


def indicator_lines(indicators):
    """One label per line of the indicators read, bullets removed."""
    lines = []
    for text in indicators:
        for line in text.splitlines():
            line = line.strip().lstrip("-•➤▪ ").strip()
            if line:
                lines.append(line)
    return lines


def _acronym(name):
    words = [w for w in fold(name).split() if w not in SMALL_WORDS]
    return "".join(w[0] for w in words) if len(words) > 1 else ""


def _names(party, entry):
    """The folded ways a sheet may name a party: its names, short name and acronym."""
    organisation = party.organisation
    names = {organisation.name, organisation.long_name, entry.name, entry.short_name}
    names |= {_acronym(organisation.long_name), _acronym(entry.name)}
    folded = {fold(n) for n in names if n}
    folded = {re.sub(r"^(?:la|le|les|l) ", "", n) for n in folded}
    if party.role == PartyRole.CAF:
        folded.add("caf")
    return {n for n in folded if len(n) >= 2}


def pilot_party(pilot_services, names):
    """The one party the "services mobilisés" text names, else None (several or none)."""
    text = f" {fold(pilot_services)} "
    named = [party for party, aliases in names if any(f" {a} " in text for a in aliases)]
    return named[0] if len(named) == 1 else None
