# ruff: noqa: E501 (extract texts are kept one paragraph per line, as in the references)
"""Deliberation extracts built at test time from the reference texts' facts.

`valentigney()` is the extract at the top of reference 003 as it stands. The other
extracts render the same facts (or those reference 000 cites for the Communauté de
communes du Val d'Argent) as other councils' software lay them out: figures in a
table, in sentences, in words, as lists of names only, blocks in another order,
another body, another vote. They are markdown-like texts (`**bold**`, tab-separated
table rows) that `tests.importing.builders` renders as a PDF with WeasyPrint (text
layer, ruled tables) or as a DOCX with python-docx.
"""

import datetime
import io
from dataclasses import dataclass, field, replace
from pathlib import Path

from tests.importing.builders import PMA, build_docx, build_html, build_pdf, reference_text

PRESENT = [
    "Philippe GAUTIER", "Lise VURPILLOT", "Jean-Claude HERARD", "Arnaud PAVILLARD",
    "Maud PELISSIER", "Séverine DIRAND", "Martine MICHAUD", "Georgette CUENOT",
    "Roland GAMBERI", "Gérard PATEREK", "Catherine PARROT", "Elisabeth COQU", "Bernard COQU",
    "Armando LOPES", "Nourredine DRAYAF", "Stéphanie GAUTIER", "Claudia FERNANDES",
    "Anne-Lise GARCIA", "Thierry MAILLOT", "Marie HUGONIOT", "Dominique DANGEL",
    "Pierre MOSSINA", "Claude-Françoise SAUMIER", "Stéphanie BOURQUIN", "Jean-Louis RENGGLI",
    "Saniye AKDEMIR", "Omar RABEL",
]  # fmt: skip
EXCUSED = ["Denis NEDEZ", "Arnaud JACQUOT", "Claude STIQUEL", "Jean-François HEIL"]
ABSENT = ["Nadine MERCIER", "Valère NEDEY"]
PROXIES = [
    ("Denis NEDEZ", "Philippe GAUTIER"),
    ("Arnaud JACQUOT", "Anne-Lise GARCIA"),
    ("Claude STIQUEL", "Dominique DANGEL"),
    ("Jean-François HEIL", "Pierre MOSSINA"),
]
SUBJECT = "CONVENTION TERRITORIALE GLOBALE (CTG) 2023/2027 - SIGNATURE ENTRE LA CAF, PMA, LES SIVU ET COMMUNES ASSOCIÉES"


@dataclass
class Facts:
    """What an extract says; the variants write it in their own way."""

    authority: str = "Commune de VALENTIGNEY"
    body: str = "Conseil Municipal"
    chair_title: str = "Maire"
    act_number: str = "2023-32"
    session: datetime.date = datetime.date(2023, 4, 5)
    convocation: datetime.date = datetime.date(2023, 3, 30)
    posted: datetime.date = datetime.date(2023, 4, 14)
    in_office: int = 33
    present: list = field(default_factory=lambda: list(PRESENT))
    excused: list = field(default_factory=lambda: list(EXCUSED))
    absent: list = field(default_factory=lambda: list(ABSENT))
    proxies: list = field(default_factory=lambda: list(PROXIES))
    votes_for: int = 31
    against: int = 0
    abstentions: int = 0
    chair: str = "Philippe GAUTIER"
    secretary: str = "Anne-Lise GARCIA"
    subject: str = SUBJECT

    @property
    def voters(self):
        return len(self.present) + len(self.proxies)

    @property
    def votes_cast(self):
        return self.votes_for + self.against


VALENTIGNEY = Facts()

# Reference 000 (the Val d'Argent draft) cites the community council's deliberation; its
# stamped file name is the ACTES id 99_DE-068-246800395-20251002-DEL_2025_41-D.
VAL_D_ARGENT = Facts(
    authority="Communauté de communes du Val d'Argent",
    body="Conseil Communautaire",
    chair_title="Président",
    act_number="DEL_2025_41",
    session=datetime.date(2025, 10, 2),
    convocation=datetime.date(2025, 9, 25),
    posted=datetime.date(2025, 10, 6),
    in_office=30,
    present=[f"Prénom{letter} DÉLÉGUÉ{letter}" for letter in "ABCDEFGHIJKLMNOPQRSTUVW"],
    excused=["Pierre MULLER", "Jeanne KLEIN", "Paul SCHMITT"],
    absent=["Anne WEBER", "Luc MEYER", "Rose KELLER", "Hugo FUCHS"],
    proxies=[("Pierre MULLER", "Jean-Marc BURRUS"), ("Jeanne KLEIN", "Noëllie HESTIN")],
    votes_for=25,
    chair="Jean-Marc BURRUS",
    secretary="Noëllie HESTIN",
    subject="CONVENTION TERRITORIALE GLOBALE DU VAL D'ARGENT 2026-2030 AVEC LA CAF DU HAUT-RHIN",
)

MONTHS = ["janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre"]  # fmt: skip


def in_words(date):
    return f"{date.day} {MONTHS[date.month - 1]} {date.year}"


def valentigney():
    """The extract at the top of reference 003, as written."""
    text = reference_text(PMA)
    return text[: text.index("## CONVENTION TERRITORIALE GLOBALE")]


def _names(names, separator=", "):
    return separator.join(names)


def _proxies(facts, link="pouvoir à"):
    return " ; ".join(f"{giver} {link} {holder}" for giver, holder in facts.proxies)


def _decision(facts, outcome):
    """The decision paragraph for "unanimity", "majority", "rejected" or "postponed"."""
    body = facts.body
    if outcome == "unanimity":
        return f"Le {body}, après en avoir délibéré, **À L'UNANIMITÉ**, **APPROUVE** la convention et **AUTORISE** le {facts.chair_title} à la signer."
    if outcome == "majority":
        return (
            f"Le {body}, après en avoir délibéré, par {facts.votes_for} voix pour, {facts.against} voix contre et {facts.abstentions} abstentions, "
            f"**ADOPTE À LA MAJORITÉ** la convention et **AUTORISE** le {facts.chair_title} à la signer."
        )
    if outcome == "rejected":
        return f"Le {body}, après en avoir délibéré, **REJETTE** la proposition. Pour : {facts.votes_for} Contre : {facts.against} Abstentions : {facts.abstentions}"
    return f"Après en avoir délibéré, le {body} **AJOURNE** l'examen de ce point, reporté à une prochaine séance dans l'attente de l'avis de la commission."


def _heading(facts):
    return f"**{facts.authority.upper()}**\n\n**EXTRAIT DU REGISTRE DES DÉLIBÉRATIONS DU {facts.body.upper()}**\n\n**Séance du {in_words(facts.session)}**"


def figures_in_table(facts=VALENTIGNEY, outcome="unanimity"):
    """A two-column table of labels and figures, the vote in its own table."""
    return f"""{_heading(facts)}

**Délibération n° {facts.act_number}**

Date de convocation\t{facts.convocation:%d/%m/%Y}
Conseillers en exercice\t{facts.in_office}
Présents\t{len(facts.present)}
Absents excusés\t{len(facts.excused)}
Absents\t{len(facts.absent)}
Pouvoirs\t{len(facts.proxies)}
Votants\t{facts.voters}

Le {in_words(facts.session)}, le {facts.body} s'est réuni sous la présidence de M. {facts.chair}, {facts.chair_title}.

Secrétaire de séance : Mme {facts.secretary}

**Objet : {facts.subject}**

Le {facts.chair_title} présente le projet de convention territoriale globale.

{_decision(facts, outcome)}

Suffrages exprimés\tPour\tContre\tAbstentions
{facts.votes_cast}\t{facts.votes_for}\t{facts.against}\t{facts.abstentions}

Affiché le {facts.posted:%d/%m/%Y}

Le {facts.chair_title},

{facts.chair}
"""


def figures_in_sentences(facts=VALENTIGNEY, outcome="unanimity"):
    """Running sentences: "27 membres présents sur 33 en exercice"."""
    return f"""{_heading(facts)}

Extrait n° {facts.act_number}

Le {in_words(facts.session)} à 19 h 30, le {facts.body}, dûment convoqué le {in_words(facts.convocation)}, s'est réuni en séance publique sous la présidence de Monsieur {facts.chair}, {facts.chair_title}.

Étaient présents {len(facts.present)} conseillers, soit {len(facts.present)} membres présents sur {facts.in_office} en exercice. {len(facts.proxies)} conseillers ayant donné pouvoir, {len(facts.excused)} excusés, absents : {len(facts.absent)}.

{facts.secretary} a été désignée secrétaire de séance.

Objet : {facts.subject}

{_decision(facts, outcome)}

Publiée le {facts.posted:%d/%m/%Y}.
"""


def figures_in_words(facts=VALENTIGNEY, outcome="unanimity"):
    """Figures and the session date in words, as hand-typed registers write them."""
    return f"""{_heading(facts)}

**N° {facts.act_number}**

L'an deux mil vingt-trois et le cinq du mois d'avril, le {facts.body} de la {facts.authority}, convoqué le trente mars deux mille vingt-trois, s'est réuni sous la présidence de Madame Lise VURPILLOT, première adjointe.

Nombre de conseillers en exercice : trente-trois. Présents : vingt-sept. Pouvoirs : quatre. Absents excusés : quatre. Absents : deux. Votants : trente et un.

Secrétaire de séance : Monsieur Omar RABEL.

**Objet : {facts.subject}**

{_decision(facts, outcome)}
"""


def names_only(facts=VALENTIGNEY, outcome="unanimity", separator=", "):
    """No figures at all: the lists of names, to count."""
    return f"""{_heading(facts)}

**Délibération n° {facts.act_number}**

L'an deux mille vingt-trois, le {in_words(facts.session)}, le {facts.body} s'est réuni sous la présidence de M. {facts.chair}.

Présents : {_names(facts.present, separator)}.

Excusés : {_names(facts.excused, separator)}.

Absents : {_names(facts.absent, separator)}.

Pouvoirs : {_proxies(facts)}.

Secrétaire de séance : {facts.secretary}

Objet : {facts.subject}

{_decision(facts, outcome)}
"""


def other_software(facts=VALENTIGNEY, outcome="unanimity"):
    """Another council software: the e-legality stamp first, the vote before the
    attendance, labels of its own, the ACTES id in the stamp."""
    actes = f"025-212505815-{facts.session:%Y%m%d}-{facts.act_number.replace('-', '_')}-DE"
    return f"""Envoyé en préfecture le {facts.posted:%d/%m/%Y}

Reçu en préfecture le {facts.posted:%d/%m/%Y}

Publié le {facts.posted:%d/%m/%Y}

ID : {actes}

**{facts.authority}**

**{facts.body} - Séance ordinaire du {facts.session:%d/%m/%Y}**

**Point n° {facts.act_number}**

**Objet : {facts.subject}**

Rapporteur : Mme Maud PELISSIER, adjointe

{_decision(facts, outcome)}

Membres en exercice : {facts.in_office} - Présents : {len(facts.present)} - Représentés : {len(facts.proxies)} - Votants : {facts.voters}
Pour : {facts.votes_for} Contre : {facts.against} Abstentions : {facts.abstentions}

Président de séance : {facts.chair}

Secrétaire de séance : {facts.secretary}

Date de la convocation : {facts.convocation:%d/%m/%Y}

Transmis en préfecture le {facts.posted:%d/%m/%Y}
"""


def community_council(facts=VAL_D_ARGENT, outcome="majority"):
    """The Val d'Argent community council (reference 000's parties), its stamped file
    name at the foot, a table whose labels and figures pdfplumber may split."""
    facts = replace(facts, votes_for=22, against=2, abstentions=1)
    return f"""**{facts.authority.upper()}**

**Extrait du procès-verbal des délibérations du {facts.body}**

**Séance du {in_words(facts.session)}**

Date de la convocation : {facts.convocation:%d/%m/%Y}

Nombre de délégués en exercice : {facts.in_office}

Présents : {len(facts.present)}

Votants : {facts.voters}

Sous la présidence de M. {facts.chair}, Président.

Pouvoirs : {_proxies(facts, "donne pouvoir à")}

Excusés : {_names(facts.excused)}

Absents : {_names(facts.absent)}

Secrétaire de séance : Mme {facts.secretary}

**Délibération n° {facts.act_number}**

**Objet : {facts.subject}**

Le Président expose le projet de convention territoriale globale avec la Caf du Haut-Rhin.

{_decision(facts, outcome)}

Pour extrait conforme,

Le Président,

{facts.chair}

Accusé de réception - Ministère de l'Intérieur

99_DE-068-246800395-{facts.session:%Y%m%d}-{facts.act_number}-D

Date de réception préfecture : {facts.posted:%d/%m/%Y}
"""


SIVU = Facts(
    authority="SIVU de la Vallée du Gland",
    body="Comité Syndical",
    chair_title="Présidente",
    act_number="2023/07",
    session=datetime.date(2023, 6, 12),
    convocation=datetime.date(2023, 6, 5),
    in_office=12,
    present=["Claire MARTIN", "Jean DUPONT", "Marc GIRARD", "Lucie BLANC", "Paul ROUX",
             "Anne FAURE", "Louis ANDRE", "Emma MERCIER", "Hugo LAMBERT"],
    excused=[],
    absent=["Noé GUERIN", "Inès BOYER"],
    proxies=[("Julie BONNET", "Claire MARTIN")],
    votes_for=10,
    chair="Claire MARTIN",
    secretary="Jean DUPONT",
    subject="Adhésion à la convention territoriale globale du Pays de Montbéliard",
)  # fmt: skip


def syndicate_committee(facts=SIVU, outcome="unanimity"):
    """A SIVU's comité syndical: the session date in words, the figures in one line,
    the names listed after "Étaient présents", a proxy written "X à Y"."""
    giver, holder = facts.proxies[0]
    return f"""**{facts.authority.upper()}**

**EXTRAIT DU REGISTRE DES DÉLIBÉRATIONS DU {facts.body.upper()}**

L'an deux mille vingt-trois, le douze juin, le {facts.body}, légalement convoqué le {in_words(facts.convocation)}, s'est réuni au siège du syndicat sous la présidence de Madame {facts.chair}, {facts.chair_title}.

Délégués en exercice : {facts.in_office}. Présents : {len(facts.present)}. Votants : {facts.voters}.

Étaient présents : {_names(facts.present)}.

Pouvoir : {giver} à {holder}.

Absents : {_names(facts.absent)}.

Secrétaire de séance : Monsieur {facts.secretary}.

**Délibération n° {facts.act_number}**

**Objet : {facts.subject}**

{_decision(facts, outcome)}
"""


def reordered(facts=VALENTIGNEY):
    """The reference extract's blocks in another order: the decision and the
    signature first, the attendance last."""
    text = valentigney()
    head, rest = text.split("<b>POINTS 1 à 40 et 43 à 45</b>", 1)
    attendance, decision = rest.split("**DATE D'ENVOI DE LA CONVOCATION :**", 1)
    return (
        decision.replace("le 30 mars 2023", "")
        + "\n\n"
        + head
        + "\n\n**DATE D'ENVOI DE LA CONVOCATION :** le 30 mars 2023\n\n"
        + attendance
    )


def render(text, kind, path):
    """The text as a "pdf" or "docx" file at `path`; "unruled-pdf": a PDF whose tables
    have no borders, so that pdfplumber finds no table and gives the columns' text on
    shared lines."""
    if kind == "unruled-pdf":
        from weasyprint import HTML

        page = build_html(text).replace("border: 1px solid black;", "border: none;")
        HTML(string=page).write_pdf(path)
        return Path(path)
    return build_pdf(text, path) if kind == "pdf" else build_docx(text, path)


def image_only_pdf(path):
    """A PDF whose page is a picture of text: what a scanner gives."""
    import base64

    from PIL import Image, ImageDraw
    from weasyprint import HTML

    image = Image.new("RGB", (1200, 1600), "white")
    draw = ImageDraw.Draw(image)
    for line in range(30):
        draw.text(
            (80, 80 + line * 45), "EXTRAIT DU REGISTRE DES DELIBERATIONS - Séance", fill="black"
        )
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    encoded = base64.b64encode(buffer.getvalue()).decode()
    HTML(string=f"<img src='data:image/png;base64,{encoded}' style='width:100%'>").write_pdf(path)
    return path
