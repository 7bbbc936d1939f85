"""Settings for icpdesk, read from environment variables with safe local defaults.

Every setting that differs between a laptop and a province's deployment comes
from the environment (or from a file named by ``<NAME>_FILE`` for secrets), so
N web processes and M task workers share one configuration with no code change.
"""

from __future__ import annotations

import os
from datetime import timedelta
from pathlib import Path

import dj_database_url

BASE_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BASE_DIR.parent.parent


def env(name: str, default: str = "") -> str:
    """The value of ``ICPDESK_<name>`` or of the file ``ICPDESK_<name>_FILE`` names."""
    key = f"ICPDESK_{name}"
    path = os.environ.get(f"{key}_FILE")
    if path:
        return Path(path).read_text(encoding="utf-8").strip()
    return os.environ.get(key, default)


def envbool(name: str, default: bool = False) -> bool:
    value = env(name, "1" if default else "0").strip().lower()
    return value in {"1", "true", "yes", "on"}


def envint(name: str, default: int) -> int:
    return int(env(name, str(default)))


def envlist(name: str, default: str = "") -> list[str]:
    return [item.strip() for item in env(name, default).split(",") if item.strip()]


DEBUG = envbool("DEBUG", False)
# The fallback key is for a desk on one's own machine only; `check --deploy`
# refuses it, so a production deployment must set ICPDESK_SECRET_KEY.
SECRET_KEY = env("SECRET_KEY", "django-insecure-local-icpdesk-key-do-not-use-in-production")
ALLOWED_HOSTS = envlist("ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = envlist("CSRF_TRUSTED_ORIGINS")
SITE_URL = env("SITE_URL", "http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "django_tasks_db",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "icpdesk.accounts",
    "icpdesk.enterprises",
    "icpdesk.cases",
    "icpdesk.licenses",
    "icpdesk.materials",
    "icpdesk.paperwork",
    "icpdesk.bulk",
    "icpdesk.overviews",
    "icpdesk.notifications",
    "icpdesk.monitoring",
    "icpdesk.web",
    "icpdesk.calendars",
    "icpdesk.changes",
    "icpdesk.demo",
]

MIDDLEWARE = [
    "icpdesk.changes.request_id.RequestIdMiddleware",
    "icpdesk.lib.bodylimit.BodyLimitMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "icpdesk.accounts.two_factor.TwoFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, so it sees the sign-in page's answer to a throttled attempt (and keeps it).
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "icpdesk.urls"
WSGI_APPLICATION = "icpdesk.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "icpdesk.notifications.context.unread_count",
            ],
        },
    },
]

# SQLite in a local file by default; PostgreSQL (or any database Django
# supports) through DATABASE_URL.
DEFAULT_SQLITE = PROJECT_DIR / "var" / "icpdesk.sqlite3"
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{DEFAULT_SQLITE}",
        conn_max_age=envint("DB_CONN_MAX_AGE", 0),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the web process read while a task worker writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA temp_store=MEMORY;",
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
        }
    )

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

TASKS = {
    "default": {
        "BACKEND": env("TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        "QUEUES": ["default"],
    }
}

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(PROJECT_DIR / "var" / "static")))
try:  # WhiteNoise serves from here after collectstatic; finders serve before it.
    STATIC_ROOT.mkdir(parents=True, exist_ok=True)
except OSError:  # pragma: no cover - a read-only deployment has run collectstatic
    pass
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(PROJECT_DIR / "var" / "media")))
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG

STORAGES: dict[str, dict[str, object]] = {
    "default": {"BACKEND": env("FILE_STORAGE", "django.core.files.storage.FileSystemStorage")},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Uploads, generated documents and import workbooks in an S3-compatible bucket,
# shared by every web process and worker on every machine. The credentials come
# from boto3's own chain (AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY, a profile or
# an instance role). Objects are private and the storage makes no working URL
# (no signed query strings): every file is read through the desk's views, which
# check who may see it, and streamed from the bucket. Names are never
# overwritten: a name already taken gets a suffix, as on the local disk.
S3_BUCKET = env("S3_BUCKET")
if S3_BUCKET:
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": S3_BUCKET,
            "endpoint_url": env("S3_ENDPOINT_URL") or None,
            "region_name": env("S3_REGION") or None,
            "location": env("S3_PREFIX").strip("/"),
            "addressing_style": env("S3_ADDRESSING_STYLE") or None,
            "signature_version": "s3v4",
            # Set ICPDESK_S3_ACL empty for a bucket that refuses ACLs (object ownership enforced).
            "default_acl": env("S3_ACL", "private") or None,
            "querystring_auth": False,
            "file_overwrite": False,
            "object_parameters": {"CacheControl": "private, no-store"},
            "max_memory_size": 8 * 1024 * 1024,
        },
    }

LOGIN_URL = "/accounts/login/"
LOGIN_REDIRECT_URL = "/"

# Security: everything a production deployment needs is on when it says it
# is served over HTTPS (ICPDESK_HTTPS=1), so `check --deploy` passes.
HTTPS = envbool("HTTPS", False)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = envint("HSTS_SECONDS", 31536000 if HTTPS else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# How many reverse proxies of the desk's own stand in front of it: the client's
# address is then read from X-Forwarded-For (icpdesk.lib.clients).
TRUSTED_PROXIES = envint("TRUSTED_PROXIES", 0)
if envbool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = envint("SESSION_SECONDS", 8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
}

# Email through Django's mailers: the console by default; an SMTP server when
# ICPDESK_EMAIL_BACKEND is "smtp" (host, port, user, password and TLS below).
EMAIL_BACKEND_NAME = env("EMAIL_BACKEND", "console")
_EMAIL_BACKENDS = {
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
    "locmem": "django.core.mail.backends.locmem.EmailBackend",
    "dummy": "django.core.mail.backends.dummy.EmailBackend",
}
MAILERS: dict[str, dict[str, object]] = {
    "default": {"BACKEND": _EMAIL_BACKENDS.get(EMAIL_BACKEND_NAME, EMAIL_BACKEND_NAME)}
}
if EMAIL_BACKEND_NAME == "smtp":
    MAILERS["default"]["OPTIONS"] = {
        "host": env("EMAIL_HOST", "localhost"),
        "port": envint("EMAIL_PORT", 25),
        "username": env("EMAIL_HOST_USER"),
        "password": env("EMAIL_HOST_PASSWORD"),
        "use_tls": envbool("EMAIL_USE_TLS", False),
        "timeout": envint("EMAIL_TIMEOUT", 20),
    }
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "icpdesk <noreply@localhost>")

# The rule pack this desk enforces (see icpdesk/core/packs/).
RULE_PACK = env("RULE_PACK", "gansu")
# Refuse, instead of flagging as provisional, a deadline that depends on a
# year whose official holiday schedule is not known.
CALENDAR_STRICT = envbool("CALENDAR_STRICT", False)

# Keys for personal data encrypted at rest (Fernet keys, newest first).
FIELD_ENCRYPTION_KEYS = envlist("FIELD_KEYS")

# Sign-in throttle (django-axes): LOCKOUT_FAILURES failed sign-ins for one user name
# from one client address refuse that pair for LOCKOUT_MINUTES; the same name from
# another address, or another name from this one, is not affected. The refusal reads
# like a wrong password (icpdesk.accounts.backends). The address is the one
# icpdesk.lib.clients reads, through ICPDESK_TRUSTED_PROXIES only.
LOCKOUT_FAILURES = envint("LOCKOUT_FAILURES", 5)
LOCKOUT_MINUTES = envint("LOCKOUT_MINUTES", 15)
AXES_FAILURE_LIMIT = LOCKOUT_FAILURES
AXES_COOLOFF_TIME = timedelta(minutes=LOCKOUT_MINUTES)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_CLIENT_IP_CALLABLE = "icpdesk.accounts.backends.client_ip"
AXES_LOCKOUT_CALLABLE = "icpdesk.accounts.backends.lockout_response"
AXES_RESET_ON_SUCCESS = True
# A failure while throttled does not push the end of the wait further out.
AXES_RESET_COOL_OFF_ON_FAILURE_DURING_LOCKOUT = False
# Only the throttle's counters are kept (and only for the cool-off), not a log of every sign-in.
AXES_DISABLE_ACCESS_LOG = True
AXES_VERBOSE = False

# Two-factor sign-in (django-otp): a TOTP app, with ten one-time recovery codes.
# Required for regulator staff and administrators, optional for everyone else
# (icpdesk.accounts.two_factor).
OTP_TOTP_ISSUER = env("OTP_ISSUER", "icpdesk")

# Materials: upload limits and the legibility (清) thresholds.
UPLOAD_MAX_BYTES = envint("UPLOAD_MAX_MB", 20) * 1024 * 1024
UPLOAD_MAX_PIXELS = envint("UPLOAD_MAX_PIXELS", 80_000_000)
LEGIBILITY_MIN_SHORT_SIDE_PX = envint("LEGIBILITY_MIN_SHORT_SIDE_PX", 1000)
LEGIBILITY_PDF_RENDER_DPI = envint("LEGIBILITY_PDF_RENDER_DPI", 150)
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FILES = 100
DATA_UPLOAD_MAX_NUMBER_FIELDS = 1000
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "icpdesk.lib.bodylimit.LimitedUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]

# Public license lookups per client address per minute (counted in the database).
PUBLIC_LOOKUP_PER_MINUTE = envint("PUBLIC_LOOKUP_PER_MINUTE", 30)

# Site monitoring: every valid license's site is scanned once a week (spread over the
# days), and on demand. ICPDESK_SCAN_ALLOW_PRIVATE=1 (read by icpdesk.lib.netguard) lets
# scans and webhooks reach private addresses: for the test suite only, never in production.
MONITORING_ENABLED = envbool("SCAN_ENABLED", True)
MONITORING_MAX_PAGES = envint("SCAN_MAX_PAGES", 30)
MONITORING_MAX_DEPTH = envint("SCAN_MAX_DEPTH", 2)
MONITORING_TIMEOUT_SECONDS = envint("SCAN_TIMEOUT_SECONDS", 10)
MONITORING_MAX_BYTES = envint("SCAN_MAX_KB", 2048) * 1024
MONITORING_MAX_REDIRECTS = envint("SCAN_MAX_REDIRECTS", 5)
MONITORING_PAUSE_SECONDS = float(env("SCAN_PAUSE_SECONDS", "1"))
MONITORING_SWEEP_HOUR = envint("SCAN_SWEEP_HOUR", 2)
MONITORING_BATCH = envint("SCAN_BATCH", 20)

# Reading the documents: each uploaded material version is read (text layer, OCR,
# QR codes) by the task workers after its upload, up to READING_PAGE_LIMIT pages.
READING_ON_UPLOAD = envbool("READING_ON_UPLOAD", True)
READING_PAGE_LIMIT = envint("READING_PAGE_LIMIT", 20)

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "icpdesk.accounts.backends.ThrottledBackend",
    "django.contrib.auth.backends.ModelBackend",
]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
}
