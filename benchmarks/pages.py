"""Benchmark: every page of the application and the exports, over HTTP against gunicorn
with DEBUG off, for a user of each role; one table of queries, size and times.

Not a timed test: it prints the figures. Targets on the reference machine (2 cores,
national data set): p95 under 150 ms and p50 within 5 times the trivial view (the
account page, measured in the same run); rows over a target are flagged.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ctg_national \\
    .venv/bin/python benchmarks/pages.py [--repeat 20] [--workers 4] [--only plan] \\
        [--json test-output/pages.json]

The users come from the data: an administrator, the adviser of the Caf with the most
conventions, a chargé de coopération of the lead authority of the convention with the
most action sheets, a reader (of a party to that convention when there is one). Each
gets a session written in the session table (deleted at the end; passwords and
last_login untouched). The pages come from the URL patterns, as the accessibility tests
list them (tests/browser/site_pages.py), with ids from the data: the convention with the
most action sheets, the one with the most parties, the draft with the most sheets, and
whichever holds a meeting, a review, an amendment or a deliberation when those lack one.

Each page is requested once in-process with the test client to count its queries and to
learn which roles may see it (a 403 or 404 means the role may not: not measured; a page
any visitor sees is measured signed out). Then gunicorn is started, each (page, role)
warmed up by one request per worker at once, and timed ``--repeat`` times in turn.
A status other than 200 or 302 is printed as an error.
"""

import argparse
import concurrent.futures
import datetime
import json
import logging
import os
import sys
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import common  # noqa: E402

TARGET_P95_MS = 150
TARGET_RATIO = 5
TRIVIAL = "account:preferences"
ANONYMOUS = "anonyme"
# Downloads of stored files (scans, minutes, rendered documents): what they cost is the
# storage's, and the national data set has no files.
FILES = {
    "conventions:deliberation_scan",
    "conventions:document_download",
    "actionplan:meeting_minutes",
    "conventions:import_source",
}
EXPORTS = {"actionplan:export_xlsx", "actionplan:export_csv"}


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=20, help="requêtes chronométrées par page")
    parser.add_argument("--warmup", type=int, default=1, help="tours de chauffe par page")
    parser.add_argument("--workers", type=int, default=4, help="workers gunicorn")
    parser.add_argument("--only", default="", help="pages dont le nom ou le chemin contient ceci")
    parser.add_argument("--roles", default="", help="rôles mesurés, séparés par des virgules")
    parser.add_argument("--no-admin", action="store_true", help="sans les pages de /admin/")
    parser.add_argument("--json", type=Path, help="enregistre les résultats dans ce fichier")
    return parser.parse_args()


def choose_cast():
    """{role label: user}, chosen from the data as the module's docstring says."""
    from django.db.models import Count, Q

    from conventions.models import Convention
    from partners.models import User
    from partners.models.user import Role

    active = User.objects.filter(is_active=True).select_related("organisation")
    cast = {}
    admin = active.filter(Q(role=Role.ADMINISTRATOR) | Q(is_superuser=True)).order_by("pk")
    if admin.exists():
        cast["administrateur"] = admin.first()
    cafs = Convention.objects.values("caf").annotate(n=Count("pk")).order_by("-n", "caf")
    for row in cafs:
        adviser = active.filter(role=Role.ADVISER, organisation_id=row["caf"]).order_by("pk")
        if adviser.exists():
            cast["conseiller"] = adviser.first()
            break
    plan = biggest_plan()
    if plan:
        chargés = active.filter(role=Role.COOPERATION).order_by("pk")
        chargé = (
            chargés.filter(organisation_id=plan.lead_authority_id).first()
            or chargés.filter(organisation__parties__convention=plan).first()
            or chargés.first()
        )
        if chargé:
            cast["chargé"] = chargé
        readers = active.filter(role=Role.READER).order_by("pk")
        reader = readers.filter(organisation__parties__convention=plan).first() or readers.first()
        if reader:
            cast["lecteur"] = reader
    return cast


def biggest_plan():
    from django.db.models import Count

    from conventions.models import Convention

    return Convention.objects.annotate(n=Count("action_sheets")).order_by("-n", "pk").first()


def chosen_conventions():
    """The conventions whose ids fill the pages: ({main one: [why chosen]}, [extra ones
    for the pages the main ones cannot fill])."""
    from django.db.models import Count

    from actionplan.models import Meeting, Review
    from conventions.models import Amendment, Convention, ConventionState, Deliberation

    by = Convention.objects.annotate(sheets=Count("action_sheets", distinct=True))
    main = {}
    for label, convention in (
        ("plus grand plan", biggest_plan()),
        (
            "plus de parties",
            Convention.objects.annotate(n=Count("parties")).order_by("-n", "pk").first(),
        ),
        (
            "projet au plus grand plan",
            by.filter(state=ConventionState.DRAFT).order_by("-sheets", "pk").first(),
        ),
    ):
        if convention:
            main.setdefault(convention, []).append(label)
    # The first meeting, review and amendment of the data, wherever they are.
    extra = [
        getattr(
            model.objects.order_by("pk").select_related("convention").first(), "convention", None
        )
        for model in (Meeting, Review, Amendment)
    ]
    deliberation = Deliberation.objects.order_by("pk").select_related("party__convention").first()
    extra.append(deliberation.party.convention if deliberation else None)
    extra = [c for c in dict.fromkeys(extra) if c and c not in main]
    return main, extra


def convention_values(convention):
    """The ids a convention's pages need, as tests/browser/site_pages.py names them."""
    from actionplan.models import FollowUp, Meeting, Objective, Review
    from conventions.models import Amendment, Deliberation, Document, SignedCopy

    values = {"pk": convention.pk, "action": "figer", "table": "actions"}
    deliberation = Deliberation.objects.filter(party__convention=convention).first()
    party = deliberation.party if deliberation else convention.parties.order_by("pk").first()
    if deliberation:
        values["deliberation_pk"] = deliberation.pk
    if party:
        values["party_pk"] = party.pk
    optional = {
        "axis_pk": convention.axes.order_by("pk").first(),
        "objective_pk": Objective.objects.filter(axis__convention=convention)
        .order_by("pk")
        .first(),
        "sheet_pk": convention.action_sheets.order_by("pk").first(),
        "meeting_pk": Meeting.objects.filter(convention=convention).order_by("pk").first(),
        "review_pk": Review.objects.filter(convention=convention).order_by("pk").first(),
    }
    values.update({name: found.pk for name, found in optional.items() if found})
    document = Document.objects.filter(convention=convention).order_by("pk").first()
    if document:
        values["document_pk"] = document.pk
    copy = SignedCopy.objects.filter(document__convention=convention).order_by("pk").first()
    if copy:
        values["copy_pk"] = copy.pk
    if optional["sheet_pk"]:
        # The sheet's page is named by its number (conflicting with an amendment's).
        values["sheet_number"] = optional["sheet_pk"].number
    amendment = Amendment.objects.filter(convention=convention).order_by("number").first()
    if amendment:
        values["number"] = amendment.number
    # The latest quarter with entries: the fullest one of a plan followed for years.
    latest = (
        FollowUp.objects.filter(action_sheet__convention=convention)
        .order_by("-year", "-quarter", "pk")
        .first()
    )
    if latest:
        values.update(year=latest.year, quarter=latest.quarter, entry_pk=latest.pk)
    return values


def list_pages(include_admin):
    """[(name, path)] of every page and export, ids filled from the data."""
    from django.urls import get_resolver

    from conventions.models import ConventionTemplate
    from tests.browser.site_pages import (
        NEEDS_UPLOAD,
        NOT_PAGE_NAMESPACES,
        NOT_PAGES,
        _fill,
        _patterns,
        admin_pages,
    )

    main, extra = chosen_conventions()
    if not main:
        sys.exit("La base n'a aucune convention : rien à mesurer.")
    plan = next(iter(main))
    print("Conventions mesurées :")
    for convention, labels in main.items():
        print(f"  {', '.join(labels)} : n° {convention.pk} {convention.reference}")
    by_convention = [convention_values(c) for c in [*main, *extra]]
    general = {**by_convention[0], "uidb64": "MQ", "token": "lien-perime"}
    template = ConventionTemplate.objects.filter(pk=plan.template_id).first()
    template = template or ConventionTemplate.objects.order_by("pk").first()

    pages = []
    for name, route in _patterns(get_resolver()):
        # The JSON API has its own benchmark (benchmarks/api.py).
        if name.startswith(NOT_PAGE_NAMESPACES):
            continue
        if name in NEEDS_UPLOAD or name in FILES or (name in NOT_PAGES and name not in EXPORTS):
            continue
        if name in EXPORTS:
            tables = ("actions", "indicateurs", "suivi") if "<slug:table>" in route else ("",)
            for table in tables:
                pages.append((name, _fill(route, {**by_convention[0], "table": table})))
        elif route.startswith("modeles/<"):
            if template:
                pages.append((name, _fill(route, {"pk": template.pk})))
        elif "<int:pk>" in route and route.startswith("conventions/"):
            candidates = by_convention
            if name == "actionplan:sheet":
                candidates = [
                    {**v, "number": v["sheet_number"]} if "sheet_number" in v else v
                    for v in by_convention
                ]
            paths = []
            for values in candidates[: len(main)]:
                with _missing_ok():
                    paths.append(_fill(route, values))
            for values in candidates[len(main) :]:
                if paths:
                    break
                with _missing_ok():
                    paths.append(_fill(route, values))
            if not paths:
                print(f"  non mesurée (aucun objet dans les données) : {name} {route}")
            pages += [(name, path) for path in paths]
        else:
            pages.append((name, _fill(route, general)))
    pages += searches(plan)
    if include_admin:
        pages += admin_pages()
    return list(dict.fromkeys(pages))


class _missing_ok:
    """Skips a route the convention has no object for (KeyError from _fill)."""

    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        return kind is KeyError


def searches(plan):
    """The list searched by a word of the plan's lead authority, its second page, and
    the organisation picker's search."""
    from urllib.parse import quote

    from django.urls import reverse

    words = [w for w in plan.lead_authority.name.split() if len(w) > 4] if plan else []
    word = quote(words[-1] if words else "saint")
    return [
        ("conventions:list", f"{reverse('conventions:list')}?q={word}"),
        ("conventions:list", f"{reverse('conventions:list')}?page=2"),
        ("partners:search", f"{reverse('partners:search')}?q={word}&type=epci,commune"),
    ]


def count_queries(pages, sessions):
    """{(name, path, role): (status, queries, bytes)} in-process; a page any visitor may
    see is kept signed out only."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    def visit(path, session):
        client = Client(HTTP_HOST=common.HOST, raise_request_exception=False)
        if session:
            client.cookies[common.session_cookie_name()] = session
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path)
            body = b"".join(response.streaming_content) if response.streaming else response.content
        status = response.status_code
        # Sent to a login page (the site's or the admin's): the role may not see it.
        if status == 302 and urlsplit(response["Location"]).path in logins:
            status = 401
        return status, len(queries), len(body)

    logins = {reverse("login"), reverse("admin:login")}

    # 403 and 404 are the expected answers to roles that may not see a page.
    logging.getLogger("django.request").setLevel(logging.ERROR)
    found = {}
    for name, path in pages:
        anonymous = visit(path, None)
        if anonymous[0] == 200:
            found[(name, path, ANONYMOUS)] = anonymous
            continue
        for role, session in sessions.items():
            found[(name, path, role)] = visit(path, session)
    return found


def time_pages(port, rows, sessions, repeat, warmup, workers):
    """Adds 'times' (ms) and 'http_status' to each row."""
    pool = concurrent.futures.ThreadPoolExecutor(workers)
    try:
        for number, row in enumerate(rows, 1):
            session = sessions.get(row["role"])
            # One request per worker at once: every process has compiled the templates
            # and opened its database connection before the timed requests.
            for _ in range(warmup):
                list(
                    pool.map(
                        common.get, [port] * workers, [row["path"]] * workers, [session] * workers
                    )
                )
            times, statuses = [], set()
            for _ in range(repeat):
                status, _, elapsed = common.get(port, row["path"], session)
                statuses.add(status)
                times.append(elapsed * 1000)
            row["http_status"] = sorted(statuses)
            row["times"] = times
            print(
                f"\r  {number}/{len(rows)} {row['name']} ({row['role']})".ljust(80)[:80],
                end="",
                file=sys.stderr,
                flush=True,
            )
    finally:
        pool.shutdown(cancel_futures=True)
        print(file=sys.stderr)


def summarise(rows):
    floor = min(
        (common.percentile(r["times"], 0.5) for r in rows if r["name"] == TRIVIAL),
        default=None,
    )
    for row in rows:
        row["p50"] = common.percentile(row["times"], 0.5)
        row["p95"] = common.percentile(row["times"], 0.95)
        row["ratio"] = row["p50"] / floor if floor else None
        flags = []
        if row["p95"] > TARGET_P95_MS:
            flags.append("p95")
        if row["ratio"] and row["ratio"] > TARGET_RATIO:
            flags.append("ratio")
        if any(status not in (200, 302) for status in row["http_status"]):
            flags.append("ERREUR")
        row["flags"] = flags
    return floor


def print_table(rows, floor):
    header = (
        f"{'page':<40} {'chemin':<62} {'rôle':<14} {'HTTP':>4} {'req.':>5} {'Ko':>7} "
        f"{'p50 ms':>8} {'p95 ms':>8} {'ratio':>6}  hors cible"
    )
    print(header)
    print("-" * len(header))
    for row in rows:
        status = "/".join(str(s) for s in row["http_status"])
        ratio = f"{row['ratio']:.1f}" if row["ratio"] else "-"
        print(
            f"{row['name']:<40} {row['path']:<62} {row['role']:<14} {status:>4} "
            f"{row['queries']:>5} {row['bytes'] / 1024:>7.1f} {row['p50']:>8.1f} "
            f"{row['p95']:>8.1f} {ratio:>6}  {' '.join(row['flags'])}"
        )
    flagged = [r for r in rows if r["flags"]]
    print(
        f"\nVue triviale ({TRIVIAL}, p50 le plus bas des rôles) : {floor:.1f} ms."
        if floor
        else "\nVue triviale non mesurée."
    )
    print(
        f"{len(rows)} mesures, {len(flagged)} hors cible (p95 > {TARGET_P95_MS} ms "
        f"ou p50 > {TARGET_RATIO} × la vue triviale)."
    )
    if flagged:
        print("\nLes plus lentes hors cible (p95) :")
        for row in sorted(flagged, key=lambda r: -r["p95"])[:15]:
            print(
                f"  {row['p95']:>8.1f} ms  {row['name']} {row['path']} ({row['role']}, "
                f"{row['queries']} requêtes, {row['bytes'] / 1024:.0f} Ko)"
            )
    errors = [r for r in rows if "ERREUR" in r["flags"]]
    for row in errors:
        print(f"ERREUR : {row['name']} {row['path']} ({row['role']}) : HTTP {row['http_status']}")


def main():
    arguments = parse_arguments()
    environment = common.setup()
    common.collect_static()
    started = datetime.datetime.now(datetime.UTC)
    cast = choose_cast()
    if arguments.roles:
        wanted = {r.strip() for r in arguments.roles.split(",")}
        cast = {role: user for role, user in cast.items() if role in wanted}
    code = common.code_state()  # at the start: gunicorn runs the code of that moment
    print(f"Base : {common.database_label()} ; code : {code}")
    print("Utilisateurs :")
    for role, user in cast.items():
        print(f"  {role} : {user.username} ({user.organisation or 'sans organisation'})")
    pages = list_pages(include_admin=not arguments.no_admin)
    if arguments.only:
        pages = [p for p in pages if arguments.only in p[0] or arguments.only in p[1]]
        pages += [(TRIVIAL, "/compte/")]
        pages = list(dict.fromkeys(pages))

    sessions = {}
    try:
        for role, user in cast.items():
            sessions[role] = common.make_session(user)
        print(f"Comptage des requêtes SQL en processus ({len(pages)} pages)...", flush=True)
        counted = count_queries(pages, sessions)
        rows, refused, errors = [], [], []
        for (name, path, role), (status, queries, size) in counted.items():
            if status in (200, 302):
                rows.append(
                    {
                        "name": name,
                        "path": path,
                        "role": role,
                        "status": status,
                        "queries": queries,
                        "bytes": size,
                    }  # fmt: skip
                )
            elif status == 405:
                refused.append(name)
            elif status >= 500:
                errors.append(f"ERREUR : {name} {path} ({role}) : HTTP {status} en processus")
        seen = {(r["name"], r["path"]) for r in rows}
        closed = []
        for name, path in pages:
            statuses = {s for (n, p, _), (s, *_rest) in counted.items() if (n, p) == (name, path)}
            if (
                (name, path) not in seen
                and statuses != {405}
                and not any(s >= 500 for s in statuses)
            ):
                closed.append(f"{path} ({'/'.join(str(s) for s in sorted(statuses))})")
        print(f"Pages en POST seulement, non mesurées : {', '.join(sorted(set(refused)))}")
        if closed:
            # Legitimate for an admin page without addition, suspicious elsewhere.
            print(f"Pages qu'aucun rôle n'ouvre, non mesurées : {', '.join(closed)}")
        print(
            f"Chronométrage HTTP : {len(rows)} mesures × {arguments.repeat} requêtes "
            f"(charge de la machine avant : {os.getloadavg()[0]:.1f})...",
            flush=True,
        )
        with common.gunicorn(environment, arguments.workers) as port:
            time_pages(port, rows, sessions, arguments.repeat, arguments.warmup, arguments.workers)
    finally:
        common.delete_sessions(sessions.values())
    finished = datetime.datetime.now(datetime.UTC)

    floor = summarise(rows)
    print(
        f"\nMesuré du {started:%Y-%m-%d %H:%M} au {finished:%H:%M} UTC, "
        f"gunicorn {arguments.workers} workers, {arguments.repeat} requêtes par ligne "
        f"(charge de la machine après : {os.getloadavg()[0]:.1f}) :\n"
    )
    print_table(rows, floor)
    for line in errors:
        print(line)
    if arguments.json:
        arguments.json.parent.mkdir(parents=True, exist_ok=True)
        arguments.json.write_text(
            json.dumps(
                {
                    "started": started.isoformat(),
                    "finished": finished.isoformat(),
                    "database": common.database_label(),
                    "code": code,
                    "workers": arguments.workers,
                    "repeat": arguments.repeat,
                    "trivial_p50_ms": floor,
                    "users": {role: user.username for role, user in cast.items()},
                    "rows": rows,
                    "errors": errors,
                },
                ensure_ascii=False,
                indent=1,
            )
        )
        print(f"Résultats enregistrés dans {arguments.json}")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("Interrompu.")
