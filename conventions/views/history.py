"""The "Historique" page of a convention: readable by everyone who sees the convention."""

from urllib.parse import urlencode

from django.shortcuts import render
from django.views.decorators.http import require_GET

from conventions import history
from conventions.access import visible_convention


@require_GET
def convention_history(request, pk):
    convention = visible_convention(request.user, pk)
    group = request.GET.get("type", "")
    result = history.convention_history(
        request.user, convention, group=group, page_number=request.GET.get("page")
    )
    return render(
        request,
        "conventions/convention_history.html",
        {
            "convention": convention,
            "entries": result.entries,
            "page": result.page,
            "group": result.group,
            "groups": history.GROUPS.items(),
            "query": urlencode({"type": result.group}) if result.group else "",
        },
    )
