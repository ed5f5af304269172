"""E-mails about the quarterly follow-up, each sent once to each person.

Three kinds (NoticeKind): when a quarter opens, the chargés de coopération of
the parties are told what to fill in; when its entries are still not submitted
FOLLOWUP_REMINDER_DAYS days before their deadline (deadlines.py), they get one
reminder; once the deadline has passed, the Caf's advisers are told the entries
still missing.

Two more follow each entry: when entries are transmitted, the Caf's advisers
get one e-mail listing the entries of the quarter transmitted together; when an
entry is sent back (or a validated one reopened), the chargé de coopération who
transmitted it gets the adviser's comment (every chargé of the parties when it
was transmitted by someone else). A person who chose the daily digest
(User.daily_digest) gets neither: one e-mail each morning lists all of them.
Each entry told is a SentEmail row ("transmission:<id>:<time>", "renvoi:<id>:
<revision>") written with the sending, so a retry, a second worker or the next
digest never tells it twice.

The recipients of a convention are the active users with the cooperation role
whose organisation is party to it. A FollowUpNotice row is written in the same
transaction as the sending: a second run (or a retried task) finds it and
sends nothing, and an e-mail that could not be sent leaves no row, so the next
run sends it.
"""

from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from simple_history.utils import bulk_create_with_history

from conventions import inbox
from conventions.models import Convention, Party
from partners.models import Role, SentEmail, User

from . import deadlines
from .followup import PENDING_STATES, quarter_label
from .models import FollowUp, FollowUpNotice, FollowUpState, NoticeKind

TEMPLATES = {
    NoticeKind.OPENING: "actionplan/email/quarter_opened",
    NoticeKind.REMINDER: "actionplan/email/quarter_reminder",
    NoticeKind.MISSING: "actionplan/email/quarter_missing",
}


def _entries(kind, year, quarter):
    entries = FollowUp.objects.filter(year=year, quarter=quarter)
    if kind in (NoticeKind.REMINDER, NoticeKind.MISSING):
        entries = entries.filter(state__in=PENDING_STATES)
    return entries


def _cooperation_users():
    return User.objects.filter(role=Role.COOPERATION, is_active=True).exclude(email="")


def _recipients(kind, convention):
    """Who this kind of e-mail goes to: the Caf's advisers for missing entries, the
    chargés de coopération of the parties otherwise. `convention` may be an OuterRef."""
    if kind == NoticeKind.MISSING:
        cafs = Convention.objects.filter(pk=convention).values("caf_id")
        return User.objects.filter(
            role=Role.ADVISER, is_active=True, organisation_id__in=cafs
        ).exclude(email="")
    parties = Party.objects.filter(convention_id=convention).values("organisation_id")
    return _cooperation_users().filter(organisation_id__in=parties)


def pending_recipients(kind, convention_id, year, quarter):
    """The people this e-mail of the convention is for who have not had it yet."""
    sent = FollowUpNotice.objects.filter(
        kind=kind, convention_id=convention_id, year=year, quarter=quarter, recipient=OuterRef("pk")
    )
    return _recipients(kind, convention_id).exclude(Exists(sent)).order_by("pk")


def conventions_to_notify(kind, year, quarter):
    """Ids of the conventions with entries concerned and someone still to tell; one query."""
    sent = FollowUpNotice.objects.filter(
        kind=kind,
        convention_id=OuterRef(OuterRef("pk")),
        year=year,
        quarter=quarter,
        recipient=OuterRef("pk"),
    )
    unsent = _recipients(kind, OuterRef(OuterRef("pk"))).exclude(Exists(sent))
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
        "due": deadlines.deadline(year, quarter),
        "entries": entries,
        "url": follow_up_url(convention, year, quarter),
    }
    # A worker has no request to take the language from.
    with translation.override("fr"):
        subject = render_to_string(f"{TEMPLATES[kind]}_subject.txt", context)
        body = render_to_string(f"{TEMPLATES[kind]}.txt", context)
    return EmailMessage(" ".join(subject.split()), body, to=[user.email])


# -- Transmissions and send-backs, entry by entry --------------------------------


def transmission_key(entry):
    """One transmission of one entry: a new one after it was sent back and transmitted again."""
    return f"transmission:{entry.pk}:{entry.submitted_at:%Y%m%dT%H%M%S.%f}"


def sent_back_key(entry):
    return f"renvoi:{entry.pk}:{entry.revision}"


def _send_once(user, items, build):
    """Send build(user, things) for the (key, thing) items not yet told to this person.

    The keys are recorded in the transaction that sends: a failed sending records
    nothing, and a second worker racing this one stops on the unique constraint.
    Returns whether an e-mail went.
    """
    keys = [key for key, _ in items]
    try:
        with transaction.atomic():
            told = set(
                SentEmail.objects.filter(recipient=user, key__in=keys).values_list("key", flat=True)
            )
            new = [(key, thing) for key, thing in items if key not in told]
            if not new:
                return False
            bulk_create_with_history(
                [SentEmail(recipient=user, key=key) for key, _ in new], SentEmail
            )
            build(user, [thing for _, thing in new]).send()
    except IntegrityError:
        return False
    return True


def _quarter_entries(convention_id, year, quarter, state):
    return list(
        FollowUp.objects.filter(
            action_sheet__convention_id=convention_id, year=year, quarter=quarter, state=state
        )
        .select_related("action_sheet", "submitted_by__organisation")
        .order_by("action_sheet__number")
    )


def send_transmissions(convention_id, year, quarter):
    """Tell the Caf's advisers the entries of this quarter transmitted since they were last told.

    Returns how many e-mails were sent.
    """
    convention = Convention.objects.select_related("caf").get(pk=convention_id)
    entries = _quarter_entries(convention_id, year, quarter, FollowUpState.SUBMITTED)
    if not entries:
        return 0
    advisers = (
        User.objects.filter(
            role=Role.ADVISER, organisation_id=convention.caf_id, is_active=True, daily_digest=False
        )
        .exclude(email="")
        .order_by("pk")
    )
    sent = 0
    for user in advisers:
        items = [(transmission_key(entry), entry) for entry in entries]
        build = _builder("actionplan/email/transmitted", convention, year, quarter)
        sent += _send_once(user, items, build)
    return sent


def _officers_by_convention(convention_ids):
    """{convention id: {user id: user}} of the active chargés de coopération of its parties."""
    organisations = defaultdict(set)
    for convention_id, organisation_id in Party.objects.filter(
        convention_id__in=convention_ids
    ).values_list("convention_id", "organisation_id"):
        organisations[organisation_id].add(convention_id)
    officers = defaultdict(dict)
    for user in _cooperation_users().filter(organisation_id__in=list(organisations)):
        for convention_id in organisations[user.organisation_id]:
            officers[convention_id][user.pk] = user
    return officers


def _sent_back_recipients(entry, officers):
    """Who is told of a sent-back entry: the chargé who transmitted it, if still one of
    the convention's; else (transmitted by the adviser, or by someone who left) all of them."""
    if entry.submitted_by_id in officers:
        return [officers[entry.submitted_by_id]]
    return list(officers.values())


def send_sent_back(convention_id, year, quarter):
    """Tell the writers the entries of this quarter sent back since they were last told.

    Returns how many e-mails were sent.
    """
    convention = Convention.objects.select_related("caf").get(pk=convention_id)
    entries = _quarter_entries(convention_id, year, quarter, FollowUpState.RETURNED)
    if not entries:
        return 0
    officers = _officers_by_convention([convention_id])[convention_id]
    by_user = defaultdict(list)
    for entry in entries:
        for user in _sent_back_recipients(entry, officers):
            by_user[user].append(entry)
    sent = 0
    for user in sorted(by_user, key=lambda user: user.pk):
        if user.daily_digest:
            continue
        items = [(sent_back_key(entry), entry) for entry in by_user[user]]
        build = _builder("actionplan/email/sent_back", convention, year, quarter)
        sent += _send_once(user, items, build)
    return sent


def _builder(template, convention, year, quarter):
    def build(user, entries):
        submitters = sorted(
            {_person(entry.submitted_by) for entry in entries if entry.submitted_by}
        )
        return _render(
            template,
            user,
            {
                "convention": convention,
                "recipient": user,
                "period": quarter_label(year, quarter),
                "entries": entries,
                "submitters": submitters,
                "url": follow_up_url(convention, year, quarter),
            },
        )

    return build


def _person(user):
    name = user.get_full_name() or user.username
    return f"{name} ({user.organisation})" if user.organisation_id else name


def _render(template, user, context):
    # A worker has no request to take the language from.
    with translation.override("fr"):
        subject = render_to_string(f"{template}_subject.txt", context)
        body = render_to_string(f"{template}.txt", context)
    return EmailMessage(" ".join(subject.split()), body, to=[user.email])


# -- The daily digest ------------------------------------------------------------


def digest_recipients():
    """Ids of the people who chose the daily digest and may have something in it."""
    return list(
        User.objects.filter(
            daily_digest=True, is_active=True, role__in=(Role.ADVISER, Role.COOPERATION)
        )
        .exclude(email="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )


def send_digest(user_id, today):
    """One e-mail with everything not yet told to this person; returns 1 if it went, else 0."""
    user = (
        User.objects.filter(pk=user_id, is_active=True, daily_digest=True).exclude(email="").first()
    )
    if user is None:
        return 0
    items = []
    if user.is_adviser:
        transmitted = (
            FollowUp.objects.filter(
                state=FollowUpState.SUBMITTED,
                action_sheet__convention__in=Convention.objects.editable_by(user),
            )
            .select_related("action_sheet__convention", "submitted_by__organisation")
            .order_by("action_sheet__convention__title", "year", "quarter", "action_sheet__number")
        )
        items += [(transmission_key(entry), entry) for entry in transmitted]
    elif user.role == Role.COOPERATION:
        returned = list(
            FollowUp.objects.filter(
                state=FollowUpState.RETURNED,
                action_sheet__convention__in=Convention.objects.visible_to(user),
            )
            .select_related("action_sheet__convention")
            .order_by("action_sheet__convention__title", "year", "quarter", "action_sheet__number")
        )
        officers = _officers_by_convention({entry.action_sheet.convention_id for entry in returned})
        items += [
            (sent_back_key(entry), entry)
            for entry in returned
            if user in _sent_back_recipients(entry, officers[entry.action_sheet.convention_id])
        ]
    if not items:
        return 0
    return int(_send_once(user, items, lambda user, entries: _digest(user, entries, today)))


def _digest(user, entries, today):
    groups = defaultdict(list)
    for entry in entries:
        groups[(entry.action_sheet.convention, entry.year, entry.quarter)].append(entry)
    sections = [
        {
            "convention": convention,
            "period": quarter_label(year, quarter),
            "entries": listed,
            "url": follow_up_url(convention, year, quarter),
        }
        for (convention, year, quarter), listed in groups.items()
    ]
    waiting = sum(inbox.counts(user, today).values())
    return _render(
        "actionplan/email/digest",
        user,
        {
            "recipient": user,
            "today": today,
            "sections": sections,
            "count": len(entries),
            "transmitted": user.is_adviser,
            "waiting": waiting,
            "inbox_url": settings.SITE_URL.rstrip("/") + reverse("conventions:inbox"),
        },
    )
