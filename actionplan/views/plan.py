"""The action plan (annexe 3): read by everyone who sees the convention, edited by its
Caf's advisers while the convention is in preparation."""

from django.contrib import messages
from django.db import transaction
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from actionplan import editing
from actionplan.editing import require_plan_draft
from actionplan.forms.plan import (
    ActionSheetForm,
    AxisForm,
    FundingFormSet,
    IndicatorFormSet,
    ObjectiveForm,
)
from actionplan.models import IndicatorTarget, Objective
from actionplan.outline import (
    detailed_sheets,
    neighbours,
    outline_sheets,
    plan_outline,
    summary_sheets,
)
from conventions import freshness
from conventions.access import can_edit, editable_convention, visible_convention
from conventions.lifecycle import LifecycleError
from ctg.concurrency import FIELD as VERSION_FIELD
from ctg.concurrency import (
    StaleVersion,
    add_version_field,
    check_version,
    differences,
    form_fields,
    form_version,
    read_version,
    rows_version,
    save_own_fields,
    stored_values,
    version_of,
)
from ctg.forms import id_or_none


def _draft_plan(request, pk):
    """The convention if the user may edit its plan now; else a redirect that says why."""
    convention = editable_convention(request.user, pk)
    try:
        require_plan_draft(convention)
    except LifecycleError as error:
        messages.error(request, str(error))
        return convention, redirect("actionplan:plan", convention.pk)
    return convention, None


def _to_editor(convention, anchor=""):
    url = reverse("actionplan:plan_edit", args=[convention.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def _direction(request):
    return -1 if request.POST.get("direction") == "up" else 1


def plan_detail(request, pk):
    """The plan's outline: axes, objectives and a summary of each sheet, whose full text
    is on its own page (a plan of 120 sheets in full weighed a megabyte)."""
    convention = visible_convention(request.user, pk)
    return render(
        request,
        "actionplan/plan_detail.html",
        {
            "convention": convention,
            "outline": freshness.plan_cached(
                convention.pk, "outline", lambda: _drawn_outline(convention)
            ),
            "can_edit": can_edit(request.user, convention),
        },
    )


def _drawn_outline(convention):
    """The outline drawn (the same for every reader) and its counts, to be cached."""
    axes = plan_outline(convention, outline_sheets(convention))
    return {
        "html": render_to_string(
            "actionplan/includes/plan_outline_body.html", {"convention": convention, "axes": axes}
        ),
        "axis_count": len(axes),
        "sheet_count": sum(axis.sheet_count for axis in axes),
    }


def sheet_detail(request, pk, number):
    """One action sheet in full, as annexe 3 lays it out, with the sheets around it."""
    convention = visible_convention(request.user, pk)
    sheets = detailed_sheets(convention).select_related("axis", "objective__axis")
    # A sheet an amendment closed keeps its number, which a new sheet may take again: the
    # number names the sheet in force (else the closed one), ?fiche= a closed one.
    chosen = id_or_none(request.GET.get("fiche"))
    if chosen:
        sheets = sheets.filter(pk=chosen)
    sheet = sheets.filter(number=number).order_by(F("closed_on").desc(nulls_first=True)).first()
    if sheet is None:
        raise Http404
    previous, following = neighbours(convention, number)
    return render(
        request,
        "actionplan/sheet_detail.html",
        {
            "convention": convention,
            "sheet": sheet,
            "previous": previous,
            "next": following,
            "can_edit": can_edit(request.user, convention),
        },
    )


def plan_edit(request, pk):
    convention, refused = _draft_plan(request, pk)
    if refused:
        return refused
    axes = plan_outline(convention, summary_sheets(convention))
    return render(
        request,
        "actionplan/plan_edit.html",
        {
            "convention": convention,
            "axes": axes,
            "sheet_count": sum(axis.sheet_count for axis in axes),
        },
    )


def _item_page(request, convention, form, *, title, intro="", conflict=None):
    return render(
        request,
        "actionplan/plan_item_form.html",
        {
            "convention": convention,
            "form": form,
            "title": title,
            "intro": intro,
            "conflict": conflict,
        },
        status=409 if conflict else 200,
    )


def _conflict(form, error, version):
    """What a refused stale save shows; the form then carries the version stored now, so
    that saving again, after checking, is accepted."""
    stored = stored_values(form.instance, form_fields(form)) if form.instance.pk else {}
    form.data = form.data.copy()
    form.data[form.add_prefix(VERSION_FIELD)] = version
    return {"message": str(error), "differences": differences(form, stored)}


@transaction.atomic
def _save_item(convention, form, related=()):
    """Save an axis or objective form under the plan's lock, if still a draft and unchanged
    since it was read."""
    editing.lock_plan(convention)
    if form.instance.pk:
        check_version(read_version(form), form_version(form, *related), form.instance)
    return save_own_fields(form)


# Axes


@require_http_methods(["GET", "POST"])
def axis_form(request, pk, axis_pk=None):
    convention, refused = _draft_plan(request, pk)
    if refused:
        return refused
    axis = get_object_or_404(convention.axes, pk=axis_pk) if axis_pk else None
    form = AxisForm(request.POST if request.method == "POST" else None, instance=axis)
    add_version_field(form, form_version(form))
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            if axis is None:
                axis = editing.add_axis(convention, **_plain(form))
            else:
                axis = _save_item(convention, form)
        except StaleVersion as error:
            conflict = _conflict(form, error, form_version(form))
        except LifecycleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Axe {axis.number} enregistré.")
            return _to_editor(convention, f"axe-{axis.pk}")
    title = f"Axe {axis.number}" if axis else "Nouvel axe stratégique"
    return _item_page(request, convention, form, title=title, conflict=conflict)


def _plain(form):
    """The form's values without its version."""
    return {k: v for k, v in form.cleaned_data.items() if k != VERSION_FIELD}


@require_POST
def axis_move(request, pk, axis_pk):
    convention = editable_convention(request.user, pk)
    axis = get_object_or_404(convention.axes, pk=axis_pk)
    try:
        editing.move_axis(axis, _direction(request))
    except LifecycleError as error:
        messages.error(request, str(error))
    return _to_editor(convention, f"axe-{axis.pk}")


@require_http_methods(["GET", "POST"])
def axis_delete(request, pk, axis_pk):
    convention, refused = _draft_plan(request, pk)
    if refused:
        return refused
    axis = get_object_or_404(convention.axes, pk=axis_pk)
    if request.method == "POST":
        try:
            editing.delete_axis(axis)
        except LifecycleError as error:
            messages.error(request, str(error))
            return _to_editor(convention, f"axe-{axis.pk}")
        messages.success(request, f"L'axe « {axis.title} » a été supprimé ; axes renumérotés.")
        return _to_editor(convention)
    return render(
        request,
        "actionplan/plan_delete.html",
        {
            "convention": convention,
            "title": f"Supprimer l'axe {axis.number} ?",
            "name": f"Axe {axis.number} – {axis.title}",
            "consequence": "Ses objectifs sont supprimés avec lui ; les axes suivants sont "
            "renumérotés. Un axe qui contient des fiches actions ne peut pas être supprimé.",
        },
    )


# Objectives


@require_http_methods(["GET", "POST"])
def objective_form(request, pk, axis_pk=None, objective_pk=None):
    convention, refused = _draft_plan(request, pk)
    if refused:
        return refused
    if objective_pk is not None:
        objective = get_object_or_404(
            Objective.objects.filter(axis__convention=convention).select_related("axis"),
            pk=objective_pk,
        )
        axis = objective.axis
    else:
        objective = None
        axis = get_object_or_404(convention.axes, pk=axis_pk)
    form = ObjectiveForm(request.POST if request.method == "POST" else None, instance=objective)
    add_version_field(form, form_version(form))
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            if objective is None:
                objective = editing.add_objective(axis, **_plain(form))
            else:
                objective = _save_item(convention, form)
        except StaleVersion as error:
            conflict = _conflict(form, error, form_version(form))
        except LifecycleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"Objectif {objective.code} enregistré.")
            return _to_editor(convention, f"objectif-{objective.pk}")
    title = f"Objectif {objective.code}" if objective else f"Nouvel objectif de l'axe {axis.number}"
    intro = f"Axe {axis.number} – {axis.title}"
    return _item_page(request, convention, form, title=title, intro=intro, conflict=conflict)


def _convention_objective(convention, objective_pk):
    return get_object_or_404(
        Objective.objects.filter(axis__convention=convention).select_related("axis__convention"),
        pk=objective_pk,
    )


@require_POST
def objective_move(request, pk, objective_pk):
    convention = editable_convention(request.user, pk)
    objective = _convention_objective(convention, objective_pk)
    try:
        editing.move_objective(objective, _direction(request))
    except LifecycleError as error:
        messages.error(request, str(error))
    return _to_editor(convention, f"objectif-{objective.pk}")


@require_http_methods(["GET", "POST"])
def objective_delete(request, pk, objective_pk):
    convention, refused = _draft_plan(request, pk)
    if refused:
        return refused
    objective = _convention_objective(convention, objective_pk)
    if request.method == "POST":
        editing.delete_objective(objective)
        messages.success(
            request, f"L'objectif « {objective.title} » a été supprimé ; objectifs renumérotés."
        )
        return _to_editor(convention, f"axe-{objective.axis_id}")
    return render(
        request,
        "actionplan/plan_delete.html",
        {
            "convention": convention,
            "title": f"Supprimer l'objectif {objective.code} ?",
            "name": f"{objective.code} – {objective.title}",
            "consequence": "Ses fiches actions restent dans l'axe, sans objectif ; les objectifs "
            "suivants de l'axe sont renumérotés.",
        },
    )


# Action sheets


def _initial_placement(request, convention):
    """Axis and objective proposed by the editor's "add a sheet" links, if they are ours."""
    initial = {}
    objective = Objective.objects.filter(
        axis__convention=convention, pk=id_or_none(request.GET.get("objectif"))
    ).first()
    if objective:
        return {"axis": objective.axis_id, "objective": objective.pk}
    axis = convention.axes.filter(pk=id_or_none(request.GET.get("axe"))).first()
    if axis:
        initial["axis"] = axis.pk
    return initial


@require_http_methods(["GET", "POST"])
def sheet_form(request, pk, sheet_pk=None):
    convention, refused = _draft_plan(request, pk)
    if refused:
        return refused
    sheet = get_object_or_404(convention.action_sheets, pk=sheet_pk) if sheet_pk else None
    if sheet is None and not convention.axes.exists():
        messages.error(request, "Créez d'abord un axe stratégique, puis ses fiches actions.")
        return _to_editor(convention)
    posted = request.POST if request.method == "POST" else None
    form = ActionSheetForm(
        posted,
        instance=sheet,
        convention=convention,
        initial=_initial_placement(request, convention) if sheet is None else None,
    )
    fundings = FundingFormSet(
        posted, instance=form.instance, prefix="financements", convention=convention
    )
    add_version_field(form, _sheet_version(form))
    conflict = None
    if posted is not None and all([form.is_valid(), fundings.is_valid()]):
        try:
            saved, created = _save_sheet(convention, form, fundings)
        except StaleVersion as error:
            conflict = _conflict(form, error, _sheet_version(form))
        except LifecycleError as error:
            messages.error(request, str(error))
            return redirect("actionplan:plan", convention.pk)
        else:
            if created:
                messages.success(
                    request,
                    f"Action {saved.number} créée. Ajoutez maintenant ses indicateurs "
                    "d'évaluation.",
                )
                return redirect("actionplan:sheet_indicators", convention.pk, saved.pk)
            messages.success(request, f"Action {saved.number} enregistrée.")
            return _to_editor(convention, f"fiche-{saved.pk}")
    return render(
        request,
        "actionplan/sheet_form.html",
        {
            "convention": convention,
            "sheet": sheet,
            "form": form,
            "fundings": fundings,
            "conflict": conflict,
        },
        status=409 if conflict else 200,
    )


FUNDING_FIELDS = ["funder", "funder_name", "amount", "human_means", "comment"]


def _sheet_version(form):
    if form.instance.pk is None:
        return form_version(form)
    return form_version(form, (form.instance.fundings.all(), FUNDING_FIELDS))


@transaction.atomic
def _save_sheet(convention, form, fundings):
    editing.lock_plan(convention)
    created = form.instance.pk is None
    if not created:
        check_version(read_version(form), _sheet_version(form), form.instance)
    moved = {"axis", "objective"} & set(form.changed_data)
    extra = []
    if created or moved:
        # Last of its (new) group until renumbering puts it in its place.
        form.instance.number = editing.next_sheet_number(convention)
        extra.append("number")
    saved = save_own_fields(form, extra)
    fundings.save()
    editing.renumber_action_sheets(convention)
    saved.refresh_from_db(fields=["number"])
    return saved, created


@require_http_methods(["GET", "POST"])
def sheet_indicators(request, pk, sheet_pk):
    convention, refused = _draft_plan(request, pk)
    if refused:
        return refused
    sheet = get_object_or_404(convention.action_sheets, pk=sheet_pk)
    posted = request.POST if request.method == "POST" else None
    formset = IndicatorFormSet(posted, instance=sheet, prefix="indicateurs")
    conflict = None
    if request.method == "POST" and formset.is_valid():
        try:
            with transaction.atomic():
                editing.lock_plan(convention)
                check_version(
                    request.POST.get(VERSION_FIELD, ""), _indicators_version(sheet), sheet
                )
                formset.save()
        except StaleVersion as error:
            conflict = {"message": str(error), "differences": []}
        except LifecycleError as error:
            messages.error(request, str(error))
            return redirect("actionplan:plan", convention.pk)
        else:
            messages.success(request, f"Indicateurs de l'action {sheet.number} enregistrés.")
            if "continue" in request.POST:
                return redirect("actionplan:sheet_indicators", convention.pk, sheet.pk)
            return _to_editor(convention, f"fiche-{sheet.pk}")
    return render(
        request,
        "actionplan/sheet_indicators.html",
        {
            "convention": convention,
            "sheet": sheet,
            "formset": formset,
            "conflict": conflict,
            "read_version": _indicators_version(sheet),
        },
        status=409 if conflict else 200,
    )


INDICATOR_FIELDS = [
    "label",
    "kind",
    "unit",
    "periodicity",
    "source",
    "baseline_value",
    "baseline_text",
    "baseline_date",
]


def _indicators_version(sheet):
    """The version of a sheet's indicators and their targets."""
    return version_of(
        rows_version(sheet.indicators.all(), INDICATOR_FIELDS),
        rows_version(
            IndicatorTarget.objects.filter(indicator__action_sheet=sheet), ["value", "text", "date"]
        ),
    )


@require_POST
def sheet_move(request, pk, sheet_pk):
    convention = editable_convention(request.user, pk)
    sheet = get_object_or_404(convention.action_sheets, pk=sheet_pk)
    try:
        editing.move_action_sheet(sheet, _direction(request))
    except LifecycleError as error:
        messages.error(request, str(error))
    return _to_editor(convention, f"fiche-{sheet.pk}")


@require_http_methods(["GET", "POST"])
def sheet_delete(request, pk, sheet_pk):
    convention, refused = _draft_plan(request, pk)
    if refused:
        return refused
    sheet = get_object_or_404(convention.action_sheets, pk=sheet_pk)
    if request.method == "POST":
        editing.delete_action_sheet(sheet)
        messages.success(
            request, f"L'action « {sheet.title} » a été supprimée ; actions renumérotées."
        )
        return _to_editor(convention, f"axe-{sheet.axis_id}")
    return render(
        request,
        "actionplan/plan_delete.html",
        {
            "convention": convention,
            "title": f"Supprimer l'action {sheet.number} ?",
            "name": str(sheet),
            "consequence": "Ses moyens, ses indicateurs et leurs cibles sont supprimés avec "
            "elle ; les actions suivantes sont renumérotées.",
        },
    )
