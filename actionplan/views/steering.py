"""Steering: comités de pilotage, comités techniques and commissions, and the reviews
(yearly checkpoints, mid-term and final reviews). Advisers record them; everyone who
sees the convention reads them."""

from django.contrib import messages
from django.db import transaction
from django.db.models import Prefetch
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from actionplan.forms.steering import MeetingForm, ReviewForm
from actionplan.models import FollowUp, Review
from conventions.access import can_edit, editable_convention, visible_convention
from ctg.concurrency import (
    StaleVersion,
    add_version_field,
    form_version,
    refused,
    save_form,
    save_own_fields,
)


def _to_list(convention, anchor=""):
    url = reverse("actionplan:meetings", args=[convention.pk])
    return redirect(f"{url}#{anchor}" if anchor else url)


def meeting_list(request, pk):
    convention = visible_convention(request.user, pk)
    meetings = convention.meetings.prefetch_related(
        Prefetch("reviews", queryset=Review.objects.order_by("date", "pk"))
    ).order_by("-date", "-pk")
    reviews = list(
        convention.reviews.select_related("meeting", "leads_to_amendment")
        .prefetch_related(
            Prefetch("follow_ups", queryset=FollowUp.objects.order_by("year", "quarter"))
        )
        .order_by("-date", "-pk")
    )
    for review in reviews:
        review.periods = list(dict.fromkeys(f.period_label for f in review.follow_ups.all()))
    return render(
        request,
        "actionplan/meeting_list.html",
        {
            "convention": convention,
            "meetings": meetings,
            "reviews": reviews,
            "can_edit": can_edit(request.user, convention),
        },
    )


@require_http_methods(["GET", "POST"])
def meeting_form(request, pk, meeting_pk=None):
    convention = editable_convention(request.user, pk)
    meeting = get_object_or_404(convention.meetings, pk=meeting_pk) if meeting_pk else None
    form = MeetingForm(
        request.POST if request.method == "POST" else None, request.FILES or None, instance=meeting
    )
    add_version_field(form, form_version(form))
    conflict = None
    if request.method == "POST" and form.is_valid():
        form.instance.convention = convention
        try:
            saved = save_form(form) if meeting else save_own_fields(form)
        except StaleVersion as error:
            conflict = refused(form, error)
        else:
            messages.success(request, f"Réunion « {saved} » enregistrée.")
            return _to_list(convention, f"reunion-{saved.pk}")
    return render(
        request,
        "actionplan/meeting_form.html",
        {"convention": convention, "meeting": meeting, "form": form, "conflict": conflict},
        status=409 if conflict else 200,
    )


@require_http_methods(["GET", "POST"])
def meeting_delete(request, pk, meeting_pk):
    convention = editable_convention(request.user, pk)
    meeting = get_object_or_404(convention.meetings, pk=meeting_pk)
    if request.method == "POST":
        meeting.delete()
        messages.success(request, f"Réunion « {meeting} » supprimée.")
        return _to_list(convention)
    return render(
        request,
        "actionplan/steering_delete.html",
        {
            "convention": convention,
            "title": f"Supprimer la réunion « {meeting} » ?",
            "consequence": "Son compte rendu n'est plus proposé ; les bilans qui y renvoient "
            "sont conservés, sans réunion.",
        },
    )


def meeting_minutes(request, pk, meeting_pk):
    """The minutes PDF, only for people who may see the convention."""
    convention = visible_convention(request.user, pk)
    meeting = get_object_or_404(convention.meetings, pk=meeting_pk)
    if not meeting.minutes:
        raise Http404
    return FileResponse(
        meeting.minutes.open("rb"),
        as_attachment=True,
        content_type="application/pdf",
        filename=f"compte-rendu-{meeting.kind}-{meeting.date:%Y-%m-%d}.pdf",
    )


def review_detail(request, pk, review_pk):
    convention = visible_convention(request.user, pk)
    review = get_object_or_404(
        convention.reviews.select_related("meeting", "leads_to_amendment"), pk=review_pk
    )
    follow_ups = review.follow_ups.select_related("action_sheet").order_by(
        "year", "quarter", "action_sheet__number"
    )
    return render(
        request,
        "actionplan/review_detail.html",
        {
            "convention": convention,
            "review": review,
            "follow_ups": follow_ups,
            "can_edit": can_edit(request.user, convention),
        },
    )


@require_http_methods(["GET", "POST"])
def review_form(request, pk, review_pk=None):
    convention = editable_convention(request.user, pk)
    review = get_object_or_404(convention.reviews, pk=review_pk) if review_pk else None
    form = ReviewForm(
        request.POST if request.method == "POST" else None, instance=review, convention=convention
    )
    add_version_field(form, form_version(form))
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                saved = save_form(form) if review else form.save()
        except StaleVersion as error:
            conflict = refused(form, error)
        else:
            messages.success(request, f"Bilan « {saved} » enregistré.")
            return redirect("actionplan:review", convention.pk, saved.pk)
    return render(
        request,
        "actionplan/review_form.html",
        {"convention": convention, "review": review, "form": form, "conflict": conflict},
        status=409 if conflict else 200,
    )


@require_http_methods(["GET", "POST"])
def review_delete(request, pk, review_pk):
    convention = editable_convention(request.user, pk)
    review = get_object_or_404(convention.reviews, pk=review_pk)
    if request.method == "POST":
        review.delete()
        messages.success(request, f"Bilan « {review} » supprimé.")
        return _to_list(convention, "bilans")
    return render(
        request,
        "actionplan/steering_delete.html",
        {
            "convention": convention,
            "title": f"Supprimer le bilan « {review} » ?",
            "consequence": "Les suivis trimestriels qu'il examinait ne sont pas modifiés.",
        },
    )
