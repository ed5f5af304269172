"""Generated submissions over every page, filter and form, by every role: none answers
HTTP 500 (issue 9, "Bad input: 0 HTTP 500").

The walk resolves every URL pattern of the project with the ids of the demo (both
conventions, their parties, plan, meetings, reviews, documents, amendment, imports and
quarters, and ids of the other convention), GETs each page with hostile query strings,
parses every <form> of the pages with the standard library's HTML parser and posts
generated values to it: as rendered, valid-looking, empty, too long, of the wrong type,
with forged ids, with absurd formset totals, with fields missing. Each request runs in a
transaction rolled back afterwards, so every submission meets the same demo. The random
generator is seeded: a failure found once is found again.
"""

import datetime
import io
import logging
import random
from collections import Counter
from dataclasses import dataclass, field
from html.parser import HTMLParser
from itertools import islice
from urllib.parse import urlsplit

import openpyxl
import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.test.utils import override_settings
from django.urls import Resolver404, URLPattern, URLResolver, get_resolver, resolve, reverse
from pypdf import PdfWriter

from actionplan import export, tracking_import
from actionplan.models import (
    ActionSheet,
    Axis,
    FollowUp,
    ImportMode,
    Indicator,
    Meeting,
    MeetingKind,
    Objective,
    Review,
    ReviewKind,
)
from conventions import lifecycle
from conventions.importing import service as importing
from conventions.models import (
    Article,
    Convention,
    ConventionImport,
    ConventionTemplate,
    Deliberation,
    Document,
    DocumentKind,
    DocumentState,
    Party,
)
from conventions.views.amendment import AMENDMENT_TRANSITIONS
from conventions.views.lifecycle import TRANSITIONS
from partners.models import Organisation, Representative, User
from tests.importing import builders

pytestmark = [pytest.mark.django_db, pytest.mark.fuzz]

SEED = 20260409
TODAY = datetime.datetime(2026, 11, 23, 9, 0)
USERNAMES = [
    "conseiller.doubs",
    "conseiller.hautrhin",
    "cooperation.valdargent",
    "lecteur.valentigney",
    "admin",
]
# The admin site is Django's own, for administrators only: not walked. The login and
# password pages are, by the anonymous visitor and by everyone.
SKIPPED_NAMESPACES = {"admin"}
# Logging out would end the session the rest of the walk needs.
SKIPPED_NAMES = {"logout"}

# How much is generated: tuned to a few thousand requests in under three minutes.
HOSTILE_QUERIES_PER_PAGE = 2
FORMS_PER_PAGE = 3
SUBMISSIONS_PER_FORM = 6
MISSING_ID = 987654321

# Parameters read from the query string by the views, besides those of GET forms.
QUERY_PARAMETERS = [
    *("q", "caf", "status", "department", "year", "theme", "page", "etat", "trimestre"),
    *("objectif", "axe", "next"),
]

HOSTILE_VALUES = [
    *("", " ", "0", "-1", "-99999999999", "99999999999999999999", "2147483648", "1e308"),
    *("NaN", "inf", "abc", "1.5", "1,5", "%", "[]", "{}", "null", "true", "on"),
    *("0000-T1", "2026-T9", "2026-T0", "T1", "0000-00-00", "31/02/2026", "2026-02-31"),
    *("10000-01-01", "<script>alert(1)</script>", "' OR 1=1 --", "\x00", "a\x00b"),
    "Ünïcødé \U0001f642 \u202e \ufdfd",
    "x" * 5000,
    "9" * 400,
]

PLAIN_TEXT = [
    "Réunion du comité de pilotage",
    "Commune de Valentigney",
    "Développer l'offre d'accueil du jeune enfant",
    "Mme Noëllie HESTIN, maire",
]


def tiny_pdf():
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


# -- The demo, completed with one of each object the URLs name ---------------------------


@dataclass
class World:
    conventions: dict  # "vda" / "pma" -> Convention
    ids: dict  # (kwarg, convention reference) -> ids
    other_ids: dict  # kwarg -> ids of any convention (pk of imports and templates)
    id_pool: list  # every id of every kind: forged values for hidden fields and selects
    files: dict  # upload kind -> bytes
    media_root: object


def _tracking_import(pma, adviser):
    """A previewed, unconfirmed tracking table: a text of the third quarter changed."""
    book = openpyxl.load_workbook(io.BytesIO(export.workbook(pma)))
    sheet = book["Suivi détaillé"]
    headers = [cell.value for cell in sheet[1]]
    column = headers.index("Réalisations") + 1
    period = headers.index("Trimestre") + 1
    row = next(r for r in range(2, sheet.max_row + 1) if sheet.cell(r, period).value == "T3 2026")
    sheet.cell(row, column).value = "Relais petite enfance ouvert à Audincourt."
    output = io.BytesIO()
    book.save(output)
    return tracking_import.upload(
        adviser, pma, "tableau.xlsx", output.getvalue(), ImportMode.QUARTER, 2026, 3
    )


def _complete_the_demo(tmp):
    vda = Convention.objects.get(reference="val-d-argent-2026-2030")
    pma = Convention.objects.get(reference="pma-2023-2027")
    doubs = User.objects.get(username="conseiller.doubs")
    hautrhin = User.objects.get(username="conseiller.hautrhin")
    pdf = tiny_pdf()
    lifecycle.amend(pma, subject="Ajout d'une fiche action sur la parentalité")
    meeting = Meeting.objects.create(
        convention=pma,
        kind=MeetingKind.STEERING_COMMITTEE,
        date=datetime.date(2025, 11, 18),
        attendees="Caf du Doubs\nPays de Montbéliard Agglomération",
        minutes=ContentFile(pdf, name="compte-rendu.pdf"),
    )
    review = Review.objects.create(
        convention=pma, kind=ReviewKind.YEARLY, date=meeting.date, meeting=meeting
    )
    review.follow_ups.set(FollowUp.objects.filter(action_sheet__convention=pma, year=2025)[:5])
    for convention in (vda, pma):
        for kind in (DocumentKind.CONVENTION, DocumentKind.SIGNED_READY):
            Document.objects.create(
                convention=convention,
                kind=kind,
                state=DocumentState.DONE,
                content_hash=f"{convention.pk}-{kind}",
                file=ContentFile(pdf, name=f"{kind}.pdf"),
                page_count=1,
            )
    workbook = export.workbook(pma)
    _tracking_import(pma, doubs)
    docx = builders.build_docx(
        builders.reference_text(builders.VAL_D_ARGENT), tmp / "val-d-argent.docx"
    )
    with open(docx, "rb") as file:
        importing.read_upload(
            user=hautrhin, caf=hautrhin.organisation, file=file, filename="val-d-argent.docx"
        )

    def of(convention):
        return {
            "pk": [convention.pk],
            "party_pk": list(convention.parties.order_by("position").values_list("pk", flat=True)),
            "deliberation_pk": list(
                Deliberation.objects.filter(party__convention=convention).values_list(
                    "pk", flat=True
                )
            ),
            "number": list(convention.amendments.values_list("number", flat=True)),
            "document_pk": list(convention.documents.values_list("pk", flat=True)),
            "import_pk": list(convention.tracking_imports.values_list("pk", flat=True)),
            "axis_pk": list(convention.axes.values_list("pk", flat=True)),
            "objective_pk": list(
                Objective.objects.filter(axis__convention=convention).values_list("pk", flat=True)
            ),
            "sheet_pk": list(convention.action_sheets.values_list("pk", flat=True)),
            "meeting_pk": list(convention.meetings.values_list("pk", flat=True)),
            "review_pk": list(convention.reviews.values_list("pk", flat=True)),
        }

    ids = {}
    for key, convention in (("vda", vda), ("pma", pma)):
        for kwarg, values in of(convention).items():
            ids[kwarg, key] = values
    other_ids = {
        "import": list(ConventionImport.objects.values_list("pk", flat=True)),
        "template": list(ConventionTemplate.objects.values_list("pk", flat=True)),
    }
    id_pool = sorted(
        {
            pk
            for model in (
                Party,
                Article,
                Axis,
                Objective,
                ActionSheet,
                Indicator,
                Deliberation,
                Representative,
                Meeting,
                Review,
                Document,
                FollowUp,
            )
            for pk in model.objects.values_list("pk", flat=True)[:200]
        }
        | set(Organisation.objects.values_list("pk", flat=True)[:50])
    )
    files = {"pdf": pdf, "xlsx": workbook, "docx": docx.read_bytes()}
    return World({"vda": vda, "pma": pma}, ids, other_ids, id_pool, files, tmp)


@pytest.fixture(scope="module")
def world(django_db_blocker, tmp_path_factory, demo):
    tmp = tmp_path_factory.mktemp("fuzz")
    with (
        django_db_blocker.unblock(),
        time_machine.travel(TODAY, tick=False),
        override_settings(MEDIA_ROOT=tmp / "media"),
    ):
        yield _complete_the_demo(tmp)


# -- Forms as a browser reads them -------------------------------------------------------


@dataclass
class Field:
    name: str
    kind: str  # the input's type, "select" or "textarea"
    rendered: list = field(default_factory=list)  # what the browser sends untouched
    options: list = field(default_factory=list)  # select options, radio and checkbox values
    multiple: bool = False
    accept: str = ""


@dataclass
class Form:
    action: str
    method: str
    fields: dict = field(default_factory=dict)  # name -> Field
    buttons: list = field(default_factory=list)  # (name, value) of named submit buttons

    def signature(self, page_url):
        return (self.target(page_url), self.method, tuple(sorted(self.fields)))

    def target(self, page_url):
        action = urlsplit(self.action)
        path = action.path or urlsplit(page_url).path
        query = action.query if self.action else urlsplit(page_url).query
        return f"{path}?{query}" if query else path

    @property
    def is_formset(self):
        return any(name.endswith("-TOTAL_FORMS") for name in self.fields)


class FormParser(HTMLParser):
    """Every <form> of a page with its fields, grouped by name as they are submitted."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.forms = []
        self._form = None
        self._select = None
        self._textarea = None
        self._text = []

    def _field(self, name, kind, **attributes):
        fields = self._form.fields
        if name not in fields:
            fields[name] = Field(name, kind, **attributes)
        return fields[name]

    def handle_starttag(self, tag, attrs):
        attributes = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._form = Form(
                action=attributes.get("action", ""),
                method=attributes.get("method", "get").lower(),
            )
            self.forms.append(self._form)
            return
        name = attributes.get("name", "")
        if self._form is None:
            return
        if tag == "option" and self._select is not None:
            value = attributes.get("value", "")
            self._select.options.append(value)
            if "selected" in attributes:
                self._select.rendered.append(value)
        if not name or "__prefix__" in name or "disabled" in attributes:
            return
        if tag == "input":
            self._input(name, attributes)
        elif tag == "button" and attributes.get("type", "submit") == "submit":
            self._form.buttons.append((name, attributes.get("value", "")))
        elif tag == "select":
            self._select = self._field(name, "select", multiple="multiple" in attributes)
        elif tag == "textarea":
            self._textarea = self._field(name, "textarea")
            self._text = []

    def _input(self, name, attributes):
        kind = attributes.get("type", "text").lower()
        value = attributes.get("value", "")
        if kind in ("submit", "image"):
            self._form.buttons.append((name, value))
        elif kind in ("checkbox", "radio"):
            group = self._field(name, kind, multiple=kind == "checkbox")
            group.options.append(value or "on")
            if "checked" in attributes:
                group.rendered.append(value or "on")
        elif kind == "file":
            self._field(name, kind, accept=attributes.get("accept", ""))
        elif kind not in ("button", "reset"):
            self._field(name, kind, rendered=[value])

    def handle_endtag(self, tag):
        if tag == "form":
            self._form = None
        elif tag == "select" and self._select is not None:
            if not self._select.rendered and self._select.options and not self._select.multiple:
                self._select.rendered.append(self._select.options[0])
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            self._textarea.rendered = ["".join(self._text).removeprefix("\n")]
            self._textarea = None

    def handle_data(self, data):
        if self._textarea is not None:
            self._text.append(data)


def forms_of(response):
    if "html" not in response.get("Content-Type", ""):
        return []
    parser = FormParser()
    parser.feed(response.content.decode())
    return parser.forms


# -- Generated values --------------------------------------------------------------------


class Generator:
    def __init__(self, world, rng):
        self.world = world
        self.rng = rng

    def hostile(self):
        rng = self.rng
        draw = rng.random()
        if draw < 0.15:
            return str(rng.choice(self.world.id_pool))
        if draw < 0.2:
            return [rng.choice(HOSTILE_VALUES), str(rng.choice(self.world.id_pool))]
        return rng.choice(HOSTILE_VALUES)

    def upload(self, field_, hostile):
        rng, files = self.rng, self.world.files
        accept = field_.accept.lower()
        if "sheet" in accept or "xlsx" in accept:
            extension, content = ".xlsx", files["xlsx"]
        elif "word" in accept or "docx" in accept:
            extension, content = ".docx", files["docx"]
        else:
            extension, content = ".pdf", files["pdf"]
        if hostile:
            content = rng.choice(
                [
                    b"",
                    rng.randbytes(3000),
                    content[: len(content) // 2],
                    b"%PDF-1.7\n" + rng.randbytes(500) + b"\n%%EOF",
                    b"PK\x03\x04" + rng.randbytes(500),
                    rng.choice(list(files.values())),
                    content.replace(b"/Type", b"/Typo", 1),
                ]
            )
            extension = rng.choice([extension, extension, "", ".exe", ".PDF"])
        name = rng.choice(["document", "../../etc/passwd", "é" * 120, "Délibération n° 12"])
        return SimpleUploadedFile(name + extension, content)

    def plausible(self, field_):
        rng, kind = self.rng, field_.kind
        if kind in ("select", "checkbox", "radio"):
            options = [option for option in field_.options if option] or field_.options
            if not options:
                return []
            if field_.multiple:
                return rng.sample(options, rng.randint(0, min(3, len(options))))
            return [rng.choice(options)]
        if kind == "file":
            return [self.upload(field_, hostile=False)]
        if kind == "hidden":
            return field_.rendered
        if kind == "date":
            return [f"{rng.randint(2022, 2031)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"]
        if kind == "number":
            return [str(rng.choice([0, 1, 3, 12, 100, 2026]))]
        if kind == "email":
            return ["prenom.nom@example.fr"]
        if field_.rendered and field_.rendered[0] and rng.random() < 0.5:
            return field_.rendered
        return [rng.choice(PLAIN_TEXT)]

    def value(self, field_, hostile):
        if field_.kind == "file":
            return [self.upload(field_, hostile=hostile)]
        if not hostile:
            return self.plausible(field_)
        value = self.hostile()
        return value if isinstance(value, list) else [value]

    def submissions(self, form, count):
        """(strategy, data) pairs: as rendered first, then a seeded mix of the others."""
        # One wrong field in an otherwise valid form reaches the code behind validation.
        strategies = ["one", "one", "one", "plausible", "empty", "hostile", "mixed", "forged"]
        strategies += ["missing"]
        if form.is_formset:
            strategies += ["formset", "formset"]
        chosen = ["rendered", *self.rng.choices(strategies, k=count - 1)]
        return [(strategy, self.data(form, strategy)) for strategy in chosen]

    def data(self, form, strategy):
        rng = self.rng
        data = {}
        # The test client does not check the CSRF token: changing it would test nothing.
        mutable = [name for name in form.fields if name != "csrfmiddlewaretoken"]
        wrong = rng.choice(mutable) if mutable else None
        for name, field_ in form.fields.items():
            if strategy == "one" and name == wrong:
                value = self.value(field_, hostile=True)
            elif strategy in ("rendered", "one", "forged", "missing", "formset"):
                value = list(field_.rendered)
                if field_.kind == "file":
                    value = [self.upload(field_, hostile=False)]
            elif strategy == "empty":
                value = [] if field_.kind in ("file", "checkbox", "radio") else [""]
            elif strategy == "hostile":
                value = self.value(field_, hostile=True)
            elif strategy == "mixed":
                value = self.value(field_, hostile=rng.random() < 0.3)
            else:
                value = self.plausible(field_)
            if strategy == "forged" and any(v.isdigit() for v in value if isinstance(v, str)):
                value = [str(rng.choice(self.world.id_pool))]
            if strategy == "missing" and rng.random() < 0.5:
                continue
            if value:
                data[name] = value
        if strategy == "formset":
            for name in form.fields:
                if name.endswith("-TOTAL_FORMS"):
                    data[name] = [rng.choice(["2000", "1001", "-1", "abc", "", "99999999999"])]
                elif name.endswith("-INITIAL_FORMS"):
                    data[name] = [rng.choice(["0", "50", "-3", "x"])]
        if form.buttons:
            name, value = rng.choice(form.buttons)
            if name:
                data[name] = [value]
        return data

    def query(self, names):
        rng = self.rng
        query = {}
        for name in rng.sample(names, min(len(names), rng.randint(1, 4))):
            value = self.hostile()
            if rng.random() < 0.1:
                name = f"{name}[]"
            query[name] = value
        return query


# -- Every URL pattern, resolved with the demo's ids -------------------------------------


def url_patterns(patterns=None, namespace=None, converters=None):
    """(namespace, name, kwarg names) of every named URL pattern of the project."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for pattern in patterns:
        names = {**(converters or {}), **getattr(pattern.pattern, "converters", {})}
        if isinstance(pattern, URLResolver):
            yield from url_patterns(pattern.url_patterns, pattern.namespace or namespace, names)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield namespace, pattern.name, names


QUARTERS = [(2026, 3), (2025, 1), (2030, 4), (0, 9), (99999, 1)]
SLUGS = {
    "transition": [*TRANSITIONS, "inconnue"],
    "amendment_transition": [*AMENDMENT_TRANSITIONS, "inconnue"],
    "export_csv": [*export.TABLES, "inconnue"],
}


@dataclass
class Target:
    url: str
    owner: str  # the convention whose ids it uses, "" for pages of no convention
    forged: bool = False  # ids of the other convention, or ids that exist nowhere


def _kwargs(world, rng, name, kwarg_names, key, children_of):
    kwargs = {}
    for kwarg, converter in kwarg_names.items():
        if kwarg == "pk":
            kwargs[kwarg] = world.conventions[key].pk
        elif kwarg in ("year", "quarter"):
            continue
        elif kwarg in ("action", "table"):
            kwargs[kwarg] = rng.choice(SLUGS[name])
        elif (kwarg, children_of) in world.ids:
            values = world.ids[kwarg, children_of]
            kwargs[kwarg] = rng.choice(values) if values else MISSING_ID
        elif type(converter).__name__ == "IntConverter":
            kwargs[kwarg] = rng.choice([1, MISSING_ID])
        else:
            kwargs[kwarg] = "inconnu"
    if "year" in kwarg_names:
        kwargs["year"], kwargs["quarter"] = rng.choice(QUARTERS)
    return kwargs


def targets(world, rng):
    found = []
    for namespace, name, kwarg_names in url_patterns():
        if namespace in SKIPPED_NAMESPACES or name in SKIPPED_NAMES:
            continue
        view = f"{namespace}:{name}" if namespace else name
        if not kwarg_names:
            found.append(Target(reverse(view), ""))
        elif name in ("password_reset_confirm",):
            found.append(
                Target(reverse(view, kwargs={"uidb64": "MQ", "token": "set-password"}), "")
            )
        elif set(kwarg_names) == {"pk"} and name.startswith(("import", "template")):
            ids = world.other_ids["import" if name.startswith("import") else "template"]
            found += [Target(reverse(view, args=[pk]), "") for pk in ids]
            found.append(Target(reverse(view, args=[MISSING_ID]), "", forged=True))
        else:
            children = set(kwarg_names) - {"pk"}
            for key in ("vda", "pma"):
                kwargs = _kwargs(world, rng, name, kwarg_names, key, key)
                found.append(Target(reverse(view, kwargs=kwargs), key))
            if children:
                other = _kwargs(world, rng, name, kwarg_names, "vda", "pma")
                found.append(Target(reverse(view, kwargs=other), "vda", forged=True))
    return found


# -- The walk ----------------------------------------------------------------------------

OWNERS = {"vda": "conseiller.hautrhin", "pma": "conseiller.doubs"}


@dataclass
class Failure:
    username: str
    method: str
    url: str
    data: dict
    status: int
    error: str

    def __str__(self):
        shown = {k: [str(v)[:60] for v in vs] for k, vs in islice(self.data.items(), 12)}
        return (
            f"{self.status} {self.method} {self.url} ({self.username}): {self.error}\n"
            f"    données : {shown}"
        )


def walked(target):
    """Whether a form's target is a page of the walk (not another site, not logout)."""
    if not target.startswith("/"):
        return False
    try:
        match = resolve(urlsplit(target).path)
    except Resolver404:
        return True
    return match.namespace not in SKIPPED_NAMESPACES and match.url_name not in SKIPPED_NAMES


class Walk:
    def __init__(self, world, rng):
        self.generator = Generator(world, rng)
        self.rng = rng
        self.clients = {}
        self.sessions = {}
        self.failures = []
        self.statuses = Counter()
        self.submitted = Counter()  # method -> requests
        self.seen_forms = set()

    def client(self, username):
        if username not in self.clients:
            client = Client(raise_request_exception=False)
            if username:
                client.force_login(User.objects.get(username=username))
            self.clients[username] = client
            self.sessions[username] = client.cookies.get("sessionid")
        return self.clients[username]

    def request(self, username, method, url, data=None):
        client = self.client(username)
        with transaction.atomic():
            response = getattr(client, method)(url, data or {})
            transaction.set_rollback(True)
        self.submitted[method] += 1
        self.statuses[response.status_code] += 1
        if response.status_code >= 500:
            error = "(pas d'exception)"
            if response.exc_info:
                error = f"{response.exc_info[0].__name__}: {str(response.exc_info[1])[:200]}"
            self.failures.append(
                Failure(
                    username or "anonyme",
                    method.upper(),
                    url,
                    data or {},
                    response.status_code,
                    error,
                )
            )
        if client.cookies.get("sessionid") != self.sessions[username]:
            # A submission that logged the user out or changed their session, rolled
            # back in the database: sign in again for the rest of the walk.
            del self.clients[username]
        return response

    def visit(self, username, url):
        """GET the page, then with hostile query strings, then submit its forms."""
        response = self.request(username, "get", url)
        if response.status_code != 200:
            return response.status_code, []
        forms = [form for form in forms_of(response) if walked(form.target(url))]
        filters = [name for form in forms if form.method == "get" for name in form.fields]
        names = sorted(set(filters) | set(QUERY_PARAMETERS))
        for _ in range(HOSTILE_QUERIES_PER_PAGE):
            self.request(username, "get", url, self.generator.query(names))
        fresh = [form for form in forms if self.first_time(username, url, form)]
        for form in self.rng.sample(fresh, min(FORMS_PER_PAGE, len(fresh))):
            self.submit(username, url, form)
        return response.status_code, forms

    def first_time(self, username, page_url, form):
        """Forms repeated on many pages (a "move" button per party, the document
        requests on the convention page and on its own) are submitted once per user."""
        signature = (username, *form.signature(page_url))
        if signature in self.seen_forms:
            return False
        self.seen_forms.add(signature)
        return True

    def submit(self, username, page_url, form, count=SUBMISSIONS_PER_FORM):
        method = "post" if form.method == "post" else "get"
        for _strategy, data in self.generator.submissions(form, count):
            self.request(username, method, form.target(page_url), data)


@pytest.fixture
def _quiet_request_log():
    """Each 403 and 404 of the walk would log its traceback; the failures are reported
    below, all together."""
    logger = logging.getLogger("django.request")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    yield
    logger.setLevel(level)


def walk_everything(world, rng):
    walk = Walk(world, rng)
    with time_machine.travel(TODAY, tick=False):
        for target in targets(world, rng):
            if target.forged:
                usernames = [OWNERS.get(target.owner, "admin"), "admin"]
            else:
                usernames = USERNAMES + ([None] if not target.owner else [])
            harvested = {}
            refused = []
            for username in usernames:
                status, forms = walk.visit(username, target.url)
                if status == 200:
                    for form in forms:
                        harvested.setdefault(form.signature(target.url), form)
                else:
                    refused.append(username)
            # Those who may not see the page post what the others were shown.
            posts = [form for form in harvested.values() if form.method == "post"]
            for username in refused:
                fresh = [form for form in posts if walk.first_time(username, target.url, form)]
                for form in fresh[:FORMS_PER_PAGE]:
                    walk.submit(username, target.url, form, count=1)
    return walk


def test_no_generated_request_answers_a_server_error(world, settings, _quiet_request_log):
    settings.MEDIA_ROOT = world.media_root / "media"
    walk = walk_everything(world, random.Random(SEED))
    print(f"\n{dict(walk.submitted)} requêtes ; statuts {dict(sorted(walk.statuses.items()))}")
    # A walk that stopped early (a page no longer reachable, a lost session) fails too.
    assert sum(walk.submitted.values()) > 2000, walk.submitted
    assert walk.submitted["post"] > 800 and walk.statuses[200] > 1000, walk.statuses
    causes = Counter(failure.error.split(":")[0] for failure in walk.failures)
    assert not walk.failures, (
        f"{len(walk.failures)} erreurs serveur ({dict(causes)}) :\n"
        + "\n".join(str(failure) for failure in walk.failures[:60])
    )
