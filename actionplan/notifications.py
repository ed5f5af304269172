"""E-mails about the quarterly follow-up, each sent once to each person.

Two kinds (NoticeKind): when a quarter opens, the chargés de coopération of
the parties are told what to fill in; when its entries are still not submitted
FOLLOWUP_REMINDER_DAYS days after the quarter's last day, they get one reminder.

The recipients of a convention are the active users with the cooperation role
whose organisation is party to it. A FollowUpNotice row is written in the same
transaction as the sending: a second run (or a retried task) finds it and
sends nothing, and an e-mail that could not be sent leaves no row, so the next
run sends it.
"""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from conventions.models import Convention, Party
from partners.models import Role, User

from .followup import PENDING_STATES, quarter_bounds, quarter_label
from .models import FollowUp, FollowUpNotice, NoticeKind

TEMPLATES = {
    NoticeKind.OPENING: "actionplan/email/quarter_opened",
    NoticeKind.REMINDER: "actionplan/email/quarter_reminder",
}


def _entries(kind, year, quarter):
    entries = FollowUp.objects.filter(year=year, quarter=quarter)
    if kind == NoticeKind.REMINDER:
        entries = entries.filter(state__in=PENDING_STATES)
    return entries


def _cooperation_users():
    return User.objects.filter(role=Role.COOPERATION, is_active=True).exclude(email="")


def pending_recipients(kind, convention_id, year, quarter):
    """The chargés de coopération of the convention who have not had this e-mail yet."""
    sent = FollowUpNotice.objects.filter(
        kind=kind, convention_id=convention_id, year=year, quarter=quarter, recipient=OuterRef("pk")
    )
    return (
        _cooperation_users()
        .filter(
            organisation_id__in=Party.objects.filter(convention_id=convention_id).values(
                "organisation_id"
            )
        )
        .exclude(Exists(sent))
        .order_by("pk")
    )


def conventions_to_notify(kind, year, quarter):
    """Ids of the conventions with entries concerned and someone still to tell; one query."""
    parties = Party.objects.filter(convention_id=OuterRef(OuterRef("pk"))).values("organisation_id")
    sent = FollowUpNotice.objects.filter(
        kind=kind,
        convention_id=OuterRef(OuterRef("pk")),
        year=year,
        quarter=quarter,
        recipient=OuterRef("pk"),
    )
    unsent = _cooperation_users().filter(organisation_id__in=parties).exclude(Exists(sent))
    concerned = _entries(kind, year, quarter).filter(action_sheet__convention=OuterRef("pk"))
    return list(
        Convention.objects.filter(Exists(concerned), Exists(unsent))
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def send_notices(kind, convention_id, year, quarter):
    """Send this e-mail to everyone concerned who has not had it; return how many were sent."""
    convention = Convention.objects.select_related("caf").get(pk=convention_id)
    entries = list(
        _entries(kind, year, quarter)
        .filter(action_sheet__convention=convention)
        .select_related("action_sheet")
        .order_by("action_sheet__number")
    )
    if not entries:
        return 0
    sent = 0
    for user in pending_recipients(kind, convention.pk, year, quarter):
        with transaction.atomic():
            _, created = FollowUpNotice.objects.get_or_create(
                kind=kind,
                convention=convention,
                year=year,
                quarter=quarter,
                recipient=user,
                defaults={"email": user.email},
            )
            if not created:
                continue
            _message(kind, convention, year, quarter, entries, user).send()
        sent += 1
    return sent


def follow_up_url(convention, year, quarter):
    path = reverse("actionplan:followup", args=[convention.pk, year, quarter])
    return settings.SITE_URL.rstrip("/") + path


def _message(kind, convention, year, quarter, entries, user):
    context = {
        "convention": convention,
        "recipient": user,
        "period": quarter_label(year, quarter),
        "due": quarter_bounds(year, quarter)[1],
        "entries": entries,
        "url": follow_up_url(convention, year, quarter),
    }
    # A worker has no request to take the language from.
    with translation.override("fr"):
        subject = render_to_string(f"{TEMPLATES[kind]}_subject.txt", context)
        body = render_to_string(f"{TEMPLATES[kind]}.txt", context)
    return EmailMessage(" ".join(subject.split()), body, to=[user.email])
