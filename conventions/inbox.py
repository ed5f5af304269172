"""What is waiting for each person: the "À faire" page and the count in the navbar.

`todo(user, today)` lists the lines, each saying what to do, how many or since
when, by when if there is a deadline, and the page where it is done. Every
line is computed from the current state of the data, so it disappears as soon
as its work is done: nothing is stored, nothing to tick off.

- The Caf's adviser (their Caf's conventions): follow-up entries transmitted
  and waiting for validation (by convention and quarter), parties of a
  convention in deliberation without an adopted deliberation, conventions in
  signing, the current quarter not opened for a convention in force, quarters
  whose entries are still not transmitted after their deadline
  (actionplan/deadlines.py), conventions ending within 12 months without a renewal started,
  steering meetings of the past year without minutes.
- An administrator: the same, nationally, at most LIMIT lines of each kind.
- A chargé de coopération (their organisation's conventions): the quarters to
  fill in with their deadline, the entries sent back with the adviser's
  comment, their council's deliberation to record.
- A reader: nothing; they read the conventions, they have nothing to do.

Each kind is one grouped query (a row per line), whatever the number of
conventions; `counts` counts the lines of every kind in one query for the
navbar, from the very same querysets, so the badge and the page always agree.
"""

import datetime
from dataclasses import dataclass

from django.db import connection
from django.db.models import Count, Exists, Max, OuterRef, Q
from django.urls import reverse
from django.utils import timezone

from actionplan import deadlines
from actionplan.followup import (
    PENDING_STATES,
    current_quarter,
    quarter_bounds,
    quarter_label,
)
from actionplan.models import ActionSheet, FollowUp, FollowUpState, Meeting, MeetingKind
from conventions import freshness
from conventions.dashboard import conventions_in_signing, parties_missing_deliberation
from conventions.models import Convention, ConventionState
from partners.models import Role

# An administrator sees every Caf's work: the page shows the first lines of each kind.
LIMIT = 50
# Minutes of older meetings are no longer worth a reminder.
MINUTES_WITHIN_DAYS = 365
RENEWAL_WITHIN_DAYS = 365

VALIDATE = "valider"
DELIBERATIONS = "deliberations"
SIGNATURES = "signatures"
OPEN_QUARTER = "ouvrir"
LATE = "retards"
RENEWAL = "renouveler"
MINUTES = "comptes-rendus"
FILL = "renseigner"
SENT_BACK = "renvoyes"
OWN_DELIBERATION = "deliberation"

# In the order of the page; each kind's heading.
HEADINGS = {
    VALIDATE: "Suivis transmis à valider",
    OPEN_QUARTER: "Trimestres à ouvrir",
    LATE: "Collectivités en retard de suivi",
    DELIBERATIONS: "Délibérations manquantes",
    SIGNATURES: "Signatures en attente",
    RENEWAL: "Renouvellements à engager",
    MINUTES: "Comptes rendus de réunion à déposer",
    SENT_BACK: "Suivis renvoyés pour complément",
    FILL: "Suivi trimestriel à renseigner",
    OWN_DELIBERATION: "Délibération de votre conseil à enregistrer",
}


@dataclass(frozen=True)
class Task:
    """One line of the inbox."""

    kind: str
    label: str
    url: str
    count: int | None = None
    # Since when (a transmission, a meeting) or for when (a quarter's first day).
    date: datetime.date | None = None
    due: datetime.date | None = None
    comment: str = ""

    @property
    def heading(self):
        return HEADINGS[self.kind]

    def is_overdue(self, today):
        return self.due is not None and self.due < today


def _plural(count, word, plural=None):
    return word if count <= 1 else (plural or word + "s")


def _followup_url(convention_id, year, quarter, anchor=""):
    url = reverse("actionplan:followup", args=[convention_id, year, quarter])
    return f"{url}#{anchor}" if anchor else url


def _quarter_title(row):
    """ "CTG du Val d'Argent – T2 2026", for a row grouped by convention and quarter."""
    return (
        f"{row['action_sheet__convention__title']} – {quarter_label(row['year'], row['quarter'])}"
    )


def _local_date(moment):
    return timezone.localdate(moment) if moment else None


# -- The Caf's work -------------------------------------------------------------


def _to_validate(scope, today):
    rows = (
        FollowUp.objects.filter(state=FollowUpState.SUBMITTED, action_sheet__convention__in=scope)
        .values("action_sheet__convention", "action_sheet__convention__title", "year", "quarter")
        .annotate(count=Count("pk"), last=Max("submitted_at"))
        .order_by("year", "quarter", "action_sheet__convention__title")
    )

    def task(row):
        n = row["count"]
        return Task(
            VALIDATE,
            f"{_quarter_title(row)} : {n} {_plural(n, 'action')} "
            f"{_plural(n, 'transmise')} à valider",
            _followup_url(row["action_sheet__convention"], row["year"], row["quarter"]),
            count=n,
            date=_local_date(row["last"]),
        )

    return rows, task


def _deliberations(scope, today):
    rows = (
        parties_missing_deliberation(scope)
        .values("convention", "convention__title")
        .annotate(count=Count("pk"))
        .order_by("convention__title")
    )

    def task(row):
        n = row["count"]
        return Task(
            DELIBERATIONS,
            f"{row['convention__title']} : {n} {_plural(n, 'partie')} sans délibération adoptée",
            reverse("conventions:detail", args=[row["convention"]]) + "#deliberations",
            count=n,
        )

    return rows, task


def _signatures(scope, today):
    rows = (
        conventions_in_signing(scope)
        .values("pk", "title", "signed_count", "expected_count")
        .order_by("title")
    )

    def task(row):
        signed, expected = row["signed_count"] or 0, row["expected_count"] or 0
        return Task(
            SIGNATURES,
            f"{row['title']} : {signed} {_plural(signed, 'signature')} sur {expected}",
            reverse("conventions:signature", args=[row["pk"]]),
            count=expected - signed,
        )

    return rows, task


def _quarters_to_open(scope, today):
    year, quarter = current_quarter(today)
    opened = FollowUp.objects.filter(
        action_sheet__convention=OuterRef("pk"), year=year, quarter=quarter
    )
    rows = (
        scope.in_force(today)
        .filter(Exists(ActionSheet.objects.filter(convention=OuterRef("pk"))))
        .exclude(Exists(opened))
        .values("pk", "title")
        .order_by("title")
    )
    first = quarter_bounds(year, quarter)[0]

    def task(row):
        return Task(
            OPEN_QUARTER,
            f"{row['title']} : suivi du {quarter_label(year, quarter)} à ouvrir",
            _followup_url(row["pk"], year, quarter),
            date=first,
            due=first,
        )

    return rows, task


def _late(scope, today):
    year, quarter = deadlines.quarter_past_deadline(today)
    late = Q(year__lt=year) | Q(year=year, quarter__lte=quarter)
    rows = (
        FollowUp.objects.filter(late, state__in=PENDING_STATES, action_sheet__convention__in=scope)
        .values("action_sheet__convention", "action_sheet__convention__title", "year", "quarter")
        .annotate(count=Count("pk"))
        .order_by("year", "quarter", "action_sheet__convention__title")
    )

    def task(row):
        n = row["count"]
        return Task(
            LATE,
            f"{_quarter_title(row)} : {n} {_plural(n, 'action')} non {_plural(n, 'transmise')}",
            _followup_url(row["action_sheet__convention"], row["year"], row["quarter"]),
            count=n,
            due=deadlines.deadline(row["year"], row["quarter"]),
        )

    return rows, task


def _renewals(scope, today):
    rows = (
        scope.filter(
            state=ConventionState.SIGNED,
            start_date__lte=today,
            end_date__gte=today,
            end_date__lte=today + datetime.timedelta(days=RENEWAL_WITHIN_DAYS),
            successor__isnull=True,
        )
        .values("pk", "title", "end_date")
        .order_by("end_date", "title")
    )

    def task(row):
        return Task(
            RENEWAL,
            f"{row['title']} : se termine sans renouvellement engagé",
            reverse("conventions:renew", args=[row["pk"]]),
            due=row["end_date"],
        )

    return rows, task


def _minutes(scope, today):
    rows = (
        Meeting.objects.filter(
            convention__in=scope,
            date__lt=today,
            date__gte=today - datetime.timedelta(days=MINUTES_WITHIN_DAYS),
            minutes="",
        )
        .values("pk", "convention", "convention__title", "kind", "date")
        .order_by("date", "pk")
    )

    def task(row):
        return Task(
            MINUTES,
            f"{row['convention__title']} : {MeetingKind(row['kind']).label.lower()} du "
            f"{row['date']:%d/%m/%Y} sans compte rendu",
            reverse("actionplan:meeting_edit", args=[row["convention"], row["pk"]]),
            date=row["date"],
        )

    return rows, task


# -- The chargé de coopération's work -------------------------------------------


def _to_fill(scope, today):
    year, quarter = current_quarter(today)
    begun = Q(year__lt=year) | Q(year=year, quarter__lte=quarter)
    rows = (
        FollowUp.objects.filter(
            begun,
            state__in=(FollowUpState.OPEN, FollowUpState.DRAFT),
            action_sheet__convention__in=scope,
        )
        .values("action_sheet__convention", "action_sheet__convention__title", "year", "quarter")
        .annotate(count=Count("pk"))
        .order_by("year", "quarter", "action_sheet__convention__title")
    )

    def task(row):
        n = row["count"]
        return Task(
            FILL,
            f"{_quarter_title(row)} : {n} {_plural(n, 'action')} à renseigner et transmettre",
            _followup_url(row["action_sheet__convention"], row["year"], row["quarter"]),
            count=n,
            due=deadlines.deadline(row["year"], row["quarter"]),
        )

    return rows, task


def _sent_back(scope, today):
    rows = (
        FollowUp.objects.filter(state=FollowUpState.RETURNED, action_sheet__convention__in=scope)
        .values(
            "pk",
            "action_sheet__convention",
            "action_sheet__convention__title",
            "action_sheet__number",
            "action_sheet__title",
            "year",
            "quarter",
            "adviser_comment",
        )
        .order_by("year", "quarter", "action_sheet__convention__title", "action_sheet__number")
    )

    def task(row):
        return Task(
            SENT_BACK,
            f"{row['action_sheet__convention__title']} – "
            f"{quarter_label(row['year'], row['quarter'])}, action {row['action_sheet__number']} "
            f"« {row['action_sheet__title']} » : à compléter",
            _followup_url(
                row["action_sheet__convention"],
                row["year"],
                row["quarter"],
                anchor=f"action-{row['action_sheet__number']}",
            ),
            due=deadlines.deadline(row["year"], row["quarter"]),
            comment=row["adviser_comment"],
        )

    return rows, task


def _own_deliberation(scope, today, organisation_id):
    rows = (
        parties_missing_deliberation(scope)
        .filter(organisation_id=organisation_id)
        .values("pk", "convention", "convention__title")
        .order_by("convention__title")
    )

    def task(row):
        return Task(
            OWN_DELIBERATION,
            f"{row['convention__title']} : délibération de votre conseil à enregistrer",
            reverse("conventions:deliberation_create", args=[row["convention"], row["pk"]]),
        )

    return rows, task


def _sources(user, today):
    """{kind: (queryset with one row per line, row -> Task)} for this person's work."""
    if not user.is_authenticated:
        return {}
    if user.is_administrator or user.is_adviser:
        scope = Convention.objects.editable_by(user)
        builders = (
            (VALIDATE, _to_validate),
            (OPEN_QUARTER, _quarters_to_open),
            (LATE, _late),
            (DELIBERATIONS, _deliberations),
            (SIGNATURES, _signatures),
            (RENEWAL, _renewals),
            (MINUTES, _minutes),
        )
        return {kind: build(scope, today) for kind, build in builders}
    if user.role == Role.COOPERATION and user.organisation_id:
        scope = Convention.objects.visible_to(user)
        return {
            SENT_BACK: _sent_back(scope, today),
            FILL: _to_fill(scope, today),
            OWN_DELIBERATION: _own_deliberation(scope, today, user.organisation_id),
        }
    return {}


def todo(user, today=None):
    """Everything waiting for this person, by kind in the page's order, then by due date.

    At most LIMIT lines of each kind; one query per kind.
    """
    today = today or timezone.localdate()
    tasks = []
    for rows, task in _sources(user, today).values():
        found = [task(row) for row in rows[:LIMIT]]
        tasks += sorted(found, key=_due_order)
    order = list(HEADINGS)
    return sorted(tasks, key=lambda task: order.index(task.kind))


def _due_order(task):
    far = datetime.date.max
    return (task.due or far, task.date or far)


def cached_counts(user, today=None):
    """counts() for the navbar, from the cache while nothing that feeds it has changed."""
    today = today or timezone.localdate()
    return freshness.cached(user, "counts", today, lambda: counts(user, today))


def counts(user, today=None):
    """{kind: number of lines} for this person, every kind counted in one query."""
    today = today or timezone.localdate()
    sources = _sources(user, today)
    if not sources:
        return {}
    parts, params = [], []
    for index, (rows, _) in enumerate(sources.values()):
        sql, args = rows.query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS lines_{index})")
        params += args
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        numbers = cursor.fetchone()
    return dict(zip(sources, numbers, strict=True))


@dataclass
class Group:
    kind: str
    heading: str
    tasks: list
    total: int

    @property
    def truncated(self):
        return self.total > len(self.tasks)


def grouped(tasks, totals):
    """The page's sections: each kind with its lines and how many there are in all."""
    groups = {}
    for task in tasks:
        groups.setdefault(task.kind, []).append(task)
    return [
        Group(kind, HEADINGS[kind], lines, max(totals.get(kind, 0), len(lines)))
        for kind, lines in groups.items()
    ]
