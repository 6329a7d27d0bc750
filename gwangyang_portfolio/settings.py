"""Settings for Gwangyang Portfolio, read from the environment (12-factor).

Unset variables give the embedded development mode: SQLite and a filesystem Celery broker,
so the app runs with no server. Production sets DATABASE_URL, CELERY_BROKER_URL and
DJANGO_SECRET_KEY; see README.md and .env.example.
"""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE as CSP_NONE
from csp.constants import SELF as CSP_SELF
from django.utils.translation import gettext_lazy as _

from .env import get_bool, get_int, get_list, get_str

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(get_str("GP_VAR_DIR", str(BASE_DIR / "var")))

# --- Core --------------------------------------------------------------------------------
DEBUG = get_bool("DJANGO_DEBUG", False)
SECRET_KEY = (
    get_str("DJANGO_SECRET_KEY", "dev-only-insecure-key") if DEBUG else get_str("DJANGO_SECRET_KEY")
)
ALLOWED_HOSTS = get_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = get_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_filters",
    "django_htmx",
    "simple_history",
    "axes",
    "csp",
    "core",
    "accounts",
    "projects",
    "imports",
    "reviews",
    "rounds",
    "dashboard",
]

# Every CharField (one line) and TextField (multi-line) of these apps' models refuses control
# characters (core.text), in forms, the admin and full_clean alike.
GP_PLAIN_TEXT_APPS = ["accounts", "projects", "imports", "reviews", "rounds", "dashboard"]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # A NUL in the address or a form field is a 400, never a 500 from the database.
    "core.middleware.RejectNulMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "accounts.middleware.SessionIdleMiddleware",
    # A password someone else set must be replaced before anything else.
    "accounts.middleware.PasswordChangeRequiredMiddleware",
    # Signed-in pages and downloads are never kept by a browser or a proxy cache.
    "accounts.middleware.PrivateNoStoreMiddleware",
    # Deny by default: every view needs a login unless marked @login_not_required.
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes last, as its docs ask: it turns lock-outs into a response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "gwangyang_portfolio.urls"
WSGI_APPLICATION = "gwangyang_portfolio.wsgi.application"

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
                "gwangyang_portfolio.context_processors.site",
                "projects.context_processors.portfolio_switcher",
                "reviews.context_processors.notifications",
                "dashboard.context_processors.data_sources",
            ],
        },
    },
]

# --- Database: https://github.com/jazzband/dj-database-url ----------------------------------
DATABASES = {
    "default": dj_database_url.parse(
        get_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
        conn_max_age=get_int("DJANGO_CONN_MAX_AGE", 60),
        conn_health_checks=get_bool("DJANGO_CONN_HEALTH_CHECKS", True),
    )
}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
EMBEDDED_MODE = DATABASES["default"]["ENGINE"].endswith("sqlite3")

# Redis in production (shared by all web workers; core.redis_cache: Django's backend with one
# client per pool); a per-process memory cache otherwise.
CACHE_URL = get_str("DJANGO_CACHE_URL", "")
_REDIS_CACHE = CACHE_URL.startswith(("redis://", "rediss://"))
CACHES = {
    "default": {"BACKEND": "core.redis_cache.RedisCache", "LOCATION": CACHE_URL}
    if _REDIS_CACHE
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    # Rendered page bodies (core.pagecache), apart from sessions so either can be emptied alone.
    "pages": {
        "BACKEND": "core.redis_cache.RedisCache",
        "LOCATION": CACHE_URL,
        "KEY_PREFIX": "pages",
    }
    if _REDIS_CACHE
    else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "pages"},
}

# --- Accounts, login throttling (django-axes), sessions -----------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "accounts.backends.UserBackend",
    # Listed after it only so that sessions signed in before UserBackend existed stay valid.
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "dashboard:home"
LOGOUT_REDIRECT_URL = "accounts:login"

# A city hall sits behind one NAT: lock out by username, never by address.
AXES_FAILURE_LIMIT = get_int("AXES_FAILURE_LIMIT", 5)
# A lock-out holds one username at one address: a stranger elsewhere cannot lock a user out.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
# Across all addresses, after this many failures for one username within AXES_COOLOFF_TIME,
# that username is slowed, not locked: one try per GP_LOGIN_SLOW_SECONDS (accounts.forms).
GP_LOGIN_SLOW_AFTER = get_int("GP_LOGIN_SLOW_AFTER", 20)
GP_LOGIN_SLOW_SECONDS = get_int("GP_LOGIN_SLOW_SECONDS", 60)
AXES_COOLOFF_TIME = timedelta(minutes=get_int("AXES_COOLOFF_MINUTES", 30))
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
# Axes' own INFO lines ("AXES: BEGIN" at every start, each sign-in): the access log
# (gwangyang.access) records sign-ins and lock-outs already.
AXES_VERBOSE = get_bool("AXES_VERBOSE", False)
# axes.W006 asks to lock by address too; behind the city hall's NAT that would lock out
# every official at once, so the username-only lock-out is deliberate.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

# Idle sessions end after 30 minutes: SessionIdleMiddleware moves the expiry forward at most
# once a minute. Sessions are read from the cache and written through to the database.
SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
SESSION_COOKIE_AGE = get_int("DJANGO_SESSION_IDLE_SECONDS", 30 * 60)
SESSION_SAVE_EVERY_REQUEST = False
GP_SESSION_TOUCH_SECONDS = get_int("GP_SESSION_TOUCH_SECONDS", 60)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
# However active, a sign-in ends this long after it began (accounts.middleware).
GP_SESSION_MAX_AGE_SECONDS = get_int("DJANGO_SESSION_MAX_AGE_SECONDS", 12 * 3600)
# A CSRF rejection is written to the access log like any other 403.
CSRF_FAILURE_VIEW = "accounts.views.csrf_failure"

# --- Security (manage.py check --deploy is clean when DJANGO_DEBUG is off) -----------------
HTTPS = get_bool("DJANGO_HTTPS", not DEBUG)
SECURE_SSL_REDIRECT = HTTPS
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = get_int("DJANGO_HSTS_SECONDS", 31536000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# Trust X-Forwarded-Proto/-For only behind a reverse proxy that sets them; a client talking to
# gunicorn directly could otherwise claim HTTPS or fake its address in the access log.
BEHIND_PROXY = get_bool("DJANGO_BEHIND_PROXY", False)
if BEHIND_PROXY:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Content-Security-Policy (django-csp): scripts, styles, images and fonts only from this site;
# no inline script, style element or style attribute anywhere in the templates (the charts draw
# with SVG attributes, htmx's indicator styles are in app.css). No plugins, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [CSP_SELF],
        "script-src": [CSP_SELF],
        "style-src": [CSP_SELF],
        "img-src": [CSP_SELF, "data:"],
        "font-src": [CSP_SELF],
        "connect-src": [CSP_SELF],
        "object-src": [CSP_NONE],
        "base-uri": [CSP_SELF],
        "form-action": [CSP_SELF],
        "frame-ancestors": [CSP_NONE],
    }
}

# --- Internationalisation: Korean first, English through Django's i18n ---------------------
LANGUAGE_CODE = "ko"
LANGUAGES = [("ko", _("한국어")), ("en", _("English"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Seoul"
USE_I18N = True
USE_TZ = True

# --- Static files: shipped with the project, served by WhiteNoise (no CDN) ------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
MEDIA_ROOT = VAR_DIR / "media"
# Evidence attachments (rounds app): stored through the default storage (S3-compatible storage
# is a STORAGES change), type decided by content, not by the name (docs/update-rounds.md).
EVIDENCE_MAX_BYTES = get_int("EVIDENCE_MAX_BYTES", 20 * 1024 * 1024)
EVIDENCE_ALLOWED_TYPES = get_list(
    "EVIDENCE_ALLOWED_TYPES", ["pdf", "hwp", "hwpx", "xlsx", "docx", "png", "jpg", "gif", "webp"]
)

# --- E-mail: console in development, SMTP from the environment in production ---------------
EMAIL_BACKEND = get_str(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = get_str("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = get_int("DJANGO_EMAIL_PORT", 25)
EMAIL_HOST_USER = get_str("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = get_str("DJANGO_EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = get_bool("DJANGO_EMAIL_USE_TLS", False)
EMAIL_TIMEOUT = get_int("DJANGO_EMAIL_TIMEOUT", 30)
EMAIL_FILE_PATH = str(VAR_DIR / "mail")
DEFAULT_FROM_EMAIL = get_str("DJANGO_DEFAULT_FROM_EMAIL", "portfolio@gwangyang.invalid")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
SITE_URL = get_str("GP_SITE_URL", "http://127.0.0.1:8000")

# --- Celery: https://docs.celeryq.dev/en/stable/django/first-steps-with-django.html ---------
# Unset broker → kombu's filesystem transport: the same Celery code path, no server needed.
CELERY_BROKER_URL = get_str("CELERY_BROKER_URL", "filesystem://")
BROKER_DIR = VAR_DIR / "celery-broker"  # created by gwangyang_portfolio.celery when used
if CELERY_BROKER_URL.startswith("filesystem://"):
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(BROKER_DIR / "queue"),
        "data_folder_out": str(BROKER_DIR / "queue"),
        "processed_folder": str(BROKER_DIR / "processed"),
        # kombu's default is ./control in the working directory; keep it under var/ too.
        "control_folder": str(BROKER_DIR / "control"),
        "store_processed": False,
    }
else:
    # Redis redelivers an unacknowledged message after this many seconds.
    CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": 3600}
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_ALWAYS_EAGER = get_bool("CELERY_TASK_ALWAYS_EAGER", False)
CELERY_BEAT_SCHEDULE_FILENAME = str(VAR_DIR / "celerybeat-schedule")
# One reviewed schedule for all periodic work (times in CELERY_TIMEZONE, Asia/Seoul).
CELERY_BEAT_SCHEDULE = {
    # Send the reminders that are due (claimed under a lock: running twice is harmless).
    "reviews.dispatch_due_reminders": {
        "task": "reviews.dispatch_due_reminders",
        "schedule": 60.0,
    },
    # Monday 07:00; the digest row is due at REMINDER_SEND_HOUR.
    "reviews.plan_weekly_digest": {
        "task": "reviews.plan_weekly_digest",
        "schedule": crontab(minute=0, hour=7, day_of_week=1),
    },
    "reviews.replan_open_actions": {
        "task": "reviews.replan_open_actions",
        "schedule": crontab(minute=30, hour=6),
    },
    # Import runs left behind by a dead worker are put back in line (GP_IMPORT_STUCK_SECONDS).
    "projects.reclaim_stuck_imports": {
        "task": "projects.reclaim_stuck_imports",
        "schedule": 300.0,
    },
}

# --- Logging -------------------------------------------------------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": get_str("DJANGO_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "WARNING"},
        # kombu warns "No hostname was supplied" for the embedded filesystem broker, which has none.
        **(
            {"kombu.connection": {"level": "ERROR"}}
            if CELERY_BROKER_URL.startswith("filesystem://")
            else {}
        ),
    },
}

# --- Product rules ---------------------------------------------------------------------------
GP_STALE_DAYS = get_int("GP_STALE_DAYS", 30)

# --- Reminders and review meetings; guarantees in docs/meetings-and-reminders.md --------
# Dated reminders go out at REMINDER_SEND_HOUR (Asia/Seoul) on working days.
# Meeting planning ticks at most this many of the suggested agenda items (the most pressing).
GP_AGENDA_PRESELECT = get_int("GP_AGENDA_PRESELECT", 10)
REMINDER_BEFORE_DAYS = get_int("REMINDER_BEFORE_DAYS", 7)
REMINDER_OVERDUE_EVERY_DAYS = get_int("REMINDER_OVERDUE_EVERY_DAYS", 3)
REMINDER_ESCALATE_AFTER_DAYS = get_int("REMINDER_ESCALATE_AFTER_DAYS", 7)
REMINDER_SEND_HOUR = get_int("REMINDER_SEND_HOUR", 9)
# A reminder falling on a weekend or a public holiday moves to the next working day.
REMINDER_SKIP_NON_WORKING_DAYS = get_bool("REMINDER_SKIP_NON_WORKING_DAYS", True)
# Holiday calendar of the `holidays` package: https://holidays.readthedocs.io/
REMINDER_HOLIDAY_COUNTRY = get_str("REMINDER_HOLIDAY_COUNTRY", "KR")
# Delivery: rows claimed per batch, batches per dispatcher run, 'sending' rows older than the
# timeout are reclaimed; a failed send waits RETRY_BASE × 2^(attempt-1) seconds (capped).
REMINDER_DISPATCH_BATCH = get_int("REMINDER_DISPATCH_BATCH", 200)
REMINDER_DISPATCH_MAX_BATCHES = get_int("REMINDER_DISPATCH_MAX_BATCHES", 50)
# Rows per send task: one SMTP connection and a fixed number of queries per task. A worker
# killed mid-task re-sends at most this many messages (same Message-IDs, counted as restarts).
REMINDER_SEND_BATCH = get_int("REMINDER_SEND_BATCH", 50)
REMINDER_SENDING_TIMEOUT_SECONDS = get_int("REMINDER_SENDING_TIMEOUT_SECONDS", 600)
REMINDER_RETRY_BASE_SECONDS = get_int("REMINDER_RETRY_BASE_SECONDS", 60)
REMINDER_RETRY_MAX_SECONDS = get_int("REMINDER_RETRY_MAX_SECONDS", 6 * 3600)
# 20 attempts with the back-off capped at 6 h span about 74 h, longer than the 3-day horizon:
# a long mail outage ends at the horizon (given up, planning told), not at the count.
REMINDER_MAX_ATTEMPTS = get_int("REMINDER_MAX_ATTEMPTS", 20)
# A delivery whose process died mid-way (Celery requeues it, or the timeout reclaims it) is
# taken up again at most this many times; then the row fails and planning staff are told.
REMINDER_MAX_RESTARTS = get_int("REMINDER_MAX_RESTARTS", 3)
# A row still undelivered this many days after its first due time is not sent any more
# (a reminder for last week is noise): it is given up and planning staff are told.
REMINDER_GIVE_UP_AFTER_DAYS = get_int("REMINDER_GIVE_UP_AFTER_DAYS", 3)
# Update rounds (rounds app): a reminder N days before the due date, overdue reminders every
# M days after it, and one escalation to the chair K days after it (docs/update-rounds.md).
ROUND_REMINDER_BEFORE_DAYS = get_int("ROUND_REMINDER_BEFORE_DAYS", 3)
ROUND_REMINDER_OVERDUE_EVERY_DAYS = get_int("ROUND_REMINDER_OVERDUE_EVERY_DAYS", 2)
ROUND_REMINDER_ESCALATE_AFTER_DAYS = get_int("ROUND_REMINDER_ESCALATE_AFTER_DAYS", 5)
# --- Report import (imports/) ----------------------------------------------------------------
# Uploads above this size are refused before they are read.
GP_IMPORT_MAX_BYTES = get_int("GP_IMPORT_MAX_BYTES", 10 * 1024 * 1024)
# A file with more data rows than this is refused with a message.
GP_IMPORT_MAX_ROWS = get_int("GP_IMPORT_MAX_ROWS", 20_000)
# An .xlsx is a zip archive: before it is parsed, the declared and the actual unpacked size of
# its members (together) must stay within this, and no member may unpack to more than
# GP_IMPORT_MAX_RATIO times its compressed size (decompression bombs).
GP_IMPORT_MAX_UNPACKED_BYTES = get_int("GP_IMPORT_MAX_UNPACKED_BYTES", 50 * 1024 * 1024)
GP_IMPORT_MAX_RATIO = get_int("GP_IMPORT_MAX_RATIO", 100)
# A row may hold at most this many cells (trailing empty ones aside); the report has 11 columns.
GP_IMPORT_MAX_COLUMNS = get_int("GP_IMPORT_MAX_COLUMNS", 500)
# A run whose task started this many times without finishing (its worker died each time, e.g.
# killed for memory) is marked failed instead of being tried again.
GP_IMPORT_MAX_ATTEMPTS = get_int("GP_IMPORT_MAX_ATTEMPTS", 3)
# Files at least this big are previewed and applied by a Celery worker, with a progress page.
GP_IMPORT_ASYNC_MIN_BYTES = get_int("GP_IMPORT_ASYNC_MIN_BYTES", 200 * 1024)
# A report row with a new code is suggested as a link to a proposal without a report code when
# rapidfuzz's WRatio of the two normalised titles is at least this (0-100; docs/import.md 대조).
GP_IMPORT_MATCH_THRESHOLD = get_int("GP_IMPORT_MATCH_THRESHOLD", 85)

# --- Import runs left behind by a dead worker ------------------------------------------------
# A run previewing or applying this long after its upload, with no worker holding its lock, is
# put back in line and enqueued again by `projects.reclaim_stuck_imports` (CELERY_BEAT_SCHEDULE).
GP_IMPORT_STUCK_SECONDS = get_int("GP_IMPORT_STUCK_SECONDS", 900)
