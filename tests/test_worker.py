"""A real Celery worker, started as a subprocess, runs a task sent through Redis.

The worker is another process, so it must see the test data: the test commits
it (transaction=True) into the PostgreSQL test database, whose name the worker
receives through DATABASE_URL. An SQLite test database cannot be shared that
way, so the test is skipped without PostgreSQL or Redis (and CI, which sets
CI_REQUIRE_SERVICES=1, fails on that skip: see tests/conftest.py).
"""

import os
import signal
import subprocess
import sys
import time
import uuid
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from celery import Celery
from celery.contrib.testing.app import setup_default_app
from django.conf import settings
from django.db import connection

from actionplan.models import FollowUp, FollowUpState
from actionplan.tasks import open_current_quarter, open_quarter_task
from conventions.models import ConventionState
from tests.factories import ActionSheetFactory, AxisFactory, ConventionFactory

pytestmark = [
    pytest.mark.worker,
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True),
]

REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")
STARTUP_AND_RUN_TIMEOUT = 60


def worker_database_url():
    """The URL of the test database (test_ctg), not of the one DATABASE_URL names."""
    db = settings.DATABASES["default"]
    credentials = quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + quote(db["PASSWORD"], safe="")
    host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
    return f"postgres://{credentials}@{host}/{quote(db['NAME'], safe='')}"


@pytest.fixture
def services():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL: set DATABASE_URL=postgres://...")
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except (redis.exceptions.RedisError, OSError) as error:
        pytest.skip(f"needs Redis at {REDIS_URL}: {error}")


def start_worker(queue, log, **environment):
    """A worker consuming `queue` only, so that no other run can steal its tasks; its
    output in `log`. `environment` adds settings of the worker's own."""
    env = {
        **os.environ,
        "DATABASE_URL": worker_database_url(),
        "CELERY_BROKER_URL": REDIS_URL,
        "CELERY_RESULT_BACKEND": REDIS_URL,
        **environment,
    }
    command = [
        str(Path(sys.executable).with_name("celery")),
        "-A",
        "ctg",
        "worker",
        "--pool=solo",
        "--concurrency=1",
        f"--queues={queue}",
        f"--hostname={queue}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
        "--loglevel=INFO",
    ]
    with log.open("wb") as output:
        process = subprocess.Popen(
            command,
            cwd=settings.BASE_DIR,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    process.queue = queue
    process.log = log
    return process


def stop_worker(process):
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)  # warm shutdown
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def worker(services, tmp_path):
    process = start_worker(f"ctg-test-{uuid.uuid4().hex[:12]}", tmp_path / "worker.log")
    try:
        yield process
    finally:
        stop_worker(process)


@pytest.fixture
def broker_app():
    """A Celery app sending through Redis, made current for the shared tasks.

    The project's app cannot simply be reconfigured: it keeps the broker pool
    and result backend built from the configuration it first used (eager, in
    earlier tests). A second app is the pattern shared_task documents; the
    context manager puts the project's app back afterwards.
    """
    app = Celery("ctg-test-sender", set_as_current=False)
    app.config_from_object("django.conf:settings", namespace="CELERY")
    # The project keeps no task results (tasks record their outcome in the database);
    # this test reads them, so it asks for them.
    app.conf.update(
        task_always_eager=False,
        broker_url=REDIS_URL,
        result_backend=REDIS_URL,
        task_ignore_result=False,
    )
    with setup_default_app(app):
        app.set_current()
        yield app


def wait_for(result, worker):
    deadline = time.monotonic() + STARTUP_AND_RUN_TIMEOUT
    while not result.ready():
        if worker.poll() is not None:
            pytest.fail(f"the worker died ({worker.returncode}):\n{worker.log.read_text()}")
        if time.monotonic() > deadline:
            pytest.fail(f"no result after {STARTUP_AND_RUN_TIMEOUT}s:\n{worker.log.read_text()}")
        time.sleep(0.2)
    value = result.get(timeout=1)
    result.forget()
    return value


def test_worker_opens_the_quarter_sent_through_the_broker(worker, broker_app):
    convention = ConventionFactory(state=ConventionState.SIGNED)
    axis = AxisFactory(convention=convention)
    sheets = [ActionSheetFactory(axis=axis) for _ in range(2)]
    ConventionFactory(state=ConventionState.DRAFT)

    result = open_quarter_task.apply_async((2026, 2), queue=worker.queue)
    assert result.app is broker_app
    assert wait_for(result, worker) == 2

    again = open_quarter_task.apply_async((2026, 2), queue=worker.queue)
    assert wait_for(again, worker) == 0

    follow_ups = FollowUp.objects.filter(year=2026, quarter=2)
    assert {f.action_sheet_id for f in follow_ups} == {sheet.pk for sheet in sheets}
    assert {f.state for f in follow_ups} == {FollowUpState.OPEN}

    worker.send_signal(signal.SIGTERM)
    assert worker.wait(timeout=30) == 0, worker.log.read_text()
    assert f"Task actionplan.tasks.open_quarter_task[{result.id}] succeeded" in (
        worker.log.read_text()
    )


def test_worker_opens_each_quarter_on_its_first_day_once(worker, broker_app):
    """Beat's daily task, run by a real worker on the last day of a quarter and the first
    of the next (the day is passed: the worker's clock cannot be frozen from here)."""
    convention = ConventionFactory(state=ConventionState.SIGNED)
    sheets = [ActionSheetFactory(axis=AxisFactory(convention=convention)) for _ in range(3)]

    def run(day):
        return wait_for(
            open_current_quarter.apply_async(kwargs={"today": day}, queue=worker.queue), worker
        )

    assert run("2026-03-31") == 3
    assert run("2026-03-31") == 0
    assert not FollowUp.objects.filter(year=2026, quarter=2).exists()
    assert run("2026-04-01") == 3
    assert run("2026-04-02") == 0
    opened = FollowUp.objects.filter(year=2026, quarter=2)
    assert {f.action_sheet_id for f in opened} == {sheet.pk for sheet in sheets}
