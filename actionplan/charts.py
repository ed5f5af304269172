"""Charts drawn on the server as inline SVG markup, with no JavaScript.

The same markup goes into the web pages and into the PDF documents, so it
uses plain SVG attributes only (no CSS variables, no scripts, no external
fonts). Each chart is an image with a title and a description that screen
readers announce (role="img", aria-labelledby); the page shows the same
figures as a table beside it, since a description cannot hold every number.

Colours come from the Okabe-Ito palette, distinguishable with the common
colour-vision deficiencies; values are always also written as text.
"""

import itertools
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import mark_safe

FONT = "font-family=\"system-ui, -apple-system, 'Segoe UI', Roboto, Arial, sans-serif\""
TEXT = "#212529"
MUTED = "#6c757d"
GRID = "#dee2e6"
TRACK = "#f1f3f5"
BAR = "#0072B2"
TARGET = "#212529"
WIDTH = 640
_ids = itertools.count(1)


@dataclass
class Bar:
    label: str
    value: float | None
    text: str = ""
    color: str = BAR


@dataclass
class Segment:
    label: str
    value: int
    color: str


@dataclass
class TargetBar:
    label: str
    value: float | None
    target: float | None
    text: str = ""


def _shorten(text, length):
    text = " ".join(str(text).split())
    return text if len(text) <= length else text[: length - 1].rstrip() + "…"


def _svg(width, height, title, description, body, chart_id=None):
    chart_id = chart_id or f"graphique-{next(_ids)}"
    return mark_safe(
        f'<svg xmlns="http://www.w3.org/2000/svg" class="ctg-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="100%" preserveAspectRatio="xMinYMin meet" '
        f'style="max-width:{width}px;height:auto" '
        f'aria-labelledby="{chart_id}-titre {chart_id}-desc" {FONT} font-size="12">'
        f'<title id="{chart_id}-titre">{escape(title)}</title>'
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>'
        f"{body}</svg>"
    )


def _label(x, y, text, length, anchor="end", color=TEXT, weight="normal"):
    shown = _shorten(text, length)
    tooltip = f"<title>{escape(text)}</title>" if shown != " ".join(str(text).split()) else ""
    return (
        f'<text x="{x}" y="{y}" text-anchor="{anchor}" fill="{color}" '
        f'font-weight="{weight}" dominant-baseline="middle">{tooltip}{escape(shown)}</text>'
    )


def number(value):
    """A figure written the French way: 1 250 ; 12,5."""
    if value is None:
        return ""
    value = float(value)
    if value.is_integer():
        return f"{int(value):,}".replace(",", "\u202f")
    return f"{value:,.2f}".rstrip("0").replace(",", "\u202f").replace(".", ",")


def bar_chart(
    bars, *, title, description, max_value=100, unit=" %", label_width=230, chart_id=None
):
    """Horizontal bars on a common scale (0 to max_value), one per row, value written after."""
    row, top = 26, 8
    height = top + row * max(len(bars), 1) + 24
    plot_x = label_width + 10
    plot_w = WIDTH - plot_x - 70
    parts = []
    for tick in (0, 25, 50, 75, 100):
        x = plot_x + plot_w * tick / 100
        parts.append(
            f'<line x1="{x:.1f}" y1="{top}" x2="{x:.1f}" y2="{height - 20}" stroke="{GRID}"/>'
            f'<text x="{x:.1f}" y="{height - 8}" text-anchor="middle" fill="{MUTED}" '
            f'font-size="11">{number(max_value * tick / 100)}{escape(unit.strip())}</text>'
        )
    for index, bar in enumerate(bars):
        y = top + index * row
        middle = y + row / 2
        parts.append(_label(label_width, middle, bar.label, label_width // 7))
        parts.append(
            f'<rect x="{plot_x}" y="{y + 5}" width="{plot_w}" height="{row - 10}" fill="{TRACK}"/>'
        )
        if bar.value is None:
            text = bar.text or "non renseigné"
            parts.append(_label(plot_x + 6, middle, text, 40, anchor="start", color=MUTED))
            continue
        share = max(0.0, min(float(bar.value) / max_value, 1.0)) if max_value else 0.0
        width = plot_w * share
        parts.append(
            f'<rect x="{plot_x}" y="{y + 5}" width="{width:.1f}" height="{row - 10}" '
            f'fill="{bar.color}"/>'
        )
        text = bar.text or f"{number(bar.value)}{unit}"
        parts.append(_label(plot_x + width + 6, middle, text, 20, anchor="start"))
    return _svg(WIDTH, height, title, description, "".join(parts), chart_id)


def stacked_bar(segments, *, title, description, chart_id=None):
    """One bar split into parts of a whole (statuses of the actions), with its legend."""
    total = sum(s.value for s in segments)
    shown = [s for s in segments if s.value]
    legend_rows = (len(shown) + 2) // 3
    height = 56 + 22 * legend_rows
    parts = []
    x = 0.0
    for segment in shown:
        width = WIDTH * segment.value / total
        parts.append(
            f'<rect x="{x:.1f}" y="8" width="{width:.1f}" height="32" fill="{segment.color}" '
            f'stroke="#ffffff" stroke-width="1"><title>{escape(segment.label)} : '
            f"{segment.value}</title></rect>"
        )
        if width >= 24:
            parts.append(
                f'<text x="{x + width / 2:.1f}" y="24" text-anchor="middle" fill="#ffffff" '
                f'font-weight="bold" dominant-baseline="middle">{segment.value}</text>'
            )
        x += width
    if not total:
        parts.append(f'<rect x="0" y="8" width="{WIDTH}" height="32" fill="{TRACK}"/>')
        parts.append(_label(8, 24, "aucune donnée", 40, anchor="start", color=MUTED))
    for index, segment in enumerate(shown):
        column, line = index % 3, index // 3
        lx, ly = column * (WIDTH / 3), 58 + line * 22
        parts.append(
            f'<rect x="{lx:.1f}" y="{ly - 6}" width="12" height="12" fill="{segment.color}"/>'
        )
        parts.append(_label(lx + 18, ly, f"{segment.label} ({segment.value})", 30, anchor="start"))
    return _svg(WIDTH, height, title, description, "".join(parts), chart_id)


def target_chart(rows, *, title, description, label_width=260, chart_id=None):
    """Each indicator's latest value against its target: a bar for the value, a tick for
    the target, both on the scale of the larger of the two.

    A plan of 120 actions has a few hundred indicators: each row is written with the
    fewest attributes (shared ones sit on groups), the chart is one row per indicator.
    """
    row, top = 30, 8
    height = top + row * max(len(rows), 1) + 8
    plot_x = label_width + 10
    plot_w = WIDTH - plot_x - 110
    labels, tracks, bars, ticks, values = [], [], [], [], []
    for index, item in enumerate(rows):
        y = top + index * row
        middle = y + row / 2
        labels.append(_short_text(label_width, middle, item.label, label_width // 7))
        tracks.append(f'<rect x="{plot_x}" y="{y + 7}" width="{plot_w}" height="{row - 14}"/>')
        scale = max(float(item.value or 0), float(item.target or 0)) or 1.0
        if item.value is not None:
            width = plot_w * max(float(item.value), 0.0) / scale
            bars.append(f'<rect x="{plot_x}" y="{y + 7}" width="{width:.1f}" height="{row - 14}"/>')
        if item.target is not None:
            tx = plot_x + plot_w * float(item.target) / scale
            ticks.append(
                f'<line x1="{tx:.1f}" y1="{y + 3}" x2="{tx:.1f}" y2="{y + row - 3}">'
                "<title>cible</title></line>"
            )
        values.append(_short_text(plot_x + plot_w + 8, middle, item.text, 18))
    body = (
        f'<g fill="{TRACK}">{"".join(tracks)}</g>'
        f'<g fill="{BAR}">{"".join(bars)}</g>'
        f'<g stroke="{TARGET}" stroke-width="3">{"".join(ticks)}</g>'
        f'<g fill="{TEXT}" dominant-baseline="middle">'
        f'<g text-anchor="end">{"".join(labels)}</g>'
        f'<g text-anchor="start">{"".join(values)}</g></g>'
    )
    return _svg(WIDTH, height, title, description, body, chart_id)


def _short_text(x, y, text, length):
    """A text inside a group giving its colour, alignment and baseline."""
    shown = _shorten(text, length)
    tooltip = f"<title>{escape(text)}</title>" if shown != " ".join(str(text).split()) else ""
    return f'<text x="{x}" y="{y}">{tooltip}{escape(shown)}</text>'


def stacked_columns(columns, series, *, title, description, chart_id=None):
    """Columns of counts split by series (entries per quarter by state), with a legend.

    columns: [(label, {key: count})]; series: [(key, label, colour)].
    """
    height, top, bottom = 220, 10, 60
    plot_h = height - top - bottom
    left = 34
    plot_w = WIDTH - left - 6
    most = (
        max(
            (sum(counts.get(key, 0) for key, _, _ in series) for _, counts in columns),
            default=0,
        )
        or 1
    )
    step = plot_w / max(len(columns), 1)
    width = min(step * 0.7, 40)
    parts = []
    previous_tail = None
    for tick in (0, most):
        y = top + plot_h - plot_h * tick / most
        parts.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{WIDTH - 6}" y2="{y:.1f}" stroke="{GRID}"/>'
            f'<text x="{left - 4}" y="{y:.1f}" text-anchor="end" fill="{MUTED}" '
            f'font-size="11" dominant-baseline="middle">{tick}</text>'
        )
    for index, (label, counts) in enumerate(columns):
        x = left + index * step + (step - width) / 2
        y = top + plot_h
        for key, name, colour in series:
            count = counts.get(key, 0)
            if not count:
                continue
            h = plot_h * count / most
            y -= h
            parts.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{h:.1f}" '
                f'fill="{colour}"><title>{escape(label)} – {escape(name)} : {count}</title></rect>'
            )
        # "T1 2025": the quarter under each column, the year only where it changes.
        head, _, tail = label.partition(" ")
        parts.append(
            f'<text x="{x + width / 2:.1f}" y="{top + plot_h + 12}" text-anchor="middle" '
            f'fill="{MUTED}" font-size="10">{escape(head)}</text>'
        )
        if tail and tail != previous_tail:
            parts.append(
                f'<text x="{x + width / 2:.1f}" y="{top + plot_h + 25}" text-anchor="middle" '
                f'fill="{MUTED}" font-size="10">{escape(tail)}</text>'
            )
        previous_tail = tail
    for index, (_, name, colour) in enumerate(series):
        lx, ly = left + index * (plot_w / max(len(series), 1)), height - 18
        parts.append(f'<rect x="{lx:.1f}" y="{ly - 6}" width="12" height="12" fill="{colour}"/>')
        parts.append(_label(lx + 18, ly, name, 28, anchor="start"))
    return _svg(WIDTH, height, title, description, "".join(parts), chart_id)
