from django.shortcuts import render

from conventions.dashboard import build_dashboard


def home(request):
    """The dashboard: conventions by state and what needs attention next."""
    return render(request, "conventions/home.html", build_dashboard(request.user))
