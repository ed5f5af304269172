from django.shortcuts import render

from conventions.models import Convention


def home(request):
    conventions = (
        Convention.objects.visible_to(request.user)
        .select_related("caf", "lead_authority")
        .order_by("-start_date", "title")
    )
    return render(request, "conventions/home.html", {"conventions": conventions})
