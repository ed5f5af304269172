"""Convention templates edited by the Caf's advisers, and templates made from a convention.

Who may do what:

- an administrator reads and edits every template, the national ones included;
- a Caf adviser reads their Caf's templates and the national ones, and edits
  their Caf's only: a national template is read-only for them (NotAllowed),
  another Caf's template does not exist for them (the pages answer 404);
- nobody else sees templates.

Every save carries the version the person read (`template_version`: the last
history records of the template and of its articles, so an edit made in the
admin site counts too). A save carrying an older version is refused
(StaleTemplate), never written over someone else's. Every write is historised
with its author; `template_history` reads it back.

A convention becomes a template of its Caf ("utiliser comme modèle de la Caf")
by copying its legal visas (its deliberation lines are its own: dropped), its
preamble and its articles, and putting the documented placeholders back where
the convention's own values appear literally, by plain string replacement.

Functions take a user and plain data, never a request. Refusals are
TemplateError (French, user-facing) or ValidationError (per field).
"""

import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Max, Q
from simple_history.utils import bulk_create_with_history

from conventions.access import can_edit
from conventions.history import HISTORY_KINDS, Change, HistoryEntry, author_name
from conventions.models import ConventionTemplate, TemplateArticle
from conventions.placeholders import PLACEHOLDERS, placeholder_values

TEMPLATE_FIELDS = ("name", "is_active", "visas", "preamble")
ARTICLE_FIELDS = ("number", "title", "body", "has_party_blocks")
# simple-history stores the change reason in 100 characters.
REASON_LENGTH = 100
# Renumbered articles pass through numbers no real template uses, so that swapping
# two numbers never meets the (template, number) unique constraint half-way.
RENUMBERING_OFFSET = 10000
DELIBERATION_VISA = re.compile(r"^\s*vu\s+(la|les)\s+délibérations?\b", re.IGNORECASE)


class TemplateError(Exception):
    """A template change that is not allowed; the message is French and user-facing."""


class NotAllowed(TemplateError):
    """The person may read the template but not change it (the pages answer 403)."""


class StaleTemplate(TemplateError):
    """Someone saved the template since this person read it."""

    def __init__(self, current_version, author=None):
        self.current_version = current_version
        self.author = author
        who = f" par {author}" if author else ""
        super().__init__(
            f"Ce modèle a été modifié{who} pendant que vous le modifiiez : votre saisie n'a pas "
            "été enregistrée. Elle est reprise ci-dessous, à côté de la version enregistrée ; "
            "vérifiez puis enregistrez à nouveau."
        )


# -- Who ----------------------------------------------------------------------


def may_use_templates(user) -> bool:
    """Administrators and Caf advisers; the template pages answer 403 to anyone else."""
    if not user.is_authenticated:
        return False
    return user.is_administrator or (user.is_adviser and bool(user.organisation_id))


def visible_templates(user):
    """Templates a user may read: every one for an administrator; their Caf's and the
    national ones for an adviser; none for anyone else."""
    templates = ConventionTemplate.objects.all()
    if not may_use_templates(user):
        return templates.none()
    if user.is_administrator:
        return templates
    return templates.filter(Q(caf_id=user.organisation_id) | Q(caf__isnull=True))


def can_edit_template(user, template) -> bool:
    if not may_use_templates(user):
        return False
    if user.is_administrator:
        return True
    return template.caf_id is not None and template.caf_id == user.organisation_id


def template_list(user):
    return (
        visible_templates(user)
        .select_related("caf", "created_from")
        .annotate(article_count=Count("articles"))
        .order_by(F("caf__name").asc(nulls_last=True), "name")
    )


# -- Versions -----------------------------------------------------------------


def template_version(template) -> str:
    """The version a person reads: the last history records of the template and of its
    articles (deleted ones included), e.g. "12.57"."""
    own = _last_history_id(template.history.all())
    articles = _last_history_id(TemplateArticle.history.filter(template_id=template.pk))
    return f"{own}.{articles}"


def _last_history_id(records):
    return records.aggregate(last=Max("history_id"))["last"] or 0


def _last_author(template):
    records = [
        template.history.select_related("history_user").order_by("-history_id").first(),
        TemplateArticle.history.filter(template_id=template.pk)
        .select_related("history_user")
        .order_by("-history_id")
        .first(),
    ]
    records = [r for r in records if r is not None]
    if not records:
        return None
    last = max(records, key=lambda record: record.history_date)
    if last.history_user is None:
        return None
    return last.history_user.get_full_name() or last.history_user.username


def _locked(user, template):
    locked = ConventionTemplate.objects.select_for_update().get(pk=template.pk)
    if not can_edit_template(user, locked):
        raise NotAllowed("Ce modèle est en lecture seule pour vous.")
    return locked


def _check_version(template, version):
    current = template_version(template)
    if str(version) != current:
        raise StaleTemplate(current, _last_author(template))


def _reason(text):
    return text if len(text) <= REASON_LENGTH else text[: REASON_LENGTH - 1] + "…"


# -- Editing ------------------------------------------------------------------


def update_template(user, template, version, data) -> bool:
    """Save the name, state and texts of a template; return whether anything changed.

    data: name, is_active, visas, preamble. Raises NotAllowed, StaleTemplate or
    ValidationError (per field).
    """
    with transaction.atomic():
        locked = _locked(user, template)
        _check_version(locked, version)
        changed = [name for name in TEMPLATE_FIELDS if getattr(locked, name) != data[name]]
        if not changed:
            return False
        for name in changed:
            setattr(locked, name, data[name])
        locked.full_clean()
        locked._history_user = user
        locked._change_reason = "Modifié dans l'application"
        locked.save()
    return True


@dataclass
class ArticleChanges:
    created: int = 0
    changed: int = 0
    deleted: int = 0

    def __bool__(self):
        return bool(self.created or self.changed or self.deleted)


def update_articles(user, template, version, rows) -> ArticleChanges:
    """Save the articles of a template at once.

    rows: one dict per article shown: id (None for a new one), number, title, body,
    has_party_blocks, delete. Articles not in rows are kept as they are. Raises
    NotAllowed, StaleTemplate, TemplateError or ValidationError.
    """
    with transaction.atomic():
        locked = _locked(user, template)
        _check_version(locked, version)
        existing = {article.pk: article for article in locked.articles.all()}
        if {row["id"] for row in rows if row.get("id")} - set(existing):
            raise TemplateError(
                "Un des articles envoyés n'appartient pas à ce modèle (il a peut-être été "
                "supprimé entre-temps) : rechargez la page."
            )
        doomed = {row["id"] for row in rows if row.get("id") and row.get("delete")}
        deleted = [existing.pop(pk) for pk in sorted(doomed)]
        changed, created, renumbered = [], [], []
        for row in rows:
            if row.get("delete") or row.get("id") in doomed:
                continue
            article = existing[row["id"]] if row.get("id") else TemplateArticle(template=locked)
            if article.pk and all(getattr(article, name) == row[name] for name in ARTICLE_FIELDS):
                continue
            if article.pk and article.number != row["number"]:
                renumbered.append(article.pk)
            for name in ARTICLE_FIELDS:
                setattr(article, name, row[name])
            (changed if article.pk else created).append(article)
        _check_articles(list(existing.values()) + created, changed + created)
        for article in deleted:
            article._history_user = user
            article._change_reason = "Supprimé dans l'application"
            article.delete()
        # queryset.update writes no history: the records keep only the real numbers.
        for offset, pk in enumerate(renumbered):
            TemplateArticle.objects.filter(pk=pk).update(number=RENUMBERING_OFFSET + offset)
        for article in changed + created:
            article._history_user = user
            article._change_reason = "Modifié dans l'application"
            article.save()
    return ArticleChanges(created=len(created), changed=len(changed), deleted=len(deleted))


def _check_articles(kept, written, blank_bodies=False):
    """Each article written follows the model's rules; the numbers of the articles kept
    stay unique. blank_bodies: an article copied from a signed convention may have lost
    its text; the template keeps it, and its edit page asks for the text."""
    problems = []
    for article in written:
        exclude = ["template"] + (["body"] if blank_bodies and not article.body else [])
        try:
            article.full_clean(exclude=exclude, validate_constraints=False)
        except ValidationError as error:
            for name, messages in error.message_dict.items():
                where = f"Article {article.number}"
                if name in ARTICLE_FIELDS:
                    where += f", {TemplateArticle._meta.get_field(name).verbose_name}"
                problems.extend(f"{where} : {message}" for message in messages)
    numbers = [article.number for article in kept]
    duplicates = sorted({number for number in numbers if numbers.count(number) > 1})
    if duplicates:
        listed = ", ".join(str(number) for number in duplicates)
        problems.append(f"Plusieurs articles portent le même numéro : {listed}.")
    if problems:
        raise ValidationError(problems)


# -- History ------------------------------------------------------------------

# Short values are shown before and after; long texts are only said to have changed.
SHOWN_VALUES = {"name", "is_active", "number", "title", "has_party_blocks"}


def template_history(template) -> list[HistoryEntry]:
    """Who changed what and when, in the template and its articles, most recent first.

    Two queries whatever the length of the history: each record is compared with the
    previous record of the same object in memory, never through prev_record.
    """
    own = template.history.select_related("history_user").order_by("history_id")
    articles = (
        TemplateArticle.history.filter(template_id=template.pk)
        .select_related("history_user")
        .order_by("history_id")
    )
    entries = _entries(
        own,
        [
            ("name", "nom"),
            ("is_active", "actif"),
            ("visas", "visas"),
            ("preamble", "préambule"),
            ("caf_id", "Caf"),
            ("created_from_id", "créé à partir de la convention"),
        ],
        lambda record: "Modèle",
    )
    entries += _entries(
        articles,
        [(name, TemplateArticle._meta.get_field(name).verbose_name) for name in ARTICLE_FIELDS],
        lambda record: f"Article {record.number} – {record.title}",
    )
    entries.sort(key=lambda entry: entry.date, reverse=True)
    return entries


def _entries(records, fields, subject):
    entries, previous = [], {}
    for record in records:
        before = previous.get(record.id)
        previous[record.id] = record
        changes = []
        if record.history_type == "~" and before is not None:
            for name, label in fields:
                old, new = getattr(before, name), getattr(record, name)
                if old == new:
                    continue
                if name in SHOWN_VALUES:
                    changes.append(Change(label, _shown(old), _shown(new)))
                else:
                    changes.append(Change(label))
            if not changes:
                continue  # saved without a change: nothing to tell
        entries.append(
            HistoryEntry(
                date=record.history_date,
                author=author_name(record.history_user),
                kind=HISTORY_KINDS.get(record.history_type, record.history_type),
                subject=subject(record),
                reason=record.history_change_reason or "",
                changes=changes,
            )
        )
    return entries


def _shown(value):
    if isinstance(value, bool):
        return "oui" if value else "non"
    return str(value)


# -- A template from a convention ---------------------------------------------


@dataclass
class Replacement:
    placeholder: str
    description: str
    value: str
    count: int


@dataclass
class Proposal:
    """What "utiliser comme modèle de la Caf" would create, shown before it is."""

    name: str
    visas: str
    preamble: str
    articles: list[dict]
    replacements: list[Replacement]
    dropped_visas: list[str]


def proposed_name(convention) -> str:
    max_length = ConventionTemplate._meta.get_field("name").max_length
    return f"Modèle {convention.caf.name} d'après {convention.title}"[:max_length]


def proposal_from_convention(convention) -> Proposal:
    """The convention's legal visas, preamble and articles, its own values replaced by the
    placeholders, longest values first so that "la Communauté de communes du Val
    d'Argent" becomes {collectivite_chef_de_file} before "Communauté de communes du Val
    d'Argent" can become {territoire}."""
    values = placeholder_values(convention)
    # When the territory is named exactly as the lead authority ("Pays de Montbéliard
    # Agglomération"), the lead authority wins: its designation carries the article
    # that "copiloté par la Caf et ..." needs once another territory fills it.
    ordered = sorted(
        ((name, value) for name, value in values.items() if value and name in PLACEHOLDERS),
        key=lambda item: (-len(item[1]), item[0] != "collectivite_chef_de_file"),
    )
    counts = dict.fromkeys(values, 0)

    def generalise(text):
        for name, value in ordered:
            text, count = _replace(text, value, f"{{{name}}}")
            counts[name] += count
        return text

    kept, dropped = [], []
    for line in convention.visas.splitlines():
        (dropped if DELIBERATION_VISA.match(line) else kept).append(line)
    proposal = Proposal(
        name=proposed_name(convention),
        visas=generalise("\n".join(kept).strip("\n")),
        preamble=generalise(convention.preamble),
        articles=[
            {
                "number": article.number,
                "title": generalise(article.title),
                "body": generalise(article.body),
                "has_party_blocks": article.has_party_blocks,
            }
            for article in convention.articles.order_by("number")
        ],
        replacements=[],
        dropped_visas=[line.strip() for line in dropped],
    )
    proposal.replacements = [
        Replacement(f"{{{name}}}", PLACEHOLDERS[name], value, counts[name])
        for name, value in ordered
        if counts[name]
    ]
    return proposal


def _replace(text, value, token):
    """Plain replacement of a value, and of its capitalised form where it opens a line
    (fill_placeholders capitalises it back there). Returns the text and the count."""
    count = text.count(value)
    text = text.replace(value, token)
    capital = value[:1].upper() + value[1:]
    if capital != value and capital in text:
        lines = text.split("\n")
        for index, line in enumerate(lines):
            if line.startswith(capital):
                lines[index] = token + line[len(capital) :]
                count += 1
        text = "\n".join(lines)
    return text, count


def create_from_convention(user, convention, name) -> ConventionTemplate:
    """A new template of the convention's Caf, made from the convention (see the
    module's docstring). Raises NotAllowed or ValidationError."""
    if not can_edit(user, convention):
        raise NotAllowed(
            "Seul un conseiller de la Caf de cette convention peut en faire un modèle."
        )
    proposal = proposal_from_convention(convention)
    template = ConventionTemplate(
        name=name.strip(),
        caf=convention.caf,
        visas=proposal.visas,
        preamble=proposal.preamble,
        is_active=True,
        created_from=convention,
    )
    template.full_clean()
    articles = [TemplateArticle(template=template, **article) for article in proposal.articles]
    _check_articles(articles, articles, blank_bodies=True)
    reason = _reason(f"Créé d'après la convention {convention.reference}")
    with transaction.atomic():
        template._history_user = user
        template._change_reason = reason
        template.save()
        for article in articles:
            article.template = template
        bulk_create_with_history(
            articles, TemplateArticle, default_user=user, default_change_reason=reason
        )
    return template
