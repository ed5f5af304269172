"""Benchmark: 50 signed-in people browsing at once (locust, headless) against gunicorn
with DEBUG off; prints throughput, errors, p50 and p95 overall and per kind of page.

Not a timed test: it prints the figures. Target on the reference machine (2 cores,
national data set, 4 workers): 0 errors and p95 under 300 ms.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ctg_national \\
    .venv/bin/python benchmarks/load.py [--users 50] [--run-time 2m] [--workers 4]

The people are real users of the data, each with a session written in the session table
(deleted at the end; passwords and last_login untouched): the administrator, advisers
of the Cafs with the most conventions, chargés de coopération (the one of the biggest
plan's lead authority among them) and readers, about 30 % advisers, 50 % chargés and
20 % readers. Each browses up to 5 conventions they may see, with 3 to 7 s between pages
(benchmarks/locustfile.py): home, list, search, "À faire", a convention, its plan, its
dashboard, its latest quarter of follow-up, /suivi/ (advisers), the Excel export
(rarely). Nothing is written but the sessions. Statistics start once every person has
started (locust --reset-stats), after a ramp of 5 people a second.
"""

import argparse
import concurrent.futures
import csv
import datetime
import json
import os
import random
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks import common  # noqa: E402

TARGET_P95_MS = 300
CONVENTIONS_PER_PERSON = 5
SEED = 2026


def parse_arguments():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50, help="personnes simulées")
    parser.add_argument("--run-time", default="2m", help="durée (locust : 30s, 2m, 1h...)")
    parser.add_argument("--workers", type=int, default=4, help="workers gunicorn")
    parser.add_argument("--spawn-rate", type=float, default=5, help="personnes lancées par s")
    return parser.parse_args()


def choose_people(count):
    """About 30 % advisers (of the Cafs with the most conventions), 50 % chargés (the
    biggest plan's first), 20 % readers, and the administrator; fewer when the data
    has fewer."""
    from django.db.models import Count, Q

    from conventions.models import Convention
    from partners.models import User
    from partners.models.user import Role

    rng = random.Random(SEED)
    active = User.objects.filter(is_active=True).order_by("pk")
    people = list(active.filter(Q(role=Role.ADMINISTRATOR) | Q(is_superuser=True))[:1])
    cafs = [
        row["caf"]
        for row in Convention.objects.values("caf").annotate(n=Count("pk")).order_by("-n", "caf")
    ]
    advisers = []
    for caf in cafs:
        advisers += list(active.filter(role=Role.ADVISER, organisation_id=caf)[:1])
        if len(advisers) >= round(count * 0.3):
            break
    plan = Convention.objects.annotate(n=Count("action_sheets")).order_by("-n", "pk").first()
    chargés = list(active.filter(role=Role.COOPERATION))
    first = [c for c in chargés if plan and c.organisation_id == plan.lead_authority_id][:1]
    others = [c for c in chargés if c not in first]
    chargés = first + rng.sample(others, min(len(others), round(count * 0.5) - len(first)))
    readers = list(active.filter(role=Role.READER))
    readers = rng.sample(
        readers, min(len(readers), count - len(people) - len(advisers) - len(chargés))
    )
    return people + advisers + chargés + readers


def person_data(user, rng):
    """What a person browses: up to 5 conventions they may see, with their latest
    quarter of follow-up, and words to search for."""
    from actionplan.models import FollowUp
    from conventions.models import Convention

    visible = list(
        Convention.objects.visible_to(user).order_by("pk").values_list("pk", "lead_authority__name")
    )
    chosen = rng.sample(visible, min(len(visible), CONVENTIONS_PER_PERSON))
    conventions, words = [], []
    for pk, name in chosen:
        latest = (
            FollowUp.objects.filter(action_sheet__convention_id=pk)
            .order_by("-year", "-quarter")
            .values_list("year", "quarter")
            .first()
        )
        conventions.append({"pk": pk, "quarter": latest})
        words += [w for w in (name or "").split() if len(w) > 4][-1:]
    return {"role": user.role if not user.is_superuser else "admin", "username": user.username,
            "conventions": conventions, "words": words}  # fmt: skip


def warm_up(port, prepared, workers):
    """Each kind of page of one person of each role, once per worker at once: the timed
    part starts with every process's templates compiled and its connection open."""
    firsts = {person["role"]: person for person in prepared}.values()
    requests = []
    for person in firsts:
        paths = ["/", "/conventions/", "/a-faire/", "/suivi/"]
        for convention in person["conventions"][:1]:
            base = f"/conventions/{convention['pk']}/"
            paths += [base, f"{base}plan/", f"{base}tableau-de-bord/"]
            if convention["quarter"]:
                paths.append(f"{base}suivi/{convention['quarter'][0]}/T{convention['quarter'][1]}/")
        requests += [(path, person["session"]) for path in paths for _ in range(workers)]
    with concurrent.futures.ThreadPoolExecutor(workers) as pool:
        list(pool.map(lambda request: common.get(port, *request), requests))


def locust(port, arguments, users_file, prefix):
    command = [
        str(Path(sys.executable).with_name("locust")),
        "-f", str(Path(__file__).with_name("locustfile.py")),
        "--headless", "--users", str(arguments.users), "--spawn-rate", str(arguments.spawn_rate),
        "--run-time", arguments.run_time, "--host", f"http://{common.HOST}:{port}",
        "--csv", str(prefix), "--reset-stats", "--only-summary", "--loglevel", "WARNING",
        "--stop-timeout", "10",
    ]  # fmt: skip
    environment = {**os.environ, "CTG_LOAD_USERS": str(users_file)}
    log_path = common.OUTPUT / "benchmark-locust.log"
    with open(log_path, "wb") as log:
        process = subprocess.Popen(
            command, cwd=common.ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
        )
    try:
        process.wait()
    finally:
        if process.poll() is None:
            process.terminate()
            process.wait(timeout=30)
    return log_path


def report(prefix):
    with open(f"{prefix}_stats.csv", encoding="utf-8") as file:
        stats = list(csv.DictReader(file))
    header = f"{'page':<34} {'requêtes':>9} {'erreurs':>8} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8}"
    print(header)
    print("-" * len(header))
    total = None
    for row in stats:
        if row["Name"] == "Aggregated":
            total = row
            continue
        print(_line(row["Name"], row))
    print("-" * len(header))
    if total:
        print(_line("ensemble", total))
    with open(f"{prefix}_failures.csv", encoding="utf-8") as file:
        failures = list(csv.DictReader(file))
    for failure in failures:
        print(f"ERREUR : {failure['Name']} : {failure['Error']} ({failure['Occurrences']} fois)")
    return total


def _line(name, row):
    return (
        f"{name:<34} {int(row['Request Count']):>9} {int(row['Failure Count']):>8} "
        f"{float(row['Requests/s']):>7.1f} {row['50%']:>8} {row['95%']:>8}"
    )


def main():
    arguments = parse_arguments()
    environment = common.setup()
    common.collect_static()
    print(f"Base : {common.database_label()} ; code : {common.code_state()}")
    rng = random.Random(SEED)
    people = choose_people(arguments.users)
    if not people:
        sys.exit("La base n'a aucun utilisateur actif : rien à simuler.")
    roles = {}
    for user in people:
        roles[user.get_role_display()] = roles.get(user.get_role_display(), 0) + 1
    print(
        f"{len(people)} personnes distinctes : " + ", ".join(f"{n} {r}" for r, n in roles.items())
    )
    if len(people) < arguments.users:
        print(f"  (moins que {arguments.users} : certaines sessions servent deux fois)")
    prefix = common.OUTPUT / "benchmark-load"
    users_file = common.OUTPUT / "benchmark-load-users.json"
    sessions = []
    try:
        prepared = []
        for user in people:
            sessions.append(common.make_session(user))
            prepared.append({**person_data(user, rng), "session": sessions[-1]})
        users_file.write_text(
            json.dumps({"cookie": common.session_cookie_name(), "users": prepared}, indent=1)
        )
        started = datetime.datetime.now(datetime.UTC)
        load = os.getloadavg()[0]
        print(
            f"locust : {arguments.users} personnes, {arguments.run_time}, pause de 3 à 7 s, "
            f"gunicorn {arguments.workers} workers (charge de la machine avant : {load:.1f})...",
            flush=True,
        )
        with common.gunicorn(environment, arguments.workers) as port:
            warm_up(port, prepared, arguments.workers)
            log_path = locust(port, arguments, users_file, prefix)
        finished = datetime.datetime.now(datetime.UTC)
    finally:
        common.delete_sessions(sessions)
        users_file.unlink(missing_ok=True)
    if not Path(f"{prefix}_stats.csv").exists():
        sys.exit(f"locust n'a pas produit de statistiques : voir {log_path}")
    print(f"\nMesuré du {started:%Y-%m-%d %H:%M} au {finished:%H:%M} UTC :\n")
    total = report(prefix)
    if total:
        p95 = float(total["95%"]) if total["95%"] not in ("N/A", "") else 0
        verdict = (
            "dans la cible"
            if p95 <= TARGET_P95_MS and total["Failure Count"] == "0"
            else ("HORS CIBLE")
        )
        print(
            f"\nDébit {float(total['Requests/s']):.1f} req/s, {total['Failure Count']} erreur(s), "
            f"p50 {total['50%']} ms, p95 {total['95%']} ms : {verdict} "
            f"(0 erreur et p95 < {TARGET_P95_MS} ms)."
        )


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:
        sys.exit("Interrompu.")
