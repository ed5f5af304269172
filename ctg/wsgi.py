import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ctg.settings")

application = get_wsgi_application()

# Once per process, before the first request: see ctg/warmup.py. Not while developing:
# runserver would pay it at each reload.
from django.conf import settings  # noqa: E402

from ctg.warmup import warm_up  # noqa: E402

if not settings.DEBUG:
    warm_up()
