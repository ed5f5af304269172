"""Where the plan stands: a convention's dashboard, and the Caf's quarter across conventions."""

import datetime
import re
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.template.defaultfilters import floatformat
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.text import Truncator

from actionplan import charts, followup, overview, secrecy
from actionplan.charts import Bar, Segment, TargetBar
from conventions import freshness
from conventions.access import visible_convention
from conventions.models import Convention
from ctg.forms import id_or_none
from partners.models import Organisation

QUARTER_PARAMETER = re.compile(r"(\d{4})-T([1-4])")
# CTGs replaced the CEJ from 2020; nothing is followed outside these years.
FIRST_YEAR, LAST_YEAR = 2000, 2100


def _chosen_quarter(request, allowed, default):
    chosen = QUARTER_PARAMETER.fullmatch(request.GET.get("trimestre", ""))
    if not chosen:
        return default
    year, quarter = int(chosen[1]), int(chosen[2])
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise Http404("Ce trimestre est hors des années suivies.")
    if allowed is not None and (year, quarter) not in allowed:
        raise Http404("Ce trimestre n'appartient pas à la période de la convention.")
    return year, quarter


def _nav(quarters, year, quarter):
    items = [
        {
            "year": y,
            "quarter": q,
            "label": followup.quarter_label(y, q),
            "total": 0,
            "done": 0,
            "current": (y, q) == (year, quarter),
        }
        for y, q in quarters
    ]
    index = quarters.index((year, quarter))
    return {
        "quarters": items,
        "previous": items[index - 1] if index > 0 else None,
        "next": items[index + 1] if index + 1 < len(items) else None,
    }


def plan_dashboard(request, pk, year=None, quarter=None):
    """Progress per axis, statuses, indicators against targets, actions needing attention."""
    convention = visible_convention(
        request.user, pk, Convention.objects.select_related("caf", "lead_authority")
    )
    quarters = followup.convention_quarters(convention)
    if year is None:
        year, quarter = _chosen_quarter(request, quarters, overview.default_quarter(convention))
    elif (year, quarter) not in quarters:
        raise Http404("Ce trimestre n'appartient pas à la période de la convention.")
    hide = secrecy.applies_to(request.user, convention)
    period = followup.quarter_label(year, quarter)
    today = datetime.date.today()
    # What is late depends on the day; what is shown, on the role (statistical secrecy).
    body = freshness.plan_cached(
        convention.pk,
        f"dashboard:{year}-{quarter}:{'secret' if hide else 'all'}:{today.isoformat()}",
        lambda: render_to_string(
            "actionplan/includes/plan_dashboard_body.html",
            _dashboard(convention, quarters, year, quarter, hide, today),
        ),
    )
    return render(
        request,
        "actionplan/plan_dashboard.html",
        {
            "convention": convention,
            "year": year,
            "quarter": quarter,
            "period": period,
            "body": body,
        },
    )


def _dashboard(convention, quarters, year, quarter, hide, today):
    """What the dashboard draws below its heading."""
    actions, indicators, counts = overview.plan_standing(
        convention, year, quarter, today=today, hide_secret=hide
    )
    period = followup.quarter_label(year, quarter)
    axes = overview.axis_progress(actions)
    statuses = overview.status_counts(actions)
    numeric = [i for i in indicators if i.is_quantitative]
    with_target = [i for i in numeric if i.target is not None and i.target.value is not None]
    states = overview.quarter_states(convention, counts, year, quarter)
    attention = [a for a in actions if a.reasons]
    return {
        "convention": convention,
        "year": year,
        "quarter": quarter,
        "period": period,
        "nav": _nav(quarters, year, quarter),
        "actions": actions,
        "axes": axes,
        "statuses": statuses,
        "indicators": indicators,
        "indicator_rows": [indicator_row(item) for item in indicators],
        "with_target": with_target,
        "states": states,
        "attention": attention,
        "secrecy_note": secrecy.secrecy_note(convention) if hide else "",
        "axis_chart": charts.bar_chart(
            [Bar(f"Axe {axis.number} – {axis.title}", mean) for axis, _, mean in axes],
            title=f"Réalisation moyenne des actions par axe, {period}",
            description="; ".join(
                f"axe {axis.number} : {mean} % ({count} action{'s' if count > 1 else ''})"
                for axis, count, mean in axes
            )
            or "Aucune action.",
            chart_id="graphique-axes",
        ),
        "status_chart": charts.stacked_bar(
            [Segment(label, count, colour) for _, label, count, colour in statuses],
            title=f"Avancement des {len(actions)} actions, {period}",
            description="; ".join(f"{label} : {count}" for _, label, count, _ in statuses if count)
            or "Aucune action.",
            chart_id="graphique-avancement",
        ),
        "target_chart": charts.target_chart(
            [
                TargetBar(
                    f"{i.indicator.action_sheet.number}. {i.indicator.label}",
                    i.value,
                    i.target.value,
                    _target_text(i),
                )
                for i in with_target
            ],
            title="Dernière valeur de chaque indicateur chiffré au regard de sa cible",
            description=_targets_description(with_target),
            chart_id="graphique-cibles",
        )
        if with_target
        else "",
        "states_chart": charts.stacked_columns(
            states,
            overview.STATE_SERIES,
            title="État du suivi de chaque trimestre",
            description="; ".join(
                f"{label} : {counts.get('validated', 0)} validés, "
                f"{counts.get('submitted', 0)} transmis, {counts.get('pending', 0)} en attente"
                for label, counts in states
                if counts["total"]
            )
            or "Aucun suivi.",
            chart_id="graphique-trimestres",
        ),
    }


# Beyond this many indicators, the chart's description sums them up: the table under the
# chart gives each figure, and a screen reader would otherwise read hundreds in one go.
DESCRIBED_ONE_BY_ONE = 12


def _targets_description(with_target):
    if len(with_target) <= DESCRIBED_ONE_BY_ONE:
        return "; ".join(f"{i.indicator.label} : {_target_text(i)}" for i in with_target) or (
            "Aucun indicateur chiffré n'a de cible."
        )
    shares = [i.share_of_target for i in with_target if not i.secret]
    reached = sum(1 for share in shares if share is not None and share >= 100)
    half = sum(1 for share in shares if share is not None and 50 <= share < 100)
    below = sum(1 for share in shares if share is not None and share < 50)
    return (
        f"{len(with_target)} indicateurs chiffrés avec une cible : {reached} l'atteignent, "
        f"{half} en sont à la moitié au moins, {below} en deçà de la moitié, "
        f"{len(with_target) - reached - half - below} sans valeur communiquée ; "
        "le tableau qui suit donne chaque valeur."
    )


def _target_text(standing):
    if standing.secret:
        return "masquée (secret statistique)"
    if standing.value is None:
        return "non renseignée"
    share = standing.share_of_target
    text = f"{charts.number(standing.value)} sur {charts.number(standing.target.value)}"
    return text + (f" ({share} %)" if share is not None else "")


# What the adviser looks for in the quarter of many conventions.
QUARTER_STATES = {
    "non-ouvert": ("Trimestre non ouvert", lambda row: not row.is_open),
    "attendus": (
        "Suivis attendus de la collectivité",
        lambda row: row.is_open and row.pending > 0,
    ),
    "a-valider": ("Suivis transmis à valider", lambda row: row.submitted > 0),
    "valide": (
        "Entièrement validé",
        lambda row: row.is_open and row.validated == row.total,
    ),
}
PAGE_SIZE = 50


def caf_followup(request):
    """Completeness of a quarter's follow-up for every convention the person can see,
    least complete first, 50 a page; an administrator chooses a Caf."""
    today = datetime.date.today()
    year, quarter = _chosen_quarter(request, None, followup.current_quarter(today))
    visible = Convention.objects.visible_to(request.user)
    cafs, caf = [], None
    if request.user.is_administrator:
        cafs = list(Organisation.objects.cafs().only("pk", "name").order_by("name", "pk"))
        caf = id_or_none(request.GET.get("caf"))
        if caf is not None:
            visible = visible.filter(caf_id=caf)
    state = request.GET.get("etat", "")
    if state not in QUARTER_STATES:
        state = ""
    rows = overview.quarter_completeness(visible, year, quarter)
    shown = [row for row in rows if QUARTER_STATES[state][1](row)] if state else rows
    filters = {"caf": caf or "", "etat": state}
    kept = urlencode({key: value for key, value in filters.items() if value})
    previous = followup.previous_quarter(year, quarter)
    following = followup.next_quarter(year, quarter)
    return render(
        request,
        "actionplan/caf_followup.html",
        {
            "rows": rows,
            "page": Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page")),
            "shown_count": len(shown),
            "year": year,
            "quarter": quarter,
            "period": followup.quarter_label(year, quarter),
            "previous": (*previous, followup.quarter_label(*previous)),
            "next": (*following, followup.quarter_label(*following)),
            "opened": sum(1 for row in rows if row.is_open),
            "complete": sum(1 for row in rows if row.is_open and not row.pending),
            "cafs": cafs,
            "caf": caf,
            "state": state,
            "states": [(key, label) for key, (label, _) in QUARTER_STATES.items()],
            "filtered": bool(state),
            # The filters, kept by the quarter links; with the quarter, by the page links.
            "filters": f"&{kept}" if kept else "",
            "query": urlencode({"trimestre": f"{year}-T{quarter}"}) + (f"&{kept}" if kept else ""),
        },
    )


def _number(value):
    return floatformat(value, "-2")


def _when(value):
    return f"{value.get_quarter_display()} {value.year}"


def indicator_row(item):
    """One row of the indicators table, written here rather than in the template: a plan
    of 120 actions has 240 indicators, and the template's lookups cost ten times more."""
    indicator = item.indicator
    label = indicator.label + (f" ({indicator.unit})" if indicator.unit else "")
    if item.baseline is not None:
        baseline = _number(item.baseline)
    elif indicator.baseline_text:
        baseline = Truncator(indicator.baseline_text).chars(60)
    else:
        baseline = "–"
    if item.secret:
        latest = mark_safe("<em>masquée (secret statistique)</em>")
    elif item.value is not None:
        latest = format_html(
            '{} <span class="text-body-secondary">({})</span>',
            _number(item.value),
            _when(item.latest),
        )
    elif item.latest is not None and item.latest.text:
        latest = format_html(
            '{} <span class="text-body-secondary">({})</span>',
            Truncator(item.latest.text).chars(80),
            _when(item.latest),
        )
    else:
        latest = "–"
    if item.target is None:
        target = "–"
    else:
        shown = (
            _number(item.target.value)
            if item.target.value is not None
            else Truncator(item.target.text).chars(60)
        )
        target = f"{shown} au {item.target.date:%d/%m/%Y}"
    share = f"{item.share_of_target} %" if item.share_of_target is not None else "–"
    return format_html(
        '<tr><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td>{}</td><td class="text-end">{}'
        "</td></tr>",
        indicator.action_sheet.number,
        label,
        baseline,
        latest,
        target,
        share,
    )
