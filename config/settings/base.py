"""Settings shared by every environment; values come from the environment."""

from pathlib import Path

import dj_database_url
from csp.constants import NONCE, NONE, SELF, UNSAFE_INLINE
from django.utils.translation import gettext_lazy as _

from config.env import client_ip_sources, env_bool, env_int, env_list, env_str

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"

SECRET_KEY = env_str("SECRET_KEY", "insecure-local-development-key-change-me")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

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
    "rules.apps.AutodiscoverRulesConfig",
    "django_celery_beat",
    "axes",
    "csp",
    "simple_history",
    "accounts",
    "communities",
    "governance",
    "deliberation",
    "volunteers",
    "casework",
    "notifications",
    "portal",
    "audit",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "accounts.middleware.ForcePasswordChangeMiddleware",
    # Records who made each change in the audit trail (django-simple-history).
    "simple_history.middleware.HistoryRequestMiddleware",
    # Axes must be last so it sees the outcome of authentication.
    "axes.middleware.AxesMiddleware",
]

# Content-Security-Policy, the same in every environment so that the browser tests and a
# developer's own browser meet the policy production sends. Scripts only from our own static
# files (a template that really needs an inline <script> gives it
# nonce="{{ request.csp_nonce }}"); no inline event handlers (onclick=...): static/js/ attaches
# them. <style> elements likewise need the nonce. Style attributes (style="width: 40%" on
# progress bars and charts) stay allowed: they can't run code or read the page, and browsers
# too old for style-src-elem then fall back to style-src as a whole. data: images are
# Bootstrap's own icons (select arrows, check marks, close buttons) in its CSS.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF, UNSAFE_INLINE],
        "style-src-elem": [SELF, NONCE],
        "img-src": [SELF, "data:"],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Django admin shows each tracked record's history but cannot roll a record back: every
# change goes through the services' rules.
SIMPLE_HISTORY_REVERT_DISABLED = True

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

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
                "portal.context_processors.navigation",
                "accounts.display.display",
                "notifications.context_processors.unread",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", f"sqlite:///{VAR_DIR / 'gongzhi.sqlite3'}"),
        conn_max_age=env_int("CONN_MAX_AGE", 0),
    )
}
# The embedded default serves many residents at once (runserver answers each request in a
# thread). SQLite lets one writer in at a time: in WAL mode readers don't block the writer,
# every write transaction takes the write lock up front (BEGIN IMMEDIATE) instead of failing
# at once with "database is locked" when two transactions that have read try to write, and a
# writer waits up to the busy timeout for its turn instead of answering 500.
SQLITE_BUSY_TIMEOUT_SECONDS = env_int("SQLITE_BUSY_TIMEOUT_SECONDS", 20)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_SECONDS * 1000};"
        ),
        "transaction_mode": "IMMEDIATE",
        "timeout": SQLITE_BUSY_TIMEOUT_SECONDS,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "rules.permissions.ObjectPermissionBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

# Failed-login lockout: five failures for one phone number from one address lock it
# for 30 minutes; so do twenty failures from one address for any numbers (password
# spraying). See accounts/lockout.py.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
LOGIN_IP_FAILURE_LIMIT = env_int("LOGIN_IP_FAILURE_LIMIT", 20)
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_HANDLER = "accounts.lockout.LoginLockoutHandler"
AXES_CLIENT_IP_CALLABLE = "accounts.lockout.client_ip"
# The client's address is REMOTE_ADDR unless the site runs behind reverse proxies: then
# TRUSTED_PROXY_COUNT says how many (1 for one nginx) and CLIENT_IP_HEADER which header
# they set (X-Forwarded-For, to which each proxy appends the address it saw, or X-Real-IP
# with one proxy). The address taken is the one the outermost trusted proxy saw, so a
# forged X-Forwarded-For from the client changes nothing; without a proxy configured the
# header is never read.
TRUSTED_PROXY_COUNT = env_int("TRUSTED_PROXY_COUNT", 0)
CLIENT_IP_HEADER = env_str("CLIENT_IP_HEADER", "X-Forwarded-For")
AXES_IPWARE_META_PRECEDENCE_ORDER, AXES_IPWARE_PROXY_COUNT = client_ip_sources(
    TRUSTED_PROXY_COUNT, CLIENT_IP_HEADER
)
AXES_IPWARE_PROXY_ORDER = "left-most"
AXES_USERNAME_FORM_FIELD = "username"
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_RESET_ON_SUCCESS = True

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
MEDIA_URL = "media/"
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

MESSAGE_STORAGE = "django.contrib.messages.storage.session.SessionStorage"

EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "共治社区平台 <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

REDIS_URL = env_str("REDIS_URL", "redis://127.0.0.1:6380/0")
CELERY_BROKER_URL = REDIS_URL
CELERY_RESULT_BACKEND = REDIS_URL
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_TIME_LIMIT = 5 * 60
CELERY_TASK_SOFT_TIME_LIMIT = 4 * 60
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Pages queue work (a notification's email) after their transaction commits: with Redis
# down they must still answer at once. Connecting gives up after one try of one second
# (the worker's own reconnect loop is separate: broker_connection_max_retries); a stored
# notification stays pending and the sweeper queues it once Redis is back.
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": 1,
    # Longer than the worker's 1-second BRPOP poll.
    "socket_timeout": 1.5,
    "max_retries": 0,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 1
CELERY_REDIS_SOCKET_TIMEOUT = 5
CELERY_RESULT_BACKEND_TRANSPORT_OPTIONS = {
    "retry_policy": {"max_retries": 2, "interval_start": 0, "interval_step": 0.5}
}
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"

# Residents' rosters list at most this many rows per page.
PAGE_SIZE = 25
# Largest roster file a secretary may upload (bytes).
IMPORT_MAX_BYTES = 5 * 1024 * 1024
IMPORT_MAX_ROWS = 20000
AGREEMENT_MAX_BYTES = 10 * 1024 * 1024
PHOTO_MAX_BYTES = 5 * 1024 * 1024

# Joint meetings planned by the schedule: on this day of this month of each half-year
# (1-6), or this many days from today when that day has already passed.
GOVERNANCE_MEETING_MONTH_OF_HALF = env_int("GOVERNANCE_MEETING_MONTH_OF_HALF", 3)
GOVERNANCE_MEETING_DAY = env_int("GOVERNANCE_MEETING_DAY", 15)
GOVERNANCE_MEETING_LEAD_DAYS = env_int("GOVERNANCE_MEETING_LEAD_DAYS", 14)
GOVERNANCE_REMINDER_DAYS = [int(d) for d in env_list("GOVERNANCE_REMINDER_DAYS", "14,3")]
GOVERNANCE_AGREEMENT_WARNING_DAYS = 60
GOVERNANCE_MIN_ACTIVITIES = 4

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"forbidden_in_one_line": {"()": "config.log_filters.ForbiddenInOneLine"}},
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "axes": {"level": "WARNING"},
        # A 403 is one line without traceback; 404s stay one line, 500s keep theirs.
        "django.request": {"filters": ["forbidden_in_one_line"]},
        "django.security.csrf": {"filters": ["forbidden_in_one_line"]},
    },
}

SITE_NAME = _("Gongzhi community portal")
# Used to build links in emails sent by background tasks.
SITE_URL = env_str("SITE_URL", "http://localhost:8000")
DELIBERATION_REMINDER_HOURS = 24

# Casework: an overdue case is first flagged to its handlers; if it is still overdue this
# many hours later, the secretaries are told too.
CASEWORK_SECRETARY_AFTER_HOURS = env_int("CASEWORK_SECRETARY_AFTER_HOURS", 4)
# Cases of one category at one building within this many days form a recurring problem.
CASEWORK_RECURRING_WINDOW_DAYS = 30
# From this month on, next year's holidays must be in the calendar too (the State Council
# announces them in late autumn); casework.W001 warns when a needed year has none.
CASEWORK_NEXT_YEAR_CALENDAR_MONTH = env_int("CASEWORK_NEXT_YEAR_CALENDAR_MONTH", 11)
CASEWORK_ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
