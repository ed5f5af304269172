"""Lifecycle actions in the browser: a confirmation page, then the transition."""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from conventions import lifecycle
from conventions.access import editable_convention
from conventions.documents.service import request_document
from conventions.forms.lifecycle import (
    AmendmentForm,
    RecordSignedForm,
    RenewalForm,
    SignatureForm,
    TerminationForm,
)
from conventions.lifecycle import LifecycleError
from conventions.models import ConventionState, DocumentKind


@dataclass(frozen=True)
class Transition:
    title: str
    explanation: str
    button: str
    perform: Callable
    done: str
    blockers: Callable = lambda convention: []


def _freeze_blockers(convention):
    return lifecycle.freeze_problems(convention)


def _signing_blockers(convention):
    return [
        f"délibération adoptée manquante : {party.organisation}"
        for party in lifecycle.parties_missing_deliberation(convention)
    ]


def _start_signing(convention, user):
    """Put to signature and issue the signed-ready PDF (rendered once the step is saved)."""
    lifecycle.start_signing(convention, user=user)
    request_document(convention, DocumentKind.SIGNED_READY, user=user)


TRANSITIONS = {
    "figer": Transition(
        title="Figer le texte pour délibération",
        explanation=(
            "Le texte, les parties, les annexes et le plan d'actions sont figés dans une version "
            "numérotée, avec son empreinte. Chaque conseil délibère sur cette version. Les "
            "modifications ne seront plus possibles sans rouvrir la convention."
        ),
        button="Figer le texte",
        perform=lambda convention, user: lifecycle.freeze(convention, user=user),
        done="Le texte est figé : la convention est en délibération.",
        blockers=_freeze_blockers,
    ),
    "rouvrir": Transition(
        title="Rouvrir la convention",
        explanation=(
            "La convention revient en préparation pour modification. Si le texte change, les "
            "délibérations déjà enregistrées porteront sur une ancienne version et devront "
            "être reprises."
        ),
        button="Rouvrir",
        perform=lambda convention, user: lifecycle.reopen(convention, user=user),
        done="La convention est de nouveau en préparation.",
    ),
    "mettre-a-la-signature": Transition(
        title="Mettre à la signature",
        explanation=(
            "Toutes les parties signataires ont délibéré : la convention passe à la signature. "
            "Chaque signature sera ensuite enregistrée (qui, quand). Le PDF prêt à signer, avec "
            "un champ de signature électronique par signataire, est émis dans la section "
            "Documents."
        ),
        button="Mettre à la signature",
        perform=lambda convention, user: _start_signing(convention, user),
        done="La convention est à la signature.",
        blockers=_signing_blockers,
    ),
}


@require_http_methods(["GET", "POST"])
def convention_transition(request, pk, action):
    transition = TRANSITIONS.get(action)
    if transition is None:
        raise Http404
    convention = editable_convention(request.user, pk)
    if request.method == "POST":
        try:
            transition.perform(convention, request.user)
        except LifecycleError as error:
            messages.error(request, str(error))
            return redirect("conventions:transition", convention.pk, action)
        messages.success(request, transition.done)
        return redirect("conventions:detail", convention.pk)
    return render(
        request,
        "conventions/transition_confirm.html",
        {
            "convention": convention,
            "transition": transition,
            "blockers": transition.blockers(convention),
        },
    )


@require_http_methods(["GET", "POST"])
def record_signature(request, pk):
    return signature_page(request, editable_convention(request.user, pk))


def signature_page(request, convention, amendment=None):
    """Record signatures one at a time, for the convention or one of its amendments."""
    pending = lifecycle.pending_signatures(convention, amendment=amendment)
    form = SignatureForm(request.POST or None, pending=pending)
    if request.method == "POST" and form.is_valid():
        party, representative = form.cleaned_data["signatory"]
        facts = {
            "party": party,
            "representative": representative,
            "signed_on": form.cleaned_data["signed_on"],
            "user": request.user,
        }
        try:
            if amendment is None:
                signature = lifecycle.record_signature(convention, **facts)
                for warning in lifecycle.signature_warnings(convention, signature):
                    messages.warning(request, warning)
            else:
                lifecycle.record_amendment_signature(amendment, **facts)
        except LifecycleError as error:
            form.add_error(None, str(error))
        else:
            signed = amendment or convention
            if amendment is not None:
                done = redirect("conventions:amendment", convention.pk, amendment.number)
                again = redirect("conventions:amendment_signature", convention.pk, amendment.number)
            else:
                done = redirect("conventions:detail", convention.pk)
                again = redirect("conventions:signature", convention.pk)
            if signed.state == "signed":
                what = "l'avenant est signé" if amendment else "la convention est signée"
                messages.success(request, f"Dernière signature enregistrée : {what}.")
                return done
            messages.success(request, f"Signature de {representative.full_name} enregistrée.")
            return again
    return render(
        request,
        "conventions/signature_form.html",
        {"convention": convention, "form": form, "pending": pending, "amendment": amendment},
    )


@require_http_methods(["GET", "POST"])
def record_signed(request, pk):
    """Record a convention signed before the application, with its real dates."""
    convention = editable_convention(request.user, pk)
    recordable = convention.state in (
        ConventionState.DRAFT,
        ConventionState.IN_DELIBERATION,
        ConventionState.SIGNING,
    )
    pending = lifecycle.pending_signatures(convention) if recordable else []
    form = RecordSignedForm(request.POST or None, pending=pending)
    if request.method == "POST" and recordable and form.is_valid():
        try:
            warnings = lifecycle.record_signed_convention(
                convention,
                signed_on=form.cleaned_data["signed_on"],
                signature_dates=form.signature_dates(),
                user=request.user,
            )
        except LifecycleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"La convention est enregistrée comme signée le {convention.signed_on:%d/%m/%Y}.",
            )
            for warning in warnings:
                messages.warning(request, warning)
            return redirect("conventions:detail", convention.pk)
    blockers = lifecycle.freeze_problems(convention) if recordable else []
    if not recordable:
        blockers = [f"la convention est « {convention.get_state_display()} »"]
    return render(
        request,
        "conventions/record_signed.html",
        {"convention": convention, "form": form, "blockers": blockers, "pending": pending},
    )


@require_http_methods(["GET", "POST"])
def terminate(request, pk):
    convention = editable_convention(request.user, pk)
    form = TerminationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            lifecycle.terminate(convention, user=request.user, **form.cleaned_data)
        except LifecycleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, "La convention est résiliée.")
            return redirect("conventions:detail", convention.pk)
    return _action_form(
        request,
        convention,
        form,
        title="Résilier la convention",
        intro=(
            "La résiliation prend effet à l'issue du préavis du mode choisi : un mois après une "
            "mise en demeure restée sans effet, sans préavis en cas de modification unilatérale, "
            "six mois après la notification en cas de commun accord."
        ),
        button="Résilier",
        danger=True,
    )


@require_http_methods(["GET", "POST"])
def renew(request, pk):
    convention = editable_convention(request.user, pk)
    suggestion = convention.reference.replace(
        convention.period_label, f"{convention.end_date.year + 1}-{convention.end_date.year + 5}"
    )
    form = RenewalForm(request.POST or None, initial={"reference": suggestion})
    if request.method == "POST" and form.is_valid():
        try:
            renewed = lifecycle.renew(
                convention, reference=form.cleaned_data["reference"], user=request.user
            )
        except LifecycleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                f"La convention « {renewed.title} » est créée en préparation, avec les parties, "
                "les textes et le plan d'actions de la précédente.",
            )
            return redirect("conventions:detail", renewed.pk)
    return _action_form(
        request,
        convention,
        form,
        title="Renouveler la convention",
        intro=(
            "Le renouvellement est exprès : une nouvelle convention est créée en préparation, "
            "liée à celle-ci, pour la période suivante, avec les parties et leurs représentants "
            "en fonction, les textes, les équipements et le plan d'actions."
        ),
        button="Créer la nouvelle convention",
    )


@require_http_methods(["GET", "POST"])
def amend(request, pk):
    convention = editable_convention(request.user, pk)
    form = AmendmentForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            amendment = lifecycle.amend(convention, user=request.user, **data)
        except LifecycleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"L'avenant n° {amendment.number} est créé en préparation.")
            return redirect("conventions:amendment", convention.pk, amendment.number)
    return _action_form(
        request,
        convention,
        form,
        title="Créer un avenant",
        intro=(
            "Toute modification après signature passe par un avenant, délibéré et signé comme "
            "la convention. Précisez ce qu'il modifie dans la convention et ses annexes."
        ),
        button="Créer l'avenant",
    )


def _action_form(request, convention, form, **texts):
    return render(
        request,
        "conventions/action_form.html",
        {"convention": convention, "form": form, **texts},
    )
