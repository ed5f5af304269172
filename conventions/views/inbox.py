"""The "À faire" page: what is waiting for the person, grouped by kind."""

from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_safe

from conventions import freshness, inbox
from conventions.templatetags.inbox import remember_count


@require_safe
def inbox_page(request):
    today = timezone.localdate()
    tasks = freshness.cached(request.user, "todo", today, lambda: inbox.todo(request.user, today))
    totals = inbox.cached_counts(request.user, today)
    total = sum(totals.values())
    # The navbar's badge shows the same count: no second query for it.
    remember_count(request, total)
    return render(
        request,
        "conventions/inbox.html",
        {"groups": inbox.grouped(tasks, totals), "total": total, "today": today},
    )
