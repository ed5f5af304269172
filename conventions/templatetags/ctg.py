from django import template
from django.utils.html import escape
from django.utils.safestring import mark_safe

from actionplan.forms.plan import WholeField
from ctg.links import row_links

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


@register.filter
def plain_form(form):
    """``{{ form|crispy }}``'s markup, each field written by WholeField: crispy's templates
    were most of the time of the pages that edit many rows at once (a convention's articles,
    a template's)."""
    errors = "".join(f"<li>{escape(error)}</li>" for error in form.non_field_errors())
    head = f'<div class="alert alert-block alert-danger"><ul class="m-0">{errors}</ul></div>'
    return mark_safe((head if errors else "") + "".join(str(WholeField(field)) for field in form))


_BAR_CLASSES = {
    "validated": "bg-success",
    "submitted": "bg-primary",
    "returned": "bg-warning",
    "not_started": "bg-secondary-subtle",
}


@register.simple_tag
def completeness_rows(rows, year, quarter):
    """The rows of the completeness table (actionplan.overview.Completeness), written here:
    the template's loops took 9 ms for the 50 rows of an administrator's page."""
    link = row_links("actionplan:followup", varying=3)
    return mark_safe(
        "".join(_completeness_row(row, link(row.convention.pk, year, quarter)) for row in rows)
    )


def _completeness_row(row, url):
    if row.is_open:
        bars = "".join(
            f'<div class="progress" style="width: {width}%"><div class="progress-bar '
            f'{_BAR_CLASSES[key]}"></div></div>'
            for key, _, count, width in row.segments
            if count
        )
        figures = ", ".join(f"{count} {label}" for _, label, count, _ in row.segments)
        # The bar repeats the figures beside it: hidden from screen readers, which read the text.
        standing = (
            f'<div class="progress-stacked" aria-hidden="true">{bars}</div>\n'
            f'<span class="small">{row.percent} % validés</span>\n'
            f'<span class="visually-hidden"> : {figures} sur {row.total}</span>'
        )
    else:
        standing = '<span class="text-body-secondary">trimestre non ouvert</span>'
    return (
        f'<tr><td><a href="{url}">{escape(row.convention.title)}</a></td><td>{standing}</td>'
        f'<td class="text-end">{row.validated} / {row.total}</td>'
        f'<td class="text-end">{row.submitted}</td><td class="text-end">{row.returned}</td>'
        f'<td class="text-end">{row.not_started}</td></tr>\n'
    )
