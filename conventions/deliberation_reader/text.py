"""The text of a deliberation extract, as normalised lines.

The file's type is recognised from its first bytes, whatever its name says. A text
PDF gives its lines page by page and its ruled tables row by row; a DOCX gives its
paragraphs and table rows in body order, then its headers and footers (where
e-legality stamps often sit). A table row becomes one line with its cells joined by
" | ", so that "label | value" and "label : value" read alike.

`Text` keeps two strings of the same length: `original` (for the values shown to
the user, names and case kept) and `folded` (lower case, no accents, for matching):
a match found in one is sliced out of the other.
"""

import io
import re
import unicodedata
import zipfile
from pathlib import Path

from django.conf import settings

from conventions.deliberation_reader.numbers import words_value

READ_LIMIT_BYTES = 20 * 1024 * 1024
CELL_SEPARATOR = " | "
# An extract is a few pages; a longer file (the convention attached to it) is read on
# its first pages and its last one, where the e-legality stamp may stand.
FIRST_PAGES = 10
CHECK_AFTER_PAGES = 3
# Below this many letters a PDF has no real text layer (a scan, maybe with a stray
# page number or a stamp's few characters).
MIN_LETTERS = 40

PDF = "pdf"
DOCX = "docx"


class ExtractError(Exception):
    """The file cannot be read as a deliberation extract; the message is French and is
    shown to the person who uploaded it."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def read_limit():
    return getattr(settings, "DELIBERATION_READ_LIMIT_BYTES", READ_LIMIT_BYTES)


def load(source):
    """The file's bytes, refusing a file over the size limit before reading it whole."""
    limit = read_limit()
    if isinstance(source, (bytes, bytearray)):
        content = bytes(source)
    elif isinstance(source, (str, Path)):
        path = Path(source)
        if not path.is_file():
            raise ExtractError(f"Le fichier « {path.name} » est introuvable.")
        if path.stat().st_size > limit:
            raise _too_large(limit)
        content = path.read_bytes()
    else:
        size = getattr(source, "size", None)
        if size is not None and size > limit:
            raise _too_large(limit)
        if hasattr(source, "seek"):
            source.seek(0)
        content = source.read(limit + 1)
        if hasattr(source, "seek"):
            source.seek(0)  # the caller may still store the upload
    if len(content) > limit:
        raise _too_large(limit)
    return content


def _too_large(limit):
    megabytes = limit / (1024 * 1024)
    size = f"{megabytes:.0f} Mo" if megabytes >= 1 else f"{limit / 1024:.0f} Ko"
    return ExtractError(
        f"Le fichier dépasse {size} : un extrait de délibération en pèse bien moins. "
        "Vérifiez le fichier ou saisissez la délibération à la main."
    )


def document_kind(content):
    """ "pdf" or "docx" from the first bytes."""
    if not content.strip():
        raise ExtractError("Le fichier est vide : saisissez la délibération à la main.")
    if b"%PDF-" in content[:1024]:
        return PDF
    if content.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                if "word/document.xml" in archive.namelist():
                    return DOCX
        except zipfile.BadZipFile as error:
            raise ExtractError(
                "Le fichier Word est endommagé : enregistrez-le de nouveau ou saisissez la "
                "délibération à la main."
            ) from error
    raise ExtractError(
        "Ce fichier n'est ni un PDF ni un document Word (.docx) : seuls ces formats sont "
        "lus. Saisissez la délibération à la main."
    )


def extract_lines(content, worth_going_on=None):
    """The document's normalised lines. `worth_going_on(lines)`, when given, is asked
    after the first pages of a long PDF: False stops the reading there (a long document
    that does not start like an extract is not read to its end)."""
    kind = document_kind(content)
    lines = _docx_lines(content) if kind == DOCX else _pdf_lines(content, worth_going_on)
    lines = [normalise(line) for line in lines]
    lines = [line for line in lines if line]
    if sum(char.isalpha() for line in lines for char in line) < MIN_LETTERS:
        if kind == PDF:
            raise ExtractError(
                "Ce PDF ne contient pas de texte lisible (document scanné ?) : saisissez la "
                "délibération à la main."
            )
        raise ExtractError(
            "Ce document Word ne contient pas de texte : saisissez la délibération à la main."
        )
    return lines


def _pdf_lines(content, worth_going_on):
    import pdfplumber
    from pdfminer.pdfdocument import PDFPasswordIncorrect

    lines = []
    try:
        with pdfplumber.open(io.BytesIO(content)) as pdf:
            pages = pdf.pages
            if len(pages) > FIRST_PAGES + 1:
                pages = [*pages[:FIRST_PAGES], pages[-1]]
            for number, page in enumerate(pages, start=1):
                lines.extend(_pdf_page_lines(page))
                if (
                    number == CHECK_AFTER_PAGES
                    and worth_going_on
                    and len(pages) > number
                    and not worth_going_on([normalise(line) for line in lines])
                ):
                    break
    except Exception as error:  # pdfminer raises many kinds on a broken file
        if any(isinstance(arg, PDFPasswordIncorrect) for arg in error.args):
            raise ExtractError(
                "Ce PDF est protégé par un mot de passe : demandez une copie sans mot de passe "
                "ou saisissez la délibération à la main."
            ) from error
        raise ExtractError(
            "Le PDF est endommagé ou illisible : demandez-en une nouvelle copie ou saisissez "
            "la délibération à la main."
        ) from error
    return lines


def _pdf_page_lines(page):
    """The page's lines top to bottom, each ruled table row as one line of cells."""
    tables = page.find_tables()
    boxes = [table.bbox for table in tables]

    def outside_tables(obj):
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    text_page = page.filter(outside_tables) if boxes else page
    placed = [(line["top"], line["text"]) for line in text_page.extract_text_lines()]
    for table in tables:
        for index, row in enumerate(table.extract()):
            cells = [" ".join((cell or "").split()) for cell in row]
            cells = [cell for cell in cells if cell]
            if cells:
                placed.append((table.bbox[1] + index * 0.001, CELL_SEPARATOR.join(cells)))
    placed.sort(key=lambda item: item[0])
    return [text for _top, text in placed]


def _docx_lines(content):
    import docx
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        document = docx.Document(io.BytesIO(content))
    except Exception as error:  # python-docx raises many kinds on a broken package
        raise ExtractError(
            "Le fichier Word est endommagé ou illisible : enregistrez-le de nouveau ou "
            "saisissez la délibération à la main."
        ) from error

    def body_lines(parent, element):
        for child in element.iterchildren():
            tag = child.tag.rsplit("}", 1)[-1]
            if tag == "p":
                yield from Paragraph(child, parent).text.split("\n")
            elif tag == "tbl":
                yield from _docx_rows(Table(child, parent))

    lines = list(body_lines(document, document.element.body))
    for section in document.sections:
        for part in (section.header, section.footer):
            if not part.is_linked_to_previous:
                lines.extend(body_lines(part, part._element))
    return lines


def _docx_rows(table):
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell comes once per grid column
                continue
            seen.add(id(cell._tc))
            text = " ".join(cell.text.split())
            if text:
                cells.append(text)
        if cells:
            yield CELL_SEPARATOR.join(cells)


# --- Normalising and folding -------------------------------------------------------------

_REPLACEMENTS = str.maketrans(
    {
        "’": "'",
        "‘": "'",
        "ʼ": "'",
        "`": "'",
        "´": "'",
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\t": " ",
        "\u200b": "",
        "\ufeff": "",
        "\xad": "",
    }
)


def normalise(line):
    """One line with ligatures, no-break spaces, typographic apostrophes and dashes made
    plain and runs of spaces as one."""
    line = unicodedata.normalize("NFKC", line).translate(_REPLACEMENTS)
    return re.sub(r"\s+", " ", line).strip()


def _fold_char(char):
    base = unicodedata.normalize("NFD", char)[0].lower()
    return base[0] if base else char


def fold(value):
    """Lower case without accents, one character for one: positions stay aligned."""
    return "".join(_fold_char(char) for char in value)


_FIGURE_CELL = re.compile(r"^\d{1,4}$")
_FIGURES_ONLY = re.compile(r"^\d{1,4}(?: \d{1,4})+$")
# The labels a row of figures may stand under when no cell boundary is known.
_COLUMN_LABEL = re.compile(
    r"\b(?:suffrages\s+exprimes|exprimes|votants|pour|contre|abstentions?|presents|"
    r"representes|pouvoirs|procurations|absents\s+excuses|excuses|absents|en\s+exercice|"
    r"afferents(?:\s+au\s+conseil)?|(?:ayant|qui\s+ont)\s+pris\s+part"
    r"(?:\s+(?:au\s+vote|a\s+la\s+deliberation))?|"
    r"ne\s+(?:prend|prennent|participe|participent)\s+pas(?:\s+part)?\s+au\s+vote)\b"
)


def _labels_over_figures(lines):
    """A table of labels over a row of figures becomes one line of "label : figure"
    cells: "Votants | Pour | Contre" over "31 | 29 | 2" (a ruled table), or
    "Suffrages exprimés Pour Contre" over "31 29 2" (an unruled one, whose labels are
    known words of the vote, as many as the figures)."""
    merged, index = [], 0
    while index < len(lines):
        following = lines[index + 1] if index + 1 < len(lines) else ""
        pairs = _ruled_pairs(lines[index], following) or _unruled_pairs(lines[index], following)
        if pairs:
            merged.append(CELL_SEPARATOR.join(f"{label} : {figure}" for label, figure in pairs))
            index += 2
            continue
        merged.append(lines[index])
        index += 1
    return merged


def _ruled_pairs(line, following):
    labels, figures = line.split(CELL_SEPARATOR), following.split(CELL_SEPARATOR)
    if (
        len(labels) >= 2
        and len(labels) == len(figures)
        and all(_FIGURE_CELL.match(cell) for cell in figures)
        and not any(re.search(r"\d", cell) for cell in labels)
    ):
        return list(zip(labels, figures, strict=True))
    return None


def _unruled_pairs(line, following):
    if not _FIGURES_ONLY.match(following) or re.search(r"\d", line):
        return None
    figures = following.split()
    labels = [match.group(0) for match in _COLUMN_LABEL.finditer(fold(line))]
    return list(zip(labels, figures, strict=True)) if len(labels) == len(figures) else None


# The first halves of compound words, whose hyphen stays when they are cut at it:
# "sous-|préfet", "procès-|verbal", "vice-|président".
_COMPOUND_HEADS = {
    "sous",
    "vice",
    "proces",
    "compte",
    "contre",
    "demi",
    "ex",
    "mi",
    "non",
    "semi",
    "porte",
    "chef",
    "arriere",
    "avant",
    "apres",
    "grand",
    "petite",
    "belle",
    "saint",
    "sainte",
}


def _join_hyphenated(lines):
    """Words cut at the line's end ("con-" / "seillers") made whole again; a number in
    words or a compound word cut at its own hyphen keeps it ("vingt-" / "sept")."""
    joined = []
    for line in lines:
        previous = joined[-1] if joined else ""
        if re.search(r"[^\W\d_]-$", previous) and line[:1].islower():
            head = fold(re.split(r"[\s-]", previous[:-1])[-1])
            tail = fold(re.match(r"[^\W\d_]*", line).group(0))
            numbers = words_value(head) is not None and words_value(tail) is not None
            keep = numbers or head in _COMPOUND_HEADS
            joined[-1] = previous[:-1] + ("-" if keep else "") + line
        else:
            joined.append(line)
    return joined


class Text:
    """The document's lines joined by newlines, in two aligned forms."""

    def __init__(self, lines):
        self.lines = lines = _labels_over_figures(_join_hyphenated(lines))
        self.original = "\n".join(lines)
        self.folded = fold(self.original)
