"""The quarterly follow-up page: every action of a convention for one quarter.

For a chargé de coopération it is one form: everything typed on the page is
sent together, so that moving from one action to the next never loses what was
typed; each action is then saved on its own (its own transaction and revision),
only if it changed or is being submitted. An action refused (a rule, or someone
saved it meanwhile) comes back with the person's text and the reason; the
others are saved.

A quarter of more than WHOLE_PAGE_UP_TO actions (a big territory's plan holds
120) is shown one axis at a time (?axe=N), with every axis's counts of actions to
fill, transmitted and validated: the page opens on the first axis with something
waiting for the person, and saving or transmitting all applies to that axis.

For the Caf's adviser (and an administrator) it is a review page: the answers
read-only, each with its decision (views/followup_review.py); the editable form
of one action only when they choose to correct it (?corriger=<entry id>), posted
here like the chargé's.

The page as loaded is drawn from the plan's rows only (each entry's state, revision,
answers and values, its sheet, indicators and targets) and from who reads it through
their rights (to fill, to validate, statistical secrecy): its actions, drawn whole, and
its counts are kept in the plan pages' cache under the convention's generation
(conventions/freshness.py), which every save moves on. Only the names of the people
who transmitted and validated are not plan rows: they are read at each request and are
part of the key.
"""

import hashlib
import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max, Prefetch, Q
from django.http import Http404, HttpResponseBadRequest
from django.middleware.csrf import get_token
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from actionplan import deadlines, followup, overview, secrecy, tasks
from actionplan.forms.followup import DecisionForm, EntryForm
from actionplan.models import (
    FollowUp,
    FollowUpNotice,
    FollowUpState,
    IndicatorTarget,
    IndicatorValue,
)
from conventions import freshness
from conventions.access import visible_convention
from conventions.models import Convention, ConventionState
from partners.models import User

# decision -> (domain function, what happened to one entry, to several).
DECISIONS = {
    "valider": (followup.validate, "validé", "validés"),
    "renvoyer": (followup.send_back, "renvoyé à la collectivité", "renvoyés à la collectivité"),
    "rouvrir": (followup.reopen, "rouvert", "rouverts"),
}
SAVED = ("enregistré", "enregistrés")
SUBMITTED = ("transmis à la Caf", "transmis à la Caf")
QUARTER_PARAMETER = re.compile(r"(\d{4})-T([1-4])")
# str.isdigit() accepts "²", which int() refuses: ids and revisions are matched in ASCII.
NUMBER = re.compile(r"[0-9]{1,18}")
# Beyond this many actions in a quarter the page shows one axis at a time: 120 actions'
# forms made a page of 2,700 fields, slow to load and to go through on a phone; 20
# actions' forms take about as long to draw as the rest of the page.
WHOLE_PAGE_UP_TO = 20
BLOCKS = "actionplan/followup_blocks.html"
SUMMARY = "actionplan/followup_summary.html"
# The actions' blocks are drawn with this in place of the CSRF token of their forms (the
# review's decisions), then each request writes its own there: what is kept serves everyone.
TOKEN = 'name="csrfmiddlewaretoken" value="{}"'
TOKEN_SLOT = "jeton-de-la-requete"


@dataclass(eq=False)
class Row:
    """One action of the page, as the person may see and change it (compared by identity)."""

    entry: FollowUp
    values: list
    form: EntryForm | None = None
    decision: DecisionForm | None = None
    refusal: str = ""
    conflict: followup.StaleEntry | None = None
    unsaved: dict = field(default_factory=dict)
    # What just happened to it ("Suivi de l'action 4 validé."), shown in its block.
    notice: str = ""


@dataclass
class Drawn:
    """The actions of the page drawn, and what the page around them needs of them."""

    count: int
    has_form: bool
    # (entry id, revision) of each action transmitted: the validation in bulk sends them.
    submitted: list
    # The overview table's rows (not on the review page) and every action's block, the
    # CSRF token of their forms left to write (TOKEN_SLOT); empty when not asked for.
    summary: str = ""
    blocks: str = ""


def _convention(request, pk):
    return visible_convention(request.user, pk, Convention.objects.select_related("caf"))


def _check_period(convention, year, quarter):
    if (year, quarter) not in followup.convention_quarters(convention):
        raise Http404("Ce trimestre n'appartient pas à la période de la convention.")


def quarter_convention(request, pk, year, quarter):
    """The convention, as the person may see it, whose period holds this quarter (else 404)."""
    convention = _convention(request, pk)
    _check_period(convention, year, quarter)
    return convention


def followup_current(request, pk):
    """Today's quarter (within the period), or the one chosen in the list (?trimestre=2026-T3)."""
    convention = _convention(request, pk)
    chosen = QUARTER_PARAMETER.fullmatch(request.GET.get("trimestre", ""))
    if chosen:
        year, quarter = int(chosen[1]), int(chosen[2])
        _check_period(convention, year, quarter)
    else:
        year, quarter = overview.default_quarter(convention)
    return redirect("actionplan:followup", convention.pk, year, quarter)


def axis_counts(convention, year, quarter):
    """Every axis holding actions this quarter, in order, with its counts by stage."""
    counted = (
        FollowUp.objects.filter(action_sheet__convention=convention, year=year, quarter=quarter)
        .values("action_sheet__axis__number", "action_sheet__axis__title")
        .annotate(
            total=Count("pk"),
            submitted=Count("pk", filter=Q(state=FollowUpState.SUBMITTED)),
            validated=Count("pk", filter=Q(state=FollowUpState.VALIDATED)),
            returned=Count("pk", filter=Q(state=FollowUpState.RETURNED)),
            pending=Count("pk", filter=Q(state__in=(FollowUpState.OPEN, FollowUpState.DRAFT))),
        )
        .order_by("action_sheet__axis__number")
    )
    return [
        {
            "number": row["action_sheet__axis__number"],
            "title": row["action_sheet__axis__title"],
            "total": row["total"],
            "submitted": row["submitted"],
            "validated": row["validated"],
            "returned": row["returned"],
            "pending": row["pending"],
            "to_fill": row["pending"] + row["returned"],
        }
        for row in counted
    ]


def chosen_axis(request, axes, may_validate):
    """The axis the page shows alone (?axe=N), or None when the quarter fits on one page.

    Without a choice: the first axis where something waits for this person (actions
    transmitted, for the adviser; to fill, for the chargé de coopération).
    """
    if len(axes) < 2 or sum(axis["total"] for axis in axes) <= WHOLE_PAGE_UP_TO:
        return None
    numbers = [axis["number"] for axis in axes]
    asked = request.GET.get("axe", "")
    if asked:
        if not NUMBER.fullmatch(asked) or int(asked) not in numbers:
            raise Http404("Cet axe n'a pas d'action à ce trimestre.")
        return int(asked)
    waiting = "submitted" if may_validate else "to_fill"
    return next((axis["number"] for axis in axes if axis[waiting]), numbers[0])


def entry_axis(convention, year, quarter, entry_pk, default):
    """The number of the axis holding this entry of the quarter (`default` if none does)."""
    number = (
        FollowUp.objects.filter(
            pk=entry_pk, action_sheet__convention=convention, year=year, quarter=quarter
        )
        .values_list("action_sheet__axis__number", flat=True)
        .first()
    )
    return default if number is None else number


def _entries(convention, year, quarter, axis=None):
    entries = FollowUp.objects.filter(
        action_sheet__convention=convention, year=year, quarter=quarter
    )
    if axis is not None:
        entries = entries.filter(action_sheet__axis__number=axis)
    return list(
        entries.select_related(
            "action_sheet__axis",
            "action_sheet__objective__axis",
            "action_sheet__pilot_party__organisation",
            "submitted_by",
            "validated_by",
        )
        .prefetch_related(
            Prefetch(
                "action_sheet__indicators__targets",
                queryset=IndicatorTarget.objects.order_by("date", "pk"),
            )
        )
        .order_by("action_sheet__axis__number", "action_sheet__number")
    )


def rights(user, convention):
    """What the person may do on the quarter's page, and whether small figures are hidden
    from them: (may fill, may validate, secrecy applies)."""
    return (
        followup.can_fill(user, convention),
        followup.can_validate(user, convention),
        secrecy.applies_to(user, convention),
    )


def build_rows(
    user, convention, year, quarter, data=None, correcting=None, axis=None, allowed=None
):
    """The actions of the quarter (of one axis: `axis`, its number) as this person may see
    and change them.

    data: what was posted to the quarter's page. The chargé de coopération gets a
    form for every action they may still write; the adviser reviews, and gets the
    form only of the action they correct (`correcting`, an entry id) or sent.
    allowed: rights(), when the caller has them already.
    """
    entries = _entries(convention, year, quarter, axis)
    values = IndicatorValue.objects.filter(
        indicator__action_sheet__convention=convention, year=year, quarter=quarter
    )
    if axis is not None:
        values = values.filter(indicator__action_sheet__axis__number=axis)
    values = {v.indicator_id: v for v in values}
    may_fill, may_validate, hide = allowed or rights(user, convention)
    rows = []
    for entry in entries:
        indicators = list(entry.action_sheet.indicators.all())
        shown = []
        for indicator in indicators:
            value = values.get(indicator.pk)
            raw = value.value if value else None
            secret = hide and secrecy.is_secret(
                convention, raw, value.zone_recipients if value else None
            )
            shown.append((indicator, value, None if secret else raw, secret))
        row = Row(entry=entry, values=shown)
        refusal = followup.write_refusal(entry, may_validate) if may_fill else None
        # Text sent for an entry closed since the page was loaded still goes to the
        # domain, which refuses it: the person then sees it back with the reason.
        sent = data is not None and f"suivi-{entry.pk}-revision" in data
        wanted = not may_validate or entry.pk == correcting
        if may_fill and (sent or (wanted and not refusal)):
            row.form = EntryForm(
                data,
                entry=entry,
                indicators=indicators,
                values=values,
                zones=convention.statistical_secrecy,
            )
        row.refusal = refusal or ""
        if may_validate and entry.state in (FollowUpState.SUBMITTED, FollowUpState.VALIDATED):
            row.decision = DecisionForm(data, entry=entry)
        rows.append(row)
    return rows, may_fill, may_validate


def draw_rows(convention, year, quarter, rows, may_fill, may_validate, axis, blocks=True):
    """The rows as the page shows them; their blocks and the overview's rows only if
    `blocks` (an htmx answer of one action's block needs neither).

    axis: the axis shown alone (an item of axis_counts), or None. Drawn without the
    request: nothing here depends on who reads but through may_fill, may_validate and
    the secrecy applied to the rows, so that a page as loaded may be kept for everyone
    with the same rights (quarter_page).
    """
    drawn = Drawn(
        count=len(rows),
        has_form=any(row.form for row in rows),
        submitted=[
            (row.entry.pk, row.entry.revision)
            for row in rows
            if row.entry.state == FollowUpState.SUBMITTED
        ],
    )
    if blocks:
        context = {
            "convention": convention,
            "year": year,
            "quarter": quarter,
            "period": followup.quarter_label(year, quarter),
            "rows": rows,
            "may_fill": may_fill,
            "review": may_validate,
            "axis": axis,
            "axis_query": f"?axe={axis['number']}" if axis else "",
            "csrf_token": TOKEN_SLOT,
        }
        drawn.blocks = render_to_string(BLOCKS, context)
        drawn.summary = "" if may_validate else render_to_string(SUMMARY, context)
    return drawn


def quarter_page(user, convention, year, quarter, axes, axis, allowed, generation):
    """The rows of the quarter's page as loaded (no correction asked), drawn (Drawn), kept
    in the cache under the plan's generation per axis, rights (`allowed`) and names shown."""
    shown = next((item for item in axes if item["number"] == axis), None)

    def draw():
        rows = build_rows(user, convention, year, quarter, axis=axis, allowed=allowed)[0]
        return draw_rows(convention, year, quarter, rows, allowed[0], allowed[1], shown)

    role = "".join(f"{right:d}" for right in allowed)
    people = _people(convention, year, quarter, axis)
    name = f"followup-rows:{year}-{quarter}:{axis or 0}:{role}:{people}"
    return freshness.plan_cached_many(convention.pk, generation, {name: draw})[name]


def _people(convention, year, quarter, axis):
    """A fingerprint of the names of who transmitted and validated the actions shown: the
    blocks name them, and a person is not a row of the plan."""
    entries = FollowUp.objects.filter(
        action_sheet__convention=convention, year=year, quarter=quarter
    )
    if axis is not None:
        entries = entries.filter(action_sheet__axis__number=axis)
    named = (
        User.objects.filter(
            Q(pk__in=entries.values("submitted_by")) | Q(pk__in=entries.values("validated_by"))
        )
        .order_by("pk")
        .values_list("pk", "first_name", "last_name", "username")
    )
    return hashlib.sha256(repr(list(named)).encode()).hexdigest()[:16]


def _kept(convention, generation, name, compute):
    """compute() from the cache under the plan's generation (None: computed now)."""
    return freshness.plan_cached_many(convention.pk, generation, {name: compute})[name]


def _quarter_counts(convention):
    """{(year, quarter): {"total", "done"}} of every quarter with entries."""
    return {
        (row["year"], row["quarter"]): {"total": row["total"], "done": row["done"]}
        for row in FollowUp.objects.filter(action_sheet__convention=convention)
        .values("year", "quarter")
        .annotate(
            total=Count("pk"),
            done=Count("pk", filter=Q(state__in=overview.REPORTED)),
        )
    }


def _quarter_nav(convention, year, quarter, generation=None):
    """Every quarter of the period with its counts, and the previous and next ones; the
    counts kept under the plan's `generation` when given."""
    counts = _kept(
        convention, generation, "followup-quarters", partial(_quarter_counts, convention)
    )
    quarters = followup.convention_quarters(convention)
    index = quarters.index((year, quarter))
    items = [
        {
            "year": y,
            "quarter": q,
            "label": followup.quarter_label(y, q),
            "total": counts.get((y, q), {}).get("total", 0),
            "done": counts.get((y, q), {}).get("done", 0),
            "current": (y, q) == (year, quarter),
        }
        for y, q in quarters
    ]
    return {
        "quarters": items,
        "previous": items[index - 1] if index > 0 else None,
        "next": items[index + 1] if index + 1 < len(items) else None,
    }


def _notices(convention, year, quarter):
    return list(
        FollowUpNotice.objects.filter(convention=convention, year=year, quarter=quarter)
        .values("kind")
        .annotate(count=Count("pk"), last=Max("sent_at"))
        .order_by("kind")
    )


def tally(axes):
    """How many actions of the quarter are in each stage of the review (from axis_counts)."""
    return {
        stage: sum(axis[stage] for axis in axes)
        for stage in ("total", "submitted", "validated", "returned", "pending")
    }


def opening_day(convention, year, quarter, today=None):
    """The first day of a quarter still to come whose follow-up will open on its own, or None.

    Entries open each quarter while a signed convention is in force: nothing to
    announce for a past quarter, nor for a convention that is not signed.
    """
    if convention.state != ConventionState.SIGNED:
        return None
    if (year, quarter) <= followup.current_quarter(today or timezone.localdate()):
        return None
    return followup.quarter_bounds(year, quarter)[0]


def page_context(
    request,
    convention,
    year,
    quarter,
    rows,
    may_fill,
    may_validate,
    axis=None,
    axes=None,
    drawn=None,
    generation=None,
    blocks=True,
):
    """What the quarter's page and its htmx parts show.

    axis: the number of the axis shown alone, if any; axes: axis_counts, read again
    when not given (after a save or a decision they have changed). drawn: the rows
    already drawn (quarter_page), else drawn here from `rows` (their blocks only if
    `blocks`); generation: the plan's, when the counts may come from the cache.
    """
    if axes is None:
        axes = axis_counts(convention, year, quarter)
    counts = tally(axes)
    shown = next((item for item in axes if item["number"] == axis), None)
    position = axes.index(shown) if shown else 0
    if drawn is None:
        drawn = draw_rows(
            convention, year, quarter, rows, may_fill, may_validate, shown, blocks=blocks
        )
    opens_on = None if drawn.count else opening_day(convention, year, quarter)
    return {
        "convention": convention,
        "year": year,
        "quarter": quarter,
        "period": followup.quarter_label(year, quarter),
        "due": deadlines.deadline(year, quarter),
        "drawn": drawn,
        "summary": mark_safe(drawn.summary),  # drawn by our templates, escaped there
        "blocks": _with_token(request, drawn.blocks),
        "may_fill": may_fill,
        "may_validate": may_validate,
        "has_form": drawn.has_form,
        "review": may_validate,
        "tally": counts,
        "axes": axes if shown else [],
        "axis": shown,
        "axis_query": f"?axe={axis}" if shown else "",
        "previous_axis": axes[position - 1] if shown and position > 0 else None,
        "next_axis": axes[position + 1] if shown and position + 1 < len(axes) else None,
        "submitted": drawn.submitted,
        "opens_on": opens_on,
        "reported": counts["submitted"] + counts["validated"],
        "validated": counts["validated"],
        "nav": _quarter_nav(convention, year, quarter, generation),
        "notices": _notices(convention, year, quarter) if may_validate else [],
        "can_open": may_validate and not drawn.count and not opens_on,
        "secrecy_note": secrecy.secrecy_note(convention)
        if secrecy.applies_to(request.user, convention)
        else "",
    }


def _with_token(request, blocks):
    """The blocks with the request's CSRF token where they leave it to write."""
    slot = TOKEN.format(TOKEN_SLOT)
    if slot in blocks:
        blocks = blocks.replace(slot, TOKEN.format(get_token(request)))
    return mark_safe(blocks)  # drawn by our templates, escaped there


def render_quarter(
    request,
    convention,
    year,
    quarter,
    rows,
    may_fill,
    may_validate,
    status=200,
    axis=None,
    axes=None,
    drawn=None,
    generation=None,
):
    context = page_context(
        request,
        convention,
        year,
        quarter,
        rows,
        may_fill,
        may_validate,
        axis,
        axes,
        drawn=drawn,
        generation=generation,
    )
    return render(request, "actionplan/followup_quarter.html", context, status=status)


def page_axis(request, convention, year, quarter, generation=None):
    """The axis_counts of the quarter (kept under the plan's `generation` when given) and
    the axis the page shows alone (or None)."""
    axes = _kept(
        convention,
        generation,
        f"followup-axes:{year}-{quarter}",
        partial(axis_counts, convention, year, quarter),
    )
    return axes, chosen_axis(request, axes, followup.can_validate(request.user, convention))


@require_http_methods(["GET", "POST"])
def followup_quarter(request, pk, year, quarter):
    convention = quarter_convention(request, pk, year, quarter)
    if request.method == "GET":
        return _quarter_page(request, convention, year, quarter)
    axes, axis = page_axis(request, convention, year, quarter)

    rows, may_fill, may_validate = build_rows(
        request.user, convention, year, quarter, request.POST, axis=axis
    )
    if not may_fill:
        raise PermissionDenied("Vous ne pouvez que consulter le suivi de cette convention.")
    by_pk = {row.entry.pk: row for row in rows}
    submit = _targets(request.POST.get("transmettre"), by_pk)
    decision = request.POST.get("decision", "")
    action, _, decided = decision.partition("-")
    if decision and (action not in DECISIONS or not NUMBER.fullmatch(decided)):
        return HttpResponseBadRequest("Décision inconnue.")
    if decision and not may_validate:
        raise PermissionDenied("Seul le conseiller de la Caf décide d'un suivi.")
    decided = int(decided) if decided else None
    # "Save and go to the next axis": the person's text is saved before the page changes.
    going = request.POST.get("aller_axe", "")
    if going and axis is not None:
        if not NUMBER.fullmatch(going) or int(going) not in (item["number"] for item in axes):
            return HttpResponseBadRequest("Axe inconnu.")
        going = int(going)
    else:
        going = None
    if decided is not None and (decided not in by_pk or not by_pk[decided].decision):
        return HttpResponseBadRequest("Ce suivi n'attend pas de décision.")

    done, failed = [], []
    for row in rows:
        if row.form is None or row.form.add_prefix("revision") not in request.POST:
            continue  # not on the page the person sent
        if row.entry.pk not in submit and not row.form.has_changed():
            continue
        if _save(request.user, row, submit=row.entry.pk in submit):
            done.append((row, SUBMITTED if row.entry.pk in submit else SAVED))
        else:
            failed.append(row)
    if decided is not None and by_pk[decided] not in failed:
        row = by_pk[decided]
        if decide(request.user, row, action, saved=any(r is row for r, _ in done)):
            done.append((row, DECISIONS[action][1:]))
        else:
            failed.append(row)

    if failed:
        # What was saved comes back as saved; what was refused, as the person typed it.
        fresh, _, _ = build_rows(request.user, convention, year, quarter, axis=axis)
        fresh = {row.entry.pk: row for row in fresh}
        for index, row in enumerate(rows):
            if row not in failed:
                rows[index] = fresh.get(row.entry.pk, row)
        report(request, done)
        conflict = any(row.conflict for row in failed)
        return render_quarter(
            request,
            convention,
            year,
            quarter,
            rows,
            may_fill,
            may_validate,
            status=409 if conflict else 200,
            axis=axis,
        )
    if going is not None:
        axis = going
    elif not done:
        messages.info(request, "Aucune modification à enregistrer.")
    report(request, done)
    url = reverse("actionplan:followup", args=[convention.pk, year, quarter])
    if axis is not None:
        url += f"?axe={axis}"
    if len(done) == 1 and going is None:
        url += f"#action-{done[0][0].entry.action_sheet.number}"
    return redirect(url)


def _quarter_page(request, convention, year, quarter):
    """The page as loaded; drawn from the cache while the plan is unchanged, unless an
    action is being corrected."""
    generation = freshness.plan_generation(convention.pk)  # before reading any row
    axes, axis = page_axis(request, convention, year, quarter, generation)
    correcting = request.GET.get("corriger", "")
    correcting = int(correcting) if NUMBER.fullmatch(correcting) else None
    if correcting is not None and axis is not None and "axe" not in request.GET:
        # A link to correct one action opens the axis that holds it.
        axis = entry_axis(convention, year, quarter, correcting, axis)
    allowed = rights(request.user, convention)
    rows, drawn = None, None
    if correcting is None and generation is not None:
        drawn = quarter_page(
            request.user, convention, year, quarter, axes, axis, allowed, generation
        )
    else:
        rows = build_rows(
            request.user,
            convention,
            year,
            quarter,
            correcting=correcting,
            axis=axis,
            allowed=allowed,
        )[0]
    return render_quarter(
        request,
        convention,
        year,
        quarter,
        rows,
        allowed[0],
        allowed[1],
        axis=axis,
        axes=axes,
        drawn=drawn,
        generation=generation,
    )


def _targets(value, by_pk):
    """The entries to submit: one (its id) or every one the person may write ("tout")."""
    if not value:
        return set()
    if value == "tout":
        return {
            pk
            for pk, row in by_pk.items()
            if row.form is not None and row.entry.state != FollowUpState.SUBMITTED
        }
    if NUMBER.fullmatch(value) and int(value) in by_pk and by_pk[int(value)].form is not None:
        return {int(value)}
    return set()


def report(request, done):
    """One message per outcome: "Suivis des actions 1, 2 et 5 transmis à la Caf." """
    by_outcome = defaultdict(list)
    for row, outcome in done:
        by_outcome[outcome].append(str(row.entry.action_sheet.number))
    for (one, several), numbers in by_outcome.items():
        if len(numbers) == 1:
            messages.success(request, f"Suivi de l'action {numbers[0]} {one}.")
        else:
            listed = ", ".join(numbers[:-1]) + f" et {numbers[-1]}"
            messages.success(request, f"Suivis des actions {listed} {several}.")


def _save(user, row, submit):
    form = row.form
    if not form.is_valid():
        return False
    try:
        followup.save_entry(
            user,
            row.entry,
            form.cleaned_data["revision"],
            form.entry_data(),
            form.indicator_values(),
            submit=submit,
        )
    except followup.NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except followup.StaleEntry as error:
        _show_conflict(row, error)
        return False
    except ValidationError as error:
        _add_errors(form, error)
        return False
    except followup.FollowUpError as error:
        form.add_error(None, str(error))
        return False
    return True


def decide(user, row, action, saved):
    """Apply the adviser's decision to one row; False when refused (the row then shows why)."""
    form = row.decision
    if not form.is_valid():
        return False
    function = DECISIONS[action][0]
    # A correction saved by this same request moved the revision on.
    revision = row.entry.revision if saved else form.cleaned_data["revision"]
    arguments = [] if action == "valider" else [form.cleaned_data["comment"]]
    try:
        function(user, row.entry, revision, *arguments)
    except followup.NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except followup.StaleEntry as error:
        _show_conflict(row, error)
        return False
    except ValidationError as error:
        _add_errors(form, error)
        return False
    except followup.FollowUpError as error:
        form.add_error(None, str(error))
        return False
    return True


def _add_errors(form, error):
    for name, problems in error.message_dict.items():
        form.add_error(name if name in form.fields else None, problems)


def _show_conflict(row, error):
    """Keep the person's text in the form, now carrying the stored revision, beside the
    version someone else saved: saving again is then a deliberate choice."""
    row.unsaved = dict(row.form.cleaned_data) if row.form and row.form.is_valid() else {}
    row.conflict = error
    row.entry = error.current
    for form in (row.form, row.decision):
        if form is None or not form.is_bound:
            continue
        data = form.data.copy()
        data[form.add_prefix("revision")] = error.current.revision
        form.data = data
        form.add_error(None, str(error))
    refusal = followup.write_refusal(error.current, may_validate=row.decision is not None)
    if refusal:
        # It can no longer be written (validated meanwhile): show the text, not the form.
        row.refusal = refusal
        row.form = None


@require_POST
def open_quarter(request, pk, year, quarter):
    """The adviser opens this quarter for the convention now; e-mails follow on commit."""
    convention = quarter_convention(request, pk, year, quarter)
    try:
        created = followup.open_convention_quarter(request.user, convention, year, quarter)
    except followup.NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except followup.FollowUpError as error:
        messages.error(request, str(error))
    else:
        transaction.on_commit(
            partial(tasks.send_opening_emails.delay, convention.pk, year, quarter)
        )
        messages.success(
            request,
            f"{followup.quarter_label(year, quarter)} ouvert : {created} action"
            f"{'s' if created > 1 else ''} à renseigner.",
        )
    return redirect("actionplan:followup", convention.pk, year, quarter)
