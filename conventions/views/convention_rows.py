"""The convention page's long lists, written here rather than in its template: a
convention of 47 parties has as many rows of parties, deliberations and signatures, and
the template's lookups and ``{% url %}`` tags cost several times the rows themselves.
The markup is the one the template wrote."""

from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

from ctg.links import row_links


def party_rows(parties):
    return [
        format_html(
            "<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>",
            number,
            party.organisation,
            party.get_role_display(),
            party.short_name or "–",
            _signatories(party),
        )
        for number, party in enumerate(parties, start=1)
    ]


def _signatories(party):
    if party.signatory_list:
        return format_html_join(
            mark_safe("<br>"),
            "{}, {}",
            ((rep.full_name, rep.role_title) for rep in party.signatory_list),
        )
    if party.is_signatory:
        return mark_safe('<span class="text-danger">à désigner</span>')
    return "–"


def deliberation_rows(convention, deliberations, recordable):
    """The table of recorded deliberations; its act number links to the correction form
    for the parties whose deliberations the reader may record."""
    detail = row_links("conventions:deliberation", convention.pk)
    edit = row_links("conventions:deliberation_edit", convention.pk, varying=2)
    rows = []
    for deliberation in deliberations:
        of = deliberation.party.organisation.grammar.of
        act = deliberation.act_number or "non précisé"
        if deliberation.party_id in recordable:
            act = format_html(
                '<a href="{}">{}<span class="visually-hidden"> (corriger la délibération {})'
                "</span></a>",
                edit(deliberation.party_id, deliberation.pk),
                act,
                of,
            )
        if deliberation.version is None:
            version = "–"
        elif deliberation.outdated:
            version = format_html(
                'v{} <span class="badge text-bg-warning">ancienne version</span>',
                deliberation.version.number,
            )
        else:
            version = f"v{deliberation.version.number}"
        rows.append(
            format_html(
                '<tr><td>{}</td><td><a href="{}">{}<span class="visually-hidden"> '
                "(délibération {})</span></a></td><td>{}</td>"
                '<td><small class="text-break">{}</small></td><td>{}</td><td>{}</td><td>{}</td>'
                "</tr>",
                deliberation.party.organisation,
                detail(deliberation.pk),
                f"{deliberation.session_date:%d/%m/%Y}",
                of,
                act,
                deliberation.actes_id or "–",
                deliberation.get_outcome_display(),
                deliberation.votes_label,
                version,
            )
        )
    return rows


def signature_items(signatures):
    # Parties often sign on the same days: each day is written once.
    days = {day: date_format(day, "j F Y") for day in {s.signed_on for s in signatures}}
    return [
        format_html(
            "<li>{} ({}), le {}</li>",
            signature.representative.full_name,
            signature.party.organisation,
            days[signature.signed_on],
        )
        for signature in signatures
    ]
