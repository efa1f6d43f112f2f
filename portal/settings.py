"""The one settings module.

Every value comes from an environment variable with a safe default, so that
``manage.py rundemo`` works with nothing set (SQLite, a file-system Celery
broker) and production is configured entirely from the environment. The table
of variables is in README.md and ``.env.example``.
"""

import os
import re
import secrets
from pathlib import Path

import django_stubs_ext
import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _
from whitenoise.compress import Compressor

# Lets admin and other generic classes be subscripted for type checking.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

# Local state of the zero-configuration setup (SQLite file, broker queue,
# uploaded files, generated dev secret). Never served, never committed.
VAR_DIR = Path(env.str("PORTAL_VAR_DIR", default=str(BASE_DIR / "var")))
# Private to the service user (keys, database, uploads, mail live here).
VAR_DIR.mkdir(mode=0o700, parents=True, exist_ok=True)
if VAR_DIR.stat().st_uid == os.getuid():
    VAR_DIR.chmod(0o700)


def _dev_secret_key() -> str:
    """A random key kept in VAR_DIR, used only when DJANGO_SECRET_KEY is unset."""
    path = VAR_DIR / "dev_secret_key"
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as f:
            f.write(secrets.token_urlsafe(50))
    return path.read_text().strip()


# Demo conveniences: generated keys and secrets, `seed_demo`, `rundemo`. On by default only
# when nothing production-like is set (DJANGO_HTTPS off); never let it generate in production.
PORTAL_DEMO = env.bool("PORTAL_DEMO", default=not env.bool("DJANGO_HTTPS", default=False))

DEBUG = env.bool("DJANGO_DEBUG", default=False)
# Outside the demo, an unset DJANGO_SECRET_KEY stays empty: Django then refuses to sign.
SECRET_KEY = env.str("DJANGO_SECRET_KEY", default="") or (_dev_secret_key() if PORTAL_DEMO else "")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("DJANGO_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "portal.accounts.apps.PortalAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_otp",
    "portal.accounts.apps.AuthenticatorConfig",  # django_otp.plugins.otp_totp
    "csp",
    "portal.accounts.apps.SignInLockoutConfig",  # axes
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "portal.core",
    "portal.composition",
    "portal.departments",
    "portal.accounts",
    "portal.backoffice",
    "portal.exchange",
    "portal.services",
    "ledger",
    "policies",
]

MIDDLEWARE = [
    "portal.core.request_context.RequestIdMiddleware",
    "portal.composition.metrics.MetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "portal.core.middleware.PortalLocaleMiddleware",
    "portal.core.middleware.RejectNulMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "csp.middleware.CSPMiddleware",
    "portal.accounts.middleware.ActingAsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "portal.urls"
WSGI_APPLICATION = "portal.wsgi.application"
ASGI_APPLICATION = "portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "portal.accounts.context_processors.acting_as",
                "portal.services.context_processors.unread_notices",
            ],
            # The site's one formatter of money and ratios: {% load money %}.
            "libraries": {"money": "portal.core.money"},
        },
    },
]

# --- Database -------------------------------------------------------------
DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'portal.sqlite3'}"),
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Writers queue for the lock instead of failing (web and worker share the file).
    DATABASES["default"]["OPTIONS"] = {"timeout": 30, "transaction_mode": "IMMEDIATE"}
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("DATABASE_CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# Log in as DATABASE_URL's user, act as this role (PostgreSQL's `-c role=`): the login may be
# a member of the runtime role of docs/deploy.md ("Database roles"); the test suite uses it.
DATABASE_ROLE = env.str("DATABASE_ROLE", default="")
if DATABASE_ROLE:
    if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
        raise ImproperlyConfigured("DATABASE_ROLE needs PostgreSQL; unset it for SQLite.")
    if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", DATABASE_ROLE):
        raise ImproperlyConfigured(
            "DATABASE_ROLE must be a plain PostgreSQL role name: lower-case letters, digits, _."
        )
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = f"-c role={DATABASE_ROLE}"
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "core:home"

# --- Internationalisation -------------------------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("Simplified Chinese")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = env.str("DJANGO_TIME_ZONE", default="Asia/Shanghai")
USE_I18N = True
USE_TZ = True

# --- Static and uploaded files -------------------------------------------
STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = Path(env.str("DJANGO_STATIC_ROOT", default=str(VAR_DIR / "static")))
STATIC_ROOT.mkdir(parents=True, exist_ok=True)
# collectstatic writes every file under a content-hashed name with a gzip and a Brotli copy, and
# WhiteNoise sends the smallest one the browser accepts (portal/core/staticfiles.py).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
# Served from STATIC_ROOT (the compressed copies); only with DEBUG straight from the sources.
WHITENOISE_USE_FINDERS = DEBUG
# Source maps are for developers' tools, not sent to people's browsers: not worth compressing.
WHITENOISE_SKIP_COMPRESS_EXTENSIONS = [*Compressor.SKIP_COMPRESS_EXTENSIONS, "map"]
# Uploaded materials live outside the web root and are served only through views.
MEDIA_ROOT = Path(env.str("PORTAL_MEDIA_ROOT", default=str(VAR_DIR / "media")))
# Uploaded and generated files are the service user's only.
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# One-stop services: limits of uploaded materials, and when a deadline counts as near.
SERVICES_UPLOAD_MAX_BYTES = env.int("PORTAL_UPLOAD_MAX_BYTES", default=10 * 1024 * 1024)
SERVICES_UPLOAD_MAX_FILES = env.int("PORTAL_UPLOAD_MAX_FILES", default=10)
SERVICES_DUE_SOON_DAYS = env.int("PORTAL_DUE_SOON_DAYS", default=2)
# Objections to data accesses: working days the reading department has to answer; after
# that the objection is escalated to the auditors covering the department.
EXCHANGE_OBJECTION_DAYS = env.int("PORTAL_OBJECTION_DAYS", default=15)

# The address people reach the portal at (scheme and host, no path): absolute links in
# e-mails and printed documents. Required, with https://, in production (check --deploy).
PORTAL_SITE_URL = env.str("PORTAL_SITE_URL", default="").rstrip("/")

# --- E-mail ---------------------------------------------------------------
EMAIL_BACKEND = env.str(
    "DJANGO_EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = env.str("DJANGO_EMAIL_FILE_PATH", default=str(VAR_DIR / "mail"))
EMAIL_HOST = env.str("DJANGO_EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("DJANGO_EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("DJANGO_EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("DJANGO_EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("DJANGO_EMAIL_USE_TLS", default=False)
DEFAULT_FROM_EMAIL = env.str("DJANGO_DEFAULT_FROM_EMAIL", default="portal@localhost")

# --- Celery ---------------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_RESULT_BACKEND = REDIS_URL
else:
    # A broker that needs no server: messages are files under VAR_DIR, shared
    # by the web process and a real worker process on the same machine.
    _queue_dir = VAR_DIR / "celery-queue"
    _queue_dir.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue_dir),
        "data_folder_out": str(_queue_dir),
        "processed_folder": str(_queue_dir),
        "store_processed": False,
        "control_folder": str(_queue_dir / "control"),
    }
    CELERY_RESULT_BACKEND = f"file://{VAR_DIR / 'celery-results'}"
    (VAR_DIR / "celery-results").mkdir(parents=True, exist_ok=True)
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
        if REDIS_URL
        # Shared by the web and worker processes of the zero-configuration setup.
        else {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
        }
    )
}
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=False)
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "ledger-sweep": {
        "task": "ledger.tasks.ledger_sequence_task",
        "schedule": env.int("LEDGER_SWEEP_SECONDS", default=30),
    },
    "services-email-sweep": {
        "task": "portal.services.tasks.notifications_email_sweep_task",
        "schedule": env.int("SERVICES_EMAIL_SWEEP_SECONDS", default=300),
    },
    "ledger-checkpoint": {
        "task": "ledger.tasks.ledger_checkpoint_task",
        "schedule": env.int("LEDGER_CHECKPOINT_SECONDS", default=60),
    },
    "policies-profile-refresh": {
        "task": "policies.tasks.firm_profiles_refresh_task",
        "schedule": env.int("POLICIES_PROFILE_REFRESH_SECONDS", default=86400),
    },
    "exchange-objections-escalate": {
        "task": "portal.exchange.tasks.objections_escalate_task",
        "schedule": env.int("OBJECTION_ESCALATE_SECONDS", default=3600),
    },
    "exchange-objection-email-sweep": {
        "task": "portal.exchange.tasks.objection_notices_email_sweep_task",
        "schedule": env.int("SERVICES_EMAIL_SWEEP_SECONDS", default=300),
    },
    "departments-signature-purge": {
        "task": "portal.departments.tasks.used_signatures_purge_task",
        "schedule": env.int("SIGNATURE_PURGE_SECONDS", default=600),
    },
    "exchange-unseal-due": {
        "task": "portal.exchange.tasks.sealed_reads_unseal_due_task",
        "schedule": env.int("LEDGER_UNSEAL_SECONDS", default=3600),
    },
}

# --- Access ledger -----------------------------------------------------------
# The log's origin line (C2SP tlog-checkpoint): a schema-less URL naming this log.
# Version 2 of the entry format started a new log, so a new origin (docs/ledger-formats.md §7).
LEDGER_ORIGIN = env.str("LEDGER_ORIGIN", default="portal.localhost/access-ledger/v2")
# The log's private key in C2SP signed-note skey form, from the environment or a file.
# Without either, a key is generated into VAR_DIR/keys (local demo only).
LEDGER_LOG_KEY_ENV = "LEDGER_LOG_KEY"
LEDGER_LOG_KEY_FILE = env.str("LEDGER_LOG_KEY_FILE", default=str(VAR_DIR / "keys" / "log-v2.skey"))
# C2SP tlog-checkpoint: the log key name is the origin, which is how witnesses know the log.
LEDGER_LOG_KEY_NAME = LEDGER_ORIGIN
# The VRF key that makes entry labels (RFC 9381; `PRIVATE+VRF+…` text), from the environment or
# a file; generated into VAR_DIR/keys for the local demo only. Rotate with `ledger_keys --vrf`.
LEDGER_VRF_KEY_ENV = "LEDGER_VRF_KEY"
LEDGER_VRF_KEY_FILE = env.str("LEDGER_VRF_KEY_FILE", default=str(VAR_DIR / "keys" / "vrf.key"))
LEDGER_VRF_KEY_NAME = env.str("LEDGER_VRF_KEY_NAME", default=LEDGER_ORIGIN + "/vrf")
# The index log (completeness, docs/ledger.md): its own origin and key, same formats.
LEDGER_INDEX_ORIGIN = env.str("LEDGER_INDEX_ORIGIN", default="portal.localhost/access-index/v1")
LEDGER_INDEX_KEY_ENV = "LEDGER_INDEX_KEY"
LEDGER_INDEX_KEY_FILE = env.str(
    "LEDGER_INDEX_KEY_FILE", default=str(VAR_DIR / "keys" / "index-log.skey")
)
# Probe counters beyond a person's last read whose absence the browser checks: the next few,
# then every power of two up to this (a skipped counter is caught).
LEDGER_COMPLETENESS_MAX_PROBE = env.int("LEDGER_COMPLETENESS_MAX_PROBE", default=65536)
# Secret of the keyed hash (HMAC-SHA-256) that finds a person's rows in the private tables
# (never in a public entry).
LEDGER_SUBJECT_SECRET = env.str("LEDGER_SUBJECT_SECRET", default="")
LEDGER_SUBJECT_SECRET_FILE = str(VAR_DIR / "keys" / "subject.secret")
# Benchmarks only (benchmarks/exchange.py): reads skip the ledger event to measure its cost.
# `manage.py check --deploy` refuses it.
BENCHMARK_SKIP_LEDGER = env.bool("BENCHMARK_SKIP_LEDGER", default=False)
# Readiness fails when the oldest pending ledger event is older than this.
LEDGER_BACKLOG_MAX_SECONDS = env.int("LEDGER_BACKLOG_MAX_SECONDS", default=300)
# Bearer token for /metrics from other hosts (without it, loopback only).
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
# Cross-checks `manage.py ledger_verify` runs after the log's own (dotted paths).
LEDGER_VERIFY_CHECKS = ["portal.exchange.ledger_check.accesses_match_ledger"]
LEDGER_BATCH_SIZE = env.int("LEDGER_BATCH_SIZE", default=5000)
# Pause of the sequencer between passes while events keep arriving (batches them up).
LEDGER_SEQUENCE_LINGER_SECONDS = env.float("LEDGER_SEQUENCE_LINGER_SECONDS", default=0.25)
LEDGER_WITNESS_TIMEOUT = env.float("LEDGER_WITNESS_TIMEOUT", default=5.0)
# The browser verifier's pinned policy (docs/browser-verifier.md): the ES module made by
# `manage.py ledger_verifier_policy --out FILE` at release, served as /ledger/verifier-policy.js.
# Empty: the policy is generated from the registered keys on each request (demo).
LEDGER_VERIFIER_POLICY_FILE = env.str("LEDGER_VERIFIER_POLICY_FILE", default="")
# Witness cosignatures a person's browser requires on a checkpoint (generated policy).
LEDGER_VERIFIER_QUORUM = env.int("LEDGER_VERIFIER_QUORUM", default=1)
# Sealed reads (covert investigations): the latest unseal-by date allowed, in days from today.
LEDGER_SEAL_MAX_DAYS = env.int("LEDGER_SEAL_MAX_DAYS", default=365)

# --- Subsidy policies ---------------------------------------------------------
# The department system whose reads (through the exchange) build firms' matching profiles.
POLICIES_PROFILE_READER = env.str("POLICIES_PROFILE_READER", default="jxj-system")
# Firms matched per batch (and per transaction) by the push job.
POLICIES_PUSH_BATCH = env.int("POLICIES_PUSH_BATCH", default=5000)

# --- REST API -------------------------------------------------------------
# Proxies in front of the portal whose X-Forwarded-For is trusted (0: the header is ignored).
PORTAL_TRUSTED_PROXIES = env.int("PORTAL_TRUSTED_PROXIES", default=0)
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "portal.departments.api.authentication.SignedRequestAuthentication",
        "portal.departments.api.authentication.PortalSessionAuthentication",
    ],
    "DEFAULT_THROTTLE_CLASSES": [
        "portal.departments.api.throttling.DepartmentSystemThrottle",
        "portal.departments.api.throttling.AnonymousClientThrottle",
    ],
    # The client of a throttle: the same trusted-proxy rule as client_address.
    "NUM_PROXIES": PORTAL_TRUSTED_PROXIES,
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.LimitOffsetPagination",
    "PAGE_SIZE": 50,
    "DEFAULT_THROTTLE_RATES": {
        "anon": env.str("API_ANON_RATE", default="600/min"),
        "department_system": env.str("API_SYSTEM_RATE", default="6000/min"),
        "authentication_failure": env.str("API_AUTH_FAILURE_RATE", default="30/min"),
        "sign_up": env.str("SIGN_UP_RATE", default="10/hour"),
        "password_reset": env.str("PASSWORD_RESET_RATE", default="10/hour"),
        "two_factor_activation": env.str("TWO_FACTOR_ACTIVATION_RATE", default="10/hour"),
    },
    "EXCEPTION_HANDLER": "portal.core.problems.problem_exception_handler",
    # DRF's defaults, with JSON read under a depth limit (deep nesting is a 400, not a 500).
    "DEFAULT_PARSER_CLASSES": [
        "portal.core.parsers.BoundedJSONParser",
        "rest_framework.parsers.FormParser",
        "rest_framework.parsers.MultiPartParser",
    ],
}
SPECTACULAR_SETTINGS = {
    "TITLE": "One-stop services portal API",
    "DESCRIPTION": "Department systems, the data exchange and the access ledger.",
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    # One OpenAPI enum per TextChoices class, named after it (several models have "status").
    "ENUM_NAME_OVERRIDES": {
        "GrantStatusEnum": "portal.exchange.constants.GrantStatus",
        "ObjectionStatusEnum": "portal.exchange.constants.ObjectionStatus",
        "ApplicationStatusEnum": "portal.services.constants.ApplicationStatus",
        "EvaluationStatusEnum": "portal.services.constants.EvaluationStatus",
        "PolicyStatusEnum": "policies.constants.PolicyStatus",
        "RunStatusEnum": "policies.constants.RunStatus",
        "AwardStatusEnum": "policies.constants.AwardStatus",
    },
}

# --- Security (production values are switched on by DJANGO_HTTPS) ---------
HTTPS = env.bool("DJANGO_HTTPS", default=False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env.int("DJANGO_HSTS_SECONDS", default=31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_PROXY_SSL_HEADER = (
    ("HTTP_X_FORWARDED_PROTO", "https") if env.bool("DJANGO_BEHIND_PROXY", default=False) else None
)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = env.int("DJANGO_SESSION_AGE", default=60 * 60 * 8)
X_FRAME_OPTIONS = "DENY"
SESSION_EXPIRE_AT_BROWSER_CLOSE = env.bool("DJANGO_SESSION_EXPIRE_AT_CLOSE", default=True)
# Sign-in protection: lockout after repeated failures; two-factor (TOTP) for staff.
LOGIN_MAX_FAILURES = env.int("LOGIN_MAX_FAILURES", default=5)
LOGIN_MAX_FAILURES_PER_ADDRESS = env.int("LOGIN_MAX_FAILURES_PER_ADDRESS", default=50)
LOGIN_LOCKOUT_SECONDS = env.int("LOGIN_LOCKOUT_SECONDS", default=900)
STAFF_TWO_FACTOR = env.bool("STAFF_TWO_FACTOR", default=HTTPS)
# One authentication policy (portal/accounts/authentication_policy.py) for pages, API, admin.
# Hours an activation code for enrolling an authenticator stays valid.
STAFF_ACTIVATION_CODE_HOURS = env.int("STAFF_ACTIVATION_CODE_HOURS", default=72)
AUTHENTICATION_BACKENDS = [
    "portal.accounts.authentication_policy.LockoutBackend",  # django-axes: refuses locked ones
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "portal.accounts.authentication_policy.LockoutHandler"
AXES_LOCKOUT_PARAMETERS = ["username", "ip_address"]  # order matters to LockoutHandler
AXES_FAILURE_LIMIT = "portal.accounts.authentication_policy.lockout_failure_limit"
AXES_COOLOFF_TIME = "portal.accounts.authentication_policy.lockout_cool_off"
AXES_USERNAME_CALLABLE = "portal.accounts.authentication_policy.lockout_username"
AXES_CLIENT_IP_CALLABLE = "portal.accounts.authentication_policy.client_address"
AXES_CLIENT_STR_CALLABLE = "portal.accounts.authentication_policy.lockout_log_label"
AXES_LOCKOUT_CALLABLE = "portal.accounts.authentication_policy.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_DISABLE_ACCESS_LOG = True  # no row per successful sign-in (only failures are kept)
OTP_TOTP_ISSUER = env.str("OTP_TOTP_ISSUER", default="一网通办")
# Content Security Policy: no inline scripts, nothing from other origins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "worker-src": ["'self'", "blob:"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}

# --- Logging: JSON lines with request ids, never personal data ----------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "mask_identity": {"()": "portal.core.logging.MaskIdentityNumbersFilter"},
        "request_id": {"()": "portal.core.logging.RequestIdFilter"},
    },
    "formatters": {
        "json": {"()": "portal.core.logging.JsonFormatter"},
        "plain": {"format": "%(levelname)s %(name)s [%(request_id)s] %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id", "mask_identity"],
            "formatter": env.str("DJANGO_LOG_FORMAT", default="json"),
        },
    },
    "root": {"handlers": ["console"], "level": env.str("DJANGO_LOG_LEVEL", default="INFO")},
    # django-axes logs every sign-in at INFO; failures and lockouts are WARNING.
    "loggers": {"axes": {"level": "WARNING"}},
}
