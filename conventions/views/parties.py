from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from conventions.access import editable_convention
from conventions.forms.parties import AddPartyForm, PartyForm, RepresentativeForm
from conventions.lifecycle import LifecycleError
from conventions.parties import (
    PARTY_FIELDS,
    add_party,
    move_party,
    remove_party,
    require_draft,
    save_party,
)
from ctg.concurrency import FIELD as VERSION_FIELD
from ctg.concurrency import (
    StaleVersion,
    add_version_field,
    differences,
    instance_version,
    read_version,
    stored_values,
)


def _draft_or_redirect(request, convention):
    try:
        require_draft(convention)
    except LifecycleError as error:
        messages.error(request, str(error))
        return redirect("conventions:detail", convention.pk)
    return None


@require_http_methods(["GET", "POST"])
def party_list(request, pk):
    convention = editable_convention(request.user, pk)
    if refused := _draft_or_redirect(request, convention):
        return refused
    form = AddPartyForm(request.POST or None, convention=convention)
    if request.method == "POST" and form.is_valid():
        try:
            party = add_party(convention, **form.cleaned_data)
        except LifecycleError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, f"{party.organisation} a été ajoutée aux parties.")
            return redirect("conventions:party_edit", convention.pk, party.pk)
    parties = (
        convention.parties.select_related("organisation")
        .prefetch_related("signatories")
        .order_by("position", "pk")
    )
    return render(
        request,
        "conventions/party_list.html",
        {"convention": convention, "parties": parties, "form": form},
    )


@require_http_methods(["GET", "POST"])
def party_edit(request, pk, party_pk):
    convention = editable_convention(request.user, pk)
    if refused := _draft_or_redirect(request, convention):
        return refused
    party = get_object_or_404(convention.parties.select_related("organisation"), pk=party_pk)
    form = PartyForm(request.POST if "save_party" in request.POST else None, instance=party)
    add_version_field(form, instance_version(party, PARTY_FIELDS))
    representative_form = RepresentativeForm(
        request.POST if "add_representative" in request.POST else None
    )
    conflict = None
    if request.method == "POST" and "save_party" in request.POST and form.is_valid():
        values = {
            name: form.cleaned_data[name]
            for name in PARTY_FIELDS
            if name != "signatories" and not form.fields[name].disabled
        }
        try:
            save_party(
                party,
                read_version=read_version(form),
                values=values,
                signatories=form.cleaned_data["signatories"],
            )
        except StaleVersion as error:
            conflict = {
                "message": str(error),
                "differences": differences(form, stored_values(party, PARTY_FIELDS)),
            }
        except LifecycleError as error:
            messages.error(request, str(error))
            return redirect("conventions:detail", convention.pk)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{party.organisation} : modifications enregistrées.")
            return redirect("conventions:parties", convention.pk)
    if (
        request.method == "POST"
        and "add_representative" in request.POST
        and representative_form.is_valid()
    ):
        with transaction.atomic():
            representative = representative_form.save(commit=False)
            representative.organisation = party.organisation
            representative.save()
            party.signatories.add(representative)
        messages.success(
            request, f"{representative.full_name} a été ajouté(e) et désigné(e) signataire."
        )
        return redirect("conventions:party_edit", convention.pk, party.pk)
    if conflict:
        # The stored version may have changed under the form's hidden field: the next save
        # compares with what is stored now.
        form.data = form.data.copy()
        form.data[form.add_prefix(VERSION_FIELD)] = instance_version(party, PARTY_FIELDS)
    return render(
        request,
        "conventions/party_edit.html",
        {
            "convention": convention,
            "party": party,
            "form": form,
            "representative_form": representative_form,
            "conflict": conflict,
        },
        status=409 if conflict else 200,
    )


@require_POST
def party_move(request, pk, party_pk):
    convention = editable_convention(request.user, pk)
    party = get_object_or_404(convention.parties, pk=party_pk)
    try:
        move_party(party, -1 if request.POST.get("direction") == "up" else 1)
    except LifecycleError as error:
        messages.error(request, str(error))
    return redirect(reverse("conventions:parties", args=[convention.pk]) + f"#partie-{party.pk}")


@require_http_methods(["GET", "POST"])
def party_remove(request, pk, party_pk):
    convention = editable_convention(request.user, pk)
    if refused := _draft_or_redirect(request, convention):
        return refused
    party = get_object_or_404(convention.parties.select_related("organisation"), pk=party_pk)
    if request.method == "POST":
        try:
            remove_party(party)
        except LifecycleError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, f"{party.organisation} a été retirée des parties.")
        return redirect("conventions:parties", convention.pk)
    return render(
        request, "conventions/party_remove.html", {"convention": convention, "party": party}
    )
