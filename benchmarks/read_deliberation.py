"""Benchmark: reading a 3-page deliberation extract (PDF with a text layer).

Not a timed test: it prints the times (wall clock, and the processor time, which a
machine busy with other work does not inflate). Target on the reference machine
(2 cores): under 0.5 s per extract, from the file's bytes to the values read.

    .venv/bin/python benchmarks/read_deliberation.py [--runs 10]

The extract is the Valentigney deliberation of reference 003 followed by its
attendance sheet (one row per member in office), rendered with WeasyPrint as the
tests render it, so that it fills three pages. Nothing is written but the PDF, in a
scratch folder removed at the end; the database is not used.
"""

import argparse
import os
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ctg.settings")
os.environ.setdefault("DEBUG", "true")

import django  # noqa: E402

django.setup()

import pdfplumber  # noqa: E402

from conventions.deliberation_reader import read_extract  # noqa: E402
from tests.deliberation_reader import builders  # noqa: E402

TARGET_SECONDS = 0.5


def three_page_extract(folder):
    members = builders.PRESENT + builders.EXCUSED + builders.ABSENT
    sheet = "\n".join(f"{name}\tConseiller municipal\t" for name in members)
    text = (
        builders.valentigney()
        + "\n\n**FEUILLE D'ÉMARGEMENT - SÉANCE DU 5 AVRIL 2023**\n\n"
        + "Nom\tQualité\tSignature\n"
        + sheet
        + "\n"
    )
    return builders.render(text, "pdf", folder / "extrait-valentigney.pdf")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    runs = parser.parse_args().runs
    folder = Path(tempfile.mkdtemp(prefix="ctg-benchmark-"))
    try:
        path = three_page_extract(folder)
        with pdfplumber.open(path) as pdf:
            pages = len(pdf.pages)
        content = path.read_bytes()
        reading = read_extract(content)  # warm-up: imports, compiled patterns
        times, cpu_times = [], []
        for _ in range(runs):
            started, cpu_started = time.perf_counter(), time.process_time()
            read_extract(content)
            times.append(time.perf_counter() - started)
            cpu_times.append(time.process_time() - cpu_started)
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(
        f"Lecture d'un extrait de délibération ({pages} pages, PDF texte), {runs} essais : "
        f"p50 {statistics.median(times):.2f} s, max {max(times):.2f} s "
        f"– cible < {TARGET_SECONDS} s"
    )
    # On a machine busy with other work, the wall time is mostly waiting for a core.
    print(f"  temps processeur : p50 {statistics.median(cpu_times):.2f} s")
    print(f"  {len(reading.values)} valeurs lues, non lues : {', '.join(reading.unread)}")


if __name__ == "__main__":
    main()
