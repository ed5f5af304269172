"""Project-wide request guards, and the morning tasks of the embedded default."""

import logging

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpResponse
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.utils import timezone

logger = logging.getLogger(__name__)


class RequestSizeLimitMiddleware:
    """Refuse a request whose announced body exceeds MAX_REQUEST_BYTES before Django
    reads it: an upload larger than any legitimate file never reaches the disk.
    The reverse proxy should refuse them even earlier (docs/deployment.md)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > settings.MAX_REQUEST_BYTES:
            from api.problems import PROBLEMS, is_api, problem

            if is_api(request):  # a problem (RFC 9457), as every error of the API
                return problem(request, "trop-volumineux", PROBLEMS["trop-volumineux"][2])
            return TemplateResponse(
                request,
                "request_too_large.html",
                {"limit": filesizeformat(settings.MAX_REQUEST_BYTES)},
                status=413,
            ).render()
        return self.get_response(request)


class HealthCheckMiddleware:
    """GET /sante/ answers "ok" when the application and its database answer, before
    any host, HTTPS or login check: the container's health check calls it directly."""

    PATH = "/sante/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path != self.PATH:
            return self.get_response(request)
        try:
            with connection.cursor() as cursor:
                cursor.execute("SELECT 1")
        except DatabaseError:
            return HttpResponse(
                "base de données injoignable", status=503, content_type="text/plain"
            )
        return HttpResponse("ok", content_type="text/plain")


class EmbeddedBeatMiddleware:
    """Without a broker there is no beat: with EMBEDDED_BEAT on (`make demo`, `make run`),
    the first request of each day runs the morning tasks in this process, so that a
    quarter opens on its first day and reminders go on the embedded default too. Every
    task is idempotent; a failure is logged and never reaches the person's page."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.last_day = None

    def __call__(self, request):
        if settings.EMBEDDED_BEAT:
            today = timezone.localdate()
            if self.last_day != today:
                self.last_day = today
                self._run_morning_tasks()
        return self.get_response(request)

    @staticmethod
    def _run_morning_tasks():
        from actionplan import tasks
        from conventions.tasks import sweep_caf_exports
        from webhooks.tasks import sweep_deliveries

        for task in (
            tasks.open_current_quarter,
            tasks.send_follow_up_reminders,
            tasks.notify_missing_follow_ups,
            # Webhook deliveries waiting for a retry: without a broker, no one else sends them.
            sweep_deliveries,
            # Caf-wide exports older than CAF_EXPORT_KEEP_DAYS: their files are deleted.
            sweep_caf_exports,
        ):
            try:
                task.apply()
            except Exception:
                logger.exception("Tâche du matin %s en échec", task.name)
