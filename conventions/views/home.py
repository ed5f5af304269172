from django.shortcuts import render

from conventions.dashboard import build_dashboard


def home(request):
    """The dashboard: conventions by state and what needs attention next."""
    context = build_dashboard(request.user, page_number=request.GET.get("page"))
    context["query"] = ""
    return render(request, "conventions/home.html", context)
