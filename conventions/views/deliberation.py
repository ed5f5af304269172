from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import formats
from django.views.decorators.http import require_http_methods

from conventions import lifecycle
from conventions.access import can_record_deliberation, visible_convention
from conventions.deliberation_reader import ExtractError, read_extract
from conventions.deliberations import (
    authority_warning,
    discard_pending_extract,
    is_signed,
    keep_pending_extract,
    save_deliberation,
)
from conventions.forms.deliberation import DeliberationForm, read_into
from conventions.models import AmendmentState, ConventionState, Deliberation
from conventions.models.deliberation import BODY_BY_KIND
from conventions.validators import validate_pdf
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

    def build(data=None, files=None):
        form = DeliberationForm(
            data,
            files,
            instance=deliberation,
            initial={"body": BODY_BY_KIND.get(party.organisation.kind), "subject": subject}
            if deliberation is None
            else None,
            party=party,
            correcting=correcting,
        )
        add_version_field(form, form_version(form))
        return form

    conflict = None
    saved = None
    reading = None
    if request.method == "POST" and "read_extract" in request.POST:
        form, reading = _read_extract(request, build, party)
    else:
        form = build(request.POST if request.method == "POST" else None, request.FILES or None)
    if request.method == "POST" and reading is None and form.is_valid():
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
            "reading": reading,
        },
        status=409 if conflict else 200,
    )


def _read_extract(request, build, party):
    """The form filled from the extract sent with "Lire l'extrait", validated so that
    impossible figures show their message at once, and what the page says about the
    reading. Nothing is saved: a PDF extract waits to become the scan on "Enregistrer"."""
    files = request.FILES.copy()
    upload = files.pop("extract", [None])[-1]
    form = build(request.POST, files)
    reading = {
        "read": False,
        "filled": 0,
        "kept": 0,
        "unread": [],
        "warnings": [],
        "scan_kept": False,
    }
    if upload is None:
        form.refuse_extract(
            "Choisissez le fichier de l'extrait (PDF ou DOCX) puis « Lire l'extrait »."
        )
        return form, reading
    try:
        extract = read_extract(upload)
    except ExtractError as error:
        form.refuse_extract(str(error))
        return form, reading
    data, notes = read_into(form, extract)
    # The extract just read replaces one read earlier on this form.
    data[form.add_prefix("pending_scan")] = ""
    discard_pending_extract(form.data.get(form.add_prefix("pending_scan"), ""), party)
    scan_warning = _keep_as_scan(upload, party, data, form)
    form = build(data, files)
    form.show_reading(notes)
    form.full_clean()
    warning = authority_warning(extract.values.get("authority", ""), party.organisation)
    reading.update(
        read=True,
        filled=sum(kind != "kept" for kind, _ in notes.values()),
        kept=sum(kind == "kept" for kind, _ in notes.values()),
        unread=[_unread(extract, key) for key in extract.unread],
        warnings=[text for text in (warning, scan_warning) if text],
        scan_kept=not scan_warning,
    )
    return form, reading


def _unread(extract, key):
    """A field the extract did not give, or gave twice with different values."""
    label = extract.labels.get(key, key)
    if key not in extract.conflicts:
        return label
    written = " et ".join(formats.localize(value) for value in extract.conflicts[key])
    return f"{label} : l'extrait donne {written}, à vérifier"


def _keep_as_scan(upload, party, data, form):
    """Keep a PDF extract for the save (its token in the form's data); else say why not."""
    upload.seek(0)
    if b"%PDF-" not in upload.read(1024):
        return (
            "Un extrait DOCX n'est pas joint à la délibération : la délibération scannée "
            "doit être un PDF. Joignez-le ci-dessous si vous l'avez."
        )
    try:
        validate_pdf(upload)
    except ValidationError as error:
        return "L'extrait ne peut pas être joint comme délibération scannée : " + " ".join(
            error.messages
        )
    data[form.add_prefix("pending_scan")] = keep_pending_extract(upload, party)
    return ""


@require_http_methods(["GET"])
def deliberation_detail(request, pk, deliberation_pk):
    """Everything recorded about one deliberation, for those who see the convention."""
    convention = visible_convention(request.user, pk)
    deliberation = get_object_or_404(
        Deliberation.objects.filter(party__convention=convention).select_related(
            "party__organisation", "version", "amendment"
        ),
        pk=deliberation_pk,
    )
    party = deliberation.party
    # An amendment's deliberation is recorded anew rather than corrected.
    correctable = not deliberation.amendment_id and can_record_deliberation(
        request.user, convention, party
    )
    return render(
        request,
        "conventions/deliberation_detail.html",
        {
            "convention": convention,
            "deliberation": deliberation,
            "party_of": party.organisation.grammar.of,
            "correctable": correctable,
        },
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
