"""Documents other than the convention: the draft deliberation of each local authority
(DOCX to edit, or PDF), the amendment, the follow-up report of a quarter or a year, and
the mid-term and final reviews.

Each kind has a content builder (plain JSON-safe data, hashed to decide whether a
rendering can be reused) and a renderer (bytes). KINDS maps (kind, format) to both.
"""

import datetime
from decimal import Decimal
from io import BytesIO

from django.db.models import Prefetch

from actionplan.followup import quarter_bounds
from actionplan.models import ActionSheet, FollowUp, FollowUpStatus, IndicatorValue
from actionplan.secrecy import SECRET_LABEL, is_secret
from conventions.models import DocumentFormat, DocumentKind
from partners import grammar
from partners.grammar import french_date

from . import pdf
from .convention import COUNCIL, convention_content, done_at

# -- Draft deliberation ----------------------------------------------------------


def deliberation_content(document):
    convention, party = document.convention, document.party
    organisation = party.organisation
    version = convention.current_version
    representative = party.signatories.order_by("pk").first()
    council = COUNCIL.get(organisation.kind, "organe délibérant")
    speaker = (
        grammar.speaker(representative.role_title, representative.civility)
        if representative
        else "L'exécutif"
    )
    others = [
        p.organisation.designation
        for p in convention.parties.select_related("organisation__department").order_by("position")
        if p.pk != party.pk and p.role != "partner"
    ]
    named = organisation.grammar
    authority = grammar.capitalize(named.bare)
    period = convention.period_label
    caf = grammar.caf_long_name(convention.caf.name)
    subject = (
        f"Convention territoriale globale (CTG) {period} – approbation et autorisation de "
        f"signature entre {convention.caf.designation}, "
        f"{convention.lead_authority.designation} et les collectivités associées"
    )
    text_ref = (
        f"version {version.number} du texte, figée le {french_date(version.frozen_at.date())}, "
        f"empreinte SHA-256 {version.content_hash}"
        if version
        else "projet de texte non encore figé"
    )
    exposition = [
        f"{speaker} rappelle que la {caf} accompagne les collectivités du territoire dans la "
        "mise en place et la pérennisation de leurs services aux familles, et que la "
        "Convention territoriale globale (CTG) est la démarche stratégique partenariale qui "
        "formalise le projet de territoire pour le maintien et le développement de ces "
        "services.",
        f"La convention territoriale globale {convention.territory_name} est conclue pour la "
        f"période du {french_date(convention.start_date)} au {french_date(convention.end_date)}. "
        f"Elle réunit {len(others) + 1} signataires : "
        f"{', '.join(others)} et {organisation.designation}.",
        "Elle s'appuie sur un diagnostic partagé, définit les champs d'intervention de chacun, "
        "les objectifs partagés et un plan d'actions, et organise son pilotage, son suivi et "
        "son évaluation. Elle ouvre droit, pour les équipements et services du territoire, "
        "aux financements de la Caf (« bonus territoire CTG »).",
        f"Le texte soumis {grammar.to(grammar.the(council))} est la {text_ref}.",
    ]
    representative_name = representative.full_name if representative else "..."
    decisions = [
        ("APPROUVE", f"la convention territoriale globale {period} ({text_ref}) ;"),
        (
            "AUTORISE",
            f"{speaker}, {representative_name}, à signer la convention territoriale globale "
            f"{period} ainsi que tout document s'y rapportant ;",
        ),
        (
            "DIT",
            "que la présente délibération sera transmise au représentant de l'État, publiée "
            "et affichée conformément aux textes en vigueur.",
        ),
    ]
    return {
        "kind": "deliberation_draft",
        "title": f"Projet de délibération – {subject}",
        "running_title": f"Projet de délibération – {authority}",
        "version_label": f"Version {version.number}" if version else "Projet",
        "is_project": True,
        "caf_name": convention.caf.name,
        "department": (
            f"Département {organisation.department.name_with_connector}"
            if organisation.department
            else ""
        ),
        "authority": authority,
        "body": grammar.capitalize(council),
        "assembly": grammar.the(council),
        "register": f"Extrait du registre des délibérations {grammar.de(grammar.the(council))}",
        "subject": subject.upper(),
        "exposition": exposition,
        "decision_intro": (
            f"L'exposé de {speaker[0].lower()}{speaker[1:]} entendu, {grammar.the(council)}, "
            "après en avoir valablement délibéré, à ... des voix présentes et représentées :"
        ),
        "decisions": decisions,
        "counts": [
            "Nombre de membres en exercice : ...",
            "Nombre de membres présents : ...",
            "Pouvoirs : ...",
            "Suffrages exprimés : ...",
            "Pour : ...   Contre : ...   Abstentions : ...",
        ],
        "signature": grammar.capitalize(speaker.split(" ", 1)[1]) if representative else "",
        "signer": representative_name,
        "version_hash": version.content_hash if version else "",
    }


def render_deliberation_pdf(document, content):
    result = pdf.html_to_pdf(pdf.render_html("documents/deliberation.html", content))
    return _rendered(result.data, result.page_count)


def render_deliberation_docx(document, content):
    """An editable DOCX the council secretary completes (session, counts, votes)."""
    from docx import Document as Docx
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    docx = Docx()
    style = docx.styles["Normal"]
    style.font.name = "Arial"
    style.font.size = Pt(10.5)
    for line in (content["department"], content["authority"]):
        if line:
            paragraph = docx.add_paragraph()
            paragraph.add_run(line).bold = True
    heading = docx.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    heading.add_run(content["register"].upper() + "\n").bold = True
    heading.add_run("Séance du ...").bold = True
    docx.add_paragraph(
        f"L'an ..., le ..., {content['assembly']} s'est réuni en séance publique, "
        "après convocation légale, sous la présidence de ..."
    )
    table = docx.add_table(rows=0, cols=1)
    table.style = "Table Grid"
    for line in content["counts"]:
        table.add_row().cells[0].text = line
    docx.add_paragraph("Secrétaire de séance : ...")
    subject = docx.add_paragraph()
    subject.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subject.add_run(content["subject"]).bold = True
    for paragraph in content["exposition"]:
        docx.add_paragraph(paragraph).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    docx.add_paragraph(content["decision_intro"]).alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
    for verb, text in content["decisions"]:
        paragraph = docx.add_paragraph(style="List Bullet")
        paragraph.add_run(verb).bold = True
        paragraph.add_run(" " + text)
    docx.add_paragraph("Ainsi fait et délibéré, le jour, mois et an que dessus.")
    closing = docx.add_paragraph()
    closing.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    closing.add_run(f"{content['signature']},\n\n\n{content['signer']}").bold = True
    docx.core_properties.title = content["title"]
    docx.core_properties.author = content["caf_name"]
    # Dated by its content, not by the rendering: a reused file says the same.
    docx.core_properties.created = datetime.datetime(2000, 1, 1)
    docx.core_properties.modified = datetime.datetime(2000, 1, 1)
    output = BytesIO()
    docx.save(output)
    return _rendered(output.getvalue(), None)


# -- Amendment -------------------------------------------------------------------


def amendment_content(document):
    amendment, convention = document.amendment, document.convention
    base = convention_content(convention, live=True)
    changed = [
        label
        for flag, label in (
            (amendment.changes_articles, "les articles de la convention"),
            (amendment.changes_annexes, "ses annexes"),
            (amendment.changes_parties, "les parties"),
            (amendment.changes_action_plan, "le plan d'actions (annexe 3)"),
        )
        if flag
    ]
    signed_on = french_date(convention.signed_on) if convention.signed_on else "..."
    earlier = list(
        convention.amendments.filter(number__lt=amendment.number)
        .order_by("number")
        .values_list("number", "subject")
    )
    return {
        **base,
        "kind": "amendment",
        "plan_articles": _plan_articles(amendment),
        "number": amendment.number,
        "subject": amendment.subject,
        "changes": amendment.changes_description,
        "changed_parts": changed,
        "effective_date": french_date(amendment.effective_date) if amendment.effective_date else "",
        "convention_signed_on": signed_on,
        "done_at": done_at(base["signing_place"], amendment.signed_on, base["originals_count"]),
        "earlier_amendments": earlier,
        "is_project": not amendment.content_hash,
        "amendment_hash": amendment.content_hash,
        "version_label": (
            f"Avenant n° {amendment.number} – texte figé"
            if amendment.content_hash
            else f"Avenant n° {amendment.number} – projet"
        ),
        "running_title": (
            f"Avenant n° {amendment.number} – Convention territoriale globale – "
            f"{base['territory']} {base['period']}"
        ),
        "title": f"Avenant n° {amendment.number} à la convention territoriale globale",
    }


PLAN_ARTICLES = [
    ("parties", "Parties à la convention"),
    ("axes", "Plan d'actions (annexe 3) – axes et objectifs"),
    ("sheets", "Plan d'actions (annexe 3) – fiches actions"),
]


def _plan_articles(amendment):
    """The plan and parties the amendment changes, one article per part, numbered after
    "Modifications apportées" (article 2): what was and what becomes."""
    from conventions import amendment_plan

    difference = amendment_plan.difference(amendment)
    articles = []
    for part, title in PLAN_ARTICLES:
        changes = getattr(difference, part)
        if changes:
            articles.append(
                {
                    "number": 3 + len(articles),
                    "title": title,
                    "changes": [
                        {
                            "kind": c.kind_label,
                            "subject": c.subject,
                            "lines": [list(line) for line in c.lines],
                        }
                        for c in changes
                    ],
                }
            )
    return articles


def render_amendment(document, content):
    doc = {**content, "caf_logo": "", "lead_logo": "", "logo_strip": []}
    result = pdf.html_to_pdf(pdf.render_html("documents/amendment.html", doc))
    return _rendered(result.data, result.page_count)


def amendment_signed_ready_content(document):
    """The frozen amendment with one signature field per person signing it: the parties
    of the convention today, but for those that left through an earlier amendment."""
    content = amendment_content(document)
    left = set(
        document.convention.parties.exclude(left_on=None)
        .filter(left_on__lte=document.amendment.frozen_at.date())
        .values_list("pk", flat=True)
    )
    groups = [g for g in content["signature_groups"] if g["party_id"] not in left]
    return {
        **content,
        "signed_ready": True,
        "signature_groups": groups,
        "parties": [p for p in content["parties"] if p["party_id"] not in left],
        "local_parties": [p for p in content["local_parties"] if p["party_id"] not in left],
    }


def render_amendment_signed_ready(document, content):
    from .service import with_signature_fields

    doc = {**content, "caf_logo": "", "lead_logo": "", "logo_strip": []}
    result = pdf.html_to_pdf(pdf.render_html("documents/amendment.html", doc))
    return with_signature_fields(result, content["signature_groups"])


# -- Follow-up report and reviews ------------------------------------------------


def _period(year, quarter):
    if quarter:
        first, last = quarter_bounds(year, quarter)
        return first, last, f"{quarter}{'er' if quarter == 1 else 'e'} trimestre {year}"
    return datetime.date(year, 1, 1), datetime.date(year, 12, 31), f"année {year}"


def _secret(convention, value, zone_recipients=None):
    """A figure as printed, under the convention's statistical secrecy rule (one rule for
    pages, exports and documents: actionplan.secrecy)."""
    if value is None:
        return "–"
    if is_secret(convention, value, zone_recipients):
        return SECRET_LABEL
    number = Decimal(value).normalize()
    return f"{number:f}".replace(".", ",")


def _plan_standing(convention, year, quarters):
    """Each action sheet with its latest follow-up and indicator values in the period."""
    follow_ups = FollowUp.objects.filter(year=year, quarter__in=quarters).order_by(
        "year", "quarter"
    )
    values = IndicatorValue.objects.filter(year=year, quarter__in=quarters).order_by(
        "year", "quarter"
    )
    sheets = (
        ActionSheet.objects.filter(convention=convention)
        .select_related("axis", "objective", "pilot_party__organisation")
        .prefetch_related(
            Prefetch("follow_ups", queryset=follow_ups),
            Prefetch("indicators__values", queryset=values),
            "indicators__targets",
        )
        .order_by("axis__number", "number")
    )
    rows, counts = [], {status.label: 0 for status in FollowUpStatus}
    for sheet in sheets:
        entries = list(sheet.follow_ups.all())
        latest = entries[-1] if entries else None
        status = latest.get_status_display() if latest else "Non renseigné"
        counts[status] = counts.get(status, 0) + 1
        rows.append(
            {
                "number": sheet.number,
                "title": sheet.title,
                "axis": sheet.axis.number,
                "axis_title": sheet.axis.title,
                "status": status,
                "progress": latest.progress if latest else 0,
                "state": latest.get_state_display() if latest else "",
                "achievements": "\n\n".join(e.achievements for e in entries if e.achievements),
                "difficulties": "\n\n".join(e.difficulties for e in entries if e.difficulties),
                "next_steps": latest.next_steps if latest else "",
                "indicators": [
                    {
                        "label": indicator.label,
                        "unit": indicator.unit,
                        "values": [
                            {
                                "period": f"T{v.quarter} {v.year}",
                                "value": v.text or _secret(convention, v.value, v.zone_recipients),
                            }
                            for v in indicator.values.all()
                        ],
                        "targets": [
                            f"{t.text or _secret(convention, t.value)} au {t.date:%d/%m/%Y}"
                            for t in indicator.targets.all()
                        ],
                    }
                    for indicator in sheet.indicators.all()
                ],
            }
        )
    axes = {}
    for row in rows:
        axis = axes.setdefault(row["axis"], {"number": row["axis"], "title": row["axis_title"],
                                             "progress": [], "sheets": 0})  # fmt: skip
        axis["progress"].append(row["progress"])
        axis["sheets"] += 1
    axis_rows = [
        {**axis, "average": round(sum(axis["progress"]) / len(axis["progress"]))}
        for axis in axes.values()
    ]
    return rows, [(label, count) for label, count in counts.items() if count], axis_rows


def _report_base(convention, title, running):
    return {
        "title": title,
        "running_title": running,
        "version_label": f"Édité le {french_date(datetime.date.today())}",
        "is_project": False,
        "caf_name": convention.caf.name,
        "convention_title": convention.title,
        "territory": convention.territory_name,
        "period_label": convention.period_label,
        "secrecy": convention.statistical_secrecy,
        "secrecy_rule": (
            f"Secret statistique : les valeurs non nulles inférieures à "
            f"{convention.secrecy_min_value} ne sont pas publiées."
            if convention.statistical_secrecy
            else ""
        ),
    }


def follow_up_report_content(document):
    convention, year, quarter = document.convention, document.year, document.quarter
    first, last, label = _period(year, quarter)
    rows, counts, axes = _plan_standing(convention, year, [quarter] if quarter else [1, 2, 3, 4])
    return {
        **_report_base(
            convention,
            f"Rapport de suivi – {label}",
            f"Rapport de suivi de la CTG {convention.territory_name} – {label}",
        ),
        "kind": "follow_up_report",
        "period": label,
        "from": french_date(first),
        "to": french_date(last),
        "sheets": rows,
        "counts": counts,
        "axes": axes,
        "charts": _charts(counts, axes),
        "summary": "",
        "meeting": "",
        "review_kind": "",
    }


def review_content(document):
    review, convention = document.review, document.convention
    year, quarter = _quarter_of(review.date)
    quarters = [q for q in range(1, 5) if q <= quarter]
    rows, counts, axes = _plan_standing(convention, year, quarters)
    label = f"{review.get_kind_display()} du {french_date(review.date)}"
    return {
        **_report_base(
            convention, label, f"{review.get_kind_display()} de la CTG {convention.territory_name}"
        ),
        "kind": "review",
        "period": f"au {french_date(review.date)}",
        "from": french_date(convention.start_date),
        "to": french_date(review.date),
        "sheets": rows,
        "counts": counts,
        "axes": axes,
        "charts": _charts(counts, axes),
        "summary": review.summary,
        "meeting": str(review.meeting) if review.meeting_id else "",
        "review_kind": review.get_kind_display(),
    }


def _quarter_of(day):
    return day.year, (day.month - 1) // 3 + 1


def _charts(counts, axes):
    """The dashboard's charts (actionplan.charts) when that module is there, else none."""
    try:
        from actionplan import charts
    except ImportError:
        return []
    try:
        by_status = charts.bar_chart(
            [charts.Bar(label, count, text=str(count)) for label, count in counts],
            title="Actions par état d'avancement",
            description="; ".join(f"{label} : {count}" for label, count in counts),
            max_value=max([count for _label, count in counts] or [1]),
            unit="",
            chart_id="graphique-etats",
        )
        by_axis = charts.bar_chart(
            [charts.Bar(f"Axe {a['number']}", a["average"], text=f"{a['average']} %")
             for a in axes],
            title="Avancement moyen par axe",
            description="; ".join(f"Axe {a['number']} : {a['average']} %" for a in axes),
            chart_id="graphique-axes",
        )  # fmt: skip
    except (AttributeError, TypeError):
        return []
    return [str(by_status), str(by_axis)]


def render_report(document, content):
    result = pdf.html_to_pdf(pdf.render_html("documents/report.html", content))
    return _rendered(result.data, result.page_count)


def _rendered(data, page_count):
    from .service import Rendered

    return Rendered(data=data, page_count=page_count)


KINDS = {
    (DocumentKind.DELIBERATION_DRAFT, DocumentFormat.DOCX): (
        deliberation_content,
        render_deliberation_docx,
    ),
    (DocumentKind.DELIBERATION_DRAFT, DocumentFormat.PDF): (
        deliberation_content,
        render_deliberation_pdf,
    ),
    (DocumentKind.AMENDMENT, DocumentFormat.PDF): (amendment_content, render_amendment),
    (DocumentKind.AMENDMENT_SIGNED_READY, DocumentFormat.PDF): (
        amendment_signed_ready_content,
        render_amendment_signed_ready,
    ),
    (DocumentKind.FOLLOW_UP_REPORT, DocumentFormat.PDF): (
        follow_up_report_content,
        render_report,
    ),
    (DocumentKind.REVIEW, DocumentFormat.PDF): (review_content, render_report),
}
