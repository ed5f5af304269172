"""The API tokens of the "Mon compte" page: create one (its secret shown once), revoke one.

A person sees and revokes only their own tokens: another's id is a 404.
"""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from api.forms import TokenForm
from api.models import ApiToken


@require_POST
@never_cache
def token_create(request):
    form = TokenForm(request.POST)
    if not form.is_valid():
        return render(request, "api/token_form.html", {"form": form})
    token, clear = ApiToken.objects.issue(
        request.user, form.cleaned_data["name"], form.cleaned_data["expires_on"]
    )
    # The page answering the POST is the only place the secret ever appears (no-store).
    return render(request, "api/token_created.html", {"token": token, "secret": clear})


@require_POST
def token_revoke(request, pk):
    token = get_object_or_404(ApiToken.objects.filter(user=request.user), pk=pk)
    if token.revoked_at:
        messages.info(request, f"Le jeton « {token.name} » était déjà révoqué.")
    else:
        token.revoke()
        messages.success(
            request, f"Le jeton « {token.name} » est révoqué : il ne permet plus aucun appel."
        )
    return redirect("account:preferences")
