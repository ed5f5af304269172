"""Editing the text and annexes of a draft convention."""

from django.contrib import messages
from django.db import IntegrityError, transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from conventions.access import editable_convention
from conventions.forms.texts import (
    ArticleFormSet,
    ConventionTextForm,
    EquipmentSelectionForm,
    NewEquipmentForm,
    SteeringInstanceFormSet,
)
from conventions.lifecycle import LifecycleError
from conventions.models import Convention
from conventions.parties import locked_draft, require_draft
from ctg import concurrency
from ctg.concurrency import (
    FIELD,
    StaleVersion,
    add_version_field,
    check_version,
    form_version,
    rows_version,
    save_form,
)


def _draft_convention(request, pk):
    convention = editable_convention(request.user, pk)
    try:
        require_draft(convention)
    except LifecycleError as error:
        messages.error(request, str(error))
        return convention, redirect("conventions:detail", convention.pk)
    return convention, None


def _back(convention, anchor):
    return redirect(reverse("conventions:detail", args=[convention.pk]) + f"#{anchor}")


@require_http_methods(["GET", "POST"])
def edit_general(request, pk):
    convention, refused = _draft_convention(request, pk)
    if refused:
        return refused
    form = ConventionTextForm(
        request.POST if request.method == "POST" else None, instance=convention
    )
    add_version_field(form, form_version(form))
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            save_form(form, guard=require_draft)
        except StaleVersion as error:
            conflict = concurrency.refused(form, error)
        except LifecycleError as error:
            messages.error(request, str(error))
            return redirect("conventions:detail", convention.pk)
        else:
            messages.success(request, "Textes et informations générales enregistrés.")
            return _back(convention, "apercu")
    return render(
        request,
        "conventions/edit_form.html",
        {
            "convention": convention,
            "form": form,
            "title": "Textes et informations générales",
            "conflict": conflict,
        },
        status=409 if conflict else 200,
    )


@require_http_methods(["GET", "POST"])
def edit_articles(request, pk):
    return _formset_page(
        request,
        pk,
        ArticleFormSet,
        queryset=lambda convention: convention.articles.order_by("number"),
        title="Articles",
        item="Article",
        done="Articles enregistrés.",
        anchor="articles",
    )


@require_http_methods(["GET", "POST"])
def edit_steering(request, pk):
    return _formset_page(
        request,
        pk,
        SteeringInstanceFormSet,
        queryset=lambda convention: convention.steering_instances.all(),
        title="Instances de pilotage (annexe 4)",
        item="Instance",
        done="Instances de pilotage enregistrées.",
        anchor="pilotage",
    )


def _formset_page(request, pk, formset_class, *, queryset, title, item, done, anchor):
    """Edit the rows of one part of a draft convention at once, atomically."""
    convention, refused = _draft_convention(request, pk)
    if refused:
        return refused
    posted = request.POST if request.method == "POST" else None
    formset = formset_class(posted, instance=convention, queryset=queryset(convention))
    fields = [name for name in formset.form._meta.fields if name != "id"]

    def version():
        return rows_version(queryset(convention), fields)

    conflict = None
    if posted is not None and formset.is_valid():
        try:
            with transaction.atomic():
                locked_draft(convention)
                check_version(posted.get(FIELD, ""), version(), convention)
                with transaction.atomic():
                    formset.save()
        except StaleVersion as error:
            conflict = {"message": str(error), "differences": []}
        except LifecycleError as error:
            messages.error(request, str(error))
            return redirect("conventions:detail", convention.pk)
        except IntegrityError:
            formset._non_form_errors = formset.error_class(
                [
                    "Deux lignes portent le même numéro, ou une ligne n'existe plus : rien n'a été "
                    "enregistré. Vérifiez les numéros puis enregistrez à nouveau."
                ]
            )
        else:
            messages.success(request, done)
            return _back(convention, anchor)
    return render(
        request,
        "conventions/edit_formset.html",
        {
            "convention": convention,
            "formset": formset,
            "title": title,
            "item": item,
            "conflict": conflict,
            "read_version": version(),
        },
        status=409 if conflict else 200,
    )


@require_http_methods(["GET", "POST"])
def edit_equipment(request, pk):
    convention, refused = _draft_convention(request, pk)
    if refused:
        return refused
    posted = request.POST if request.method == "POST" else None
    selection = EquipmentSelectionForm(
        posted if "select" in request.POST else None, convention=convention
    )
    new = NewEquipmentForm(posted if "add" in request.POST else None, convention=convention)
    conflict = None
    if "select" in request.POST and selection.is_valid():
        try:
            with transaction.atomic():
                locked_draft(convention)
                check_version(posted.get(FIELD, ""), _equipment_version(convention), convention)
                convention.equipment.set(selection.cleaned_data["equipment"])
        except StaleVersion as error:
            conflict = {"message": str(error), "differences": []}
        except LifecycleError as error:
            messages.error(request, str(error))
            return redirect("conventions:detail", convention.pk)
        else:
            messages.success(request, "Liste des équipements de l'annexe 2 enregistrée.")
            return _back(convention, "equipements")
    if "add" in request.POST and new.is_valid():
        with transaction.atomic():
            equipment = new.save()
            convention.equipment.add(equipment)
        messages.success(request, f"{equipment} ajouté à l'annexe 2.")
        return redirect("conventions:edit_equipment", convention.pk)
    return render(
        request,
        "conventions/edit_equipment.html",
        {
            "convention": convention,
            "selection": selection,
            "new": new,
            "conflict": conflict,
            "read_version": _equipment_version(convention),
        },
        status=409 if conflict else 200,
    )


def _equipment_version(convention):
    return rows_version(Convention.objects.filter(pk=convention.pk), ["equipment"])
