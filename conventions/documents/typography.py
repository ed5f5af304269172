"""French typography for generated documents.

Text typed by people ("Vu le Code ; ", "« la Caf »", "n° 2021-1644") gets the
non-breaking spaces French printing expects, so that a line never starts with
a colon or a closing guillemet. Article bodies are plain text: blank lines
separate paragraphs and lines starting with "- " are list items. The result is
escaped HTML: user text is never interpreted as markup or as a template.
"""

import re

from django.utils.html import escape
from django.utils.safestring import mark_safe

NBSP = "\u00a0"
NNBSP = "\u202f"  # narrow no-break space, before ; ! ?

_RULES = [
    # Spaces typed before high punctuation become non-breaking...
    (re.compile(r"[ \t\u00a0\u202f]+([:»])"), NBSP + r"\1"),
    (re.compile(r"[ \t\u00a0\u202f]+([;!?])"), NNBSP + r"\1"),
    (re.compile(r"«[ \t\u00a0\u202f]*"), "«" + NBSP),
    # ...and missing ones are added, except in "http://" and times like "19:30".
    (re.compile(r"(?<=[^\s\d/:«])»"), NBSP + "»"),
    (re.compile(r"(?<=[A-Za-zÀ-ÿ)\]])([;!?])(?=\s|$)"), NNBSP + r"\1"),
    (re.compile(r"(?<=[A-Za-zÀ-ÿ)\]])(:)(?=\s|$)"), NBSP + r"\1"),
    # "n° 12", "art. L. 263-1", "142 000 habitants", "6 mois", "2 exemplaires".
    (re.compile(r"\b([nN]°) (?=\w)"), r"\1" + NBSP),
    (re.compile(r"\b(L\.|R\.|D\.|art\.) (?=\d)"), r"\1" + NBSP),
    (re.compile(r"(?<=\d) (?=\d{3}\b)"), NBSP),
    (re.compile(r"\b(\d+) (?=(?:janvier|février|mars|avril|mai|juin|juillet|août|"
                r"septembre|octobre|novembre|décembre|mois|ans|jours|exemplaires|%|€)\b)"),
     r"\1" + NBSP),
    (re.compile(r"\b(1er|Monsieur|Madame|M\.|Mme) (?=\S)"), r"\1" + NBSP),
]  # fmt: skip


def french(text) -> str:
    """Plain text with French non-breaking spaces (not escaped)."""
    if text is None:
        return ""
    text = str(text)
    for pattern, replacement in _RULES:
        text = pattern.sub(replacement, text)
    return text


def inline(text) -> str:
    """Escaped HTML of one line of text, with French typography."""
    return mark_safe(escape(french(text)))


def prose(text, *, subheadings=True) -> str:
    """Escaped HTML paragraphs and lists from plain text with French typography.

    With subheadings, a short line without final punctuation alone in its block
    reads as a heading ("Recours contentieux"), as in article bodies.
    """
    html = []
    for block in re.split(r"\n\s*\n", str(text or "").strip()):
        lines = [line.rstrip() for line in block.splitlines() if line.strip()]
        if not lines:
            continue
        items, paragraph = [], []
        for line in lines:
            stripped = line.lstrip()
            if stripped.startswith(("- ", "• ", "* ")):
                if paragraph:
                    html.append(_paragraph(paragraph, subheadings))
                    paragraph = []
                depth = 1 if len(line) - len(stripped) >= 2 else 0
                items.append((depth, stripped[2:].strip()))
            else:
                if items:
                    html.append(_list(items))
                    items = []
                paragraph.append(stripped)
        if paragraph:
            html.append(_paragraph(paragraph, subheadings))
        if items:
            html.append(_list(items))
    return mark_safe("\n".join(html))


def _paragraph(lines, subheadings=True):
    text = " ".join(lines)
    if subheadings and len(lines) == 1 and len(text) < 90 and not re.search(r"[.;:,)»…]$", text):
        return f'<p class="subheading">{escape(french(text))}</p>'
    return f"<p>{'<br>'.join(escape(french(line)) for line in lines)}</p>"


def _list(items):
    html, open_nested = ["<ul>"], False
    for depth, text in items:
        if depth and not open_nested:
            html.append("<ul>")
            open_nested = True
        elif not depth and open_nested:
            html.append("</ul>")
            open_nested = False
        html.append(f"<li>{escape(french(text))}</li>")
    if open_nested:
        html.append("</ul>")
    html.append("</ul>")
    return "".join(html)
