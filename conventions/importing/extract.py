"""The text of a convention document as blocks in reading order.

A DOCX gives its paragraphs (with their Word style and whether they are wholly
bold) and its table rows, in body order. A text PDF gives its lines page by page,
its ruled tables as rows, without running headers, footers and page numbers.
Anything that cannot be read raises `UnreadableDocument` with a French message
for the person who uploaded the file.
"""

import io
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

MAX_SIZE = 20 * 1024 * 1024
MAX_SIZE_LABEL = "20 Mo"

DOCX = "docx"
PDF = "pdf"


class UnreadableDocument(Exception):
    """The uploaded file cannot be read as a convention; the message is French."""


@dataclass
class Block:
    """A paragraph, a PDF line or a table row (then `cells` holds each cell's text)."""

    text: str
    style: str = ""  # the Word paragraph style: "Heading 1", "List Paragraph"...
    bold: bool = False  # the whole paragraph is bold
    list_item: bool = False
    cells: list[str] = field(default_factory=list)

    @property
    def is_row(self):
        return bool(self.cells)

    @property
    def is_heading(self):
        return self.style.lower().startswith(("heading", "titre", "title")) or self.bold


def read_bytes(file_or_path):
    """The file's content, refusing files over the size limit before reading them."""
    if isinstance(file_or_path, bytes):
        content = file_or_path
    elif isinstance(file_or_path, (str, Path)):
        path = Path(file_or_path)
        if path.stat().st_size > MAX_SIZE:
            raise _too_large()
        content = path.read_bytes()
    else:
        size = getattr(file_or_path, "size", None)
        if size is not None and size > MAX_SIZE:
            raise _too_large()
        if hasattr(file_or_path, "seek"):
            file_or_path.seek(0)
        content = file_or_path.read(MAX_SIZE + 1)
    if len(content) > MAX_SIZE:
        raise _too_large()
    return content


def _too_large():
    return UnreadableDocument(
        f"Le fichier dépasse {MAX_SIZE_LABEL} : réduisez-le (images compressées, annexes "
        "à part) avant de l'importer."
    )


def document_format(content):
    """ "docx" or "pdf" from the file's first bytes, whatever its name says."""
    if not content.strip():
        raise UnreadableDocument("Le fichier est vide.")
    if content[:1024].lstrip().startswith(b"%PDF-") or b"%PDF-" in content[:1024]:
        return PDF
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                if "word/document.xml" in archive.namelist():
                    return DOCX
        except zipfile.BadZipFile as error:
            raise UnreadableDocument(
                "Le fichier Word est endommagé (archive incomplète) : enregistrez-le de "
                "nouveau depuis Word ou LibreOffice."
            ) from error
    raise UnreadableDocument(
        "Ce fichier n'est ni un document Word (.docx) ni un PDF : enregistrez la "
        "convention dans l'un de ces formats."
    )


def extract_blocks(file_or_path, filename=""):
    """The document's blocks in reading order. `filename` only words the messages:
    the format is recognised from the content."""
    content = read_bytes(file_or_path)
    kind = document_format(content)
    blocks = _docx_blocks(content) if kind == DOCX else _pdf_blocks(content)
    if not any(block.text.strip() for block in blocks):
        raise UnreadableDocument(
            f"Le document {filename or ''} ne contient aucun texte.".replace("  ", " ")
        )
    return blocks


# --- DOCX --------------------------------------------------------------------------------


def _docx_blocks(content):
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(content))
    except Exception as error:  # python-docx raises many kinds on a broken package
        raise UnreadableDocument(
            "Le fichier Word est endommagé ou illisible : enregistrez-le de nouveau "
            "depuis Word ou LibreOffice."
        ) from error
    styles = _StyleNames(document)
    blocks = []
    # Iterating the body XML keeps tables between the paragraphs where they stand.
    for child in document.element.body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            block = _docx_paragraph(Paragraph(child, document), styles)
            if block:
                blocks.append(block)
        elif tag == "tbl":
            blocks.extend(_docx_rows(Table(child, document), styles))
    return blocks


class _StyleNames:
    """Style names and boldness by style id, looked up once: python-docx's
    `paragraph.style` scans every style of the document on each call."""

    def __init__(self, document):
        self.by_id = {}
        self.default = ("", False)
        for style in document.styles:
            if style.type != 1:  # paragraph styles only (WD_STYLE_TYPE.PARAGRAPH)
                continue
            entry = (style.name or "", bool(style.font.bold))
            self.by_id[style.style_id] = entry
            if style.element.default:
                self.default = entry

    def of(self, paragraph):
        properties = paragraph._p.pPr
        style_id = (
            properties.pStyle.val
            if properties is not None and properties.pStyle is not None
            else None
        )
        return self.by_id.get(style_id, self.default) if style_id else self.default


def _numbered(paragraph):
    properties = paragraph._p.pPr
    return properties is not None and properties.numPr is not None


def _docx_paragraph(paragraph, styles):
    text = paragraph.text.replace("\xa0", " ").strip()
    if not text:
        return None
    style, style_bold = styles.of(paragraph)
    return Block(
        text=text,
        style=style,
        bold=_wholly_bold(paragraph, style_bold),
        list_item=_numbered(paragraph) or "list" in style.lower(),
    )


def _wholly_bold(paragraph, style_bold):
    runs = [run for run in paragraph.runs if run.text.strip()]
    if not runs:
        return False
    return all(run.bold or (run.bold is None and style_bold) for run in runs)


def _docx_rows(table, styles):
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(_docx_cell_text(cell, styles))
        if any(cells):
            rows.append(Block(text="\t".join(cells), cells=cells))
    return rows


def _docx_cell_text(cell, styles):
    lines = []
    for paragraph in cell.paragraphs:
        text = paragraph.text.replace("\xa0", " ").strip()
        if not text:
            continue
        listed = _numbered(paragraph) or "list" in styles.of(paragraph)[0].lower()
        lines.append(f"- {text}" if listed else text)
    return "\n".join(lines)


# --- PDF ---------------------------------------------------------------------------------

PAGE_NUMBER = re.compile(
    r"^(?:page\s*)?\d{1,4}\s*(?:/|sur|de)\s*\d{1,4}$|^page\s*\d{1,4}$|^[-–]?\s*\d{1,4}\s*[-–]?$",
    re.IGNORECASE,
)


def _pdf_blocks(content):
    import pdfplumber

    try:
        with pdfplumber.open(io.BytesIO(content)) as pdf:
            pages = [_pdf_page_blocks(page) for page in pdf.pages]
    except Exception as error:  # pdfminer raises many kinds on a broken file
        raise UnreadableDocument(
            "Le PDF est endommagé ou illisible : exportez-le de nouveau depuis le "
            "document d'origine."
        ) from error
    if not pages or not any(block.text.strip() for page in pages for block in page):
        raise UnreadableDocument(
            "Ce PDF ne contient pas de texte : c'est probablement un scan. Importez le "
            "document Word d'origine ou un PDF exporté depuis un traitement de texte."
        )
    return _without_running_lines(pages)


def _pdf_page_blocks(page):
    """One page's lines and ruled tables, top to bottom."""
    tables = page.find_tables()
    boxes = [table.bbox for table in tables]

    def outside_tables(obj):
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    placed = []
    text_page = page.filter(outside_tables) if boxes else page
    for line in text_page.extract_text_lines(return_chars=True):
        text = line["text"].strip()
        if not text:
            continue
        fonts = [char.get("fontname", "") for char in line["chars"] if char["text"].strip()]
        bold = bool(fonts) and all("bold" in font.lower() for font in fonts)
        list_item = text[:1] in "•●▪➤-–" and len(text) > 2
        if list_item:
            text = text[1:].strip()
        height = line["bottom"] - line["top"]
        previous = placed[-1] if placed else None
        # A wrapped line continues its paragraph: same weight, no paragraph gap.
        if (
            previous
            and not previous[2].is_row
            and not list_item
            and previous[2].bold == bold
            and line["top"] - previous[1] < height * 0.5
        ):
            previous[2].text = f"{previous[2].text} {text}"
            placed[-1] = (previous[0], line["bottom"], previous[2])
            continue
        placed.append(
            (line["top"], line["bottom"], Block(text=text, bold=bold, list_item=list_item))
        )
    for table in tables:
        for index, row in enumerate(table.extract()):
            cells = [(cell or "").strip() for cell in row]
            if any(cells):
                top = table.bbox[1] + index * 0.001
                placed.append((top, top, Block(text="\t".join(cells), cells=cells)))
    placed.sort(key=lambda item: item[0])
    return [block for _top, _bottom, block in placed]


def _without_running_lines(pages):
    """Drop page numbers and the lines repeated at the top or bottom of most pages."""

    def shape(text):
        return re.sub(r"\d+", "#", text.strip().lower())

    edges = Counter()
    for page in pages:
        lines = [block for block in page if not block.is_row]
        for block in {shape(b.text) for b in lines[:2] + lines[-2:]}:
            edges[block] += 1
    repeated = {text for text, count in edges.items() if len(pages) >= 3 and count * 2 > len(pages)}
    blocks = []
    for page in pages:
        for block in page:
            if not block.is_row and (
                PAGE_NUMBER.match(block.text.strip()) or shape(block.text) in repeated
            ):
                continue
            blocks.append(block)
    return blocks
