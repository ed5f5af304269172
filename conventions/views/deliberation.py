from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from conventions import lifecycle
from conventions.access import can_record_deliberation, visible_convention
from conventions.deliberations import is_signed, save_deliberation
from conventions.forms.deliberation import DeliberationForm
from conventions.models import AmendmentState, ConventionState, Deliberation
from conventions.models.deliberation import BODY_BY_KIND
from ctg.concurrency import StaleVersion, add_version_field, form_version, refused

# Deliberations are recorded on a frozen text; a convention recorded as signed before
# the application gets its deliberations afterwards, whatever their dates.
DELIBERATION_STATES = (
    ConventionState.IN_DELIBERATION,
    ConventionState.SIGNING,
    ConventionState.SIGNED,
)


def deliberations_open(convention):
    return convention.state in DELIBERATION_STATES


@require_http_methods(["GET", "POST"])
def deliberation_form(request, pk, party_pk, deliberation_pk=None, number=None):
    """Record (or correct) one party's deliberation on the current text or on an amendment."""
    convention = visible_convention(request.user, pk)
    party = get_object_or_404(
        convention.parties.select_related("organisation__department"), pk=party_pk
    )
    if not can_record_deliberation(request.user, convention, party):
        raise PermissionDenied("Vous ne pouvez pas enregistrer la délibération de cette partie.")
    amendment = None
    if number is not None:
        amendment = get_object_or_404(convention.amendments, number=number)
        back = reverse("conventions:amendment", args=[convention.pk, number])
        subject = f"Avenant n° {number} à la convention territoriale globale – {amendment.subject}"
        open_for_deliberation = amendment.state == AmendmentState.IN_DELIBERATION
        state_label = f"l'avenant est « {amendment.get_state_display()} »"
    else:
        back = reverse("conventions:detail", args=[convention.pk]) + "#deliberations"
        subject = (
            f"Convention territoriale globale {convention.period_label} – approbation et "
            "autorisation de signature"
        )
        open_for_deliberation = deliberations_open(convention)
        state_label = f"la convention est « {convention.get_state_display()} »"
    deliberation = None
    if deliberation_pk is not None:
        deliberation = get_object_or_404(
            party.deliberations.filter(amendment=amendment), pk=deliberation_pk
        )
    elif not open_for_deliberation:
        messages.error(
            request,
            f"Les délibérations s'enregistrent quand le texte est figé ; {state_label}.",
        )
        return redirect(back)
    correcting = deliberation is not None and is_signed(convention, amendment)
    form = DeliberationForm(
        request.POST if request.method == "POST" else None,
        request.FILES or None,
        instance=deliberation,
        initial={"body": BODY_BY_KIND.get(party.organisation.kind), "subject": subject}
        if deliberation is None
        else None,
        party=party,
        correcting=correcting,
    )
    add_version_field(form, form_version(form))
    conflict = None
    saved = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = save_deliberation(
                form,
                convention=convention,
                amendment=amendment,
                reason=form.cleaned_data.get("correction_reason", ""),
            )
        except StaleVersion as error:
            conflict = refused(form, error)
        except ValidationError as error:
            form.add_error(None, error)
    if saved is not None:
        label = (
            f"n° {saved.act_number}" if saved.act_number else f"du {saved.session_date:%d/%m/%Y}"
        )
        messages.success(
            request, f"Délibération {label} {party.organisation.grammar.of} enregistrée."
        )
        for warning in lifecycle.deliberation_warnings(saved):
            messages.warning(request, warning)
        return redirect(back)
    return render(
        request,
        "conventions/deliberation_form.html",
        {
            "convention": convention,
            "party": party,
            "party_of": party.organisation.grammar.of,
            "form": form,
            "deliberation": deliberation,
            "amendment": amendment,
            "correcting": correcting,
            "conflict": conflict,
        },
        status=409 if conflict else 200,
    )


def deliberation_scan(request, pk, deliberation_pk):
    """The scanned PDF, only for people who may see the convention."""
    convention = visible_convention(request.user, pk)
    deliberation = get_object_or_404(
        Deliberation.objects.filter(party__convention=convention), pk=deliberation_pk
    )
    if not deliberation.scan:
        raise Http404
    return FileResponse(
        deliberation.scan.open("rb"),
        as_attachment=True,
        content_type="application/pdf",
        # An act number may be unknown for a convention signed before the application.
        filename=f"deliberation-{deliberation.act_number or deliberation.session_date}.pdf".replace(
            "/", "-"
        ),
    )
