"""An amendment that changes the action plan and the parties of a signed convention.

1. `start(amendment)` copies the convention's parties and plan in force into a working
   copy: a draft convention flagged `is_working_copy`, attached to the amendment, whose
   rows point at the rows they stand for (`origin`). The ordinary draft editors (plan
   editor, parties page) change it while the amendment is in preparation; it is never
   listed, never frozen nor signed on its own.
2. `difference(amendment)` reads what was and what becomes: parties joining or leaving,
   axes, objectives and sheets added, changed, closed or removed, indicator by indicator.
   It is what the amendment's page shows, what its frozen text holds and what its
   document prints as articles.
3. `apply(amendment)`, when the amendment is signed, changes the convention in one
   transaction. Follow-up history is never lost: a sheet that leaves the plan with
   follow-up entries is closed at the effective date and keeps them; a new sheet starts
   at the effective date; a party leaving keeps its deliberations and signatures.
"""

import datetime
from dataclasses import asdict, dataclass, field

from django.db import transaction
from django.db.models import Max

from actionplan.copy import INDICATOR_FIELDS, copy_action_plan, copy_fundings, copy_targets
from actionplan.models import (
    ActionSheet,
    Axis,
    Indicator,
    Objective,
)
from conventions import freshness
from conventions.lifecycle import LifecycleError
from conventions.models import Amendment, AmendmentState, Convention, ConventionState, Party

SHEET_TEXTS = [
    "title",
    "initial_diagnostic",
    "target_public",
    "operational_objectives",
    "implementation",
    "pilot_services",
    "other_partners",
    "expected_results",
    "human_means",
    "territory",
]
PARTY_FIELDS = ["role", "position", "short_name", "competences", "requires_deliberation"]


@dataclass
class Change:
    """One row of the difference: what it concerns, how, and each value before and after."""

    kind: str  # "added", "changed", "closed", "removed", "joined", "left"
    subject: str
    lines: list = field(default_factory=list)  # [(label, before, after)]

    @property
    def kind_label(self):
        return {
            "added": "Ajout",
            "changed": "Modification",
            "closed": "Clôture (le suivi passé est conservé)",
            "removed": "Suppression",
            "joined": "Entrée",
            "left": "Sortie",
        }[self.kind]


@dataclass
class Difference:
    parties: list = field(default_factory=list)
    axes: list = field(default_factory=list)
    sheets: list = field(default_factory=list)

    def __bool__(self):
        return bool(self.parties or self.axes or self.sheets)

    def as_json(self):
        return {
            "parties": [asdict(c) for c in self.parties],
            "axes": [asdict(c) for c in self.axes],
            "sheets": [asdict(c) for c in self.sheets],
        }

    @classmethod
    def from_json(cls, data):
        data = data or {}
        return cls(
            **{
                part: [
                    Change(c["kind"], c["subject"], [tuple(line) for line in c["lines"]])
                    for c in data.get(part, [])
                ]
                for part in ("parties", "axes", "sheets")
            }
        )


# -- The working copy ------------------------------------------------------------


def _require_draft(amendment):
    if amendment.state != AmendmentState.DRAFT:
        raise LifecycleError(
            "L'avenant n'est plus en préparation : ses modifications du plan et des parties ne "
            "se changent plus. Rouvrez-le d'abord."
        )


COPY_FIELDS = ["working_copy", "changes_action_plan", "changes_parties"]


def _refresh(target, source):
    for name in COPY_FIELDS:
        setattr(target, name, getattr(source, name))


@transaction.atomic
def start(amendment, *, user=None):
    """The amendment's working copy of the parties and the plan in force, made once."""
    given, amendment = amendment, Amendment.objects.select_for_update().get(pk=amendment.pk)
    _require_draft(amendment)
    if amendment.working_copy_id:
        _refresh(given, amendment)
        return amendment.working_copy
    original = amendment.convention
    copy = Convention.objects.create(
        is_working_copy=True,
        reference=f"{original.reference}-avenant-{amendment.number}",
        title=f"{original.title} – avenant n° {amendment.number}",
        caf=original.caf,
        lead_authority=original.lead_authority,
        territory_name=original.territory_name,
        start_date=original.start_date,
        end_date=original.end_date,
        state=ConventionState.DRAFT,
        signing_place=original.signing_place,
        created_by=user,
    )
    party_map = {}
    for party in original.parties.filter(left_on=None).prefetch_related("signatories"):
        twin = Party.objects.create(
            convention=copy,
            organisation_id=party.organisation_id,
            origin=party,
            **{name: getattr(party, name) for name in PARTY_FIELDS},
        )
        twin.signatories.set(party.signatories.all())
        party_map[party.pk] = twin
    copy_action_plan(original, copy, party_map, keep_origin=True)
    amendment.working_copy = copy
    amendment.changes_action_plan = True
    amendment.changes_parties = True
    amendment.save(update_fields=COPY_FIELDS)
    _refresh(given, amendment)
    return copy


@transaction.atomic
def discard(amendment, *, user=None):
    """Drop the working copy: the amendment no longer changes the plan nor the parties."""
    given, amendment = amendment, Amendment.objects.select_for_update().get(pk=amendment.pk)
    _require_draft(amendment)
    copy = amendment.working_copy
    if copy is None:
        return
    amendment.working_copy = None
    amendment.changes_action_plan = False
    amendment.changes_parties = False
    amendment.save(update_fields=COPY_FIELDS)
    _refresh(given, amendment)
    _delete_copy(copy)


def _delete_copy(copy):
    copy.delete()


# -- What was, what becomes -------------------------------------------------------


def _plan(convention):
    sheets = list(
        convention.action_sheets.filter(closed_on=None)
        .select_related("axis", "objective", "pilot_party__organisation")
        .prefetch_related(
            "themes",
            "communes",
            "partner_parties__organisation",
            "fundings__funder",
            "indicators__targets",
        )
        .order_by("number")
    )
    axes = list(convention.axes.prefetch_related("objectives").order_by("number"))
    return axes, sheets


def _text(value):
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime.date):
        return value.strftime("%d/%m/%Y")
    return str(value)


def _same(old, new):
    """Equal values, texts compared as people read them: a browser sends a textarea's line
    breaks as CRLF and may add a trailing space, which changes nothing."""
    if isinstance(old, str) and isinstance(new, str):
        return _plain(old) == _plain(new)
    return old == new


def _plain(text):
    return "\n".join(line.rstrip() for line in text.replace("\r\n", "\n").split("\n")).strip()


def _label(model, name):
    return str(model._meta.get_field(name).verbose_name)


def _sheet_facts(sheet, party_origin=lambda party: party.pk):
    """What a sheet says beyond its texts, comparable between the copy and the original."""
    return {
        "axe": f"Axe {sheet.axis.number} – {sheet.axis.title}",
        "objectif": sheet.objective.title if sheet.objective_id else "",
        "échéance": sheet.deadline_label,
        "pilote": str(sheet.pilot_party.organisation) if sheet.pilot_party_id else "",
        "thématiques": ", ".join(sorted(t.name for t in sheet.themes.all())),
        "communes concernées": ", ".join(sorted(c.name for c in sheet.communes.all())),
        "parties sollicitées": ", ".join(
            sorted(str(p.organisation) for p in sheet.partner_parties.all())
        ),
        "moyens mobilisés": "; ".join(
            f"{f.funder or f.funder_name}"
            + (f" : {f.amount} €" if f.amount is not None else "")
            + (f" ({f.human_means})" if f.human_means else "")
            for f in sheet.fundings.all()
        ),
    }


def _indicator_lines(before, after):
    lines = []
    for name in INDICATOR_FIELDS:
        old, new = getattr(before, name), getattr(after, name)
        if not _same(old, new):
            lines.append(
                (f"{_label(Indicator, name)} de « {after.label} »", _text(old), _text(new))
            )
    old_targets = _targets(before)
    new_targets = _targets(after)
    if old_targets != new_targets:
        lines.append((f"cibles de « {after.label} »", old_targets or "—", new_targets or "—"))
    return lines


def _targets(indicator):
    return "; ".join(
        f"{_text(t.value if t.value is not None else t.text)} au {t.date:%d/%m/%Y}"
        for t in sorted(indicator.targets.all(), key=lambda t: (t.date, t.pk))
    )


def _sheet_lines(before, after):
    lines = []
    if before.number != after.number:
        lines.append(("numéro", str(before.number), str(after.number)))
    for name in SHEET_TEXTS:
        old, new = getattr(before, name), getattr(after, name)
        if not _same(old, new):
            lines.append((_label(ActionSheet, name), _text(old), _text(new)))
    old_facts, new_facts = _sheet_facts(before), _sheet_facts(after)
    for label, old in old_facts.items():
        if old != new_facts[label]:
            lines.append((label, _text(old), _text(new_facts[label])))
    old_indicators = {i.pk: i for i in before.indicators.all() if i.closed_on is None}
    for indicator in after.indicators.all():
        origin = old_indicators.pop(indicator.origin_id, None)
        if origin is None:
            lines.append(("indicateur ajouté", "—", indicator.label))
        else:
            lines.extend(_indicator_lines(origin, indicator))
    for indicator in old_indicators.values():
        lines.append(("indicateur retiré", indicator.label, "—"))
    return lines


def difference(amendment):
    """What the amendment changes: from its working copy, or as applied once signed."""
    if amendment.working_copy_id is None:
        return Difference.from_json(amendment.applied_changes)
    original, copy = amendment.convention, amendment.working_copy
    result = Difference()

    parties = {
        p.pk: p for p in original.parties.filter(left_on=None).select_related("organisation")
    }
    for party in copy.parties.select_related("organisation").prefetch_related("signatories"):
        before = parties.pop(party.origin_id, None)
        if before is None:
            signers = ", ".join(r.full_name for r in party.signatories.all())
            result.parties.append(
                Change(
                    "joined",
                    str(party.organisation),
                    [("rôle", "—", party.get_role_display())]
                    + ([("signataires", "—", signers)] if signers else []),
                )
            )
        elif before.role != party.role:
            result.parties.append(
                Change(
                    "changed",
                    str(party.organisation),
                    [("rôle", before.get_role_display(), party.get_role_display())],
                )
            )
    for party in parties.values():
        result.parties.append(Change("left", str(party.organisation)))

    old_axes, old_sheets = _plan(original)
    new_axes, new_sheets = _plan(copy)
    axes = {a.pk: a for a in old_axes}
    for axis in new_axes:
        before = axes.pop(axis.origin_id, None)
        subject = f"Axe {axis.number} – {axis.title}"
        if before is None:
            result.axes.append(Change("added", subject))
            continue
        lines = [
            (label, _text(getattr(before, name)), _text(getattr(axis, name)))
            for name, label in (("number", "numéro"), ("title", "intitulé"))
            if getattr(before, name) != getattr(axis, name)
        ]
        objectives = {o.pk: o for o in before.objectives.all()}
        for objective in axis.objectives.all():
            origin = objectives.pop(objective.origin_id, None)
            if origin is None:
                lines.append(("objectif ajouté", "—", objective.title))
            elif origin.title != objective.title:
                lines.append(("objectif", origin.title, objective.title))
        for objective in objectives.values():
            lines.append(("objectif retiré", objective.title, "—"))
        if lines:
            result.axes.append(Change("changed", subject, lines))
    for axis in axes.values():
        result.axes.append(Change("removed", f"Axe {axis.number} – {axis.title}"))

    sheets = {s.pk: s for s in old_sheets}
    followed = set(
        original.action_sheets.filter(pk__in=list(sheets), follow_ups__isnull=False).values_list(
            "pk", flat=True
        )
    )
    for sheet in new_sheets:
        before = sheets.pop(sheet.origin_id, None)
        subject = f"Fiche action {sheet.number} : {sheet.title}"
        if before is None:
            facts = _sheet_facts(sheet)
            result.sheets.append(
                Change(
                    "added",
                    subject,
                    [(label, "—", value) for label, value in facts.items() if value]
                    + [("indicateur ajouté", "—", i.label) for i in sheet.indicators.all()],
                )
            )
            continue
        lines = _sheet_lines(before, sheet)
        if lines:
            result.sheets.append(
                Change("changed", f"Fiche action {before.number} : {before.title}", lines)
            )
    for sheet in sheets.values():
        kind = "closed" if sheet.pk in followed else "removed"
        result.sheets.append(Change(kind, f"Fiche action {sheet.number} : {sheet.title}"))
    return result


# -- Applying a signed amendment ---------------------------------------------------


def effective_date(amendment):
    return amendment.effective_date or amendment.signed_on or datetime.date.today()


@transaction.atomic
def apply(amendment):
    """Change the convention as the signed amendment says, in one transaction."""
    amendment = Amendment.objects.select_for_update().get(pk=amendment.pk)
    copy = amendment.working_copy
    if copy is None:
        return
    if amendment.state != AmendmentState.SIGNED:
        raise LifecycleError("Seul un avenant signé modifie la convention.")
    original = Convention.objects.select_for_update().get(pk=amendment.convention_id)
    on = effective_date(amendment)
    amendment.applied_changes = difference(amendment).as_json()

    party_map = _apply_parties(original, copy, on)
    axis_map, objective_map, left_out = _apply_axes(original, copy)
    _apply_sheets(original, copy, on, party_map, axis_map, objective_map)
    _drop_axes(left_out, axis_map)
    # Rows renumbered and closed by UPDATE, without signals.
    freshness.plan_changed(original.pk)

    amendment.working_copy = None
    amendment.save(update_fields=["working_copy", "applied_changes"])
    _delete_copy(copy)


def _apply_parties(original, copy, on):
    kept = {}
    last = original.parties.aggregate(last=Max("position"))["last"] or 0
    for party in copy.parties.prefetch_related("signatories").order_by("position", "pk"):
        if party.origin_id:
            target = Party.objects.get(pk=party.origin_id, convention=original)
            for name in PARTY_FIELDS:
                setattr(target, name, getattr(party, name))
            target.save()
        else:
            last += 1
            target = Party.objects.create(
                convention=original,
                organisation_id=party.organisation_id,
                joined_on=on,
                **{name: getattr(party, name) for name in PARTY_FIELDS if name != "position"},
                position=last,
            )
        target.signatories.set(party.signatories.all())
        kept[party.pk] = target
    leaving = original.parties.filter(left_on=None).exclude(pk__in=[p.pk for p in kept.values()])
    for party in leaving:
        party.left_on = on
        party.save(update_fields=["left_on"])
    return kept


def _apply_axes(original, copy):
    axis_map, objective_map = {}, {}
    new_axes = list(copy.axes.prefetch_related("objectives").order_by("number"))
    old_axes = {a.pk: a for a in original.axes.all()}
    # Numbers are unique per convention: move the kept ones out of the way first.
    _park(Axis, [a.origin_id for a in new_axes if a.origin_id in old_axes])
    for axis in new_axes:
        target = old_axes.pop(axis.origin_id, None)
        if target is None:
            target = Axis(convention=original)
        target.number, target.title, target.description = (
            axis.number,
            axis.title,
            axis.description,
        )
        target.save()
        axis_map[axis.pk] = target
        objective_map.update(_apply_objectives(target, axis))
    _park(Axis, list(old_axes))
    return axis_map, objective_map, list(old_axes.values())


def _park(model, pks):
    """Give these rows numbers no other row has, before numbering them again."""
    for index, pk in enumerate(pks):
        model.objects.filter(pk=pk).update(number=1_000 + index)


def _drop_axes(left_out, axis_map):
    """An axis left out stays only for the closed sheets it holds, numbered after the rest."""
    highest = max((a.number for a in axis_map.values()), default=0)
    for axis in left_out:
        if axis.action_sheets.exists():
            highest += 1
            Axis.objects.filter(pk=axis.pk).update(number=highest)
        else:
            axis.delete()


def _apply_objectives(target, axis):
    mapped = {}
    old = {o.pk: o for o in Objective.objects.filter(axis=target)}
    objectives = list(axis.objectives.order_by("number"))
    _park(Objective, [o.origin_id for o in objectives if o.origin_id in old])
    for objective in objectives:
        row = old.pop(objective.origin_id, None) or Objective(axis=target)
        row.axis = target
        row.number, row.title, row.description = (
            objective.number,
            objective.title,
            objective.description,
        )
        row.save()
        mapped[objective.pk] = row
    for row in old.values():
        row.delete()
    return mapped


def _apply_sheets(original, copy, on, party_map, axis_map, objective_map):
    open_sheets = {s.pk: s for s in original.action_sheets.filter(closed_on=None)}
    new_sheets = list(
        copy.action_sheets.prefetch_related(
            "themes", "communes", "partner_parties", "fundings", "indicators__targets"
        ).order_by("number")
    )
    kept = [s for s in new_sheets if s.origin_id in open_sheets]
    # Numbers are unique among open sheets: park the kept ones, close the others first.
    _park(ActionSheet, [s.origin_id for s in kept])
    leaving = [pk for pk in open_sheets if pk not in {s.origin_id for s in kept}]
    followed = set(
        ActionSheet.objects.filter(pk__in=leaving, follow_ups__isnull=False).values_list(
            "pk", flat=True
        )
    )
    for pk in leaving:
        if pk in followed:
            ActionSheet.objects.filter(pk=pk).update(closed_on=on)
            Indicator.objects.filter(action_sheet_id=pk, closed_on=None).update(closed_on=on)
        else:
            ActionSheet.objects.filter(pk=pk).delete()
    for sheet in new_sheets:
        target = open_sheets.get(sheet.origin_id)
        if target is None:
            target = ActionSheet(convention=original, started_on=on)
        else:
            target.refresh_from_db(fields=["number"])
        for name in [*SHEET_TEXTS, "number", "deadline", "deadline_whole_period"]:
            setattr(target, name, getattr(sheet, name))
        target.axis = axis_map[sheet.axis_id]
        target.objective = objective_map.get(sheet.objective_id)
        pilot = party_map.get(sheet.pilot_party_id)
        target.pilot_party = pilot
        target.save()
        target.themes.set(sheet.themes.all())
        target.communes.set(sheet.communes.all())
        target.partner_parties.set(
            [party_map[p.pk] for p in sheet.partner_parties.all() if p.pk in party_map]
        )
        target.fundings.all().delete()
        copy_fundings(sheet, target)
        _apply_indicators(target, sheet, on)


def _apply_indicators(target, sheet, on):
    old = {i.pk: i for i in target.indicators.filter(closed_on=None)}
    for indicator in sheet.indicators.all():
        row = old.pop(indicator.origin_id, None) or Indicator(action_sheet=target)
        row.position = indicator.position
        for name in INDICATOR_FIELDS:
            setattr(row, name, getattr(indicator, name))
        row.save()
        row.targets.all().delete()
        copy_targets(indicator, row)
    for row in old.values():
        if row.values.exists():
            row.closed_on = on
            row.save(update_fields=["closed_on"])
        else:
            row.delete()
