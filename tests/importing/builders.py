# ruff: noqa: E501 (the document text is kept one paragraph per line, as in the references)
"""Test documents built from the two reference texts, at test time (no binary fixture).

The reference texts are markdown conversions of the real documents: `#` headings,
`**bold**` and `<b>`, `- ` bullets, tables as tab-separated lines or `<p>` cells.
`parse` turns such a text into plain elements; `build_docx` writes them with
python-docx (Word heading styles or bold paragraphs, list paragraphs, tables) and
`build_pdf` renders them with WeasyPrint (ruled tables, so they read as tables).
The variants rewrite the text before building.
"""

import html
import re
from dataclasses import dataclass, field
from pathlib import Path

# The two public reference documents of the domain brief (a Haut-Rhin draft, the PMA
# convention with the Valentigney deliberation), kept with the tests so that a fresh
# checkout reads them without the brief beside it.
REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
VAL_D_ARGENT = REFERENCE_DIR / "000_45553d8e96312113.txt"
PMA = REFERENCE_DIR / "003_36c45708fdf00701.txt"


@dataclass
class Element:
    kind: str  # "heading", "paragraph", "item", "table"
    runs: list[tuple[str, bool]] = field(default_factory=list)  # (text, bold)
    level: int = 0
    rows: list[list[str]] = field(default_factory=list)

    @property
    def text(self):
        return "".join(text for text, _bold in self.runs)


def reference_text(path):
    return Path(path).read_text(encoding="utf-8")


def _plain(text):
    text = re.sub(r"<sup>(.*?)</sup>", r"\1", text)
    text = re.sub(r"</?(?:u|i|em|strong|span)[^>]*>", "", text)
    text = text.replace("\\*", "*").replace("\\_", "_").replace("\\", "")
    return html.unescape(text)


def _runs(text):
    """(text, bold) runs from `**bold**` and `<b>bold</b>` markup."""
    text = _plain(text).replace("<b>", "**").replace("</b>", "**")
    runs = []
    for index, part in enumerate(text.split("**")):
        part = re.sub(r"(?<!\w)\*(\S[^*]*?)\*(?!\w)", r"\1", part)
        if part:
            runs.append((part, index % 2 == 1))
    return runs


def _cell_lines(cell):
    """A cell's paragraphs: `<p>` and `<li>` become lines, bullets keep "- "."""
    cell = cell.strip()
    cell = re.sub(r"<li[^>]*>", "\n- ", cell)
    cell = re.sub(r"</p>\s*<p>|<p>|</p>|<br\s*/?>|</?ul[^>]*>|</li>", "\n", cell)
    cell = cell.replace("<b>", "").replace("</b>", "").replace("**", "")
    lines = [re.sub(r"^-\s*[•➤▪]\s*", "- ", _plain(line).strip()) for line in cell.split("\n")]
    return "\n".join(line for line in lines if line)


def parse(text):
    elements = []
    pending = ""  # a paragraph continued by a markdown hard break ("  " at line end)
    for raw in text.splitlines():
        hard_break = raw.endswith("  ")
        line = raw.strip()
        if pending:
            line = f"{pending}\n{line}"
            pending = ""
        if hard_break and line and "\t" not in raw:
            pending = line
            continue
        if not line or re.fullmatch(r"-{3,}", line):
            continue
        if "\t" in raw or line.startswith("<p>"):
            cells = [_cell_lines(cell) for cell in raw.split("\t")]
            if all(re.fullmatch(r"-*", cell.strip()) for cell in cells):
                continue
            if elements and elements[-1].kind == "table":
                elements[-1].rows.append(cells)
            else:
                elements.append(Element("table", rows=[cells]))
            continue
        heading = re.match(r"^(#{1,6})\s+(.*)$", line, re.S)
        if heading:
            elements.append(
                Element("heading", _runs(heading.group(2)), level=len(heading.group(1)))
            )
            continue
        item = re.match(r"^\s*-\s+(.*)$", line, re.S)
        if item:
            elements.append(Element("item", _runs(item.group(1))))
            continue
        elements.append(Element("paragraph", _runs(line)))
    if pending:
        elements.append(Element("paragraph", _runs(pending)))
    return elements


def build_docx(text, path, headings="styles"):
    """A DOCX of the text. headings="styles": markdown headings get Word's Heading
    styles; headings="bold": they become wholly bold paragraphs."""
    import docx

    document = docx.Document()
    for element in parse(text):
        if element.kind == "table":
            columns = max(len(row) for row in element.rows)
            table = document.add_table(rows=0, cols=columns)
            for row in element.rows:
                cells = table.add_row().cells
                for cell, value in zip(cells, row + [""] * (columns - len(row)), strict=True):
                    lines = value.split("\n") if value else [""]
                    cell.text = lines[0]
                    for line in lines[1:]:
                        cell.add_paragraph(line)
            continue
        if element.kind == "heading" and headings == "styles":
            paragraph = document.add_heading("", level=min(element.level, 4))
            for part, _bold in element.runs:
                paragraph.add_run(part.replace("\n", " "))
            continue
        style = "List Bullet" if element.kind == "item" else None
        paragraph = document.add_paragraph(style=style)
        whole_bold = element.kind == "heading"
        for part, bold in element.runs:
            pieces = part.split("\n")
            for index, piece in enumerate(pieces):
                run = paragraph.add_run(piece)
                run.bold = bold or whole_bold
                if index < len(pieces) - 1:
                    run.add_break()
    document.save(path)
    return Path(path)


def build_html(text):
    parts = ["<html><head><meta charset='utf-8'><style>"]
    parts.append(
        "@page { size: A4; margin: 1.5cm; @top-center { content: 'Convention territoriale"
        " globale – document de travail'; } @bottom-center { content: 'Page ' counter(page)"
        " ' / ' counter(pages); } } body { font-family: 'DejaVu Sans'; font-size: 9pt; }"
        " table { border-collapse: collapse; width: 100%; }"
        " td { border: 1px solid black; vertical-align: top; padding: 2px; }"
        " p, li, h1, h2, h3, h4 { margin: 0.6em 0; } h1, h2, h3, h4 { font-size: 10pt; }"
        "</style></head><body>"
    )

    def runs_html(runs):
        return "".join(
            (f"<b>{html.escape(t)}</b>" if bold else html.escape(t)).replace("\n", "<br>")
            for t, bold in runs
        )

    for element in parse(text):
        if element.kind == "table":
            parts.append("<table>")
            for row in element.rows:
                cells = "".join(
                    "<td>" + "<br>".join(html.escape(line) for line in cell.split("\n")) + "</td>"
                    for cell in row
                )
                parts.append(f"<tr>{cells}</tr>")
            parts.append("</table>")
        elif element.kind == "heading":
            level = min(element.level, 4)
            parts.append(f"<h{level}>{runs_html(element.runs)}</h{level}>")
        elif element.kind == "item":
            parts.append(f"<ul><li>{runs_html(element.runs)}</li></ul>")
        else:
            parts.append(f"<p>{runs_html(element.runs)}</p>")
    parts.append("</body></html>")
    return "".join(parts)


def build_pdf(text, path):
    from weasyprint import HTML

    HTML(string=build_html(text)).write_pdf(path)
    return Path(path)


# --- Variants ----------------------------------------------------------------------------


def other_wordings(text):
    """ "M."/"Mme" instead of "Monsieur"/"Madame", "représenté(e) par", and
    "Article 1er :" / "Article N :" headings."""
    text = re.sub(r"\bMonsieur (?=[A-Z])", "M. ", text)
    text = re.sub(r"\bMadame (?=[A-Z])", "Mme ", text)
    text = re.sub(r"représentée? par", "représenté(e) par", text)
    text = re.sub(r"ARTICLE 1 [-:]", "Article 1er :", text)
    return re.sub(r"ARTICLE (\d+) [-:–]", r"Article \1 :", text)


def parties_reordered_000(text):
    """The communes before the Communauté de communes, Lièpvre last."""
    blocks = text.split("\n\nEt :\n\n")
    caf, epci, communes = blocks[0], blocks[1], blocks[2:]
    last = communes[-1]
    tail_at = last.index("Il est convenu")
    communes[-1], tail = last[:tail_at].rstrip(), last[tail_at:]
    reordered = communes[1:] + [epci, communes[0]]
    return "\n\nEt :\n\n".join([caf, *reordered]) + "\n\n" + tail


def single_commune(sheets="lines"):
    """A convention between the Caf du Doubs and one commune, with dates in figures
    and an action plan of axes, objectives and sheets, laid out as label lines
    (sheets="lines") or as a two-column label/value table (sheets="table")."""
    sheet_fields = [
        ("Diagnostic initial", "Peu de places d'accueil du jeune enfant"),
        ("Public cible", "Familles avec enfants de moins de 3 ans"),
        ("Objectifs opérationnels", "- Ouvrir une micro-crèche\n- Recruter deux agents"),
        ("Modalités de mise en œuvre", "Étude de faisabilité puis travaux"),
        ("Echéances de réalisation", "31/12/2025"),
        ("Services mobilisés et responsables de l'action", "Commune, Caf"),
        ("Partenaires sollicités", "PMI"),
        ("Résultats attendus", "Une micro-crèche ouverte"),
        ("Indicateurs d'évaluation", "Nombre de places créées\nTaux d'occupation"),
    ]
    if sheets == "lines":
        body = "\n\n".join(
            f"**{label}**\n\n" + "\n\n".join(value.split("\n")) for label, value in sheet_fields
        )
    else:
        body = "\n".join(
            f"<p><b>{label}</b></p>\t<p>" + "</p><p>".join(value.split("\n")) + "</p>"
            for label, value in sheet_fields
        )
    return f"""**CONVENTION TERRITORIALE GLOBALE**

**COMMUNE DE TAILLECOURT – 2024/2028**

Entre :

La Caf du Doubs, représentée par sa Présidente, Mme Anne DURAND, et par son Directeur, M. Paul MARTIN ;

Ci-après dénommée « la Caf » ;

Et :

La Commune de Taillecourt, représentée par son Maire, M. Didier KLEIN, dûment autorisé à signer la présente convention par délibération de son conseil municipal n° 2024-07 du 12/03/2024 ;

Ci-après dénommée « la Commune » ;

Il est convenu et arrêté ce qui suit :

Vu le Code général des collectivités territoriales ;

Vu la délibération du conseil municipal de Taillecourt n° 2024-07 en date du 12/03/2024 ;

## Préambule

La commune et la Caf s'engagent pour les familles.

**Article premier – Objet**

La présente convention définit le projet de territoire.

**Article 2 – Durée**

La présente convention est conclue du 01/01/2024 au 31/12/2028.

Fait à Taillecourt, le 15/04/2024, en 3 exemplaires originaux.

**ANNEXE 1 – Plan d'actions**

**AXE 1 – Petite enfance**

**Objectif 1.1 : Développer l'accueil collectif**

**Fiche action n°1 : Ouvrir une micro-crèche**

{body}
"""
