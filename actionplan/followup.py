"""Quarterly follow-up: opening the entries, filling them in, validating them.

Each quarter, every action sheet of every convention in force during that
quarter gets one FollowUp in the OPEN state ("À renseigner"). Opening is
idempotent, so the scheduled task may run every day: entries already opened
(and possibly already filled in) are never touched again.

The life of one entry (FollowUpState):

    open ──save──> draft ──submit──> submitted ──validate──> validated (locked)
      └─────────submit──────────────┘    │                        │
                 returned <──send_back───┘                        │
                 returned <──────────────reopen (with a reason)───┘

- open (à renseigner): created by the opening, nobody wrote yet.
- draft (brouillon): saved by a chargé de coopération of a party or the adviser.
- submitted (transmis): handed to the Caf; only the adviser may still correct it.
- returned (renvoyé pour complément): sent back by the adviser with a comment,
  or a validated entry reopened by the adviser with a reason; editable again.
- validated (validé): locked; only the Caf's adviser reopens it.

The adviser also validates a whole quarter at once (validate_all): every
submitted entry the page showed, all or nothing.

Who: a chargé de coopération writes for the conventions their organisation is
party to; the Caf's adviser (and an administrator) writes and decides. Every
change increments `revision`: a save carrying an older revision is refused
(StaleEntry), never silently written over someone else's. Every refusal is a
FollowUpError whose message is French and shown as is. Functions take a user
and plain data, never a request; each change records a history reason.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from conventions import freshness
from conventions.access import can_edit
from conventions.models import Convention, ConventionState, Party
from partners.models import Role
from webhooks import events as webhook_events

from . import outbox
from .models import ActionSheet, FollowUp, FollowUpState, FollowUpStatus, IndicatorValue

OPENING_REASON = "Ouverture automatique du trimestre"
# simple-history stores the change reason in 100 characters.
REASON_LENGTH = 100
PENDING_STATES = (FollowUpState.OPEN, FollowUpState.DRAFT, FollowUpState.RETURNED)
ENTRY_FIELDS = ("status", "progress", "achievements", "difficulties", "next_steps")


def current_quarter(day: datetime.date) -> tuple[int, int]:
    """The (year, quarter) a day belongs to, quarters numbered 1 to 4."""
    return day.year, (day.month - 1) // 3 + 1


def quarter_bounds(year: int, quarter: int) -> tuple[datetime.date, datetime.date]:
    """First and last day of a quarter."""
    if quarter not in (1, 2, 3, 4):
        raise ValueError(f"Le trimestre doit être compris entre 1 et 4, pas {quarter}.")
    first = datetime.date(year, 3 * quarter - 2, 1)
    next_first = (
        datetime.date(year + 1, 1, 1) if quarter == 4 else datetime.date(year, 3 * quarter + 1, 1)
    )
    return first, next_first - datetime.timedelta(days=1)


def conventions_in_force_during(first: datetime.date, last: datetime.date):
    """Conventions in force on at least one day between first and last.

    The same rule as ConventionQuerySet.in_force() for a single day, widened to
    a period: a terminated convention counts only if it was still in force on
    the first day.
    """
    overlaps = Q(start_date__lte=last, end_date__gte=first)
    signed = Q(state=ConventionState.SIGNED)
    terminated_later = Q(state=ConventionState.TERMINATED, terminated_on__gt=first)
    return Convention.objects.filter(overlaps & (signed | terminated_later))


def sheets_in_force_during(sheets, first: datetime.date, last: datetime.date):
    """The sheets of the plan in force on at least one day between first and last: an
    amendment's sheet from its start, a sheet it closed until its closing day."""
    return sheets.filter(
        Q(started_on__isnull=True) | Q(started_on__lte=last),
        Q(closed_on__isnull=True) | Q(closed_on__gt=first),
    )


def open_quarter(year: int, quarter: int) -> int:
    """Open one follow-up per action sheet in force during the quarter; return how many."""
    first, last = quarter_bounds(year, quarter)
    sheets = ActionSheet.objects.filter(convention__in=conventions_in_force_during(first, last))
    return _open_sheets(sheets_in_force_during(sheets, first, last), year, quarter)


def _open_sheets(sheets, year, quarter, reason=OPENING_REASON, user=None):
    already_open = FollowUp.objects.filter(action_sheet=OuterRef("pk"), year=year, quarter=quarter)
    missing = sheets.exclude(Exists(already_open)).values_list("pk", flat=True)
    new = [
        FollowUp(action_sheet_id=pk, year=year, quarter=quarter, state=FollowUpState.OPEN)
        for pk in missing
    ]
    if not new:
        return 0
    # ignore_conflicts: should two runs race (a manual run during the scheduled
    # one), the unique (action_sheet, year, quarter) constraint keeps one entry.
    created = bulk_create_with_history(
        new, FollowUp, ignore_conflicts=True, default_change_reason=reason, default_user=user
    )
    freshness.sheets_changed(entry.action_sheet_id for entry in new)
    return len(created)


def open_convention_quarter(user, convention, year, quarter, today=None) -> int:
    """The adviser opens a quarter of one convention now, without waiting for the morning run.

    Useful on the first morning of a quarter, or for a past quarter of the
    period that was never opened. Returns how many entries were created.
    """
    if not can_validate(user, convention):
        raise NotAllowed("Seul le conseiller de la Caf peut ouvrir un trimestre.")
    if (year, quarter) > current_quarter(today or timezone.localdate()):
        raise FollowUpError(
            f"Le {quarter_label(year, quarter)} n'a pas commencé : il s'ouvrira le "
            f"{quarter_bounds(year, quarter)[0]:%d/%m/%Y}."
        )
    first, last = quarter_bounds(year, quarter)
    if not conventions_in_force_during(first, last).filter(pk=convention.pk).exists():
        raise FollowUpError(
            f"La convention n'était pas en vigueur au {quarter_label(year, quarter)} : il n'y a "
            "pas de suivi à ouvrir."
        )
    with transaction.atomic():
        return _open_sheets(
            sheets_in_force_during(ActionSheet.objects.filter(convention=convention), first, last),
            year,
            quarter,
            reason=f"Trimestre ouvert par {user.get_full_name() or user.username}"[:REASON_LENGTH],
        )


# -- Quarters -----------------------------------------------------------------


def quarter_label(year: int, quarter: int) -> str:
    return f"T{quarter} {year}"


def next_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year + 1, 1) if quarter == 4 else (year, quarter + 1)


def previous_quarter(year: int, quarter: int) -> tuple[int, int]:
    return (year - 1, 4) if quarter == 1 else (year, quarter - 1)


def convention_quarters(convention) -> list[tuple[int, int]]:
    """Every quarter of the convention's period, in order (20 for five years)."""
    quarters = []
    year, quarter = current_quarter(convention.start_date)
    last = current_quarter(convention.end_date)
    while (year, quarter) <= last:
        quarters.append((year, quarter))
        year, quarter = next_quarter(year, quarter)
    return quarters


# -- Who may do what ----------------------------------------------------------


def can_validate(user, convention) -> bool:
    """The Caf's adviser (or an administrator) validates, sends back and reopens."""
    return can_edit(user, convention)


def can_fill(user, convention) -> bool:
    """The Caf's adviser, or a chargé de coopération of an organisation party to it."""
    if can_validate(user, convention):
        return True
    return bool(
        user.is_authenticated
        and user.role == Role.COOPERATION
        and user.organisation_id
        and Party.objects.filter(
            convention_id=convention.pk, organisation_id=user.organisation_id
        ).exists()
    )


# -- Refusals -----------------------------------------------------------------


class FollowUpError(Exception):
    """A follow-up change that is not allowed now; the message is French and user-facing."""


class NotAllowed(FollowUpError):
    """The person has no right to this change (the pages answer 403)."""


class StaleEntry(FollowUpError):
    """Someone saved the entry since this person loaded it; `current` is what they saved."""

    def __init__(self, current, author=None):
        self.current = current
        self.author = author
        who = f" par {author}" if author else ""
        super().__init__(
            f"Ce suivi a été modifié{who} pendant que vous le saisissiez : votre saisie n'a "
            "pas été enregistrée. Elle est reprise ci-dessous, à côté de la version "
            "enregistrée ; vérifiez puis enregistrez à nouveau."
        )


def _locked(follow_up):
    return (
        FollowUp.objects.select_for_update()
        .select_related("action_sheet__convention")
        .get(pk=follow_up.pk)
    )


def _last_author(entry):
    """Who saved the entry last, as people read it (None when unknown)."""
    last = (
        entry.history.select_related("history_user")
        .order_by("-history_date", "-history_id")
        .first()
    )
    if last and last.history_user:
        return last.history_user.get_full_name() or last.history_user.username
    return None


def _check_revision(entry, revision):
    if int(revision) != entry.revision:
        raise StaleEntry(entry, _last_author(entry))


def _reason(prefix, text=""):
    reason = f"{prefix} : {text}" if text else prefix
    return reason if len(reason) <= REASON_LENGTH else reason[: REASON_LENGTH - 1] + "…"


def _save(entry, user, reason, sync=None):
    entry.revision += 1
    entry._change_reason = _reason(*reason) if isinstance(reason, tuple) else reason
    # Tasks and shells have no request for the history middleware to read the user from.
    entry._history_user = user
    entry.save()
    if sync is not None:
        # The caller's object now shows what was saved, revision included.
        sync.__dict__.update(
            {f.attname: getattr(entry, f.attname) for f in FollowUp._meta.concrete_fields}
        )
    return entry


# -- Writing ------------------------------------------------------------------


def write_refusal(entry, may_validate):
    """Why this entry cannot be written now (French), or None if it can.

    may_validate: the person is the Caf's adviser; the caller has checked that
    they may fill the convention's follow-up at all (can_fill).
    """
    if entry.state == FollowUpState.VALIDATED:
        return (
            "Ce suivi est validé : il ne peut plus être modifié. Seul le conseiller de la Caf "
            "peut le rouvrir."
        )
    if entry.state == FollowUpState.SUBMITTED and not may_validate:
        return (
            "Ce suivi a été transmis à la Caf : il ne peut plus être modifié, sauf si le "
            "conseiller vous le renvoie."
        )
    return None


def save_entry(user, follow_up, revision, data, values=None, submit=False):
    """Save what a person wrote for one action and quarter, as a draft or submitted.

    data: status, progress, achievements, difficulties, next_steps.
    values: {indicator id: {"value": Decimal or None, "text": str,
    "zone_recipients": int or None}} for the indicators of the action sheet.
    Raises NotAllowed, StaleEntry, FollowUpError, or ValidationError (per field).
    """
    with transaction.atomic():
        entry = _locked(follow_up)
        convention = entry.action_sheet.convention
        if not can_fill(user, convention):
            raise NotAllowed("Vous ne pouvez que consulter le suivi de cette convention.")
        _check_revision(entry, revision)
        refusal = write_refusal(entry, can_validate(user, convention))
        if refusal:
            raise FollowUpError(refusal)
        for field in ENTRY_FIELDS:
            setattr(entry, field, data[field])
        entry.clean()
        if submit:
            _check_complete(entry)
        if submit and entry.state != FollowUpState.SUBMITTED:
            entry.state = FollowUpState.SUBMITTED
            entry.submitted_at = timezone.now()
            entry.submitted_by = user
            reason = "Suivi transmis à la Caf"
            outbox.transmitted(entry)
            webhook_events.follow_up_transmitted(entry)
        elif entry.state == FollowUpState.SUBMITTED:
            reason = "Suivi corrigé par la Caf"
        else:
            entry.state = FollowUpState.DRAFT
            reason = "Brouillon enregistré"
        _save(entry, user, reason, sync=follow_up)
        _save_values(entry, user, values or {})
    return follow_up


def _check_complete(entry):
    """What a submitted entry must say, beyond the per-field rules of FollowUp.clean."""
    if entry.status == FollowUpStatus.IN_DIFFICULTY and not entry.difficulties.strip():
        raise ValidationError(
            {"difficulties": "Décrivez les difficultés rencontrées par une action en difficulté."}
        )
    if entry.status in (FollowUpStatus.POSTPONED, FollowUpStatus.ABANDONED) and not (
        entry.difficulties.strip() or entry.next_steps.strip()
    ):
        raise ValidationError(
            {"difficulties": "Expliquez pourquoi l'action est reportée ou abandonnée."}
        )


def _save_values(entry, user, values):
    """Write the indicator values of the quarter that changed (each change is historised)."""
    indicators = {i.pk: i for i in entry.action_sheet.indicators.all()}
    unknown = set(values) - set(indicators)
    if unknown:
        raise ValueError(f"Indicateurs étrangers à la fiche : {sorted(unknown)}")
    existing = {
        v.indicator_id: v
        # With their sheet: saving a value then finds its convention without a query
        # (conventions/freshness.py).
        for v in IndicatorValue.objects.filter(
            indicator__in=list(indicators), year=entry.year, quarter=entry.quarter
        ).select_related("indicator__action_sheet")
    }
    for indicator_id, given in values.items():
        wanted = {
            "value": given.get("value"),
            "text": (given.get("text") or "").strip(),
            "zone_recipients": given.get("zone_recipients"),
        }
        current = existing.get(indicator_id)
        if current is None:
            if wanted["value"] is None and not wanted["text"]:
                continue
            value = IndicatorValue(
                indicator_id=indicator_id,
                follow_up=entry,
                year=entry.year,
                quarter=entry.quarter,
                **wanted,
            )
            value._history_user = user
            value.save()
            continue
        changed = [name for name, value in wanted.items() if getattr(current, name) != value]
        if current.follow_up_id != entry.pk:
            current.follow_up = entry
            changed.append("follow_up")
        if changed:
            for name, value in wanted.items():
                setattr(current, name, value)
            current._history_user = user
            current.save()


# -- Deciding (the Caf's adviser) ---------------------------------------------


def _decision(user, follow_up, revision, action):
    entry = _locked(follow_up)
    if not can_validate(user, entry.action_sheet.convention):
        raise NotAllowed(f"Seul le conseiller de la Caf peut {action} un suivi.")
    _check_revision(entry, revision)
    return entry


def validate(user, follow_up, revision):
    """Accept a submitted entry: it is locked from now on."""
    with transaction.atomic():
        entry = _decision(user, follow_up, revision, "valider")
        if entry.state != FollowUpState.SUBMITTED:
            raise FollowUpError(
                f"Seul un suivi transmis peut être validé ; celui-ci est « "
                f"{entry.get_state_display()} »."
            )
        entry.state = FollowUpState.VALIDATED
        entry.validated_at = timezone.now()
        entry.validated_by = user
        _save(entry, user, "Suivi validé", sync=follow_up)
        webhook_events.follow_ups_validated(entry.action_sheet.convention, [entry])
    return follow_up


BULK_VALIDATION_REASON = "Suivi validé (validation groupée du trimestre)"


def validate_all(user, convention, year, quarter, revisions):
    """Validate, in one step, every submitted entry of a quarter the adviser was shown.

    revisions: {entry id: revision shown on the page}. All or nothing: the entries
    are locked, then if any of them changed since the page showed it (corrected,
    sent back or validated by someone else), nothing is validated and the French
    message names those actions, so the adviser never validates unread text.
    An entry submitted after the page was shown is not in `revisions`: it waits.
    Returns the validated entries, in the plan's order.
    """
    if not can_validate(user, convention):
        raise NotAllowed("Seul le conseiller de la Caf peut valider un suivi.")
    if not revisions:
        raise FollowUpError("Aucune action transmise n'attend de validation sur ce trimestre.")
    with transaction.atomic():
        entries = list(
            # of=self: lock the entries only, not the sheets and axes joined for the order.
            FollowUp.objects.select_for_update(of=("self",))
            .filter(
                action_sheet__convention=convention,
                year=year,
                quarter=quarter,
                pk__in=list(revisions),
            )
            .select_related("action_sheet")
            .order_by("action_sheet__axis__number", "action_sheet__number")
        )
        if len(entries) != len(revisions):
            raise FollowUpError(
                "Une des actions affichées n'appartient plus à ce trimestre : aucune action "
                "n'a été validée. Rechargez la page."
            )
        changed = [
            entry
            for entry in entries
            if entry.revision != int(revisions[entry.pk]) or entry.state != FollowUpState.SUBMITTED
        ]
        if changed:
            raise FollowUpError(_changed_since_shown(changed))
        now = timezone.now()
        for entry in entries:
            entry.state = FollowUpState.VALIDATED
            entry.validated_at = now
            entry.validated_by = user
            entry.revision += 1
        # One UPDATE and one history INSERT per batch, whatever the number of actions.
        bulk_update_with_history(
            entries,
            FollowUp,
            ["state", "validated_at", "validated_by", "revision"],
            default_user=user,
            default_change_reason=BULK_VALIDATION_REASON,
        )
        freshness.plan_changed(convention.pk)
        webhook_events.follow_ups_validated(convention, entries)
    return entries


def _changed_since_shown(entries):
    if len(entries) == 1:
        entry = entries[0]
        author = _last_author(entry)
        who = f" par {author}" if author else ""
        return (
            f"Le suivi de l'action {entry.action_sheet.number} « {entry.action_sheet.title} » "
            f"a été modifié{who} depuis l'affichage de la page (il est maintenant « "
            f"{entry.get_state_display()} ») : aucune action n'a été validée. Relisez-le, "
            "puis validez à nouveau."
        )
    numbers = [str(entry.action_sheet.number) for entry in entries]
    listed = ", ".join(numbers[:-1]) + f" et {numbers[-1]}"
    return (
        f"Les suivis des actions {listed} ont été modifiés depuis l'affichage de la page : "
        "aucune action n'a été validée. Relisez-les, puis validez à nouveau."
    )


def send_back(user, follow_up, revision, comment):
    """Return a submitted entry to its writers, saying what to complete."""
    comment = (comment or "").strip()
    with transaction.atomic():
        entry = _decision(user, follow_up, revision, "renvoyer")
        if entry.state != FollowUpState.SUBMITTED:
            raise FollowUpError(
                f"Seul un suivi transmis peut être renvoyé ; celui-ci est « "
                f"{entry.get_state_display()} »."
            )
        if not comment:
            raise ValidationError({"comment": "Indiquez ce qui est à compléter ou à corriger."})
        entry.state = FollowUpState.RETURNED
        entry.adviser_comment = comment
        _save(entry, user, ("Renvoyé pour complément", comment), sync=follow_up)
        outbox.sent_back(entry)
    return follow_up


def reopen(user, follow_up, revision, reason):
    """Unlock a validated entry; the reason stays in its history and is shown to its writers."""
    reason = (reason or "").strip()
    with transaction.atomic():
        entry = _decision(user, follow_up, revision, "rouvrir")
        if entry.state != FollowUpState.VALIDATED:
            raise FollowUpError(
                f"Seul un suivi validé peut être rouvert ; celui-ci est « "
                f"{entry.get_state_display()} »."
            )
        if not reason:
            raise ValidationError({"comment": "Indiquez le motif de la réouverture."})
        entry.state = FollowUpState.RETURNED
        entry.adviser_comment = reason
        entry.validated_at = None
        entry.validated_by = None
        _save(entry, user, ("Réouverture", reason), sync=follow_up)
        outbox.sent_back(entry)
    return follow_up
