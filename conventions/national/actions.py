"""The action plans of one Caf's generated conventions, their quarterly follow-up and meetings.

Plans: 3 to 5 axes, 2 or 3 objectives each, 10 to 120 action sheets (most 20 to 50),
1 to 3 indicators per sheet with their targets, fundings on some. Follow-up: one
entry per sheet for every elapsed quarter of a signed convention, up to the current
one, as people really leave them: past quarters mostly validated, some still
transmitted, sent back or late; the current one mostly to fill in or in draft. Each
sheet follows a trajectory (a late start, a pace, sometimes a difficulty, a delay or
an abandonment), so that statuses and progress read consistently quarter after
quarter and satisfy FollowUp.clean (done at 100 %, not started at 0).
"""

import datetime
from decimal import Decimal

from django.db import connection

from actionplan.followup import current_quarter
from actionplan.models import (
    ActionSheet,
    Axis,
    FollowUp,
    Funding,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Meeting,
    Objective,
    Review,
)

from . import vocabulary as words

BATCH = 2000
CENT = Decimal("0.01")
UTC = datetime.UTC
# Plan sizes: (weight, smallest, largest) number of action sheets.
PLAN_SIZES = [(0.025, 120, 120), (0.08, 10, 19), (0.765, 20, 48), (0.13, 49, 80)]
PERIODICITY_QUARTERS = {"quarterly": (1, 2, 3, 4), "half_yearly": (2, 4), "yearly": (4,)}


def plan_size(rng):
    roll = rng.random()
    for weight, smallest, largest in PLAN_SIZES:
        if roll < weight:
            return rng.randint(smallest, largest)
        roll -= weight
    return rng.randint(20, 45)


def money(value):
    return Decimal(value).quantize(CENT)


def write_plan(context, builts, rng):
    axes, objectives, sheets = [], [], []
    for built in builts:
        chosen = sorted(rng.sample(range(len(words.AXES)), rng.randint(3, 5)))
        for number, axis_index in enumerate(chosen, start=1):
            title, _, objective_titles, _, _ = words.AXES[axis_index]
            axis = Axis(convention_id=built.convention.pk, number=number, title=title)
            axis.vocabulary = words.AXES[axis_index]
            own = rng.sample(objective_titles, rng.randint(2, min(3, len(objective_titles))))
            axis_objectives = [
                Objective(axis=axis, number=n, title=t) for n, t in enumerate(own, start=1)
            ]
            built.axes.append((axis, axis_objectives))
            axes.append(axis)
            objectives.extend(axis_objectives)
    Axis.objects.bulk_create(axes, batch_size=BATCH)
    for objective in objectives:
        objective.axis_id = objective.axis.pk
    Objective.objects.bulk_create(objectives, batch_size=BATCH)
    for built in builts:
        sheets.extend(_sheets(context, built, rng))
    ActionSheet.objects.bulk_create(sheets, batch_size=500)
    _sheet_children(context, sheets, rng)


def _sheets(context, built, rng):
    convention = built.convention
    lead = context.organisations[built.spec.lead_id]
    communes = [context.organisations[i].name for i in built.spec.commune_ids]
    places = communes or words.SECTORS
    count = plan_size(rng)
    # Sheets spread over the axes, at least two per axis, in the axes' order.
    per_axis = [2] * len(built.axes)
    for _ in range(count - 2 * len(built.axes)):
        per_axis[rng.randrange(len(built.axes))] += 1
    pilots = built.parties["lead"] + built.parties["caf"]
    number = 0
    used = set()
    result = []
    for (axis, objectives), axis_count in zip(built.axes, per_axis, strict=True):
        _, themes, _, titles, indicators = axis.vocabulary
        for _ in range(axis_count):
            number += 1
            title = rng.choice(titles)
            if title in used:
                title = f"{title} ({rng.choice(places)})"
            if title in used:
                title = f"{title} – volet {number}"
            used.add(title)
            objective = rng.choice(objectives)
            pilot = pilots[0] if rng.random() < 0.85 else pilots[-1]
            whole = rng.random() < 0.6
            sheet = ActionSheet(
                convention_id=convention.pk,
                axis_id=axis.pk,
                objective_id=None,
                number=number,
                title=title,
                initial_diagnostic=rng.choice(words.DIAGNOSTICS).format(n=rng.randint(5, 30)),
                target_public=rng.choice(words.PUBLICS),
                operational_objectives=rng.choice(words.OPERATIONAL),
                implementation=rng.choice(words.IMPLEMENTATIONS),
                deadline=None
                if whole
                else datetime.date(
                    rng.randint(convention.start_date.year, convention.end_date.year), 12, 31
                ),
                deadline_whole_period=whole,
                pilot_party_id=pilot.pk,
                pilot_services=rng.choice(words.PILOT_SERVICES),
                other_partners=rng.choice(words.OTHER_PARTNERS),
                expected_results=rng.choice(words.RESULTS),
                human_means=rng.choice(words.HUMAN_MEANS),
                territory=lead.long_name if rng.random() < 0.7 else rng.choice(places),
            )
            sheet.objective_ref = objective
            sheet.axis_number = axis.number
            sheet.objective_code = f"{axis.number}.{objective.number}"
            sheet.theme_codes = sorted(set(rng.sample(themes, rng.randint(1, len(themes)))))
            sheet.pilot_name = pilot.generated_organisation.name
            sheet.indicator_pool = indicators
            sheet.built = built
            sheet.partners = [p for p in built.party_rows if p[0] is not pilot]
            result.append(sheet)
    for sheet in result:
        sheet.objective_id = sheet.objective_ref.pk
    built.sheets = result
    return result


def _sheet_children(context, sheets, rng):
    theme_links, partner_links, indicators, targets, fundings = [], [], [], [], []
    for sheet in sheets:
        convention = sheet.built.convention
        for code in sheet.theme_codes:
            theme_links.append(
                ActionSheet.themes.through(
                    actionsheet_id=sheet.pk, theme_id=context.themes[code].pk
                )
            )
        for party, _, _ in rng.sample(sheet.partners, min(len(sheet.partners), rng.randint(0, 2))):
            partner_links.append(
                ActionSheet.partner_parties.through(actionsheet_id=sheet.pk, party_id=party.pk)
            )
        sheet.generated_indicators = []
        chosen = rng.sample(sheet.indicator_pool, rng.randint(1, 3))
        for position, (label, unit, periodicity) in enumerate(chosen, start=1):
            indicator, indicator_targets = _indicator(
                sheet, convention, position, label, unit, periodicity, rng
            )
            indicators.append(indicator)
            targets.extend(indicator_targets)
            sheet.generated_indicators.append((indicator, indicator_targets))
        sheet.generated_fundings = []
        if rng.random() < 0.3:
            funders = [p for p in sheet.built.party_rows if p[0].role in ("caf", "lead")]
            for _party, organisation, _ in rng.sample(funders, rng.randint(1, len(funders))):
                funding = Funding(
                    action_sheet_id=sheet.pk,
                    funder_id=organisation.pk,
                    amount=money(rng.randrange(2000, 80000, 500)),
                    human_means=rng.choice(words.HUMAN_MEANS) if rng.random() < 0.5 else "",
                )
                fundings.append(funding)
                sheet.generated_fundings.append((funding, organisation.name))
    ActionSheet.themes.through.objects.bulk_create(theme_links, batch_size=BATCH)
    ActionSheet.partner_parties.through.objects.bulk_create(partner_links, batch_size=BATCH)
    Indicator.objects.bulk_create(indicators, batch_size=BATCH)
    for target in targets:
        target.indicator_id = target.indicator.pk
    IndicatorTarget.objects.bulk_create(targets, batch_size=BATCH)
    Funding.objects.bulk_create(fundings, batch_size=BATCH)


def _indicator(sheet, convention, position, label, unit, periodicity, rng):
    qualitative = not unit
    start, end = convention.start_date, convention.end_date
    baseline_date = datetime.date(start.year - 1, 12, 31)
    indicator = Indicator(
        action_sheet_id=sheet.pk,
        position=position,
        label=label,
        kind="qualitative" if qualitative else "quantitative",
        unit=unit,
        baseline_date=baseline_date,
        periodicity=periodicity,
        source=rng.choice(["Bilans d'activité", "Données Caf", "Tableau de suivi", "Enquête"]),
    )
    dates = [end]
    if rng.random() < 0.3:
        dates.insert(0, datetime.date(start.year + 2, 12, 31))
    if qualitative:
        indicator.baseline_text = "Situation initiale décrite dans le diagnostic partagé"
        targets = [
            IndicatorTarget(indicator=indicator, text="Objectif atteint et partagé", date=day)
            for day in dates
        ]
    else:
        baseline = rng.randint(0, 100) if unit == "%" else rng.randint(5, 300)
        final = (
            min(100, baseline + rng.randint(5, 30))
            if unit == "%"
            else round(baseline * rng.uniform(1.1, 1.8))
        )
        indicator.baseline_value = money(baseline)
        indicator.target_final = final
        targets = [
            IndicatorTarget(
                indicator=indicator,
                value=money(final if day == end else (baseline + final) // 2),
                date=day,
            )
            for day in dates
        ]
    return indicator, targets


# -- Follow-up ------------------------------------------------------------------------


def quarters_between(first, last):
    """(year, quarter) from first to last included."""
    year, quarter = first
    while (year, quarter) <= last:
        yield year, quarter
        year, quarter = (year, quarter + 1) if quarter < 4 else (year + 1, 1)


def _quarter_end(year, quarter):
    if quarter == 4:
        return datetime.date(year, 12, 31)
    return datetime.date(year, 3 * quarter + 1, 1) - datetime.timedelta(days=1)


def elapsed_quarters(convention, today):
    """The quarters of a signed convention that have begun by today (up to its end or
    its termination)."""
    if convention.state not in ("signed", "terminated"):
        return []
    last_day = min(today, convention.end_date)
    if convention.terminated_on:
        last_day = min(last_day, convention.terminated_on)
    if last_day < convention.start_date:
        return []
    return list(quarters_between(current_quarter(convention.start_date), current_quarter(last_day)))


# Who holds the entry, by age of the quarter (0: the current one): [(state, weight)].
STATE_MIX = {
    0: [("open", 0.55), ("draft", 0.3), ("submitted", 0.1), ("validated", 0.05)],
    1: [("validated", 0.55), ("submitted", 0.2), ("returned", 0.08), ("draft", 0.09),
        ("open", 0.08)],
    2: [("validated", 0.9), ("submitted", 0.04), ("returned", 0.02), ("draft", 0.02),
        ("open", 0.02)],
}  # fmt: skip


def _pick(rng, choices):
    roll = rng.random()
    for value, weight in choices:
        if roll < weight:
            return value
        roll -= weight
    return choices[0][0]


def write_follow_ups(context, builts, advisers, rng):
    today = context.today
    current = current_quarter(today)
    now = datetime.datetime(today.year, today.month, today.day, 7, tzinfo=UTC)
    pending, values = [], []
    for built in builts:
        convention = built.convention
        quarters = elapsed_quarters(convention, today)
        if not quarters:
            continue
        total = len(
            list(
                quarters_between(
                    current_quarter(convention.start_date), current_quarter(convention.end_date)
                )
            )
        )
        writer = context.cooperation.get(built.spec.lead_id)
        adviser = advisers[0] if len(advisers) == 1 else rng.choice(advisers)
        # A late authority leaves its last quarters unsent, whole conventions at a time.
        late = rng.random() < 0.12
        for sheet in built.sheets:
            trajectory = _trajectory(rng, len(quarters))
            for index, (year, quarter) in enumerate(quarters):
                age = (current[0] - year) * 4 + current[1] - quarter
                mix = STATE_MIX[min(age, 2)]
                state = _pick(rng, mix)
                if late and age <= 1:
                    state = "open" if age == 0 else rng.choice(["open", "draft"])
                entry = _entry(sheet, year, quarter, state, trajectory[index], rng)
                if state in ("submitted", "validated", "returned"):
                    _stamp(entry, year, quarter, age, now, writer, adviser, rng)
                built.stats[state] += 1
                pending.append(entry)
                if state != "open":
                    values.extend(_values(sheet, entry, year, quarter, index == total - 1, rng))
        if len(pending) >= 20000:
            _flush(pending, values)
            pending, values = [], []
    _flush(pending, values)


def _flush(entries, values):
    if connection.vendor == "postgresql":
        # The two biggest tables (1.3 million rows at scale 1) go in with COPY, several
        # times faster than INSERT statements; their ids come from their sequences.
        _copy(FollowUp, entries)
        for value in values:
            value.follow_up_id = value.follow_up.pk
        _copy(IndicatorValue, values)
        return
    FollowUp.objects.bulk_create(entries, batch_size=BATCH)
    for value in values:
        value.follow_up_id = value.follow_up.pk
    IndicatorValue.objects.bulk_create(values, batch_size=BATCH)


def _copy(model, rows):
    if not rows:
        return
    table = model._meta.db_table
    fields = model._meta.concrete_fields
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
            [table, len(rows)],
        )
        for row, (pk,) in zip(rows, cursor.fetchall(), strict=True):
            row.pk = pk
        columns = ", ".join(connection.ops.quote_name(f.column) for f in fields)
        with cursor.cursor.copy(
            f"COPY {connection.ops.quote_name(table)} ({columns}) FROM STDIN"
        ) as copy:
            for row in rows:
                copy.write_row([getattr(row, f.attname) for f in fields])


def _trajectory(rng, quarters):
    """(status, progress) for each quarter of one action sheet."""
    delay = rng.choice([0, 0, 0, 1, 1, 2, 3, 5])
    pace = rng.choice([5, 5, 10, 10, 10, 15, 20, 25])
    abandon_at = rng.randint(4, 19) if rng.random() < 0.04 else None
    result, progress, status = [], 0, "not_started"
    for index in range(quarters):
        if status in ("done", "abandoned"):
            result.append((status, progress))
            continue
        if abandon_at is not None and index >= abandon_at:
            status = "abandoned"
        elif index < delay:
            status = "not_started"
        else:
            roll = rng.random()
            if roll < 0.04:
                status = "postponed"
            elif roll < 0.12:
                status = "in_difficulty"
            else:
                progress = min(100, progress + pace)
                status = "done" if progress == 100 else "in_progress"
            if status in ("postponed", "in_difficulty") and progress == 0:
                progress = 5
        result.append((status, progress))
    return result


def _entry(sheet, year, quarter, state, trajectory, rng):
    entry = FollowUp(action_sheet_id=sheet.pk, year=year, quarter=quarter, state=state)
    if state == "open":
        return entry
    entry.status, entry.progress = trajectory
    entry.revision = {"draft": 1, "submitted": 2, "returned": 3, "validated": 3}[state]
    if entry.status != "not_started":
        entry.achievements = rng.choice(words.ACHIEVEMENTS).format(
            n=rng.randint(3, 60), day=f"{rng.randint(1, 28):02d}/{3 * quarter - 1:02d}/{year}"
        )
        entry.next_steps = rng.choice(words.NEXT_STEPS)
    if entry.status in ("in_difficulty", "postponed", "abandoned") or rng.random() < 0.1:
        entry.difficulties = rng.choice(words.DIFFICULTIES)
    if state == "returned":
        entry.adviser_comment = "Merci de préciser les réalisations du trimestre et les chiffres."
    return entry


def _stamp(entry, year, quarter, age, now, writer, adviser, rng):
    """Transmission and validation times: after the quarter's end, never in the future."""
    if age == 0:
        start = datetime.datetime(year, 3 * quarter - 2, 1, 9, tzinfo=UTC)
        submitted = start + (now - start) * rng.random()
    else:
        end = _quarter_end(year, quarter)
        submitted = datetime.datetime(
            end.year, end.month, end.day, 9, tzinfo=UTC
        ) + datetime.timedelta(days=rng.randint(2, 30), minutes=rng.randint(0, 480))
    submitted = min(submitted, now - datetime.timedelta(hours=2))
    entry.submitted_at = submitted
    entry.submitted_by_id = writer.pk if writer else None
    if entry.state == "validated":
        validated = submitted + datetime.timedelta(
            days=rng.randint(1, 20), minutes=rng.randint(0, 300)
        )
        entry.validated_at = min(validated, now - datetime.timedelta(hours=1))
        entry.validated_by_id = adviser.pk


def _values(sheet, entry, year, quarter, last, rng):
    values = []
    for indicator, _ in sheet.generated_indicators:
        due = PERIODICITY_QUARTERS.get(indicator.periodicity)
        if (due is None and not last) or (due is not None and quarter not in due):
            continue
        value = IndicatorValue(indicator_id=indicator.pk, year=year, quarter=quarter)
        value.follow_up = entry
        if indicator.kind == "qualitative":
            value.text = rng.choice(words.QUALITATIVE_VALUES)
        else:
            baseline = int(indicator.baseline_value)
            reached = baseline + (indicator.target_final - baseline) * entry.progress / 100
            value.value = money(max(0, round(reached * rng.uniform(0.9, 1.1))))
        values.append(value)
    return values


# -- Steering meetings and reviews ----------------------------------------------------


def write_meetings(context, builts, rng):
    today = context.today
    meetings, reviews = [], []
    for built in builts:
        convention = built.convention
        if convention.state not in ("signed", "terminated"):
            continue
        last_year = min(convention.end_date.year, today.year)
        lead = context.organisations[built.spec.lead_id]
        attendees = (
            f"Représentants de la {built.party_rows[0][1].name}, de {lead.long_name} et des "
            "communes signataires"
        )
        for year in range(convention.start_date.year, last_year + 1):
            cotech = datetime.date(year, 5, rng.randint(5, 28))
            copil = datetime.date(year, 11, rng.randint(5, 28))
            if convention.terminated_on and copil > convention.terminated_on:
                break
            if cotech <= today:
                meetings.append(
                    Meeting(
                        convention_id=convention.pk, kind="cotech", date=cotech,
                        title=f"Comité technique {year}", attendees=attendees,
                        decisions=rng.choice(words.DECISIONS),
                    )
                )  # fmt: skip
            if copil <= today:
                meeting = Meeting(
                    convention_id=convention.pk, kind="copil", date=copil,
                    title=f"Comité de pilotage {year}", attendees=attendees,
                    decisions=rng.choice(words.DECISIONS),
                )  # fmt: skip
                meetings.append(meeting)
                kind = "yearly"
                if year == convention.start_date.year + 2:
                    kind = "mid_term"
                elif year == convention.end_date.year:
                    kind = "final"
                review = Review(
                    convention_id=convention.pk, kind=kind, date=copil,
                    summary=f"Bilan {year} présenté au comité de pilotage : "
                    f"{rng.randint(40, 90)} % des actions engagées.",
                )  # fmt: skip
                review.meeting_ref = meeting
                reviews.append(review)
    Meeting.objects.bulk_create(meetings, batch_size=BATCH)
    for review in reviews:
        review.meeting_id = review.meeting_ref.pk
    Review.objects.bulk_create(reviews, batch_size=BATCH)
