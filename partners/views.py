from django.db.models import Q
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from partners.models import Organisation
from partners.search import as_json, parse_kinds, suggestions


@require_GET
def organisation_search(request):
    """Suggestions of the organisation pickers, as JSON, in one query.

    ?q= the typed text; type= kinds allowed, the first ones shown first (epci,commune);
    departement= a département's code; dans= an EPCI's id, whose communes come first.
    """
    try:
        kinds = parse_kinds(request.GET.get("type", ""))
        within = int(request.GET["dans"]) if request.GET.get("dans") else None
    except ValueError:
        return JsonResponse(
            {"erreur": "Type d'organisation ou intercommunalité inconnus."}, status=400
        )
    queryset = Organisation.objects.filter(is_active=True)
    if department := request.GET.get("departement", "").replace("\x00", ""):
        # Associations and other partners without a département are offered everywhere.
        queryset = queryset.filter(Q(department__code=department) | Q(department__isnull=True))
    found = suggestions(queryset, request.GET.get("q", ""), kinds=kinds, within=within)
    return JsonResponse({"results": [as_json(organisation) for organisation in found]})
