"""Settings for ctg, driven by environment variables.

With nothing set, the app runs on the embedded default: SQLite, Celery tasks
executed eagerly in-process, e-mail printed on the console, media on local
disk. Production sets DATABASE_URL, CELERY_BROKER_URL, SECRET_KEY,
ALLOWED_HOSTS and the e-mail variables (see docs/deployment.md).
"""

import datetime
from email.utils import parseaddr
from pathlib import Path

import environ
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="" if not DEBUG else "dev-only-insecure-secret-key")
if not SECRET_KEY:
    raise environ.ImproperlyConfigured("SECRET_KEY doit être défini quand DEBUG est faux.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "simple_history",
    "axes",
    "csp",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "partners",
    "conventions",
    "actionplan",
    "webhooks",
    "api",
]

MIDDLEWARE = [
    "ctg.middleware.HealthCheckMiddleware",
    "ctg.middleware.RequestSizeLimitMiddleware",
    "ctg.middleware.EmbeddedBeatMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes asks: it answers a locked-out login attempt.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

# Largest request body accepted (the largest upload, a convention document or a
# signed PDF of 40 MB, with room for its form); larger ones get a French 413 page.
MAX_REQUEST_BYTES = env.int("MAX_REQUEST_BYTES", default=50 * 1024 * 1024)
# Forms of a whole convention (an imported document's review page) post many fields.
DATA_UPLOAD_MAX_NUMBER_FIELDS = 5000
# A council's deliberation extract bigger than this is not read (conventions/deliberation_reader).
DELIBERATION_READ_LIMIT_BYTES = env.int("DELIBERATION_READ_LIMIT_BYTES", default=20 * 1024 * 1024)

ROOT_URLCONF = "ctg.urls"
WSGI_APPLICATION = "ctg.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
            # Tests set this to raise on undefined variables (see tests/conftest.py).
            "string_if_invalid": env.str("TEMPLATE_STRING_IF_INVALID", default=""),
        },
    },
]

# An empty variable means unset: the embedded SQLite default, as documented.
DATABASES = {
    "default": env.db_url_config(
        env.str("DATABASE_URL", default="") or f"sqlite:///{BASE_DIR / 'db.sqlite3'}"
    ),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # PostgreSQL's JIT compiled the grouped follow-up queries for longer than they ran
    # (600 ms on the national data set, docs/performance.md): off for the app's connections.
    # Server-side cursors (Django's iterator(): every select of a form) planned for their
    # whole result like any query, not for their first tenth: the fast-start plans read
    # organisations along an index for 3 ms a list instead of sorting the few they need.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = (
        "-c jit=off -c cursor_tuple_fraction=1"
    )
    # A connection kept by each worker for a minute: opening one costs more than most pages.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
# Short-lived figures shared by the web processes (the navbar's count of tasks): Redis in
# production (CACHE_URL=redis://...), memory of each process otherwise.
CACHES = {"default": env.cache_url_config(env.str("CACHE_URL", default="") or "locmemcache://")}
# Rendered plan pages and exports kept under each convention's generation
# (conventions/freshness.py): only with a cache every process shares, where a change made
# through one process invalidates them for all.
PLAN_CACHE = env.bool("PLAN_CACHE", default=bool(env.str("CACHE_URL", default="")))

AUTH_USER_MODEL = "partners.User"
LOGIN_URL = "login"
# The TOTP devices' issuer, shown in authenticator apps.
OTP_TOTP_ISSUER = "CTG"
# Login throttling (django-axes), on the site's and the admin's login alike: after
# AXES_FAILURE_LIMIT failures, the account, and separately the address, wait
# AXES_COOLOFF_TIME. A Caf office shares one address: its limit stays generous.
# An administrator unlocks at once by deleting the attempts in the admin site
# ("Tentatives d'accès") or with `manage.py axes_reset_username NAME`.
AXES_ENABLED = env.bool("AXES_ENABLED", default=True)
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=8)
AXES_COOLOFF_TIME = datetime.timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "partners.lockout.lockout_response"
AXES_IPWARE_PROXY_COUNT = 1 if env.bool("BEHIND_PROXY", default=False) else None
LOGIN_REDIRECT_URL = "conventions:home"
LOGOUT_REDIRECT_URL = "login"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "fr-fr"
# French only: a browser asking for English still gets the French interface.
LANGUAGES = [("fr", "Français")]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
# Bootstrap comes from the npm package installed at setup time (package.json),
# never from a CDN nor copied into the repository.
STATICFILES_DIRS = [
    BASE_DIR / "static",
    ("bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    # htmx (npm, pinned in package.json): the Documents section refreshes itself while
    # a document is being rendered.
    ("htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    # Tom Select (npm, pinned in package.json): the organisation pickers' search fields.
    ("tom-select", BASE_DIR / "node_modules" / "tom-select" / "dist"),
]
MEDIA_URL = "media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": env.str(
            "STATICFILES_STORAGE",
            default="whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage",
        )
    },
}

# Official reference data (communes, EPCI, départements), shipped offline by
# the pinned npm package @etalab/decoupage-administratif.
TERRITORIES_DATA_DIR = env.path(
    "TERRITORIES_DATA_DIR",
    default=BASE_DIR / "node_modules" / "@etalab" / "decoupage-administratif" / "data",
)

# Several web and worker machines share the uploaded and generated files through
# S3-compatible object storage (django-storages): set S3_BUCKET (and the endpoint
# and keys of the provider, or MinIO). Files are never public: downloads go
# through the application's scoped views.
S3_BUCKET = env.str("S3_BUCKET", default="")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env.str("S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("S3_REGION", default="") or None,
            "access_key": env.str("S3_ACCESS_KEY", default="") or None,
            "secret_key": env.str("S3_SECRET_KEY", default="") or None,
            "location": env.str("S3_PREFIX", default=""),
            "default_acl": "private",
            "querystring_auth": True,
            # Names are chosen by the application (content hashes): never overwritten.
            "file_overwrite": False,
        },
    }

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# E-mail: console by default; EMAIL_URL (e.g. smtp+tls://user:pass@host:587) in production.
EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CTG <ne-pas-repondre@ctg.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Who receives the server errors by e-mail: "Nom <adresse>, Autre <adresse>".
ADMINS = [parseaddr(entry) for entry in env.list("ADMINS", default=[]) if "@" in entry]

# Celery: without a broker, tasks run eagerly in-process (embedded default).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
# Tasks record their outcome in the database (Document.state, FollowUpNotice...):
# no result backend, so that a broker outage never blocks a request on it.
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default="") or None
CELERY_TASK_IGNORE_RESULT = CELERY_RESULT_BACKEND is None
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
# No beat without a broker: `make demo` and `make run` turn this on so that the first
# request of each day runs the morning tasks in-process (ctg/middleware.py).
EMBEDDED_BEAT = env.bool("EMBEDDED_BEAT", default=False) and CELERY_TASK_ALWAYS_EAGER
CELERY_TASK_EAGER_PROPAGATES = True
# A message is acknowledged once its task has run, and given back to the queue when
# the worker process running it dies (killed, out of memory): no task is lost.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# The longest task renders a 120-sheet plan's convention in well under a minute:
# a soft limit lets it fail cleanly, the hard one ends a task that hangs. Redis gives
# an unacknowledged message to another worker after the visibility timeout, which
# must exceed the hard limit or a slow task would run twice at once.
CELERY_TASK_SOFT_TIME_LIMIT = env.int("CELERY_TASK_SOFT_TIME_LIMIT", default=240)
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=300)
CELERY_BROKER_CONNECTION_TIMEOUT = 3
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 3 * CELERY_TASK_TIME_LIMIT,
    "socket_connect_timeout": 3,
    "socket_timeout": 10,
}
# A document rendering for longer than this was lost with its worker: the sweep
# queues it again (or fails it after DOCUMENT_MAX_ATTEMPTS tries).
DOCUMENT_STUCK_AFTER_SECONDS = CELERY_TASK_TIME_LIMIT + 60
DOCUMENT_MAX_ATTEMPTS = 3
# Caf-wide exports (conventions/caf_export_jobs.py): over this many conventions, an export
# is written by a task into a file on the person's Exports page rather than in the
# request; the files are deleted after CAF_EXPORT_KEEP_DAYS days.
CAF_EXPORT_DIRECT_MAX_CONVENTIONS = env.int("CAF_EXPORT_DIRECT_MAX_CONVENTIONS", default=100)
CAF_EXPORT_KEEP_DAYS = env.int("CAF_EXPORT_KEEP_DAYS", default=7)
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_BEAT_SCHEDULE = {
    # Daily rather than on the first day of each quarter: opening is idempotent,
    # so a run missed while the worker was down is caught up the next morning.
    "open-current-quarter": {
        "task": "actionplan.tasks.open_current_quarter",
        "schedule": crontab(hour=6, minute=0),
    },
    # After the opening; each reminder is recorded, so a second run sends nothing.
    "send-follow-up-reminders": {
        "task": "actionplan.tasks.send_follow_up_reminders",
        "schedule": crontab(hour=6, minute=30),
    },
    # Once the deadline has passed: the advisers learn what is still missing, once.
    "notify-missing-follow-ups": {
        "task": "actionplan.tasks.notify_missing_follow_ups",
        "schedule": crontab(hour=6, minute=45),
    },
    # For those who chose it: what was transmitted or sent back since yesterday's digest.
    "send-daily-digests": {
        "task": "actionplan.tasks.send_daily_digests",
        "schedule": crontab(hour=7, minute=0),
    },
    # Documents whose task could not be queued (broker down) or whose worker died.
    "sweep-documents": {
        "task": "conventions.tasks.sweep_documents",
        "schedule": 120.0,
    },
    # Caf-wide exports whose task could not be queued or whose worker died; old ones deleted.
    "sweep-caf-exports": {
        "task": "conventions.tasks.sweep_caf_exports",
        "schedule": 120.0,
    },
    # Webhook deliveries due whose task was lost (broker down, worker killed) or whose
    # next attempt is too far off to wait in the broker (webhooks/delivery.py).
    "sweep-webhook-deliveries": {
        "task": "webhooks.tasks.sweep_deliveries",
        "schedule": 120.0,
    },
}
# Webhooks (webhooks/): each POST waits WEBHOOK_TIMEOUT seconds at most; a delivery not
# answered 2xx is tried again after each delay of WEBHOOK_RETRY_DELAYS (seconds, the last
# one repeated), WEBHOOK_MAX_ATTEMPTS times in all, then abandoned. Plain http:// to
# 127.0.0.1 or localhost is accepted only with WEBHOOK_ALLOW_LOCAL_HTTP (DEBUG, tests).
WEBHOOK_TIMEOUT = env.float("WEBHOOK_TIMEOUT", default=5.0)
WEBHOOK_RETRY_DELAYS = env.list(
    "WEBHOOK_RETRY_DELAYS", cast=int, default=[60, 300, 1800, 7200, 43200]
)
WEBHOOK_MAX_ATTEMPTS = env.int("WEBHOOK_MAX_ATTEMPTS", default=6)
WEBHOOK_ALLOW_LOCAL_HTTP = env.bool("WEBHOOK_ALLOW_LOCAL_HTTP", default=DEBUG)
# Returned signed copies: a folder of CA certificates (PEM or DER) the Caf trusts; without
# it, signatures are checked intact but their signers are not authenticated. Revocation
# (OCSP, CRL) is checked when reachable.
SIGNATURE_TRUST_ROOTS_DIR = env.str("SIGNATURE_TRUST_ROOTS_DIR", default="")
SIGNATURE_REVOCATION_CHECK = env.bool("SIGNATURE_REVOCATION_CHECK", default=True)
# A quarter's follow-up is due this many days after its last day; its chargés de
# coopération are reminded FOLLOWUP_REMINDER_DAYS days before (actionplan/deadlines.py).
FOLLOWUP_DEADLINE_DAYS = env.int("FOLLOWUP_DEADLINE_DAYS", default=30)
FOLLOWUP_REMINDER_DAYS = env.int("FOLLOWUP_REMINDER_DAYS", default=10)
# Absolute links in e-mails sent by tasks, which have no request to build them from.
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

# Security: on by default; HTTPS_ONLY=false for plain-HTTP local runs and tests.
HTTPS_ONLY = env.bool("HTTPS_ONLY", default=not DEBUG)
SECURE_SSL_REDIRECT = HTTPS_ONLY
SESSION_COOKIE_SECURE = HTTPS_ONLY
CSRF_COOKIE_SECURE = HTTPS_ONLY
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000 if HTTPS_ONLY else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS_ONLY
SECURE_HSTS_PRELOAD = HTTPS_ONLY
if env.bool("BEHIND_PROXY", default=False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy (django-csp): every script and stylesheet comes from the
# site itself, no inline script; images may be data URIs (logos, charts); style
# attributes stay allowed (progress bars, chart sizes) as they cannot run code.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "style-src-attr": ["'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# The JSON API (api/, docs/api.md): personal bearer tokens only, JSON only, errors as
# French problem details, cursor pagination, a rate per token.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": ["api.authentication.BearerTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_THROTTLE_CLASSES": ["api.throttling.TokenRateThrottle"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_CONTENT_NEGOTIATION_CLASS": "api.negotiation.JsonOnlyNegotiation",
    "DEFAULT_PAGINATION_CLASS": "api.pagination.IdCursorPagination",
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "api.problems.exception_handler",
    # No OPTIONS description of the views (English names derived from the classes).
    "DEFAULT_METADATA_CLASS": None,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
# Calls allowed per token ("1000/hour", "50/minute"...), counted in the shared cache.
API_THROTTLE_RATE = env.str("API_THROTTLE_RATE", default="1000/hour")
SPECTACULAR_SETTINGS = {
    "TITLE": "API CTG",
    "DESCRIPTION": "Les conventions territoriales globales, leurs parties, plans d'actions et "
    "suivis, pour les systèmes d'information des Caf et des collectivités. Chaque appel "
    "porte un jeton personnel (« Authorization: Bearer ctg_… ») et ne voit que ce que son "
    "titulaire voit dans l'application. Erreurs au format « problem details » (RFC 9457).",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": r"/api/v1",
    "COMPONENT_SPLIT_REQUEST": True,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "api.schema.describe_path_parameters",
    ],
    # Several choice sets share a field name ("state", "kind"): each gets its own name.
    "ENUM_NAME_OVERRIDES": {
        "ConventionStateEnum": "conventions.models.ConventionState",
        "FollowUpStateEnum": "actionplan.models.FollowUpState",
        "OrganisationKindEnum": "partners.models.OrganisationKind",
        "DocumentKindEnum": "conventions.models.DocumentKind",
        "IndicatorKindEnum": "actionplan.models.IndicatorKind",
        "MeetingKindEnum": "actionplan.models.MeetingKind",
        "ReviewKindEnum": "actionplan.models.ReviewKind",
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # django-axes reports every login at INFO; lockouts stay visible at WARNING.
    "loggers": {"axes": {"level": "WARNING"}},
}
