"""Time (or profile) a few pages in this process, with production settings and no HTTP:
the figure to compare before and after a change on a machine shared with other work,
where gunicorn's timings are noisy.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ctg_national \\
      .venv/bin/python benchmarks/inprocess.py admin.national /conventions/45/tableau-de-bord/ \\
      [/other/path ...] [--repeat 20] [--profile 30]

Each path is requested once to warm up (and to fill the caches, as a worker's first request
does), then ``--repeat`` times; the script prints status, size, queries, p50 and p95 (ms)
of the wall clock, and p50 of this process's processor time, which waits neither for a
busy core nor for the database: the steadier figure while other work runs.
``--profile N`` prints cProfile's N most expensive functions (cumulative) of the timed
requests. The person is signed in by a session written as the benchmarks do (deleted at the
end); nothing else is written.
"""

import argparse
import cProfile
import io
import pstats
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import common  # noqa: E402


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("username")
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--profile", type=int, default=0, help="fonctions à afficher")
    parser.add_argument(
        "--any-migration",
        action="store_true",
        help="mesurer même si la base n'a pas toutes les migrations du code (pages qui ne "
        "lisent pas les colonnes manquantes)",
    )
    arguments = parser.parse_args()
    common.setup(check_migrations=not arguments.any_migration)
    common.collect_static()

    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from partners.models import User

    user = User.objects.get(username=arguments.username)
    session = common.make_session(user)
    client = Client()
    client.cookies[settings.SESSION_COOKIE_NAME] = session
    try:
        for path in arguments.paths:
            queries = []

            def count(execute, sql, params, many, context, queries=queries):
                queries.append(sql)
                return execute(sql, params, many, context)

            with connection.execute_wrapper(count):
                response = client.get(path)
            size = len(b"".join(response)) if response.streaming else len(response.content)
            profiler = cProfile.Profile() if arguments.profile else None
            times, cpu = [], []
            for _ in range(arguments.repeat):
                started, started_cpu = time.perf_counter(), time.process_time()
                if profiler:
                    profiler.enable()
                answer = client.get(path)
                if answer.streaming:
                    b"".join(answer)
                if profiler:
                    profiler.disable()
                times.append((time.perf_counter() - started) * 1000)
                cpu.append((time.process_time() - started_cpu) * 1000)
            print(
                f"{path}  {response.status_code}  {size / 1024:.0f} KB  "
                f"{len(queries)} requêtes  p50 {common.percentile(times, 0.5):.1f} ms  "
                f"p95 {common.percentile(times, 0.95):.1f} ms  "
                f"processeur p50 {common.percentile(cpu, 0.5):.1f} ms",
                flush=True,
            )
            if profiler:
                out = io.StringIO()
                pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(
                    arguments.profile
                )
                print(out.getvalue())
    finally:
        common.delete_sessions([session])


if __name__ == "__main__":
    main()
