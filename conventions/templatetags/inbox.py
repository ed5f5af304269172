"""The navbar's count of tasks waiting for the person, computed once per request."""

from django import template
from django.utils import timezone

from conventions import inbox

register = template.Library()

ATTRIBUTE = "_inbox_count"


def remember_count(request, count):
    """The inbox page has just counted: the navbar reuses its figure."""
    setattr(request, ATTRIBUTE, count)


@register.simple_tag(takes_context=True)
def inbox_count(context):
    """How many lines the person's "À faire" page lists; one query at most, once per request,
    kept a minute while nothing changes (inbox.cached_counts)."""
    request = context.get("request")
    if request is None or not request.user.is_authenticated:
        return 0
    if not hasattr(request, ATTRIBUTE):
        counts = inbox.cached_counts(request.user, timezone.localdate())
        remember_count(request, sum(counts.values()))
    return getattr(request, ATTRIBUTE)
