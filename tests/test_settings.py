"""Settings read from the environment: object storage and error e-mails."""

import json
import os
import subprocess
import sys

from django.conf import settings

from tests.factories import UserFactory

SHOW = (
    "import json, django; django.setup(); "
    "from django.conf import settings; "
    "from django.core.files.storage import storages; "
    "default_storage = storages['default']; "
    "print(json.dumps({'storage': type(default_storage).__name__, "
    "'bucket': getattr(default_storage, 'bucket_name', None), "
    "'endpoint': getattr(default_storage, 'endpoint_url', None), "
    "'admins': settings.ADMINS, "
    "'engine': settings.DATABASES['default']['ENGINE'], "
    "'options': settings.DATABASES['default'].get('OPTIONS', {}), "
    "'cache': settings.CACHES['default']['BACKEND']}))"
)


def _settings_with(**environment):
    result = subprocess.run(
        [sys.executable, "-c", SHOW],
        env={
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "ctg.settings",
            "DEBUG": "true",
            **environment,
        },
        capture_output=True,
        text=True,
        check=True,
        cwd=settings.BASE_DIR,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_media_go_to_s3_compatible_storage_when_a_bucket_is_set():
    shown = _settings_with(
        S3_BUCKET="ctg-media",
        S3_ENDPOINT_URL="http://minio:9000",
        S3_ACCESS_KEY="ctg",
        S3_SECRET_KEY="secret",
    )
    assert shown["storage"] == "S3Storage"
    assert shown["bucket"] == "ctg-media"
    assert shown["endpoint"] == "http://minio:9000"


def test_media_stay_on_disk_by_default():
    assert _settings_with(S3_BUCKET="")["storage"] == "FileSystemStorage"


def test_empty_database_and_cache_urls_mean_the_embedded_default():
    shown = _settings_with(DATABASE_URL="", CACHE_URL="")
    assert shown["engine"] == "django.db.backends.sqlite3"
    assert shown["cache"].endswith("LocMemCache")


def test_postgresql_connections_run_without_jit_and_plan_cursors_whole():
    shown = _settings_with(DATABASE_URL="postgres://ctg@db:5432/ctg")
    assert shown["engine"] == "django.db.backends.postgresql"
    assert shown["options"] == {"options": "-c jit=off -c cursor_tuple_fraction=1"}


def test_error_emails_go_to_the_configured_admins():
    shown = _settings_with(
        ADMINS="Équipe CTG <ctg@caf.example.fr>,Astreinte <astreinte@example.fr>"
    )
    assert shown["admins"] == [
        ["Équipe CTG", "ctg@caf.example.fr"],
        ["Astreinte", "astreinte@example.fr"],
    ]


def test_the_health_check_answers_without_login_host_or_https(client, db, settings):
    settings.ALLOWED_HOSTS = ["ctg.example.fr"]
    settings.SECURE_SSL_REDIRECT = True

    response = client.get("/sante/", HTTP_HOST="127.0.0.1:8000")

    assert response.status_code == 200
    assert response.content == b"ok"


def test_pages_carry_a_content_security_policy_without_inline_scripts(client, db):
    client.force_login(UserFactory())
    policy = client.get("/conventions/")["Content-Security-Policy"]

    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["object-src"] == "'none'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in directives["style-src"]
