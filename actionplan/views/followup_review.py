"""The adviser's decisions on the quarter's review page, one action or all at once.

Each decision is a form of its own: with htmx it answers with the action's block
alone (and, out of band, the quarter's counts and a sentence for screen readers),
so the page never reloads; without JavaScript it is a plain POST followed by a
redirect to the page, or the page again with the refusal at the field. On a quarter
shown one axis at a time, the forms post the axis (?axe=N): the answer reads and
shows that axis only.
"""

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from actionplan import followup
from actionplan.forms.followup import DecisionForm
from actionplan.views.followup import (
    DECISIONS,
    NUMBER,
    build_rows,
    decide,
    entry_axis,
    page_axis,
    page_context,
    quarter_convention,
    render_quarter,
    report,
)

REVISION = re.compile(r"revision-([0-9]{1,18})")


def _is_htmx(request):
    return request.headers.get("HX-Request") == "true"


def _page_url(convention, year, quarter, axis=None, number=None):
    url = reverse("actionplan:followup", args=[convention.pk, year, quarter])
    if axis is not None:
        url += f"?axe={axis}"
    return f"{url}#action-{number}" if number is not None else url


@require_POST
def decide_entry(request, pk, year, quarter, entry_pk):
    """Validate, send back or reopen one action of the quarter."""
    convention = quarter_convention(request, pk, year, quarter)
    _, axis = page_axis(request, convention, year, quarter)
    if axis is not None:
        # The answer is the block of this action: read the axis that holds it.
        axis = entry_axis(convention, year, quarter, entry_pk, axis)
    rows, may_fill, may_validate = build_rows(request.user, convention, year, quarter, axis=axis)
    if not may_validate:
        raise PermissionDenied("Seul le conseiller de la Caf décide d'un suivi.")
    row = next((row for row in rows if row.entry.pk == entry_pk), None)
    if row is None:
        raise Http404("Cette action n'appartient pas à ce trimestre.")
    action = request.POST.get("decision", "")
    if action not in DECISIONS:
        return HttpResponseBadRequest("Décision inconnue.")
    # Whether the entry still waits for this decision (an old page, a second adviser)
    # is the domain's to say: the refusal then shows in the block.
    row.decision = DecisionForm(request.POST, entry=row.entry)
    if row.decision.has_error("revision"):
        return HttpResponseBadRequest("Formulaire incomplet : rechargez la page.")
    number = row.entry.action_sheet.number
    done = decide(request.user, row, action, saved=False)
    if done:
        # Read again: the block shows the new state, who decided, and its next decision.
        rows, _, _ = build_rows(request.user, convention, year, quarter, axis=axis)
        row = next(row for row in rows if row.entry.pk == entry_pk)
        row.notice = f"Suivi de l'action {number} {DECISIONS[action][1]}."
    elif row.decision.has_error("comment"):
        row.decision.fields["comment"].widget.attrs["autofocus"] = True

    if not _is_htmx(request):
        if done:
            report(request, [(row, DECISIONS[action][1:])])
            return redirect(_page_url(convention, year, quarter, axis, number))
        return render_quarter(
            request,
            convention,
            year,
            quarter,
            rows,
            may_fill,
            may_validate,
            status=409 if row.conflict else 200,
            axis=axis,
        )
    # The answer is this action's block and the counts: the other blocks are not drawn.
    context = page_context(
        request, convention, year, quarter, rows, may_fill, may_validate, axis=axis, blocks=False
    )
    if done:
        announcement = row.notice
    else:
        problems = [problem for errors in row.decision.errors.values() for problem in errors]
        announcement = f"Action {number} : " + " ".join(problems)
    context.update(row=row, announcement=announcement)
    # htmx swaps 2xx answers only: a refusal is answered 200 so the block shows why.
    return render(request, "actionplan/followup_review_decided.html", context)


@require_POST
def validate_all(request, pk, year, quarter):
    """Validate every submitted action the page showed, all or nothing."""
    convention = quarter_convention(request, pk, year, quarter)
    _, axis = page_axis(request, convention, year, quarter)
    revisions = {}
    for name, value in request.POST.items():
        matched = REVISION.fullmatch(name)
        if matched:
            if not NUMBER.fullmatch(value):
                return HttpResponseBadRequest("Révision illisible.")
            revisions[int(matched[1])] = int(value)
    try:
        validated = followup.validate_all(request.user, convention, year, quarter, revisions)
    except followup.NotAllowed as error:
        raise PermissionDenied(str(error)) from error
    except followup.FollowUpError as error:
        refusal, announcement = str(error), str(error)
    else:
        refusal = ""
        numbers = [str(entry.action_sheet.number) for entry in validated]
        if len(numbers) == 1:
            announcement = f"Suivi de l'action {numbers[0]} validé."
        else:
            announcement = (
                f"{len(numbers)} suivis validés (actions {', '.join(numbers[:-1])} "
                f"et {numbers[-1]})."
            )

    if not _is_htmx(request):
        if refusal:
            messages.error(request, refusal)
        else:
            messages.success(request, announcement)
        return redirect(_page_url(convention, year, quarter, axis))
    rows, may_fill, may_validate = build_rows(request.user, convention, year, quarter, axis=axis)
    context = page_context(
        request, convention, year, quarter, rows, may_fill, may_validate, axis=axis
    )
    context.update(refusal=refusal, announcement=announcement, bulk_done=not refusal)
    return render(request, "actionplan/followup_review_refreshed.html", context)
