"""An amendment's own page, text, deliberations, signatures and lifecycle."""

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from conventions import amendment_plan, lifecycle
from conventions.access import (
    can_edit,
    can_record_deliberation,
    editable_convention,
    visible_convention,
)
from conventions.documents.service import request_document
from conventions.forms.lifecycle import AmendmentForm
from conventions.lifecycle import LifecycleError
from conventions.models import AmendmentState, Deliberation, DocumentKind, Signature
from conventions.views.lifecycle import signature_page
from ctg.concurrency import StaleVersion, add_version_field, form_version, refused, save_form

AMENDMENT_TRANSITIONS = {
    "modifier-le-plan": (
        amendment_plan.start,
        "La copie de travail du plan d'actions et des parties est prête : modifiez-la, "
        "l'avenant en montre la différence.",
    ),
    "abandonner-le-plan": (
        amendment_plan.discard,
        "Les modifications du plan d'actions et des parties sont abandonnées.",
    ),
    "figer": (lifecycle.freeze_amendment, "L'avenant est figé : il peut être délibéré."),
    "rouvrir": (lifecycle.reopen_amendment, "L'avenant est de nouveau en préparation."),
    "mettre-a-la-signature": (
        lifecycle.start_amendment_signing,
        "L'avenant est à la signature.",
    ),
}


def amendment_detail(request, pk, number):
    convention = visible_convention(request.user, pk)
    amendment = get_object_or_404(convention.amendments, number=number)
    parties = list(
        convention.parties.exclude(role="partner")
        .select_related("organisation__department")
        .prefetch_related(
            "signatories",
            Prefetch(
                "deliberations",
                queryset=Deliberation.objects.filter(amendment=amendment),
                to_attr="amendment_deliberations",
            ),
            Prefetch(
                "signatures",
                queryset=Signature.objects.filter(amendment=amendment).select_related(
                    "representative"
                ),
                to_attr="amendment_signatures",
            ),
        )
        .order_by("position", "pk")
    )
    # A party that left through an earlier amendment has no part in this one.
    parties = [
        p
        for p in parties
        if p.left_on is None or p.amendment_signatures or p.amendment_deliberations
    ]
    context = {
        "convention": convention,
        "amendment": amendment,
        "parties": parties,
        "difference": amendment_plan.difference(amendment),
        "can_edit": can_edit(request.user, convention),
        "recordable": {
            p.pk for p in parties if can_record_deliberation(request.user, convention, p)
        },
        "missing": {p.pk for p in lifecycle.parties_missing_deliberation(convention, amendment)},
    }
    return render(request, "conventions/amendment_detail.html", context)


@require_http_methods(["GET", "POST"])
def amendment_edit(request, pk, number):
    convention = editable_convention(request.user, pk)
    amendment = get_object_or_404(convention.amendments, number=number)
    if amendment.state != AmendmentState.DRAFT:
        messages.error(request, "L'avenant n'est plus en préparation : rouvrez-le d'abord.")
        return redirect("conventions:amendment", convention.pk, number)
    form = AmendmentForm(request.POST if request.method == "POST" else None, instance=amendment)
    add_version_field(form, form_version(form))
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            save_form(form, guard=_still_draft)
        except StaleVersion as error:
            conflict = refused(form, error)
        except LifecycleError as error:
            messages.error(request, str(error))
            return redirect("conventions:amendment", convention.pk, number)
        else:
            messages.success(request, "Avenant enregistré.")
            return redirect("conventions:amendment", convention.pk, number)
    return render(
        request,
        "conventions/action_form.html",
        {
            "convention": convention,
            "form": form,
            "title": f"Avenant n° {number}",
            "intro": "Ce que l'avenant modifie dans la convention et ses annexes.",
            "button": "Enregistrer",
            "conflict": conflict,
        },
        status=409 if conflict else 200,
    )


def _still_draft(amendment):
    if amendment.state != AmendmentState.DRAFT:
        raise LifecycleError("L'avenant n'est plus en préparation : rouvrez-le d'abord.")


@require_POST
def amendment_transition(request, pk, number, action):
    if action not in AMENDMENT_TRANSITIONS:
        raise Http404
    convention = editable_convention(request.user, pk)
    amendment = get_object_or_404(convention.amendments, number=number)
    perform, done = AMENDMENT_TRANSITIONS[action]
    try:
        perform(amendment, user=request.user)
    except LifecycleError as error:
        messages.error(request, str(error))
    else:
        if action == "mettre-a-la-signature":
            # Issued now, rendered once the step is saved: everyone signs the same file.
            request_document(
                convention,
                DocumentKind.AMENDMENT_SIGNED_READY,
                user=request.user,
                amendment=amendment,
            )
        messages.success(request, done)
    return redirect("conventions:amendment", convention.pk, number)


@require_http_methods(["GET", "POST"])
def amendment_signature(request, pk, number):
    convention = editable_convention(request.user, pk)
    amendment = get_object_or_404(convention.amendments, number=number)
    return signature_page(request, convention, amendment)
