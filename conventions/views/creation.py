from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from conventions.creation import create_convention, proposed_communes
from conventions.forms.creation import ConventionCreateForm, PartiesProposalForm
from partners.models import Representative


@require_http_methods(["GET", "POST"])
def convention_create(request):
    """Two steps: Caf, lead authority, template and period; then the proposed parties."""
    user = request.user
    if not (user.is_administrator or user.is_adviser):
        raise PermissionDenied("Seuls les conseillers Caf créent des conventions.")
    form = ConventionCreateForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        in_office = Representative.objects.in_office(data["start_date"])
        proposed = proposed_communes(data["lead_authority"]).prefetch_related(
            Prefetch("representatives", queryset=in_office)
        )
        if "confirm" in request.POST:
            proposal = PartiesProposalForm(request.POST, proposed=proposed)
            if proposal.is_valid():
                convention = create_convention(
                    user=user, communes=proposal.cleaned_data["communes"], **data
                )
                messages.success(
                    request,
                    f"La convention « {convention.title} » a été créée en préparation, "
                    f"avec {convention.parties.count()} parties.",
                )
                return redirect("conventions:detail", convention.pk)
        else:
            proposal = PartiesProposalForm(proposed=proposed)
        return render(
            request,
            "conventions/convention_create_parties.html",
            {"form": form, "proposal": proposal, "proposed": proposed, "data": data},
        )
    return render(request, "conventions/convention_create.html", {"form": form})
