"""Which conventions each Caf has: how many, led by which EPCI, over which period, in which state.

Plain data in, plain data out: the reference data (Cafs and their EPCIs, as
light records) and a random generator; no database access. Every Caf's
conventions are led by real EPCIs of its département, at most two per EPCI (a
convention and its renewal), so the biggest Caf is the one with most EPCIs.
"""

import datetime
from dataclasses import dataclass, field

# Conventions of the whole country at scale 1.0 (DOMAIN.md §9).
NATIONAL_CONVENTIONS = 1300
# Share of a Caf's conventions that are the renewal of an earlier one.
RENEWAL_SHARE = 0.2
# Conventions not signed yet: a new CTG being prepared, starting on 1 January next.
UNSIGNED_STATES = [("draft", 0.4), ("in_deliberation", 0.35), ("signing", 0.25)]
# The start years of conventions in force, so that today falls in every year of five.
IN_FORCE_START_YEARS = [(2022, 0.5), (2023, 0.3), (2024, 0.1), (2025, 0.06), (2026, 0.04)]


@dataclass
class Spec:
    """One convention to write."""

    lead_id: int
    start: datetime.date
    end: datetime.date
    state: str
    predecessor: "Spec | None" = None
    terminated: bool = False
    # Filled by the writer: the convention row and the communes chosen as parties
    # (a renewal carries its predecessor's parties over).
    convention: object = None
    commune_ids: list = field(default_factory=list)


def period(start_year, years):
    return datetime.date(start_year, 1, 1), datetime.date(start_year + years - 1, 12, 31)


def weighted(rng, choices):
    """One value of [(value, weight), ...]."""
    total = sum(weight for _, weight in choices)
    roll = rng.random() * total
    for value, weight in choices:
        roll -= weight
        if roll < 0:
            return value
    return choices[-1][0]


def allocate(capacities, total, rng):
    """Conventions per Caf: uneven (weighted by the square of the number of EPCIs, with
    noise), every Caf at least three (or one) when there are enough, none above its
    capacity.

    capacities: the most conventions each Caf may have (two per EPCI), in a fixed order.
    """
    total = min(total, sum(capacities))
    weights = [(capacity / 2) ** 2 * rng.uniform(0.7, 1.3) for capacity in capacities]
    quotas = [total * weight / sum(weights) for weight in weights]
    floor = 3 if total >= 6 * len(capacities) else 1 if total >= len(capacities) else 0
    counts = [
        min(capacity, max(floor, round(quota)))
        for capacity, quota in zip(capacities, quotas, strict=True)
    ]
    while sum(counts) < total:
        # The Caf furthest below its quota, among those not full.
        index = max(
            (i for i, count in enumerate(counts) if count < capacities[i]),
            key=lambda i: (quotas[i] - counts[i], -i),
        )
        counts[index] += 1
    while sum(counts) > total:
        index = max(
            (i for i, count in enumerate(counts) if count > floor),
            key=lambda i: (counts[i] - quotas[i], -i),
        )
        counts[index] -= 1
    return counts


def plan_caf(rng, epci_ids, count):
    """The specs of one Caf's `count` conventions over its EPCIs (ids in a fixed order)."""
    if not count or not epci_ids:
        return []
    renewals = max(count - len(epci_ids), min(count // 2, round(RENEWAL_SHARE * count)))
    chains = count - renewals
    leads = sorted(rng.sample(list(epci_ids), chains))
    renewed = set(rng.sample(range(chains), renewals))
    specs = []
    for index, lead_id in enumerate(leads):
        if index in renewed:
            specs.extend(_renewal(rng, lead_id))
        else:
            specs.append(_single(rng, lead_id))
    return specs


def _single(rng, lead_id):
    if rng.random() < 0.06:
        return Spec(lead_id, *period(2027, 5), state=weighted(rng, UNSIGNED_STATES))
    years = 4 if rng.random() < 0.15 else 5
    return Spec(lead_id, *period(weighted(rng, IN_FORCE_START_YEARS), years), state="signed")


def _renewal(rng, lead_id):
    if rng.random() < 0.75:
        # The first CTG expired; its renewal is signed and in force.
        years = 4 if rng.random() < 0.2 else 5
        first = Spec(lead_id, *period(2021, years), state="signed")
        second = Spec(lead_id, *period(2021 + years, 5), state="signed", predecessor=first)
    else:
        # The first CTG ends this year; its renewal is being prepared.
        first = Spec(lead_id, *period(2022, 5), state="signed")
        second = Spec(
            lead_id, *period(2027, 4), state=weighted(rng, UNSIGNED_STATES), predecessor=first
        )
    return [first, second]


def choose_terminations(rng, specs_by_caf, count):
    """Mark `count` signed conventions without renewal, started in 2022 or 2023, terminated."""
    candidates = [
        spec
        for specs in specs_by_caf
        for spec in specs
        if spec.state == "signed"
        and spec.start.year in (2022, 2023)
        and not any(other.predecessor is spec for other in specs)
    ]
    for spec in rng.sample(candidates, min(count, len(candidates))):
        spec.terminated = True
        spec.state = "terminated"
