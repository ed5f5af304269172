"""Benchmark: the PMA convention (37 parties, 38 signing people, 10 action sheets)
rendered end to end by a real Celery worker, then re-rendered unchanged.

Not a timed test: it prints the times. Targets on the reference machine (2 cores):
under 3 s for a fresh rendering (plain and signed-ready), under 0.2 s for an
unchanged one.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ctg_documents \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/14 \\
    .venv/bin/python benchmarks/render_pma.py [--repeat 5]

--repeat N renders each of the two PMA documents N times afresh (the previous
document and its file are deleted first, so nothing is reused) and prints the
median and the slowest, end to end and inside the worker (render_seconds), and
the worker's median CPU time per rendering: on a machine shared with other work,
the CPU time stays what a quiet machine would take when the wall time doubles.

The database is migrated and the demo loaded when needed. The worker is started
here, on a queue of its own, and stopped at the end. "End to end" runs from the
request (Document row, task sent on commit) to the document stored and marked done.
"""

import argparse
import io
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ctg.settings")
os.environ.setdefault("DEBUG", "true")
os.environ.setdefault("CELERY_BROKER_URL", "redis://127.0.0.1:6379/14")
os.environ.setdefault("CELERY_RESULT_BACKEND", os.environ["CELERY_BROKER_URL"])
QUEUE = f"ctg-benchmark-{uuid.uuid4().hex[:8]}"
# Rendered files go to a scratch folder (shared with the worker), removed at the end.
MEDIA = os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="ctg-benchmark-"))

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import transaction  # noqa: E402

from conventions.documents import service  # noqa: E402
from conventions.models import Convention, Document, DocumentKind, DocumentState  # noqa: E402
from ctg.celery import app  # noqa: E402

TIMEOUT = 120


def prepare():
    call_command("migrate", verbosity=0)
    if not Convention.objects.filter(reference="pma-2023-2027").exists():
        print("Chargement de la démo (une fois)...")
        call_command("load_demo", force=True, stdout=io.StringIO())


def start_worker():
    command = [
        str(Path(sys.executable).with_name("celery")),
        "-A", "ctg", "worker", "--pool=solo", "--concurrency=1",
        f"--queues={QUEUE}", f"--hostname={QUEUE}@%h",
        "--without-gossip", "--without-mingle", "--without-heartbeat", "--loglevel=WARNING",
    ]  # fmt: skip
    log = open(ROOT / "test-output" / "benchmark-worker.log", "wb")  # noqa: SIM115
    return subprocess.Popen(command, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT)


def wait_done(document_id, worker):
    deadline = time.monotonic() + TIMEOUT
    while True:
        state = Document.objects.filter(pk=document_id).values_list("state", flat=True).get()
        if state in (DocumentState.DONE, DocumentState.FAILED):
            return state
        if worker.poll() is not None:
            sys.exit("Le worker s'est arrêté : voir test-output/benchmark-worker.log")
        if time.monotonic() > deadline:
            sys.exit(f"Pas de résultat après {TIMEOUT} s")
        time.sleep(0.01)


def timed_request(convention, kind, worker, **options):
    started = time.perf_counter()
    with transaction.atomic():
        document = service.request_document(convention, kind, **options)
    state = wait_done(document.pk, worker)
    elapsed = time.perf_counter() - started
    document.refresh_from_db()
    return elapsed, document, state


def cpu_seconds(process):
    """User and system CPU seconds of a child process so far (Linux /proc)."""
    fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def fresh_renders(convention, kind, worker, repeat):
    """repeat renders of one kind, none reusing a stored file: lists of seconds end to
    end, inside the worker (wall) and of the worker's CPU."""
    total, inside, cpu = [], [], []
    for _ in range(repeat):
        for document in Document.objects.filter(convention=convention, kind=kind):
            document.file.delete(save=False)
            document.delete()
        before = cpu_seconds(worker)
        elapsed, document, state = timed_request(convention, kind, worker)
        if state != DocumentState.DONE:
            sys.exit(f"Rendu en échec : {document.error}")
        total.append(elapsed)
        inside.append(document.render_seconds)
        cpu.append(cpu_seconds(worker) - before)
    return total, inside, cpu


def summary(label, times):
    return f"{label} médiane {statistics.median(times):.2f} s, max {max(times):.2f} s"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5, help="rendus neufs par document")
    repeat = parser.parse_args().repeat
    (ROOT / "test-output").mkdir(exist_ok=True)
    prepare()
    app.conf.task_default_queue = QUEUE
    pma = Convention.objects.get(reference="pma-2023-2027")
    draft = Convention.objects.get(reference="val-d-argent-2026-2030")
    Document.objects.filter(convention__in=[pma, draft]).delete()
    worker = start_worker()
    try:
        elapsed, document, state = timed_request(draft, DocumentKind.CONVENTION, worker)
        print(f"Mise en route du worker (projet Val d'Argent, {document.page_count} pages) : "
              f"{elapsed:.2f} s [{state}]")  # fmt: skip

        elapsed, first, state = timed_request(pma, DocumentKind.CONVENTION, worker)
        document = first
        print(f"PMA, convention figée ({document.page_count} pages), de bout en bout dans le "
              f"worker : {elapsed:.2f} s (rendu {document.render_seconds:.2f} s) [{state}] "
              f"– cible < 3 s")  # fmt: skip

        Document.objects.filter(convention=pma, kind=DocumentKind.SIGNED_READY).delete()
        elapsed, document, state = timed_request(pma, DocumentKind.SIGNED_READY, worker)
        print(f"PMA, prête à signer ({len(document.signature_fields)} champs de signature), de "
              f"bout en bout : {elapsed:.2f} s (rendu {document.render_seconds:.2f} s) [{state}] "
              f"– cible < 3 s")  # fmt: skip

        elapsed, again, state = timed_request(pma, DocumentKind.CONVENTION, worker, force=True)
        print(f"PMA inchangée, nouvelle demande traitée par le worker (fichier réutilisé : "
              f"{again.file.name == first.file.name}) : {elapsed:.3f} s [{state}] "
              f"– cible < 0,2 s")  # fmt: skip

        started = time.perf_counter()
        reused = service.request_document(pma, DocumentKind.CONVENTION)
        elapsed = time.perf_counter() - started
        print(f"PMA inchangée, demande servie sans tâche (document existant n° {reused.pk}) : "
              f"{elapsed:.3f} s")  # fmt: skip

        for kind, label in (
            (DocumentKind.CONVENTION, "convention figée"),
            (DocumentKind.SIGNED_READY, "prête à signer"),
        ):
            total, inside, cpu = fresh_renders(pma, kind, worker, repeat)
            print(f"PMA, {label}, {repeat} rendus neufs : {summary('de bout en bout', total)} ; "
                  f"{summary('rendu', inside)} ; CPU du worker médiane "
                  f"{statistics.median(cpu):.2f} s – cible < 3 s")  # fmt: skip
    finally:
        worker.send_signal(signal.SIGTERM)
        try:
            worker.wait(timeout=30)
        except subprocess.TimeoutExpired:
            worker.kill()
        Document.objects.filter(convention__in=[pma, draft]).delete()
        if Path(MEDIA).name.startswith("ctg-benchmark-"):
            shutil.rmtree(MEDIA, ignore_errors=True)


if __name__ == "__main__":
    main()
