"""Benchmark: the Caf-wide exports of an administrator, nationally, produced by the task
(conventions/caf_export_jobs.py) as a worker would, in this process.

Not a timed test: it prints, for the conventions table and the indicators of a year,
as CSV and as Excel, the task's time (wall, and this process's CPU: on a machine shared
with other work, the CPU time stays what a quiet machine would take), the rows and the
file's size; then the same for the adviser of the biggest Caf (whose adviser, under
CAF_EXPORT_DIRECT_MAX_CONVENTIONS conventions, gets the same writing in the request).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ctg_national \\
    .venv/bin/python benchmarks/caf_export.py [--year 2026]

Writes nothing but its own CafExport rows (deleted at the end) and their files (in a
scratch MEDIA_ROOT, removed at the end).
"""

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
MEDIA = os.environ.setdefault("MEDIA_ROOT", tempfile.mkdtemp(prefix="ctg-benchmark-exports-"))

from benchmarks import common  # noqa: E402

# Only the tables of the exports are read (and CafExport written): a data set that lags
# a migration of another table is still measured.
common.setup(check_migrations=False)

from django.db.models import Count  # noqa: E402
from django.http import QueryDict  # noqa: E402
from django.utils import timezone  # noqa: E402

from conventions import caf_export_jobs  # noqa: E402
from conventions.models import CafExport, Convention  # noqa: E402
from partners.models import Role, User  # noqa: E402


def run(user, kind, format, query, year):
    started, cpu = time.perf_counter(), time.process_time()
    export, _created = caf_export_jobs.request_export(user, kind, format, query, year)
    elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
    export.refresh_from_db()
    assert export.state == "ready", export.error
    label = f"{export.label:<28} {export.scope[:45]:<45}"
    print(
        f"{label} {elapsed:6.1f} s (CPU {cpu:5.1f} s)  {export.row_count:>8} lignes  "
        f"{export.file_size / 1e6:6.1f} Mo",
        flush=True,
    )
    return export


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--year", type=int, default=timezone.localdate().year)
    parser.add_argument("--formats", default="csv,xlsx")
    arguments = parser.parse_args()
    formats = arguments.formats.split(",")

    admin = User.objects.filter(role=Role.ADMINISTRATOR, is_active=True).order_by("pk").first()
    biggest = (
        Convention.objects.filter(is_working_copy=False)
        .values("caf_id")
        .annotate(count=Count("pk"))
        .order_by("-count")
        .first()
    )
    adviser = (
        User.objects.filter(role=Role.ADVISER, organisation_id=biggest["caf_id"], is_active=True)
        .order_by("pk")
        .first()
    )
    print(
        f"{common.database_label()} : {Convention.objects.filter(is_working_copy=False).count()} "
        f"conventions ; Caf la plus grande : {biggest['count']} conventions ; "
        f"année {arguments.year}",
        flush=True,
    )
    made = []
    try:
        for user in (admin, adviser):
            if user is None:
                continue
            for kind in ("conventions", "indicators"):
                for format in formats:
                    made.append(run(user, kind, format, QueryDict(), arguments.year))
    finally:
        for export in made:
            export.file.delete(save=False)
        CafExport.objects.filter(pk__in=[export.pk for export in made]).delete()
        shutil.rmtree(MEDIA, ignore_errors=True)


if __name__ == "__main__":
    main()
