"""The history of a convention as its readers can follow it: who changed what, and when.

Everything django-simple-history records about a convention is read back here: the
convention itself (with its themes and equipment), its parties (with their signing
people), articles, steering bodies, amendments, deliberations, signatures, action plan
(axes, objectives, sheets, funding, indicators and their targets), quarterly follow-up
(entries, indicator values, meetings, reviews) and the documents produced. Each record
is told in French: the element (the model's verbose_name and a name for the object),
the field's verbose_name, the old value and the new one (choices by their label,
foreign keys by their name, dates in French), the person, the date and the reason.

The page is built in a constant number of queries whatever the length of the history:

1. one UNION of every history table of the convention, reduced to (date, record id,
   source), sorted and cut into a page of PAGE_SIZE (plus its COUNT for the paginator);
2. per source present on the page, its records and their previous records (the state
   each one is compared with);
3. per model named by a foreign key, one query for the names (at most two rounds:
   a party is named by its organisation, an objective by its axis's number);
4. per many-to-many field with history, its rows for the records of the page.

A record saved without any visible change (a revision counter, a rendering timestamp)
is left out of its page, which may then show fewer than PAGE_SIZE lines.

Functions take a user and plain data, never a request.
"""

import datetime
import decimal
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import PurePosixPath

from django.core.paginator import Paginator
from django.db import models
from django.db.models import IntegerField, Max, OuterRef, Subquery, Value
from django.utils import timezone
from django.utils.formats import date_format, number_format
from django.utils.text import Truncator, capfirst

from actionplan import secrecy
from actionplan.models import (
    ActionSheet,
    Axis,
    FollowUp,
    FollowUpState,
    Funding,
    Indicator,
    IndicatorTarget,
    IndicatorValue,
    Meeting,
    Objective,
    Review,
)
from conventions.models import (
    Amendment,
    Article,
    Convention,
    ConventionState,
    ConventionTemplate,
    ConventionVersion,
    Deliberation,
    Document,
    DocumentState,
    Party,
    Signature,
    SignedCopy,
    SteeringInstance,
    Theme,
)
from partners.models import Equipment, Organisation, Representative

PAGE_SIZE = 50
# Texts longer than this are shortened in the list, the whole text behind "voir".
SHORT_TEXT = 120
SHORT_NAME = 90
HISTORY_KINDS = {"+": "Création", "~": "Modification", "-": "Suppression"}
UNKNOWN = "élément supprimé"
AUTOMATIC = "Traitement automatique"

GROUPS = {
    "parties": "Parties et signataires",
    "textes": "Convention, textes et avenants",
    "deliberations": "Délibérations et signatures",
    "plan": "Plan d'actions",
    "suivi": "Suivi et pilotage",
    "documents": "Documents produits",
}


# -- What is shown --------------------------------------------------------------


@dataclass
class Change:
    """One field of one record: before and after as shown, None when not shown."""

    label: str
    before: str | None = None
    after: str | None = None
    long: bool = False


@dataclass
class HistoryEntry:
    date: object
    author: str
    kind: str
    subject: str
    reason: str
    changes: list[Change] = field(default_factory=list)
    element: str = ""
    group: str = ""


def author_name(user):
    if user is None:
        return ""
    return user.get_full_name() or user.username


# -- Where each kind of record comes from ------------------------------------------


def _short(text):
    """A long title (action sheets have sentences for titles) cut to be read in a list."""
    return Truncator(text).chars(SHORT_NAME)


def _objective_name(obj, names):
    return f"Objectif {names.axis_number(obj.axis_id)}.{obj.number} – {_short(obj.title)}"


def _sheet_name(obj, names):
    return f"Fiche action {obj.number} – {_short(obj.title)}"


def _ids(model, **lookup):
    """The ids a model's objects of this convention ever had, deleted ones included."""
    return model.history.filter(**lookup).order_by().values("id")


@dataclass(frozen=True)
class Source:
    model: type
    group: str
    # The historical records of one convention, given its primary key.
    scope: object
    subject: object
    hidden: tuple = ()
    # When given, the only fields shown.
    shown: tuple = ()
    m2m: tuple = ()

    def fields(self):
        tracked = self.model.history.model.tracked_fields
        names = [f.name for f in tracked if f.name != "id" and f.name not in self.hidden]
        if self.shown:
            names = [name for name in names if name in self.shown]
        return [self.model._meta.get_field(name) for name in names]


def _sheet_ids(pk):
    return _ids(ActionSheet, convention_id=pk)


def _indicator_ids(pk):
    return _ids(Indicator, action_sheet_id__in=_sheet_ids(pk))


def _party_ids(pk):
    return _ids(Party, convention_id=pk)


def _document_label(record, names):
    label = Document.kind.field.flatchoices
    label = dict(label).get(record.kind, record.kind)
    if record.party_id:
        label += f" – {names.get(Party, record.party_id)}"
    if record.amendment_id:
        label += f" – {names.get(Amendment, record.amendment_id)}"
    if record.year:
        label += f" – T{record.quarter} {record.year}" if record.quarter else f" – {record.year}"
    if record.version_number:
        label += f" (version {record.version_number})"
    return label


def _deliberation_subject(record, names):
    subject = f"{names.get(Party, record.party_id)}, séance du {record.session_date:%d/%m/%Y}"
    if record.act_number:
        subject += f" (n° {record.act_number})"
    if record.amendment_id:
        subject += f" – {names.get(Amendment, record.amendment_id)}"
    return subject


def _signature_subject(record, names):
    subject = (
        f"{names.get(Representative, record.representative_id)} "
        f"({names.get(Party, record.party_id)})"
    )
    if record.amendment_id:
        subject += f" – {names.get(Amendment, record.amendment_id)}"
    return subject


def _funding_subject(record, names):
    funder = names.get(Organisation, record.funder_id) if record.funder_id else record.funder_name
    return f"{funder} – {names.get(ActionSheet, record.action_sheet_id)}"


SOURCES = [
    Source(
        Convention,
        "textes",
        lambda pk: Convention.history.filter(id=pk),
        lambda record, names: record.title,
        hidden=("created_by", "frozen_at", "signing_started_at"),
        m2m=("themes", "equipment"),
    ),
    Source(
        Article,
        "textes",
        lambda pk: Article.history.filter(convention_id=pk),
        lambda record, names: f"Article {record.number} – {_short(record.title)}",
        hidden=("convention",),
    ),
    Source(
        SteeringInstance,
        "textes",
        lambda pk: SteeringInstance.history.filter(convention_id=pk),
        lambda record, names: record.name,
        hidden=("convention", "position"),
    ),
    Source(
        Amendment,
        "textes",
        lambda pk: Amendment.history.filter(convention_id=pk),
        lambda record, names: f"Avenant n° {record.number} – {_short(record.subject)}",
        hidden=("convention", "content_hash", "frozen_at"),
    ),
    Source(
        Party,
        "parties",
        lambda pk: Party.history.filter(convention_id=pk),
        lambda record, names: names.get(Organisation, record.organisation_id),
        hidden=("convention",),
        m2m=("signatories",),
    ),
    Source(
        Deliberation,
        "deliberations",
        lambda pk: Deliberation.history.filter(party_id__in=_party_ids(pk)),
        _deliberation_subject,
        hidden=("party",),
    ),
    Source(
        Signature,
        "deliberations",
        lambda pk: Signature.history.filter(party_id__in=_party_ids(pk)),
        _signature_subject,
        hidden=("party", "representative", "recorded_by", "amendment"),
    ),
    Source(
        Axis,
        "plan",
        lambda pk: Axis.history.filter(convention_id=pk),
        lambda record, names: f"Axe {record.number} – {_short(record.title)}",
        hidden=("convention",),
    ),
    Source(
        Objective,
        "plan",
        lambda pk: Objective.history.filter(axis_id__in=_ids(Axis, convention_id=pk)),
        _objective_name,
    ),
    Source(
        ActionSheet,
        "plan",
        lambda pk: ActionSheet.history.filter(convention_id=pk),
        _sheet_name,
        hidden=("convention",),
    ),
    Source(
        Funding,
        "plan",
        lambda pk: Funding.history.filter(action_sheet_id__in=_sheet_ids(pk)),
        _funding_subject,
        hidden=("action_sheet",),
    ),
    Source(
        Indicator,
        "plan",
        lambda pk: Indicator.history.filter(action_sheet_id__in=_sheet_ids(pk)),
        lambda record, names: f"{record.label} – {names.get(ActionSheet, record.action_sheet_id)}",
        hidden=("action_sheet",),
    ),
    Source(
        IndicatorTarget,
        "plan",
        lambda pk: IndicatorTarget.history.filter(indicator_id__in=_indicator_ids(pk)),
        lambda record, names: (
            f"Cible de l'indicateur « {names.get(Indicator, record.indicator_id)} »"
        ),
        hidden=("indicator",),
    ),
    Source(
        FollowUp,
        "suivi",
        lambda pk: FollowUp.history.filter(action_sheet_id__in=_sheet_ids(pk)),
        lambda record, names: (
            f"{names.get(ActionSheet, record.action_sheet_id)} – T{record.quarter} {record.year}"
        ),
        hidden=(
            "action_sheet",
            "year",
            "quarter",
            "revision",
            "submitted_at",
            "submitted_by",
            "validated_at",
            "validated_by",
        ),
    ),
    Source(
        IndicatorValue,
        "suivi",
        lambda pk: IndicatorValue.history.filter(indicator_id__in=_indicator_ids(pk)),
        lambda record, names: (
            f"« {names.get(Indicator, record.indicator_id)} » – T{record.quarter} {record.year}"
        ),
        hidden=("indicator", "follow_up", "year", "quarter"),
    ),
    Source(
        Meeting,
        "suivi",
        lambda pk: Meeting.history.filter(convention_id=pk),
        lambda record, names: (
            f"{dict(Meeting.kind.field.flatchoices).get(record.kind, '')} du {record.date:%d/%m/%Y}"
        ),
        hidden=("convention",),
    ),
    Source(
        Review,
        "suivi",
        lambda pk: Review.history.filter(convention_id=pk),
        lambda record, names: (
            f"{dict(Review.kind.field.flatchoices).get(record.kind, '')} du {record.date:%d/%m/%Y}"
        ),
        hidden=("convention", "meeting", "leads_to_amendment"),
    ),
    Source(
        Document,
        "documents",
        # Its creation (the request) and its outcome; the worker's intermediate saves
        # (queued, started) say nothing to a reader.
        lambda pk: Document.history.filter(convention_id=pk).filter(
            models.Q(history_type__in=("+", "-"))
            | models.Q(state__in=(DocumentState.DONE, DocumentState.FAILED))
        ),
        _document_label,
        shown=("state", "error"),
    ),
    Source(
        SignedCopy,
        "documents",
        lambda pk: SignedCopy.history.filter(document_id__in=_ids(Document, convention_id=pk)),
        lambda record, names: f"Exemplaire signé de « {names.get(Document, record.document_id)} »",
        shown=("accepted",),
    ),
]


# -- Names of the objects a foreign key points to -------------------------------------


def _latest_records(model, ids):
    """The last known state of each object, deleted ones included (one query)."""
    last = (
        model.history.filter(id__in=ids)
        .order_by()
        .values("id")
        .annotate(last=Max("history_id"))
        .values("last")
    )
    return {record.id: record for record in model.history.filter(history_id__in=Subquery(last))}


def _live(model, ids):
    return {obj.pk: obj for obj in model._default_manager.filter(pk__in=ids)}


def _representative_name(obj):
    return f"{obj.first_name} {obj.last_name.upper()}".strip()


# model -> (how to read it, its name). Parties and objectives are read in the first
# round because their names need another object (organisation, axis).
LOOKUPS = {
    Party: (_latest_records, lambda obj, names: names.get(Organisation, obj.organisation_id)),
    Objective: (
        _latest_records,
        _objective_name,
    ),
    Organisation: (_live, lambda obj, names: obj.name),
    Representative: (_live, lambda obj, names: _representative_name(obj)),
    ConventionVersion: (_live, lambda obj, names: f"version {obj.number}"),
    ConventionTemplate: (_live, lambda obj, names: obj.name),
    Convention: (_live, lambda obj, names: obj.title),
    Theme: (_live, lambda obj, names: obj.name),
    Equipment: (_live, lambda obj, names: obj.name),
    Review: (_live, lambda obj, names: f"{obj.get_kind_display()} du {obj.date:%d/%m/%Y}"),
    Meeting: (_live, lambda obj, names: f"{obj.get_kind_display()} du {obj.date:%d/%m/%Y}"),
    Amendment: (_latest_records, lambda obj, names: f"avenant n° {obj.number}"),
    Axis: (_latest_records, lambda obj, names: f"Axe {obj.number} – {_short(obj.title)}"),
    ActionSheet: (_latest_records, _sheet_name),
    Indicator: (_latest_records, lambda obj, names: _short(obj.label)),
    Document: (_latest_records, _document_label),
}
FIRST_ROUND = (Party, Objective)


class Names:
    """Names of the objects the records point to, read in a bounded number of queries."""

    def __init__(self):
        self.wanted = defaultdict(set)
        self.objects = {}

    def want(self, model, pk):
        if pk is not None and model in LOOKUPS:
            self.wanted[model].add(pk)

    def fetch(self):
        for model in FIRST_ROUND:
            self._read(model)
        for obj in self.objects.get(Party, {}).values():
            self.want(Organisation, obj.organisation_id)
        for obj in self.objects.get(Objective, {}).values():
            self.want(Axis, obj.axis_id)
        for model in list(self.wanted):
            if model not in FIRST_ROUND:
                self._read(model)

    def _read(self, model):
        ids = self.wanted.get(model)
        if ids:
            reader, _label = LOOKUPS[model]
            self.objects[model] = reader(model, ids)

    def get(self, model, pk):
        obj = self.objects.get(model, {}).get(pk)
        if obj is None:
            return UNKNOWN
        return LOOKUPS[model][1](obj, self)

    def axis_number(self, axis_id):
        axis = self.objects.get(Axis, {}).get(axis_id)
        return axis.number if axis is not None else "?"


# -- Values as people read them ------------------------------------------------------


def _plain(field, value, names):
    """The value as a French reader reads it; "" for nothing."""
    if value is None or value == "":
        return ""
    if field.is_relation:
        return names.get(field.related_model, value)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return "oui" if value else "non"
    if isinstance(value, datetime.datetime):
        return date_format(timezone.localtime(value), "j F Y à H:i")
    if isinstance(value, datetime.date):
        return date_format(value, "j F Y")
    if isinstance(value, decimal.Decimal):
        # "40", not "40,00": amounts and counts are stored with two decimals.
        return number_format(int(value) if value == value.to_integral() else value)
    if isinstance(field, models.FileField):
        return PurePosixPath(str(value)).name
    return str(value)


def _value(record, field):
    return getattr(record, field.attname)


# -- The page ------------------------------------------------------------------------


@dataclass
class HistoryPage:
    entries: list
    page: object
    group: str


def _union(pk, group):
    sources = [(i, s) for i, s in enumerate(SOURCES) if not group or s.group == group]
    parts = [
        source.scope(pk)
        .order_by()
        .annotate(history_source=Value(index, output_field=IntegerField()))
        .values_list("history_date", "history_id", "history_source")
        for index, source in sources
    ]
    return (
        parts[0]
        .union(*parts[1:], all=True)
        .order_by("-history_date", "-history_source", "-history_id")
    )


def convention_history(user, convention, group="", page_number=1):
    """One page of the convention's history, most recent first. group: one of GROUPS
    (anything else means everything)."""
    group = group if group in GROUPS else ""
    page = Paginator(_union(convention.pk, group), PAGE_SIZE).get_page(page_number)
    rows = list(page.object_list)
    by_source = defaultdict(list)
    for _date, history_id, index in rows:
        by_source[index].append(history_id)

    names = Names()
    records, previous, m2m_rows = {}, {}, {}
    for index, history_ids in by_source.items():
        source = SOURCES[index]
        historical = source.model.history
        earlier = (
            historical.filter(id=OuterRef("id"), history_id__lt=OuterRef("history_id"))
            .order_by("-history_id")
            .values("history_id")[:1]
        )
        found = list(
            historical.filter(history_id__in=history_ids)
            .select_related("history_user")
            .annotate(previous_id=Subquery(earlier))
        )
        before = {
            record.history_id: record
            for record in historical.filter(
                history_id__in=[r.previous_id for r in found if r.previous_id]
            )
        }
        for record in found:
            records[(index, record.history_id)] = record
            previous[(index, record.history_id)] = before.get(record.previous_id)
        all_records = found + list(before.values())
        for record in all_records:
            for model_field in source.model._meta.concrete_fields:
                # The convention itself needs no name: the page is about it.
                if model_field.is_relation and model_field.name != "convention":
                    names.want(model_field.related_model, _value(record, model_field))
        for name in source.m2m:
            m2m_rows[(index, name)] = _m2m_values(source, name, all_records, names)
    names.fetch()

    hide_figures = secrecy.applies_to(user, convention)
    entries = []
    for _date, history_id, index in rows:
        record = records.get((index, history_id))
        if record is None:
            continue
        entry = _entry(
            SOURCES[index],
            record,
            previous[(index, history_id)],
            names,
            {name: m2m_rows[(index, name)] for name in SOURCES[index].m2m},
            convention if hide_figures else None,
        )
        if entry is not None:
            entries.append(entry)
    return HistoryPage(entries=entries, page=page, group=group)


def _m2m_values(source, name, records, names):
    """{history_id: set of target ids} of one many-to-many field with history."""
    m2m_field = source.model._meta.get_field(name)
    through = source.model.history.model._meta.get_field(
        f"{source.model.history.model._meta.model_name}_{name}"
    ).related_model
    target = m2m_field.related_model
    target_column = next(
        f.attname
        for f in through._meta.concrete_fields
        if f.is_relation and f.related_model is target
    )
    values = defaultdict(set)
    for history_id, target_id in through.objects.filter(
        history_id__in=[record.history_id for record in records]
    ).values_list("history_id", target_column):
        values[history_id].add(target_id)
        names.want(target, target_id)
    return values


def _entry(source, record, before, names, m2m, secret_for):
    changes = []
    if record.history_type == "~" and before is not None:
        for model_field in source.fields():
            old, new = _value(before, model_field), _value(record, model_field)
            if old != new:
                changes.append(_change(model_field, old, new, names, before, record, secret_for))
        for name, values in m2m.items():
            old = values.get(before.history_id, set())
            new = values.get(record.history_id, set())
            if old != new:
                target = source.model._meta.get_field(name)
                changes.append(
                    Change(
                        str(target.verbose_name),
                        _listed(target.related_model, old, names),
                        _listed(target.related_model, new, names),
                    )
                )
        if not changes:
            return None
    model = source.model
    return HistoryEntry(
        date=record.history_date,
        author=author_name(record.history_user) or AUTOMATIC,
        kind=_kind(source, record, before),
        subject=source.subject(record, names),
        reason=record.history_change_reason or "",
        changes=changes,
        element=capfirst(model._meta.verbose_name),
        group=GROUPS[source.group],
    )


def _listed(model, ids, names):
    return ", ".join(sorted(names.get(model, pk) for pk in ids))


def _change(model_field, old, new, names, before, record, secret_for):
    label = str(model_field.verbose_name)
    if secret_for is not None and model_field.name in ("value", "baseline_value"):
        # Figures under statistical secrecy stay hidden to people outside the Caf.
        zone_before = getattr(before, "zone_recipients", None)
        zone_after = getattr(record, "zone_recipients", None)
        if secrecy.is_secret(secret_for, old, zone_before) or secrecy.is_secret(
            secret_for, new, zone_after
        ):
            return Change(label, secrecy.SECRET_LABEL, secrecy.SECRET_LABEL)
    if secret_for is not None and model_field.name == "zone_recipients":
        return Change(label, secrecy.SECRET_LABEL, secrecy.SECRET_LABEL)
    shown_before = _plain(model_field, old, names)
    shown_after = _plain(model_field, new, names)
    long = max(len(shown_before), len(shown_after)) > SHORT_TEXT or "\n" in (
        shown_before + shown_after
    )
    return Change(label, shown_before, shown_after, long=long)


FOLLOW_UP_STEPS = {
    FollowUpState.OPEN: "Ouverture du trimestre",
    FollowUpState.DRAFT: "Enregistrement du brouillon",
    FollowUpState.SUBMITTED: "Transmission à la Caf",
    FollowUpState.RETURNED: "Renvoi pour complément",
    FollowUpState.VALIDATED: "Validation",
}


# (creation, deletion) in the words of the domain.
OWN_WORDS = {
    Party: ("Ajout à la convention", "Retrait de la convention"),
    Signature: ("Enregistrement de la signature", "Suppression de la signature"),
    Deliberation: ("Enregistrement de la délibération", "Suppression de la délibération"),
    FollowUp: ("Ouverture du trimestre", "Suppression"),
    Document: ("Demande", "Suppression"),
}


def _kind(source, record, before):
    """What happened, in the words of the domain when a state changed."""
    state_changed = before is not None and getattr(before, "state", None) != getattr(
        record, "state", None
    )
    if source.model is FollowUp and record.history_type == "~" and state_changed:
        if before.state == FollowUpState.VALIDATED:
            return "Réouverture"
        return FOLLOW_UP_STEPS.get(record.state, HISTORY_KINDS["~"])
    if source.model is Convention and record.history_type == "~" and state_changed:
        label = dict(ConventionState.choices).get(record.state, record.state)
        return f"Passage à l'état « {label} »"
    if record.history_type in ("+", "-") and source.model in OWN_WORDS:
        return OWN_WORDS[source.model][record.history_type == "-"]
    if source.model is Document:
        if record.state == DocumentState.DONE:
            return "Production terminée"
        if record.state == DocumentState.FAILED:
            return "Échec de la production"
    return HISTORY_KINDS.get(record.history_type, record.history_type)
