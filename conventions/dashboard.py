"""What needs attention next, for the home page; a fixed number of queries."""

import datetime

from django.core.paginator import Paginator
from django.db.models import Count, Exists, OuterRef, Q, Subquery

from actionplan import deadlines
from actionplan.followup import current_quarter, quarter_label
from actionplan.models import FollowUp, FollowUpState, Meeting
from actionplan.overview import quarter_completeness
from conventions import freshness
from conventions.models import (
    Convention,
    ConventionState,
    ConventionVersion,
    Deliberation,
    Party,
    Signature,
)
from conventions.models.deliberation import ADOPTED_OUTCOMES

PENDING_FOLLOW_UP = (FollowUpState.OPEN, FollowUpState.DRAFT, FollowUpState.RETURNED)
PAGE_SIZE = 25


def status_counts(visible, today):
    """[(label, count)] by state as people say it (Convention.status_label), one query."""
    signed = Q(state=ConventionState.SIGNED)
    buckets = [
        ("En préparation", Q(state=ConventionState.DRAFT)),
        ("En délibération", Q(state=ConventionState.IN_DELIBERATION)),
        ("À la signature", Q(state=ConventionState.SIGNING)),
        ("Signée, pas encore en vigueur", signed & Q(start_date__gt=today)),
        ("En vigueur", signed & Q(start_date__lte=today, end_date__gte=today)),
        ("Échue", signed & Q(end_date__lt=today)),
        ("Résiliée", Q(state=ConventionState.TERMINATED)),
    ]
    # Counted over the visible ids: a chargé's visible conventions are a distinct join.
    counts = Convention.objects.filter(pk__in=visible.values("pk")).aggregate(
        **{f"n{index}": Count("pk", filter=bucket[1]) for index, bucket in enumerate(buckets)}
    )
    return [
        (label, counts[f"n{index}"])
        for index, (label, _) in enumerate(buckets)
        if counts[f"n{index}"]
    ]


def parties_missing_deliberation(visible):
    """Signatory parties of conventions in deliberation without an adopted deliberation."""
    # Nested twice: the version subquery sits inside the Exists over deliberations.
    latest_version = ConventionVersion.objects.filter(
        convention=OuterRef(OuterRef("convention_id"))
    ).order_by("-number")
    adopted = Deliberation.objects.filter(
        party=OuterRef("pk"),
        amendment=None,
        outcome__in=ADOPTED_OUTCOMES,
        version=Subquery(latest_version.values("pk")[:1]),
    )
    return (
        Party.objects.filter(
            convention__in=visible.filter(state=ConventionState.IN_DELIBERATION),
            requires_deliberation=True,
        )
        .exclude(role="partner")
        .exclude(Exists(adopted))
        .select_related("organisation", "convention")
        .order_by("convention__title", "position")
    )


def conventions_in_signing(visible):
    signed = (
        Signature.objects.filter(party__convention=OuterRef("pk"), amendment=None)
        .values("party__convention")
        .annotate(n=Count("pk"))
        .values("n")
    )
    expected = (
        Party.signatories.through.objects.filter(party__convention=OuterRef("pk"))
        .exclude(party__role="partner")
        .values("party__convention")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return visible.filter(state=ConventionState.SIGNING).annotate(
        signed_count=Subquery(signed), expected_count=Subquery(expected)
    )


def late_follow_ups(visible, today):
    """Follow-up entries past their deadline not yet submitted, counted per convention."""
    year, quarter = deadlines.quarter_past_deadline(today)
    past = Q(year__lt=year) | Q(year=year, quarter__lte=quarter)
    return (
        FollowUp.objects.filter(past, action_sheet__convention__in=visible)
        .filter(state__in=PENDING_FOLLOW_UP)
        .values("action_sheet__convention", "action_sheet__convention__title")
        .annotate(late=Count("pk"))
        .order_by("action_sheet__convention__title")
    )


def build_dashboard(user, today=None, page_number=None):
    """The home page's data: the page of conventions, and the lists of what needs
    attention, kept a minute while nothing changes (an administrator's cover every Caf)."""
    today = today or datetime.date.today()
    visible = Convention.objects.visible_to(user)
    conventions = visible.select_related("caf").order_by("end_date", "title", "pk")
    return {
        "page": Paginator(conventions, PAGE_SIZE).get_page(page_number),
        **freshness.cached(user, "home", today, lambda: attention(user, today)),
    }


def attention(user, today):
    """What needs attention next, for the home page; a fixed number of queries."""
    visible = Convention.objects.visible_to(user)
    soon = today + datetime.timedelta(days=365)
    ending_soon = visible.in_force(today).filter(end_date__lte=soon).order_by("end_date", "title")
    data = {
        "status_counts": status_counts(visible, today),
        # Only what the page shows: the lists are pickled into the cache and read back
        # at every request (nationally, whole rows weighed 1.8 MB).
        "missing_deliberations": list(
            parties_missing_deliberation(visible).only(
                "convention__title", "organisation__name", "position"
            )
        ),
        "in_signing": list(conventions_in_signing(visible).only("pk", "title")),
        "late_follow_ups": list(late_follow_ups(visible, today)),
        "ending_soon": list(ending_soon.only("pk", "title", "end_date")),
        "next_meetings": list(
            Meeting.objects.filter(convention__in=visible, date__gte=today)
            .select_related("convention")
            .order_by("date")[:5]
        ),
    }
    if user.is_adviser:
        # The Caf's view of the quarter being filled: completeness by convention.
        year, quarter = current_quarter(today)
        data["completeness"] = quarter_completeness(visible, year, quarter)
        data["completeness_period"] = quarter_label(year, quarter)
        data["completeness_year"], data["completeness_quarter"] = year, quarter
    if user.organisation_id and not user.is_adviser:
        data["own_missing_deliberations"] = [
            p for p in data["missing_deliberations"] if p.organisation_id == user.organisation_id
        ]
        data["to_fill"] = list(
            FollowUp.objects.filter(
                action_sheet__convention__in=visible, state__in=PENDING_FOLLOW_UP
            )
            .filter(year__lte=today.year)
            .values(
                "action_sheet__convention", "action_sheet__convention__title", "year", "quarter"
            )
            .annotate(count=Count("pk"))
            .order_by("year", "quarter")
        )
    return data
