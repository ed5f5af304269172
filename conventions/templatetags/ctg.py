from django import template

register = template.Library()


@register.filter
def pluriel(value, suffix="s"):
    """French plural: 0 and 1 are singular ("0 signature", "1 partie", "2 parties").

    Django's pluralize follows English, where zero takes the plural.
    """
    try:
        count = len(value) if hasattr(value, "__len__") else int(value)
    except (TypeError, ValueError):
        return ""
    return suffix if count > 1 else ""
