"""The "Mon compte" page: who the person is, and how they want to be told of their work."""

from django import forms
from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from ctg.concurrency import StaleVersion, add_version_field, form_version, refused, save_form

from .models import User


class PreferencesForm(forms.ModelForm):
    class Meta:
        model = User
        fields = ["daily_digest"]
        labels = {"daily_digest": "Recevoir un résumé quotidien"}


@require_http_methods(["GET", "POST"])
def account(request):
    # The person's own row (request.user is a lazy wrapper): nobody else's is reachable here.
    user = User.objects.get(pk=request.user.pk)
    form = PreferencesForm(request.POST or None, instance=user)
    add_version_field(form, form_version(form))
    conflict = None
    if request.method == "POST" and form.is_valid():
        try:
            save_form(form)
        except StaleVersion as error:
            conflict = refused(form, error)
        else:
            messages.success(request, "Vos préférences sont enregistrées.")
            return redirect("account:preferences")
    return render(
        request,
        "partners/account.html",
        {"form": form, "conflict": conflict},
        status=409 if conflict else 200,
    )
