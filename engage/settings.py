"""Engage settings, read from the environment (see README "Configuration").

Development (``make run``) sets ``DEBUG=1``: the secret key is generated once into
``var/secret_key``, mail goes to the console, Celery tasks run eagerly in-process and the
database is the SQLite file ``var/engage.sqlite3``. Production sets ``SECRET_KEY``,
``ALLOWED_HOSTS``, ``DATABASE_URL`` (PostgreSQL), ``REDIS_URL`` and ``EMAIL_URL``.
"""

from __future__ import annotations

import secrets
from datetime import time as _time
from datetime import timedelta
from pathlib import Path

import dj_database_url
import dj_email_url
import django_stubs_ext
from csp.constants import NONCE, NONE, SELF
from django.core.exceptions import ImproperlyConfigured

from engage.env import env_bool, env_int, env_list, env_str

# Lets forms.ModelForm[Team] and similar generics work at run time, as type checkers read them.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(env_str("ENGAGE_VAR_DIR", str(BASE_DIR / "var")))

DEBUG = env_bool("DEBUG", False)


def _secret_key() -> str:
    configured = env_str("SECRET_KEY")
    if configured:
        return configured
    if not DEBUG:
        raise ImproperlyConfigured(
            "SECRET_KEY must be set when DEBUG is off (production). "
            "Generate one with: python -c 'import secrets; print(secrets.token_urlsafe(50))'"
        )
    # Development: one key per checkout, kept across restarts so sessions survive.
    key_file = VAR_DIR / "secret_key"
    if not key_file.exists():
        VAR_DIR.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["localhost", "127.0.0.1"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

COUNCIL_NAME = env_str("COUNCIL_NAME", "Demo County Council")


def _required_in_production(name: str, development: str, example: str) -> str:
    """The setting ``name`` from the environment. With DEBUG off (production) it must be set:
    refuse to start, naming it with an ``example``; in development ``development`` stands in."""
    configured = env_str(name)
    if configured:
        return configured
    if not DEBUG:
        raise ImproperlyConfigured(
            f"{name} must be set when DEBUG is off (production), e.g. {example}"
        )
    return development


# Where the app tells providers to report a safeguarding concern urgently, on portal pages and
# in emails: the council's own words and number (the placeholder is for development only).
SAFEGUARDING_URGENT_ROUTE = _required_in_production(
    "SAFEGUARDING_URGENT_ROUTE",
    "If an adult is at immediate risk, call 999. To raise a safeguarding concern, call the "
    "council's adult safeguarding line on 0300 000 0000 (24 hours).",
    "'If an adult is at immediate risk, call 999. To raise a safeguarding concern, call "
    "... (24 hours).'",
)
# The address people reach Engage at, for the links in emails (portal pages, evaluation and
# survey links, the unsubscribe link and its List-Unsubscribe header) and calendar feeds.
SITE_URL = _required_in_production(
    "SITE_URL", "http://127.0.0.1:8000", "https://engage.council.example"
).rstrip("/")
if not SITE_URL.startswith(("https://", "http://")):
    raise ImproperlyConfigured("SITE_URL must start with https:// (or http://)")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "axes",
    "auditlog",
    "crispy_forms",
    "crispy_forms_gds",
    "ninja",
    # Engage, one app per domain area.
    "engage.core",
    "engage.accounts",
    "engage.council",
    "engage.outbox",
    "engage.market",
    "engage.engagement",
    "engage.groups",
    "engage.planner",
    "engage.enquiries",
    "engage.feedback",
    "engage.portal",
    "engage.api",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "engage.core.middleware.RefuseNulCharactersMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "engage.core.middleware.LoginRequiredExceptPublicMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    # Last, so that it sees the outcome of authentication attempts.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "engage.urls"
WSGI_APPLICATION = "engage.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "engage" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "engage.core.context_processors.layout",
            ],
            "builtins": ["engage.core.templatetags.engage_tags"],
        },
    }
]

# --- Database -------------------------------------------------------------------------
VAR_DIR.mkdir(parents=True, exist_ok=True)
DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'engage.sqlite3'}",
        conn_max_age=env_int("DB_CONN_MAX_AGE", 60, minimum=0),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers go on while one writer writes; IMMEDIATE avoids "database is locked"
        # surprises when two requests upgrade a read to a write at once.
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Redis, cache and Celery ------------------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env_str("CACHE_KEY_PREFIX", "engage"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

CELERY_BROKER_URL = REDIS_URL or "memory://"
# Without Redis there is no worker: tasks run in-process, at the moment they are queued.
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
# ...but tasks queued with engage.core.background.later (invitations, email batches) then run
# in one background thread, after the response, rather than inside the request.
ENGAGE_EAGER_TASKS_IN_BACKGROUND = env_bool("ENGAGE_EAGER_TASKS_IN_BACKGROUND", not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_IGNORE_RESULT = True
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# A year-planner run takes up to its time limit (at most 120 s) and uses two cores. With
# PLANNER_QUEUE set it goes to that queue, for a worker of its own started with `--pool solo`
# (docs/DEPLOYMENT.md): a prefork worker's processes may not start the planner's processes.
PLANNER_QUEUE = env_str("PLANNER_QUEUE")
CELERY_TASK_ROUTES: dict[str, dict[str, str]] = (
    {"engage.planner.tasks.run_plan": {"queue": PLANNER_QUEUE}} if PLANNER_QUEUE else {}
)
CELERY_TIMEZONE = "Europe/London"
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    "outbox-deliver-due": {"task": "engage.outbox.tasks.deliver_due_emails", "schedule": 60.0},
    # Runs all day; the service itself sends only within working hours of working days.
    "enquiries-send-reminders": {
        "task": "engage.enquiries.tasks.send_enquiry_reminders",
        "schedule": 15 * 60.0,
    },
    # Evaluations of held events not yet sent (a broker was down), then the one reminder.
    "feedback-evaluations": {
        "task": "engage.feedback.tasks.evaluation_sweep",
        "schedule": 60 * 60.0,
    },
    # Retention (UK GDPR storage limitation): old sent emails; contacts long gone.
    "outbox-delete-old": {"task": "engage.outbox.tasks.delete_old_emails", "schedule": 86400.0},
    "market-erase-long-left": {
        "task": "engage.market.tasks.erase_long_left_contacts",
        "schedule": 86400.0,
    },
}

# --- Email ------------------------------------------------------------------------------
EMAIL_URL = env_str("EMAIL_URL")
if EMAIL_URL:
    # smtp://user:password@host:587?tls=1, submission://… (TLS) or smtps://… (SSL)
    _email = dj_email_url.parse(EMAIL_URL)
    if "EMAIL_BACKEND" not in _email:
        raise ImproperlyConfigured(
            f"EMAIL_URL has an unknown scheme: {EMAIL_URL.split(':', 1)[0]!r}"
        )
    EMAIL_BACKEND = _email["EMAIL_BACKEND"]
    EMAIL_HOST = _email["EMAIL_HOST"]
    EMAIL_PORT = _email["EMAIL_PORT"]
    EMAIL_HOST_USER = _email["EMAIL_HOST_USER"]
    EMAIL_HOST_PASSWORD = _email["EMAIL_HOST_PASSWORD"]
    EMAIL_USE_TLS = _email["EMAIL_USE_TLS"]
    EMAIL_USE_SSL = _email["EMAIL_USE_SSL"]
    EMAIL_TIMEOUT = _email.get("EMAIL_TIMEOUT") or 10
else:
    EMAIL_BACKEND = env_str("EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
    EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
    EMAIL_PORT = env_int("EMAIL_PORT", 25)
    EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
    EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
    EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
    EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10, minimum=1)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Engage <engage@council.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
OUTBOX_MAX_ATTEMPTS = env_int("OUTBOX_MAX_ATTEMPTS", 8, minimum=1)
#: Emails delivered by one task over one mail connection when many are queued at once.
OUTBOX_BATCH_SIZE = env_int("OUTBOX_BATCH_SIZE", 100, minimum=1)
#: Sent and failed emails are deleted this many days after they were written (retention).
OUTBOX_KEEP_DAYS = env_int("OUTBOX_KEEP_DAYS", 365, minimum=1)
#: A contact who left is erased this many days after their record last changed (the
#: privacy notice: "for up to six years").
CONTACT_RETENTION_DAYS = env_int("CONTACT_RETENTION_DAYS", 6 * 365 + 2, minimum=1)

# --- Accounts and security --------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "core:home"
LOGOUT_REDIRECT_URL = "accounts:login"
PASSWORD_RESET_TIMEOUT = 60 * 60 * 3  # three hours

# Login throttling: five failures for one email from one address lock it for 15 minutes.
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5, minimum=1)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15, minimum=1))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_USERNAME_FORM_FIELD = "username"  # the sign-in form's field (it holds the email address)
AXES_USERNAME_CALLABLE = "engage.accounts.throttling.username_for_lockout"
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0, minimum=0) or None

SESSION_COOKIE_AGE = 60 * 60 * 10  # a working day
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", not DEBUG)
CSRF_COOKIE_HTTPONLY = True
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31_536_000, minimum=0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", not DEBUG)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", not DEBUG)
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
if env_bool("TRUST_X_FORWARDED_PROTO", False):
    # Behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto.
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "object-src": [NONE],
    }
}

# --- Internationalisation ----------------------------------------------------------------
LANGUAGE_CODE = "en-gb"
TIME_ZONE = "Europe/London"
# Engage is in English only. With translation off, Django's lazily translated labels (field
# names, messages, form errors) no longer look up a language on every use, which is measurable
# on long pages; dates and numbers keep the en-GB formats, because get_language() then
# returns LANGUAGE_CODE.
USE_I18N = False
USE_TZ = True

# --- Static and uploaded files -----------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "engage" / "static"]
MEDIA_ROOT = VAR_DIR / "media"  # never served directly: attachments go through a permission check
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEBUG
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = ["gds"]
CRISPY_TEMPLATE_PACK = "gds"

# --- Engage rules a council may tune -------------------------------------------------------
ENGAGE_PAGE_SIZE = env_int("ENGAGE_PAGE_SIZE", 50, minimum=5)
ENGAGE_EXPORT_MAX_ROWS = env_int("ENGAGE_EXPORT_MAX_ROWS", 200_000, minimum=1)
# Engagement planning: clash rules, notice and costs (see README "Configuration").
ENGAGE_MIN_NOTICE_WEEKS = env_int("ENGAGE_MIN_NOTICE_WEEKS", 6, minimum=0)
ENGAGE_CLASH_WARNING_WORKING_DAYS = env_int("ENGAGE_CLASH_WARNING_WORKING_DAYS", 3, minimum=0)
ENGAGE_FORUM_NOTICE_MONTHS = env_int("ENGAGE_FORUM_NOTICE_MONTHS", 12, minimum=0)
#: Notes of a group meeting are due with attendees within this many working days.
GROUPS_NOTES_DUE_WORKING_DAYS = env_int("GROUPS_NOTES_DUE_WORKING_DAYS", 10, minimum=0)
ENGAGE_OFFICER_HOURLY_RATE_PENCE = env_int("ENGAGE_OFFICER_HOURLY_RATE_PENCE", 3500, minimum=0)
# Private and public calendar feeds cover activities from this many days ago onwards.
ENGAGE_FEED_PAST_DAYS = env_int("ENGAGE_FEED_PAST_DAYS", 90, minimum=0)
# Evaluations: one reminder to non-responders this many days after the invitation; the sweep
# invites attendees of gatherings held within this many days that were not yet invited.
ENGAGE_EVALUATION_REMINDER_DAYS = env_int("ENGAGE_EVALUATION_REMINDER_DAYS", 7, minimum=1)
ENGAGE_EVALUATION_SWEEP_DAYS = env_int("ENGAGE_EVALUATION_SWEEP_DAYS", 30, minimum=1)
# Working hours (local time, HH:MM) of working days: when the enquiry clock runs and when
# reminders may be sent.
ENGAGE_WORKING_DAY_START = env_str("ENGAGE_WORKING_DAY_START", "09:00")
ENGAGE_WORKING_DAY_END = env_str("ENGAGE_WORKING_DAY_END", "17:00")
for _name, _value in (
    ("ENGAGE_WORKING_DAY_START", ENGAGE_WORKING_DAY_START),
    ("ENGAGE_WORKING_DAY_END", ENGAGE_WORKING_DAY_END),
):
    try:
        _time.fromisoformat(_value)
    except ValueError:
        raise ImproperlyConfigured(f"{_name} must be a time as HH:MM, not {_value!r}") from None
if _time.fromisoformat(ENGAGE_WORKING_DAY_END) <= _time.fromisoformat(ENGAGE_WORKING_DAY_START):
    raise ImproperlyConfigured("ENGAGE_WORKING_DAY_END must be later than ENGAGE_WORKING_DAY_START")
# Enquiry attachments: the largest file, the types allowed (by extension, checked against the
# content too) and how many files one message may carry.
ENQUIRY_ATTACHMENT_MAX_BYTES = env_int(
    "ENQUIRY_ATTACHMENT_MAX_BYTES", 10 * 1024 * 1024, minimum=1024
)
ENQUIRY_ATTACHMENT_TYPES = env_list(
    "ENQUIRY_ATTACHMENT_TYPES", ["pdf", "docx", "xlsx", "csv", "png", "jpg", "jpeg", "txt"]
)
ENQUIRY_ATTACHMENTS_PER_MESSAGE = env_int("ENQUIRY_ATTACHMENTS_PER_MESSAGE", 5, minimum=1)
# Reminders go to an enquiry's owner when a target is this many working days away or less.
ENQUIRY_DUE_SOON_WORKING_DAYS = env_int("ENQUIRY_DUE_SOON_WORKING_DAYS", 1, minimum=0)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s: %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"axes": {"level": "WARNING"}},
}
ENGAGE_CLOSURE_DATES = env_list("ENGAGE_CLOSURE_DATES")
CSRF_FAILURE_VIEW = "engage.core.views.csrf_failure"
