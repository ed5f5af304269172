"""The frozen content of a convention: what councils vote and parties sign.

The snapshot is plain JSON built from the database; its SHA-256 over a
canonical serialisation identifies the text. Two freezes of an unchanged
convention give the same hash.
"""

import hashlib
import json

from django.core.serializers.json import DjangoJSONEncoder

from conventions.placeholders import PLACEHOLDER_RE, fill_placeholders, placeholder_values


def _filler(convention):
    """Fill the placeholders ({caf}, {periode}...) that people typed in the convention's
    own texts; their values are read only if some text holds one."""
    values = {}

    def fill(text):
        if not PLACEHOLDER_RE.search(text):
            return text
        if not values:
            values.update(placeholder_values(convention))
        return fill_placeholders(text, values)

    return fill


def build_snapshot(convention):
    fill = _filler(convention)
    parties = convention.parties.select_related("organisation").prefetch_related("signatories")
    sheets = (
        convention.action_sheets.select_related("axis", "objective", "pilot_party__organisation")
        .prefetch_related("indicators__targets", "themes", "fundings__funder")
        .order_by("number")
    )
    return {
        "reference": convention.reference,
        "title": convention.title,
        "territory": convention.territory_name,
        "period": [convention.start_date, convention.end_date],
        "visas": fill(convention.visas),
        "preamble": fill(convention.preamble),
        "parties": [
            {
                "organisation": party.organisation.name,
                "siren": party.organisation.siren,
                "role": party.role,
                "short_name": party.short_name,
                "competences": party.competences,
                "signatories": sorted(
                    f"{rep.full_name}, {rep.role_title}" for rep in party.signatories.all()
                ),
            }
            for party in parties
        ],
        "articles": [
            {"number": a.number, "title": fill(a.title), "body": fill(a.body)}
            for a in convention.articles.order_by("number")
        ],
        "diagnostic": convention.diagnostic_summary,
        "equipment": sorted(
            f"{e.organisation.name} | {e.equipment_type.code} | {e.name} | {e.address}"
            for e in convention.equipment.select_related("organisation", "equipment_type")
        ),
        "axes": [
            {
                "number": axis.number,
                "title": axis.title,
                "objectives": [
                    {"number": o.number, "title": o.title} for o in axis.objectives.all()
                ],
            }
            for axis in convention.axes.prefetch_related("objectives")
        ],
        "action_sheets": [_sheet(sheet) for sheet in sheets],
        "steering_instances": [
            {
                "name": s.name,
                "missions": s.missions,
                "composition": s.composition,
                "periodicity": s.periodicity,
            }
            for s in convention.steering_instances.all()
        ],
        "evaluation": convention.evaluation_text,
        "signing_place": convention.signing_place,
        "originals_count": convention.originals_count,
        "statistical_secrecy": convention.statistical_secrecy,
    }


def _sheet(sheet):
    return {
        "number": sheet.number,
        "title": sheet.title,
        "axis": sheet.axis.number,
        "objective": sheet.objective.code if sheet.objective else None,
        "themes": sorted(t.code for t in sheet.themes.all()),
        "initial_diagnostic": sheet.initial_diagnostic,
        "target_public": sheet.target_public,
        "operational_objectives": sheet.operational_objectives,
        "implementation": sheet.implementation,
        "deadline": sheet.deadline_label,
        "pilot": sheet.pilot_party.organisation.name if sheet.pilot_party else None,
        "pilot_services": sheet.pilot_services,
        "other_partners": sheet.other_partners,
        "expected_results": sheet.expected_results,
        "human_means": sheet.human_means,
        "territory": sheet.territory,
        "fundings": [
            {
                "funder": f.funder.name if f.funder else f.funder_name,
                "amount": f.amount,
                "human_means": f.human_means,
            }
            for f in sheet.fundings.all()
        ],
        "indicators": [
            {
                "label": i.label,
                "kind": i.kind,
                "unit": i.unit,
                "baseline": [i.baseline_value, i.baseline_text, i.baseline_date],
                "targets": [[t.value, t.text, t.date] for t in i.targets.all()],
            }
            for i in sheet.indicators.all()
        ],
    }


def content_hash(snapshot):
    canonical = json.dumps(snapshot, cls=DjangoJSONEncoder, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode()).hexdigest()


def to_json(snapshot):
    """A JSON-safe copy (dates and decimals as strings) for storing in a JSONField."""
    return json.loads(json.dumps(snapshot, cls=DjangoJSONEncoder))
