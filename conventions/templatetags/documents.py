"""Filters for printed documents: French typography on user text, escaped."""

from django import template

from conventions.documents import typography

register = template.Library()


@register.filter
def fr(value):
    """One line of text with French non-breaking spaces, escaped."""
    return typography.inline(value)


@register.filter
def prose(value):
    """Paragraphs and "- " lists of plain text as escaped HTML."""
    return typography.prose(value)


@register.filter
def plain(value):
    """Paragraphs and lists, without reading short lines as subheadings (sheet fields)."""
    return typography.prose(value, subheadings=False)


@register.filter
def css_string(value):
    """A CSS string literal's content: no quote, backslash or newline can end it."""
    text = typography.french(value)
    return "".join(ch if ch not in '"\\\n\r' else " " for ch in text)
