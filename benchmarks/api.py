"""Benchmark of the JSON API at national scale (not a timed test): every convention listed
page by page by an administrator, then the biggest action plan read in full, with the time
of each call.

In-process: Django's test client calls the application with DEBUG off, through every
middleware, the token authentication, DRF and the JSON rendering, without gunicorn nor
the network (benchmarks/pages.py measures those over HTTP). The database is the one of
DATABASE_URL, e.g. the national data set (`manage.py generate_national`), migrated with
the api app. The script creates one token for the administrator and deletes it at the end.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/ctg_national \\
        .venv/bin/python benchmarks/api.py [--page-size 200] [--repeat 5] [--user admin.national]
"""

import argparse
import datetime
import os
import secrets
import statistics
import sys
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup():
    if not os.environ.get("DATABASE_URL"):
        sys.exit(
            "DATABASE_URL n'est pas défini, par exemple "
            "DATABASE_URL=postgres://postgres@127.0.0.1:5432/ctg_national"
        )
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "ctg.settings"
    os.environ.update(
        {
            "DEBUG": "false",
            "HTTPS_ONLY": "false",
            "ALLOWED_HOSTS": "testserver",
            "LOG_LEVEL": "WARNING",
            "STATICFILES_STORAGE": "django.contrib.staticfiles.storage.StaticFilesStorage",
            # The benchmark makes more calls than a client would in a minute.
            "API_THROTTLE_RATE": "100000/hour",
        }
    )
    os.environ.setdefault("SECRET_KEY", "benchmark-" + secrets.token_urlsafe(32))
    os.environ.pop("CELERY_BROKER_URL", None)
    # No collectstatic for an API: WhiteNoise's warning about it is noise here.
    warnings.filterwarnings("ignore", "No directory at")
    import django

    django.setup()


def timed(client, url, headers):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        start = time.perf_counter()
        response = client.get(url, headers=headers)
        elapsed = time.perf_counter() - start
    if response.status_code != 200:
        sys.exit(f"{url} : HTTP {response.status_code} {response.content[:300]!r}")
    return response, elapsed * 1000, len(queries.captured_queries)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--page-size", type=int, default=200)
    parser.add_argument("--repeat", type=int, default=5, help="lectures du plan")
    parser.add_argument("--user", default="admin.national", help="compte administrateur")
    options = parser.parse_args()
    setup()

    from django.db.models import Count
    from django.test import Client
    from django.urls import reverse

    from api.models import ApiToken
    from conventions.models import Convention
    from partners.models import User

    user = User.objects.filter(username=options.user).first()
    if user is None:
        sys.exit(f"Aucun compte « {options.user} » dans cette base.")
    token, clear = ApiToken.objects.issue(
        user, "Banc d'essai de l'API", datetime.date.today() + datetime.timedelta(days=1)
    )
    headers = {"Authorization": f"Bearer {clear}"}
    client = Client()
    try:
        print(f"Base : {os.environ['DATABASE_URL'].rsplit('/', 1)[-1]}, compte {user.username}")
        print(f"\nListe des conventions, {options.page_size} par page (ms, requêtes SQL) :")
        url = f"{reverse('api:conventions')}?page_size={options.page_size}"
        times, total, page = [], 0, 0
        while url:
            response, ms, queries = timed(client, url, headers)
            data = response.json()
            page += 1
            total += len(data["results"])
            times.append(ms)
            print(
                f"  page {page:3d} : {len(data['results']):4d} conventions "
                f"{ms:8.1f} ms {queries:3d}"
            )
            url = data["next"]
        print(
            f"  {total} conventions en {page} pages : {sum(times):.0f} ms au total, "
            f"médiane {statistics.median(times):.1f} ms par page"
        )

        biggest = (
            Convention.objects.filter(is_working_copy=False)
            .annotate(sheets=Count("action_sheets"))
            .order_by("-sheets", "pk")
            .first()
        )
        url = reverse("api:plan", args=[biggest.pk])
        print(f"\nPlan d'actions le plus grand : {biggest} ({biggest.sheets} fiches)")
        times = []
        for attempt in range(1, options.repeat + 1):
            response, ms, queries = timed(client, url, headers)
            times.append(ms)
            print(
                f"  lecture {attempt} : {ms:8.1f} ms {queries:3d} requêtes, "
                f"{len(response.content) / 1024:.0f} Kio"
            )
        etag = response["ETag"]
        start = time.perf_counter()
        not_modified = client.get(url, headers={**headers, "If-None-Match": etag})
        revalidated = (time.perf_counter() - start) * 1000
        print(
            f"  médiane {statistics.median(times):.1f} ms ; revalidation par ETag : "
            f"HTTP {not_modified.status_code} en {revalidated:.1f} ms"
        )
        detail_url = reverse("api:convention", args=[biggest.pk])
        _, ms, queries = timed(client, detail_url, headers)
        print(
            f"  la convention elle-même (parties, délibérations...) : {ms:.1f} ms, "
            f"{queries} requêtes"
        )
    finally:
        token.delete()


if __name__ == "__main__":
    main()
