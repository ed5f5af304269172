"""The reading rules: from a document's blocks to a `ReadConvention`.

Plain rules over normalised text, in the order a CTG is written:

1. The title and period: the "Convention territoriale globale" line before "Entre"
   and a year range near it ("2023-2027", "2023/2027").
2. The parties, between "Entre" and "Il est convenu" (or the first visa): every
   paragraph or bullet that says "représenté(e) par" is a party; its name is what
   comes before, its representatives (civility, first name, LAST NAME, function)
   and mandate ("dûment autorisé ... par délibération de ...") what comes after.
   "Ci-après dénommée « ... »" names the party just read. The Caf is the party
   named "Caisse d'allocations familiales" or "Caf"; the first EPCI (else the first
   local authority) leads; the others co-sign.
3. The visas ("Vu ..."): a deliberation line ("Vu la délibération du conseil
   municipal de X en date du ...") becomes a `ReadDeliberation`, the others stay
   visas.
4. The preamble, then the articles: a heading (Word heading style, bold line or
   capitals) "Article 1er :", "ARTICLE 1 -", "Article premier". The article about
   the authorities' "champs d'intervention" carries their competences. The
   duration article gives the period ("à compter du ... jusqu'au ...").
5. "Fait à X, le DATE" and "en N exemplaires originaux" close the articles.
6. The annexes: "ANNEXE N – title" headings.
7. The action plan: "Axe N", "Objectif N.N" and action sheets ("Action N :",
   "Fiche action n°N") with their labelled fields, whatever the layout (label and
   value in table columns, in one cell, or on successive lines). An axis with no
   sheet takes the bullet lines under it as its objectives.

Nothing is guessed: what a rule cannot read is left empty and said in `unread`.
"""

import datetime
import re

from conventions.importing.departments import DEPARTMENT_NAMES
from conventions.importing.extract import Block, UnreadableDocument, extract_blocks
from conventions.importing.result import (
    ReadAnnex,
    ReadArticle,
    ReadAxis,
    ReadConvention,
    ReadDeliberation,
    ReadObjective,
    ReadParty,
    ReadRepresentative,
    ReadSheet,
)
from conventions.importing.text import (
    clean,
    find_dates,
    first_date,
    fold,
    number_from,
    one_edit_apart,
)

__all__ = ["UnreadableDocument", "read_convention", "read_document"]

# --- Patterns ----------------------------------------------------------------------------

SEPARATOR = r"\s*(?:[-–—:.]\s*)?"
ARTICLE = re.compile(rf"^article\s+(premier|1\s*er|\d+)(?:\s*er)?\b{SEPARATOR}(.*)$", re.I)
ANNEX = re.compile(rf"^annexe\s+(n°\s*)?(\d+|[IVX]+)\b{SEPARATOR}(.*)$", re.I)
AXIS = re.compile(rf"^axe\s+(?:n°\s*)?(\d+)\b{SEPARATOR}(.*)$", re.I)
OBJECTIVE = re.compile(rf"^objectif\s+(?:n°\s*)?(\d+(?:\.\d+)*)\b{SEPARATOR}(.*)$", re.I)
SHEET = re.compile(
    r"^(?:fiche[- ]action|fiche|action)\s+(?:n°\s*)?(\d+)\b\s*(?:[-–—:.]\s*)(.*)$", re.I
)
SHEET_NO_SEPARATOR = re.compile(r"^fiche[- ]action\s+(?:n°\s*)?(\d+)\b\s*(.*)$", re.I)
YEARS = re.compile(r"\b(20\d\d)\s*[-/–—]\s*(20\d\d)\b")
PLACE_AND_DATE = re.compile(r"\bfait\s+à\s+(.+?)\s*,?\s+le\b\s*(.*)$", re.I)
ORIGINALS = re.compile(r"\ben\s+(\w+)\s+exemplaires?\b", re.I)
REPRESENTED = re.compile(r"\s*,?\s*\brepr[ée]sent[ée]+\(?e?\)?s?\s+par\s+", re.I)
SHORT_NAME = re.compile(r"^ci-?apr[èe]s\s+d[ée]nomm[ée]+s?\s*:?\s*«\s*(.+?)\s*»", re.I)
MANDATE = re.compile(
    r"d[ûu]ment\s+autoris[ée]+\(?e?\)?s?\s+à\s+signer.*?\bpar\s+(.+?)\s*[;.]?\s*$", re.I
)
UPPER = "A-ZÀ-ÖØ-Ý"
LOWER = "a-zß-öø-ÿ"
CIVILITY = r"(Monsieur|Madame|Mademoiselle|Mme|Mlle|Mr|M)\.?"
FIRST_NAME = rf"[{UPPER}][{LOWER}]+(?:[-\s][{UPPER}][{LOWER}]+)*"
LAST_NAME = rf"[{UPPER}][{UPPER}'\-]+(?:\s+[{UPPER}][{UPPER}'\-]+)*\b"
PERSON = re.compile(rf"\b{CIVILITY}\s+({FIRST_NAME})\s+({LAST_NAME})")
PERSON_MIXED_CASE = re.compile(rf"\b{CIVILITY}\s+({FIRST_NAME})\s+([{UPPER}][{LOWER}'\-]+)\b")
BODIES = [
    ("conseil d'administration", "caf_board"),
    ("conseil municipal", "municipal_council"),
    ("conseil communautaire", "community_council"),
    ("conseil métropolitain", "community_council"),
    ("comité syndical", "syndicate_committee"),
    ("conseil syndical", "syndicate_committee"),
    ("comité", "syndicate_committee"),
    ("conseil départemental", "department_council"),
]
DELIBERATING_BODY = re.compile(
    r"\b(" + "|".join(re.escape(name) for name, _body in BODIES) + r")\b\s*(.*)$", re.I
)
WHO_ENDS = re.compile(
    r"\s+(?:en\s+date|du\s+\d|du\s+1er|le\s+\d|n°|concernant|relative?|portant|figurant)\b|[;,.]+\s*$",
    re.I,
)
BULLET = re.compile(r"^[-•●▪➤✓*–]\s*")

SHEET_FIELDS = [
    ("diagnostic initial", "initial_diagnostic"),
    ("diagnostic", "initial_diagnostic"),
    ("public cible", "target_public"),
    ("public vise", "target_public"),
    ("objectifs operationnels", "operational_objectives"),
    ("objectif operationnel", "operational_objectives"),
    ("modalites de mise en oeuvre", "implementation"),
    ("echeances de realisation", "deadline_text"),
    ("echeance de realisation", "deadline_text"),
    ("echeances", "deadline_text"),
    ("calendrier", "deadline_text"),
    ("services mobilises et responsables de l action", "pilot_services"),
    ("services mobilises", "pilot_services"),
    ("pilote de l action", "pilot_services"),
    ("partenaires sollicites", "partners"),
    ("partenaires associes", "partners"),
    ("resultats attendus", "expected_results"),
    ("indicateurs d evaluation", "indicators"),
    ("indicateurs", "indicators"),
    ("territoire concerne", "territory"),
    ("moyens humains", "human_means"),
]


# --- Entry points ------------------------------------------------------------------------


def read_document(file_or_path, filename="", caf=None):
    """Read an uploaded DOCX or PDF and match its parties to the reference data.

    Raises `UnreadableDocument` (French message) when the file is not a readable CTG.
    """
    from conventions.importing.matching import match_parties

    blocks = extract_blocks(file_or_path, filename)
    read = read_convention(blocks, caf=caf, departments=_department_names())
    if not _is_a_ctg(blocks, read):
        raise UnreadableDocument(
            "Ce document ne ressemble pas à une convention territoriale globale : ni le "
            "titre, ni les parties, ni les articles n'ont été trouvés."
        )
    return match_parties(read, caf=caf)


def _department_names():
    from partners.models import Department

    names = dict(DEPARTMENT_NAMES)
    names.update(Department.objects.values_list("code", "name"))
    return names


def _is_a_ctg(blocks, read):
    mentions_ctg = any(
        re.search(r"\b(convention territoriale globale|ctg)\b", fold(block.text))
        for block in blocks[:400]
    )
    return mentions_ctg and bool(read.parties or read.articles)


def read_convention(blocks, caf=None, departments=None):
    """What the blocks say, as a `ReadConvention`. `caf` is the importing adviser's
    Caf (an Organisation), used when the document does not name its Caf;
    `departments` maps codes to names (the reference data's by default)."""
    return _Reader(blocks, caf, departments or DEPARTMENT_NAMES).read()


# --- The reader --------------------------------------------------------------------------


class _Item:
    """A block with its text cleaned: `text` on one line, `lines` as written."""

    def __init__(self, block: Block):
        self.block = block
        self.lines = [clean(line) for line in block.text.split("\n") if clean(line)]
        self.text = " ".join(self.lines)
        self.folded = fold(self.text)
        self.cells = [cell.strip() for cell in block.cells]

    @property
    def is_row(self):
        return bool(self.cells)

    def heading_like(self):
        """A title line: Word heading, bold, capitals, or short and numbered."""
        if self.is_row or not self.text or len(self.text) > 600:
            return False
        letters = [char for char in self.text if char.isalpha()]
        capitals = bool(letters) and sum(char.isupper() for char in letters) > 0.8 * len(letters)
        return self.block.is_heading or capitals

    def body_line(self):
        if self.is_row:
            return " | ".join(" / ".join(cell.splitlines()) for cell in self.cells if cell)
        if self.block.list_item:
            return "- " + BULLET.sub("", self.text)
        return self.text


class _Reader:
    def __init__(self, blocks, caf, departments):
        self.items = [_Item(block) for block in blocks if block.text.strip()]
        self.caf_hint = caf
        self.departments = departments
        self.result = ReadConvention()
        self._title_years = None

    def read(self):
        start = self._parties_start()
        visas_start = self._read_parties(start)
        self._read_title(start)
        articles_start = self._read_visas(visas_start)
        self._read_deliberation_extract(start)
        articles_end = self._read_articles(articles_start)
        self._read_signature(articles_end)
        self._read_annexes(articles_end)
        self._read_plan(start)
        self._read_period()
        self._read_caf()
        self._read_competences()
        return self.result

    def unread(self, message):
        if message not in self.result.unread:
            self.result.unread.append(message)

    def warn(self, message):
        if message not in self.result.warnings:
            self.result.warnings.append(message)

    # --- Parties ---------------------------------------------------------------------

    def _parties_start(self):
        for index, item in enumerate(self.items):
            if re.match(r"^entre\b", item.folded) and (
                len(item.text) < 40 or REPRESENTED.search(item.text)
            ):
                return index
        for index, item in enumerate(self.items):
            if REPRESENTED.search(item.text) and not item.is_row:
                return index
        return 0

    def _read_parties(self, start):
        parties = self.result.parties
        since_separator = 0
        index = start
        for index in range(start, len(self.items)):
            item = self.items[index]
            if index > start and (
                item.folded.startswith(("il est convenu", "vu ", "preambule"))
                or self._article_heading(item)
                or (
                    item.block.style.lower().startswith(("heading", "titre"))
                    and not REPRESENTED.search(item.text)
                )
            ):
                return index
            if item.is_row:
                continue
            text = re.sub(r"^(?:entre|et)\s*:?\s*", "", item.text, flags=re.I)
            text = BULLET.sub("", text)
            short = SHORT_NAME.match(text)
            if short:
                if since_separator == 1 and parties:
                    parties[-1].short_name = short.group(1)
                since_separator = 0
                continue
            if REPRESENTED.search(text):
                parties.append(self._party(text))
                since_separator += 1
            elif item.folded in ("et", "entre", ""):
                since_separator = 0
        return index + 1

    def _party(self, text):
        parts = REPRESENTED.split(text, maxsplit=1)
        name, represented = parts[0], parts[1] if len(parts) > 1 else ""
        name = re.split(r"\s*,?\s+dont\s+le\s+si[èe]ge\b", name, flags=re.I)[0]
        name = name.strip(" ,;:*")
        party = ReadParty(name=name, kind=_kind_of(name))
        siren = re.search(r"\bSIRE[NT]\s*(?:n°\s*)?:?\s*(\d{3})\s?(\d{3})\s?(\d{3})\b", text)
        if siren:
            # Given by the document; matching checks it against the reference data.
            party.siren = "".join(siren.groups())
            party.name = re.sub(r"\s*[,(]?\s*SIRE[NT]\b.*$", "", party.name).strip(" ,;(")
        mandate = MANDATE.search(represented)
        people = re.split(r"\s*,?\s*d[ûu]ment\s+autoris", represented, flags=re.I)[0]
        chunks = re.split(
            r"\s*,?\s+et\s+(?:par\s+)?(?=(?:son|sa|le|la|l'|monsieur|madame|mme|m\.)\b)",
            people,
            flags=re.I,
        )
        for chunk in chunks:
            person = _representative(chunk)
            if person:
                person.mandate = mandate.group(1) if mandate else ""
                party.representatives.append(person)
        if not party.representatives:
            self.unread(f"Représentant {_of(name)} non lu")
        return party

    def _assign_roles(self):
        parties = self.result.parties
        for party in parties:
            party.role = "caf" if party.kind == "caf" else "co_signatory"
        local = [p for p in parties if p.kind in ("epci", "commune", "syndicate", "department")]
        epcis = [p for p in local if p.kind == "epci"]
        lead = (epcis or local or [None])[0]
        if lead:
            lead.role = "lead"
            self.result.territory = re.sub(r"^(?:la|le|les|l')\s*", "", lead.name, flags=re.I)
        elif parties:
            self.unread("Collectivité chef de file non lue")

    # --- Title -----------------------------------------------------------------------

    def _read_title(self, start):
        before = self.items[:start]
        title_index = None
        for index, item in enumerate(before):
            if "convention territoriale globale" in item.folded and len(item.text) < 200:
                title_index = index
        if title_index is not None:
            self.result.title = self.items[title_index].text
            self._title_years = _years(before[title_index:])
        if not self._title_years:
            self._title_years = _years(before)

    # --- Visas -----------------------------------------------------------------------

    def _read_visas(self, start):
        index = start
        for index in range(start, len(self.items)):
            item = self.items[index]
            if not item.folded.startswith(("vu ", "il est convenu")):
                return index
            for line in item.lines:
                if fold(line).startswith("vu "):
                    self._visa(line)
        return index + 1

    def _visa(self, line):
        folded = fold(line)
        body = DELIBERATING_BODY.search(line)
        if not folded.startswith(("vu la deliberation", "vu la decision")) or not body:
            self.result.visas.append(line)
            return
        name = body.group(1).lower()
        kind = next(code for label, code in BODIES if label == name)
        who = WHO_ENDS.split(body.group(2), maxsplit=1)[0]
        who = re.sub(r"^(?:de\s+la|de\s+l'|du|des|de|d')\s*", "", who, flags=re.I).strip()
        date_part = re.split(r"\ben\s+date\s+du\b", line, maxsplit=1, flags=re.I)
        date = first_date(date_part[1]) if len(date_part) > 1 else first_date(body.group(2))
        number = re.search(r"\bn°\s*([\w/\-]*\d[\w/\-]*)", line, re.I)
        deliberation = ReadDeliberation(
            body=kind,
            date=date,
            act_number=number.group(1) if number else "",
            text=line,
        )
        deliberation.party = self._party_named(who, caf_board=kind == "caf_board")
        if not deliberation.party:
            self.warn(f"Délibération rattachée à aucune partie : « {line} »")
        self.result.deliberations.append(deliberation)

    def _party_named(self, who, caf_board=False):
        parties = self.result.parties
        if caf_board:
            return next((p.name for p in parties if p.kind == "caf"), "")
        wanted = fold(who)
        exact = [p for p in parties if wanted and fold(_core(p.name)) == wanted]
        if not exact:
            exact = [p for p in parties if wanted and fold(p.name).endswith(wanted)]
        if len(exact) == 1:
            return exact[0].name
        close = [p for p in parties if wanted and one_edit_apart(fold(_core(p.name)), wanted)]
        if len(close) == 1:
            self.warn(f"« {who} » lu comme « {close[0].name} » (orthographe proche).")
            return close[0].name
        return ""

    def _read_deliberation_extract(self, start):
        """A council's extract placed before the convention (003): its act number and
        session date complete that council's deliberation."""
        before = self.items[:start]
        text = " ".join(item.text for item in before)
        if "registre des deliberations" not in fold(text):
            return
        commune = re.search(r"\bcommune\s+de\s+([^\d*,]+?)(?:\s+\d{5}|\s*$|\s+extrait)", text, re.I)
        number = re.search(r"\bextrait\s+n°\s*([\w/\-]*\d[\w/\-]*)", text, re.I)
        session = re.search(r"\bs[ée]ance\s+du\s+(.{6,25}?\d{4})", text, re.I)
        if not commune:
            return
        name = self._party_named(commune.group(1).strip())
        if not name:
            return
        date = first_date(session.group(1)) if session else None
        for deliberation in self.result.deliberations:
            if deliberation.party == name and deliberation.body == "municipal_council":
                deliberation.date = deliberation.date or date
                deliberation.act_number = deliberation.act_number or (
                    number.group(1) if number else ""
                )
                return
        self.result.deliberations.append(
            ReadDeliberation(
                party=name,
                body="municipal_council",
                date=date,
                act_number=number.group(1) if number else "",
                text="Extrait du registre des délibérations du conseil municipal de "
                + commune.group(1).strip(),
            )
        )

    # --- Preamble and articles -------------------------------------------------------

    def _article_heading(self, item):
        match = ARTICLE.match(item.text)
        if not match or item.is_row:
            return None
        explicit = bool(re.match(r"^article\s+\S+\s*[-–—:.]", item.text, re.I))
        if not (item.heading_like() or explicit) or len(item.text) > 250:
            return None
        number = match.group(1).lower().replace(" ", "")
        return (1 if number in ("premier", "1er") else int(number)), match.group(2).strip()

    def _read_articles(self, start):
        articles = self.result.articles
        preamble, current = [], None
        in_preamble = False
        index = start
        for index in range(start, len(self.items)):
            item = self.items[index]
            heading = self._article_heading(item)
            if heading and (not articles or heading[0] > articles[-1].number):
                current = ReadArticle(number=heading[0], title=heading[1])
                if not current.title and index + 1 < len(self.items):
                    nxt = self.items[index + 1]
                    if nxt.heading_like() and not self._article_heading(nxt):
                        current.title = nxt.text
                        item = nxt
                articles.append(current)
                continue
            if current is not None and current.title == item.text:
                continue
            if item.folded.startswith("fait a ") or (articles and self._annex_heading(item)):
                break
            if current is None:
                if item.folded.startswith("preambule"):
                    in_preamble = True
                    continue
                if in_preamble or not item.folded.startswith("vu "):
                    preamble.append(item.body_line())
                continue
            current.body = (
                f"{current.body}\n{item.body_line()}" if current.body else item.body_line()
            )
        else:
            index = len(self.items)
        self.result.preamble = "\n".join(line for line in preamble if line)
        if not articles:
            self._numbered_articles(start)
        if not self.result.articles:
            self.unread("Aucun article lu (titres « Article 1 », « ARTICLE 1 - »… introuvables)")
        return index

    def _numbered_articles(self, start):
        """Fallback for documents whose articles are numbered headings ("1. Objet")."""
        expected, current = 1, None
        for item in self.items[start:]:
            match = re.match(r"^(\d+)\s*[.)–-]\s+(.+)$", item.text)
            if match and item.block.is_heading and int(match.group(1)) == expected:
                current = ReadArticle(number=expected, title=match.group(2))
                self.result.articles.append(current)
                expected += 1
            elif item.folded.startswith("fait a ") or self._annex_heading(item):
                break
            elif current is not None:
                line = item.body_line()
                current.body = f"{current.body}\n{line}" if current.body else line

    def _read_competences(self):
        lead = next((p for p in self.result.parties if p.role == "lead"), None)
        for article in self.result.articles:
            title = fold(article.title)
            if "champ" in title and "intervention" in title and " caf" not in f" {title}":
                article.has_party_blocks = True
                about_one = not re.search(
                    r"\b(des collectivites|des communes|partenaires)\b", title
                )
                if lead and about_one and not lead.competences:
                    lead.competences = article.body

    # --- Signature -------------------------------------------------------------------

    def _read_signature(self, end):
        """ "Fait à X, le DATE" after the articles (right after them, or after the
        annexes in some models), and the number of originals near it."""
        found = end
        for found in range(end, len(self.items)):
            item = self.items[found]
            match = PLACE_AND_DATE.search(item.text)
            if match:
                self.result.place_signed = match.group(1).strip(" ,")
                when = re.split(r",\s*en\s+\w+\s+exemplaires", match.group(2), flags=re.I)[0]
                self.result.signed_on = first_date(when)
                if not self.result.signed_on:
                    quoted = re.split(r",\s*en\s+\w+\s+exemplaires", item.text, flags=re.I)[0]
                    self.unread(f"Date de signature non lue : « {quoted.rstrip(' .,')} »")
                break
        else:
            self.unread("Lieu et date de signature non lus (« Fait à …, le … » introuvable)")
            found = end
        for item in self.items[found : found + 6]:
            match = ORIGINALS.search(item.text)
            if match and number_from(match.group(1)):
                self.result.originals_count = number_from(match.group(1))
                return
        self.unread("Nombre d'exemplaires originaux non lu")

    # --- Annexes ---------------------------------------------------------------------

    def _annex_heading(self, item):
        match = ANNEX.match(item.text)
        if not match or item.is_row or not (item.heading_like() or item.text[:6] == "ANNEXE"):
            return None
        number = match.group(2)
        number = int(number) if number.isdigit() else _roman(number)
        return number, match.group(3).strip(" .")

    def _read_annexes(self, start):
        current = None
        for item in self.items[start:]:
            heading = self._annex_heading(item)
            if heading:
                current = ReadAnnex(number=heading[0], title=heading[1])
                self.result.annexes.append(current)
            elif current is not None:
                line = item.body_line()
                current.body = f"{current.body}\n{line}" if current.body else line

    # --- Action plan -----------------------------------------------------------------

    def _read_plan(self, start):
        axes = self.result.axes
        axis = objective = sheet = None
        sheet_items = []
        collecting_objectives = False
        for item in self.items[start:]:
            text = BULLET.sub("", item.text) if not item.is_row else ""
            axis_match = _plan_heading(AXIS, item, text)
            objective_match = _plan_heading(OBJECTIVE, item, text)
            sheet_match = self._sheet_heading(item, text)
            if axis_match or objective_match or sheet_match or self._annex_heading(item):
                if sheet is not None:
                    _fill_sheet(sheet, sheet_items)
                sheet, sheet_items = None, []
            if axis_match:
                axis = ReadAxis(number=int(axis_match.group(1)), title=_title(axis_match.group(2)))
                axes.append(axis)
                objective = None
                collecting_objectives = True
                continue
            if objective_match:
                if axis is None:
                    axis = ReadAxis()
                    axes.append(axis)
                    self.warn("Objectifs lus hors de tout axe : rattachez-les à un axe.")
                number = objective_match.group(1).split(".")[-1]
                objective = ReadObjective(
                    number=int(number), title=_title(objective_match.group(2))
                )
                axis.objectives.append(objective)
                collecting_objectives = False
                continue
            if sheet_match:
                sheet = ReadSheet(number=sheet_match[0], title=sheet_match[1])
                if axis is None:
                    axis = ReadAxis()
                    axes.append(axis)
                    self.warn("Fiches actions lues hors de tout axe : rattachez-les à un axe.")
                (objective.sheets if objective else axis.sheets).append(sheet)
                collecting_objectives = False
                continue
            if self._annex_heading(item) or self._article_heading(item):
                axis = objective = None
                collecting_objectives = False
                continue
            if sheet is not None:
                sheet_items.append(item)
            elif collecting_objectives and axis is not None:
                if item.block.list_item and not item.is_row:
                    axis.objectives.append(
                        ReadObjective(number=len(axis.objectives) + 1, title=_title(text))
                    )
                else:
                    collecting_objectives = False
        if sheet is not None:
            _fill_sheet(sheet, sheet_items)
        for axis in axes:
            # Under an axis that lists its sheets directly, objectives without sheets
            # were bullet lines introducing them, not objectives.
            if axis.sheets and not any(o.sheets for o in axis.objectives):
                axis.objectives = []

    def _sheet_heading(self, item, text):
        if item.is_row or not text or len(text) > 600:
            return None
        match = SHEET.match(text) or (
            SHEET_NO_SEPARATOR.match(text) if item.heading_like() else None
        )
        if not match:
            return None
        if fold(text).startswith("action") and not item.heading_like():
            return None
        return int(match.group(1)), _title(match.group(2))

    # --- Period and Caf --------------------------------------------------------------

    def _read_period(self):
        start = end = None
        # The duration article first: others may cite "à compter du" for other things.
        articles = sorted(self.result.articles, key=lambda a: "duree" not in fold(a.title))
        for article in articles:
            if "duree" not in fold(article.title) and "compter" not in fold(article.body):
                continue
            for sentence in re.split(r"(?<=[.;])\s+", article.body):
                folded = fold(sentence)
                if "compter du" not in folded and "duree" not in folded:
                    continue
                dates = find_dates(sentence)
                if len(dates) >= 2:
                    start, end = dates[0], dates[1]
                    break
                years = re.search(r"dur[ée]e\s+de\s+(\w+)\s+ans", sentence, re.I)
                if dates and years and number_from(years.group(1)):
                    start = dates[0]
                    first = datetime.date.fromisoformat(start)
                    last = first.replace(year=first.year + number_from(years.group(1)))
                    end = (last - datetime.timedelta(days=1)).isoformat()
                    break
            if start:
                break
        title_years = self._title_years
        if title_years and not start:
            start, end = f"{title_years[0]}-01-01", f"{title_years[1]}-12-31"
            self.warn(
                f"Période déduite du titre ({title_years[0]}-{title_years[1]}) : l'article "
                "sur la durée ne donne pas de dates."
            )
        elif title_years and start and (start[:4], end[:4]) != title_years:
            self.warn(
                f"Le titre annonce {title_years[0]}-{title_years[1]} mais l'article sur la "
                f"durée donne {start} – {end}."
            )
        self.result.start_date, self.result.end_date = start, end
        if not start:
            self.unread("Période de la convention non lue (ni article « durée », ni titre daté)")

    def _read_caf(self):
        self._assign_roles()
        caf_party = next((p for p in self.result.parties if p.kind == "caf"), None)
        caf = self.result.caf
        if caf_party:
            caf.name, caf.department_code = self._caf_identity(caf_party.name)
        if not caf.department_code and self.caf_hint is not None:
            caf.name = self.caf_hint.name
            caf.department_code = getattr(self.caf_hint.department, "code", "") or ""
            caf.organisation_id = self.caf_hint.pk
        elif caf.department_code and self.caf_hint is not None:
            hint_code = getattr(self.caf_hint.department, "code", "")
            if hint_code and hint_code != caf.department_code:
                self.warn(
                    f"Le document est une convention de la {caf.name}, pas de la "
                    f"{self.caf_hint.name}."
                )
        if not caf_party:
            self.unread("La Caf signataire n'a pas été lue parmi les parties")
        elif not caf.department_code:
            self.unread(f"Département de la Caf non lu : « {caf_party.name} »")

    def _caf_identity(self, name):
        match = re.search(
            r"(?:allocations\s+familiales|\bcaf)\s+(du|de\s+la|de\s+l'|des|de|d')\s*(.+)$",
            name,
            re.I,
        )
        if not match:
            return "", ""
        wanted = fold(match.group(2))
        for code, department in self.departments.items():
            if fold(department) == wanted:
                connector = re.sub(r"\s+", " ", match.group(1).lower())
                joiner = "" if connector.endswith("'") else " "
                return f"Caf {connector}{joiner}{department}", code
        return "", ""


# --- Helpers -----------------------------------------------------------------------------


def _kind_of(name):
    folded = fold(name)
    if re.search(r"\b(caisse d(es)? allocations familiales|caf)\b", folded):
        return "caf"
    if re.search(r"\b(mutualite sociale agricole|msa)\b", folded):
        return "msa"
    if re.search(r"\b(sivu|sivom|syndicat|syndicats)\b", folded):
        return "syndicate"
    if re.search(
        r"\b(communaute de communes|communaute d agglomeration|communaute urbaine|metropole"
        r"|agglomeration|cc|ca|cu)\b",
        folded,
    ):
        return "epci"
    if re.search(r"\b(commune|ville|mairie)\b", folded):
        return "commune"
    if re.search(r"\b(departement|conseil departemental|collectivite europeenne)\b", folded):
        return "department"
    if re.search(r"\bassociation\b", folded):
        return "association"
    return "other"


def _core(name):
    """ "La Commune de Arbouans" -> "Arbouans"; "Le Sivu des Trois Fontaines" stays."""
    return re.sub(
        r"^(?:la|le|l')?\s*(?:commune|ville)\s+(?:de\s+la|de\s+l'|du|des|de|d')\s*",
        "",
        name,
        flags=re.I,
    )


def _of(name):
    """ "de la Commune de X", "du Sivu de Y": the name after "Représentant"."""
    for article, replacement in (
        ("la ", "de la "),
        ("le ", "du "),
        ("les ", "des "),
        ("l'", "de l'"),
    ):
        if name.lower().startswith(article):
            return replacement + name[len(article) :]
    return ("d'" if fold(name[:1]) in "aeiouy" else "de ") + name


def _representative(chunk):
    chunk = chunk.strip(" ,;")
    match = PERSON.search(chunk)
    mixed = match is None
    if mixed:
        match = PERSON_MIXED_CASE.search(chunk)
    if not match:
        return None
    civility = "MME" if match.group(1).lower() in ("madame", "mademoiselle", "mme", "mlle") else "M"
    function = chunk[: match.start()]
    if not function.strip(" ,"):
        function = chunk[match.end() :].strip(" ,").split(",")[0]
    return ReadRepresentative(
        civility=civility,
        first_name=match.group(2),
        last_name=match.group(3).upper() if mixed else match.group(3),
        function=_function(function),
    )


def _function(text):
    folded = fold(text)
    feminine = "presidente" in folded or "directrice" in folded
    if "conseil d administration" in folded and "presiden" in folded:
        return (
            "Présidente du Conseil d'Administration"
            if feminine
            else "Président du Conseil d'Administration"
        )
    if "vice presiden" in folded:
        return "Vice-présidente" if feminine else "Vice-président"
    if "directeur general" in folded or "directrice generale" in folded:
        return "Directrice générale" if feminine else "Directeur général"
    if "directeur" in folded or "directrice" in folded:
        return "Directrice" if feminine else "Directeur"
    if "adjoint" in folded:
        return "Adjointe au maire" if "adjointe" in folded else "Adjoint au maire"
    if "maire" in folded:
        return "Maire"
    if "presiden" in folded:
        return "Présidente" if feminine else "Président"
    words = re.sub(
        r"^(?:par\s+)?(?:son|sa|ses|le|la|l')\s+", "", clean(text).strip(" ,"), flags=re.I
    )
    return words[:1].upper() + words[1:]


def _plan_heading(pattern, item, text):
    """ "Axe 1 : ..." or "AXE 1 – ..." anywhere; "Axe 2 du schéma" only as a title."""
    if item.is_row or not text or len(text) > 300:
        return None
    match = pattern.match(text)
    explicit = match and re.match(r"^\w+\s+(?:n°\s*)?[\d.]+\s*[-–—:.]", text)
    return match if match and (explicit or item.heading_like()) else None


def _years(items):
    for item in items:
        match = YEARS.search(item.text)
        if match and int(match.group(1)) < int(match.group(2)):
            return match.group(1), match.group(2)
    return None


def _title(text):
    return clean(text).strip(" :;.-–")


def _roman(number):
    values = {"I": 1, "V": 5, "X": 10}
    total = 0
    for char, following in zip(number.upper(), number.upper()[1:] + " ", strict=True):
        value = values[char]
        total += -value if values.get(following, 0) > value else value
    return total


# --- Action sheets -----------------------------------------------------------------------


def _label_at(line, following=""):
    """(field, rest of the line) when the line starts with a sheet label. A label that
    wraps onto the next line (narrow PDF cells) is recognised with that line."""
    folded = fold(BULLET.sub("", line))
    for candidate, joined in ((folded, False), (fold(f"{line} {following}"), True)):
        for label, name in SHEET_FIELDS:
            if candidate == label or candidate.startswith(label + " "):
                if joined and folded.startswith(label):
                    continue
                if joined and not label.startswith(folded):
                    continue
                return name, _rest_after(f"{line} {following}" if joined else line, label), joined
    return None


def _label_at_end(line):
    """(field, text before) when a long label closes the line: "... mobilité...
    Modalités de mise en œuvre", a cell whose next paragraph lost its own line."""
    folded = fold(line)
    for label, name in SHEET_FIELDS:
        if len(label.split()) >= 3 and folded.endswith(" " + label):
            tokens = clean(line).split()
            return name, " ".join(reversed(_after_words(reversed(tokens), label)))
    return None


def _rest_after(line, label):
    """The value written after the label on the same line."""
    tokens = BULLET.sub("", clean(line)).split()
    return " ".join(_after_words(tokens, label)).strip(" :–-")


def _after_words(tokens, label):
    """The tokens left once the label's words are passed ("l'action" counts as the
    two words "l action" of the folded label)."""
    words, seen, kept = len(label.split()), 0, []
    for token in tokens:
        if seen < words:
            seen += len(fold(token).split())
            continue
        kept.append(token)
    return kept


def _fill_sheet(sheet, items):
    values = {}
    current = {}

    def add(column, text):
        name = current.get(column)
        text = text.strip()
        if name and text:
            values.setdefault(name, []).append(text)

    def feed(column, lines):
        index = 0
        while index < len(lines):
            line = lines[index]
            following = lines[index + 1] if index + 1 < len(lines) else ""
            label = _label_at(line, following)
            trailing = None if label else _label_at_end(line)
            if trailing:
                add(column, trailing[1])
                current[column] = trailing[0]
                index += 1
                continue
            if label:
                current[column] = label[0]
                add(column, label[1])
                index += 2 if label[2] else 1
                continue
            add(column, line)
            index += 1

    for item in items:
        if item.is_row:
            label_only = None
            for column, cell in enumerate(item.cells):
                lines = [clean(line) for line in cell.splitlines() if clean(line)]
                label = _label_at(lines[0], lines[1] if len(lines) > 1 else "") if lines else None
                if label_only and lines and not label:
                    # "Label | value" rows: the value belongs to the label on its left.
                    current[column] = label_only
                label_only = label[0] if label and not label[1] and len(lines) == 1 else None
                feed(column, lines)
        else:
            lines = [item.body_line()] if item.block.list_item else item.lines
            feed(0, lines)
            # A label line applies to every column after it.
            current = {0: current.get(0)} if current.get(0) else current
    for name, lines in values.items():
        lines = [_bullet(line) for line in lines]
        if name == "indicators":
            sheet.indicators = [BULLET.sub("", line) for line in lines]
        elif name == "deadline_text":
            sheet.deadline_text = "\n".join(lines)
            sheet.deadline = first_date(sheet.deadline_text)
            folded = fold(sheet.deadline_text)
            sheet.deadline_whole_period = "duree de la" in folded or "toute la duree" in folded
        else:
            setattr(sheet, name, "\n".join(lines))


def _bullet(line):
    return f"- {BULLET.sub('', line)}" if BULLET.match(line) else line
