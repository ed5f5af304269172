"""What the page and load benchmarks share: Django set up as in production (DEBUG off),
gunicorn started and always stopped, sessions for chosen users, percentiles.

Import it first: ``setup()`` must run before any model import. The database is the
one of ``DATABASE_URL``; the benchmarks write nothing to it but the sessions they
create for their users (deleted at the end). Users' passwords are never touched.
"""

import contextlib
import http.client
import math
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUTPUT = ROOT / "test-output"
# Collected once and reused while no static source changes: whitenoise's compression
# takes most of a minute, and pages reference the collected manifest.
STATIC_ROOT = OUTPUT / "benchmark-static"
HOST = "127.0.0.1"

# Production settings over plain HTTP on 127.0.0.1, for gunicorn and for the in-process
# test client alike. The session cookies and their auth hashes are signed with
# SECRET_KEY, so both must share it: a fresh one per run unless one is given.
PRODUCTION_ENV = {
    "DEBUG": "false",
    "HTTPS_ONLY": "false",
    "SECURE_HSTS_SECONDS": "0",
    "BEHIND_PROXY": "false",
    "ALLOWED_HOSTS": f"{HOST},localhost,testserver",
    "STATIC_ROOT": str(STATIC_ROOT),
    "LOG_LEVEL": "WARNING",
}


# The cache production uses (docker-compose: CACHE_URL on Redis), shared by the workers,
# in a database of its own that each run empties. CACHE_URL set in the environment is used
# as given and never emptied; set empty, each process keeps its own memory (no plan cache).
BENCHMARK_CACHE_URL = "redis://127.0.0.1:6379/8"


def setup(check_migrations=True):
    """Django set up with DEBUG off in this process; returns the environment the
    gunicorn child gets (the same settings)."""
    if not os.environ.get("DATABASE_URL"):
        sys.exit(
            "DATABASE_URL n'est pas défini : le banc mesure la base de l'environnement, "
            "par exemple DATABASE_URL=postgres://postgres@127.0.0.1:5432/ctg_national"
        )
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "ctg.settings"
    os.environ.update(PRODUCTION_ENV)
    os.environ.setdefault("SECRET_KEY", "benchmark-" + secrets.token_urlsafe(32))
    own_cache = "CACHE_URL" not in os.environ
    os.environ.setdefault("CACHE_URL", BENCHMARK_CACHE_URL)
    # Rendering of documents never happens on GET; no broker needed either way.
    os.environ.pop("CELERY_BROKER_URL", None)
    import django

    django.setup()
    if check_migrations:
        _check_migrations()
    if own_cache:
        # Pages cached from another data set (regenerated since) would be read as this one's.
        from django.core.cache import cache

        cache.clear()
    # Ctrl-C and SIGTERM alike unwind the stack, so every `finally` stops gunicorn.
    # (SIGINT too: a shell's background job inherits it ignored.)
    signal.signal(signal.SIGTERM, _interrupt)
    signal.signal(signal.SIGINT, _interrupt)
    return dict(os.environ)


def _check_migrations():
    from django.db import connection
    from django.db.migrations.executor import MigrationExecutor

    executor = MigrationExecutor(connection)
    missing = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if missing:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in missing)
        sys.exit(f"La base n'a pas toutes les migrations du code ({names}) : migrez-la d'abord.")


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def database_label():
    from django.db import connection

    settings = connection.settings_dict
    return f"{settings['ENGINE'].rsplit('.', 1)[-1]} {settings['NAME']}"


def collect_static():
    """collectstatic into STATIC_ROOT unless its manifest is newer than every source."""
    from django.conf import settings
    from django.contrib.staticfiles.finders import get_finders

    manifest = STATIC_ROOT / "staticfiles.json"
    if manifest.exists():
        built = manifest.stat().st_mtime
        newest = 0.0
        for finder in get_finders():
            for path, storage in finder.list(ignore_patterns=[]):
                newest = max(newest, os.path.getmtime(storage.path(path)))
        if newest < built:
            return
    print("Collecte des fichiers statiques (une fois, ~1 min)...", flush=True)
    from django.core.management import call_command

    assert Path(settings.STATIC_ROOT) == STATIC_ROOT
    call_command("collectstatic", interactive=False, verbosity=0)


def free_port():
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return probe.getsockname()[1]


@contextlib.contextmanager
def gunicorn(environment, workers=4):
    """gunicorn serving the app on a free port of 127.0.0.1; yields the port.

    Its own session, so that a Ctrl-C reaches only this script, which then stops it
    (SIGTERM, then SIGKILL after 20 s)."""
    OUTPUT.mkdir(exist_ok=True)
    port = free_port()
    log_path = OUTPUT / "benchmark-gunicorn.log"
    command = [
        str(Path(sys.executable).with_name("gunicorn")), "ctg.wsgi",
        "--bind", f"{HOST}:{port}", "--workers", str(workers),
        "--timeout", "120", "--log-level", "warning",
    ]  # fmt: skip
    with open(log_path, "wb") as log:
        server = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
    try:
        _wait_ready(server, port, log_path)
        yield port
    finally:
        # A second Ctrl-C must not leave gunicorn running.
        previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
        try:
            if server.poll() is None:
                server.send_signal(signal.SIGTERM)
                try:
                    server.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    os.killpg(server.pid, signal.SIGKILL)
                    server.wait()
        finally:
            signal.signal(signal.SIGINT, previous)


def _wait_ready(server, port, log_path):
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            sys.exit(f"gunicorn s'est arrêté au démarrage : voir {log_path}")
        try:
            status, _, _ = get(port, "/sante/")
            if status == 200:
                return
        except OSError:
            pass
        time.sleep(0.2)
    sys.exit(f"gunicorn ne répond pas sur /sante/ après 60 s : voir {log_path}")


def get(port, path, session=None, timeout=120):
    """(status, body bytes, seconds) of one GET over a new connection, redirects not
    followed: gunicorn's sync workers close every connection anyway."""
    connection = http.client.HTTPConnection(HOST, port, timeout=timeout)
    headers = {"Host": HOST, "Accept-Encoding": "identity"}
    if session:
        headers["Cookie"] = f"{session_cookie_name()}={session}"
    try:
        started = time.perf_counter()
        connection.request("GET", path, headers=headers)
        response = connection.getresponse()
        body = response.read()
        elapsed = time.perf_counter() - started
    finally:
        connection.close()
    return response.status, body, elapsed


def session_cookie_name():
    from django.conf import settings

    return settings.SESSION_COOKIE_NAME


def make_session(user):
    """The key of a new session signed in as ``user``, as django.contrib.auth.login()
    would store it, without its side effects (no last_login update, no access log):
    only a row of the session table is written."""
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    store = SessionStore()
    store[SESSION_KEY] = user._meta.pk.value_to_string(user)
    store[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[-1]
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    store.create()
    return store.session_key


def delete_sessions(keys):
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key__in=list(keys)).delete()


def percentile(values, fraction):
    """Nearest-rank percentile (p50, p95) of a non-empty list."""
    ordered = sorted(values)
    rank = max(1, math.ceil(fraction * len(ordered)))
    return ordered[rank - 1]


def code_state():
    """The commit and whether the work tree has changes, for dating the figures."""
    try:
        commit = subprocess.run(
            ["git", "log", "-1", "--format=%h %cI"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        changed = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=ROOT, capture_output=True, text=True,
        ).stdout.split("\n")  # fmt: skip
    except OSError:
        return "inconnu"
    changed = [line for line in changed if line.strip()]
    return f"{commit}" + (
        f" + {len(changed)} fichier(s) modifié(s) non commités" if changed else ""
    )
