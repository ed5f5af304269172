"""The Caf templates of the generated conventions, and their frozen snapshot built in memory.

Templates reuse the demo's two real models (Caf du Doubs, Caf du Haut-Rhin) with the
Caf's own name turned into the {caf} placeholder, so that each Caf gets its own.
The snapshot has exactly the shape of conventions/snapshot.py's build_snapshot, built
from the rows the generator holds instead of 15 queries per convention.
"""

from conventions.demo import templates as demo
from conventions.models import ConventionTemplate, TemplateArticle
from conventions.placeholders import fill_placeholders
from partners.grammar import french_date

MODELS = [
    (demo.DOUBS_VISAS, demo.DOUBS_PREAMBLE, demo.DOUBS_ARTICLES, "Caf du Doubs"),
    (demo.HAUT_RHIN_VISAS, demo.HAUT_RHIN_PREAMBLE, demo.HAUT_RHIN_ARTICLES, "Caf du Haut-Rhin"),
]
REPLACEMENTS = [
    (
        "le Président de la Collectivité Européenne d'Alsace",
        "le Président du Conseil départemental",
    ),
]


def _generic(text, caf_name):
    for old, new in [(f"la {caf_name}", "{caf}"), (f"La {caf_name}", "{caf}"), *REPLACEMENTS]:
        text = text.replace(old, new)
    return text


def create_template(caf, index):
    """A template of the Caf, from one of the two real models (alternating by Caf)."""
    visas, preamble, articles, caf_name = MODELS[index % len(MODELS)]
    template = ConventionTemplate.objects.create(
        caf_id=caf.pk,
        name=f"Modèle CTG de la {caf.name}",
        visas=_generic(visas, caf_name),
        preamble=_generic(preamble, caf_name),
    )
    rows = [
        TemplateArticle(
            template=template,
            number=number,
            title=_generic(title, caf_name),
            body=_generic(body, caf_name),
            has_party_blocks=blocks,
        )
        for number, title, body, blocks in articles
    ]
    TemplateArticle.objects.bulk_create(rows)
    template.generated_articles = rows
    return template


def placeholder_values(convention, caf, lead, party_organisations):
    return {
        "caf": caf.designation,
        "territoire": convention.territory_name,
        "periode": f"{convention.start_date.year}-{convention.end_date.year}",
        "date_debut": french_date(convention.start_date),
        "date_fin": french_date(convention.end_date),
        "parties": ", ".join(o.designation for o in party_organisations),
        "collectivite_chef_de_file": lead.designation,
    }


def fill(text, values):
    return fill_placeholders(text, values)


def snapshot(built):
    """build_snapshot(convention) of a convention the generator just wrote."""
    convention = built.convention
    return {
        "reference": convention.reference,
        "title": convention.title,
        "territory": convention.territory_name,
        "period": [convention.start_date, convention.end_date],
        "visas": convention.visas,
        "preamble": convention.preamble,
        "parties": [
            {
                "organisation": organisation.name,
                "siren": organisation.siren,
                "role": party.role,
                "short_name": party.short_name,
                "competences": party.competences,
                "signatories": sorted(f"{name}, {title}" for name, title in signatories),
            }
            for party, organisation, signatories in built.party_rows
        ],
        "articles": [
            {"number": a.number, "title": a.title, "body": a.body} for a in built.articles
        ],
        "diagnostic": convention.diagnostic_summary,
        "equipment": [],
        "axes": [
            {
                "number": axis.number,
                "title": axis.title,
                "objectives": [{"number": o.number, "title": o.title} for o in objectives],
            }
            for axis, objectives in built.axes
        ],
        "action_sheets": [_sheet(sheet, built) for sheet in built.sheets],
        "steering_instances": [
            {
                "name": s.name,
                "missions": s.missions,
                "composition": s.composition,
                "periodicity": s.periodicity,
            }
            for s in built.steering
        ],
        "evaluation": convention.evaluation_text,
        "signing_place": convention.signing_place,
        "originals_count": convention.originals_count,
        "statistical_secrecy": convention.statistical_secrecy,
    }


def _sheet(sheet, built):
    return {
        "number": sheet.number,
        "title": sheet.title,
        "axis": sheet.axis_number,
        "objective": sheet.objective_code,
        "themes": sorted(sheet.theme_codes),
        "initial_diagnostic": sheet.initial_diagnostic,
        "target_public": sheet.target_public,
        "operational_objectives": sheet.operational_objectives,
        "implementation": sheet.implementation,
        "deadline": sheet.deadline_label,
        "pilot": sheet.pilot_name,
        "pilot_services": sheet.pilot_services,
        "other_partners": sheet.other_partners,
        "expected_results": sheet.expected_results,
        "human_means": sheet.human_means,
        "territory": sheet.territory,
        "fundings": [
            {"funder": funder_name, "amount": f.amount, "human_means": f.human_means}
            for f, funder_name in sheet.generated_fundings
        ],
        "indicators": [
            {
                "label": i.label,
                "kind": i.kind,
                "unit": i.unit,
                "baseline": [i.baseline_value, i.baseline_text, i.baseline_date],
                "targets": [[t.value, t.text, t.date] for t in targets],
            }
            for i, targets in sheet.generated_indicators
        ],
    }
