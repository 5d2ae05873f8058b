"""One settings module, driven by environment variables.

Zero-setup default: SQLite in the project and Celery tasks run in-process.
Production is the same code with DATABASE_URL, REDIS_URL, SECRET_KEY, ALLOWED_HOSTS set and DEBUG off.
"""
import tempfile
from pathlib import Path

import environ
from celery.schedules import crontab
from csp.constants import NONE, SELF, UNSAFE_INLINE
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set in the environment when DEBUG is off.")
    SECRET_KEY = "dev-only-insecure-key-not-for-production"
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"] if DEBUG else [])
if not DEBUG and not ALLOWED_HOSTS:
    raise ImproperlyConfigured("ALLOWED_HOSTS must be set in the environment when DEBUG is off.")
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

# export_all writes this JSON format (timestamps kept to the microsecond); loaddata reads it as .json
SERIALIZATION_MODULES = {"backup": "leshan_plan.backup_format"}

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "simple_history",
    "axes",
    "django_celery_beat",
    "csp",
    "districts",
    "indicators",
    "projects",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # HTML and JSON gzip-compressed (static files are whitenoise's: precompressed .br/.gz, served above). Below
    # whitenoise, above every middleware that reads or writes the body. BREACH: the pages carry a CSRF token, and
    # Django masks it afresh in every response and pads the gzip header with random bytes (Django ≥ 4.2), so a
    # token cannot be guessed from compressed lengths; the other secrets (session) travel in cookies, not bodies.
    "leshan_plan.middleware.GZipMiddleware",  # Django's, at GZIP_LEVEL (4: a third of level 6's time)
    "django.contrib.sessions.middleware.SessionMiddleware",
    "leshan_plan.middleware.ChineseFirstLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "leshan_plan.urls"
WSGI_APPLICATION = "leshan_plan.wsgi.application"

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
                "indicators.context_processors.site",
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"].endswith("postgresql"):
    DATABASES["default"].setdefault("CONN_MAX_AGE", env.int("CONN_MAX_AGE", default=60))
elif DATABASES["default"]["ENGINE"].endswith("sqlite3"):
    # A few people saving at once: every transaction takes the write lock at BEGIN (no upgrade deadlock that the
    # busy handler cannot wait out), waits up to 20 s for it, and readers never block the writer (WAL).
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=20000; PRAGMA synchronous=NORMAL;",
        **DATABASES["default"].get("OPTIONS", {}),
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

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
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG and env.bool("STATIC_MANIFEST", default=True)
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "home"
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=8 * 3600)
SESSION_EXPIRE_AT_BROWSER_CLOSE = True

# Production hardening: on whenever DEBUG is off (python manage.py check --deploy is clean).
if not DEBUG:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    # the container's health check calls http://127.0.0.1:8000/healthz directly, without the proxy's https
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SECURE_CONTENT_TYPE_NOSNIFF = True

# Content-Security-Policy (django-csp) on every response: scripts only from our own static files (no inline
# script, no event handler attribute: static/js/site.js and charts.js); styles may be inline because plotly.js
# writes <style> rules and style attributes as it draws; charts' JSON sits in <script type="application/json">,
# which is data, never run. connect-src 'self': plotly.js fetches the map's topojson from our static files.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF, UNSAFE_INLINE],
        "img-src": [SELF, "data:", "blob:"],
        "font-src": [SELF, "data:"],
        "connect-src": [SELF],
        "frame-ancestors": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
    },
}

# django-axes: lock an account+IP after 5 failed logins for 30 minutes.
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = 0.5
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True

# The pages' bodies, cached per recompute run (indicators/dashboards/page_cache.py): in each process by default; with
# CACHE_URL (a Redis database of its own, e.g. redis://127.0.0.1:6379/1) shared by every worker, so a body is
# rendered once per recompute rather than once per worker process.
# gzip level of pages and JSON (leshan_plan.middleware.GZipMiddleware): 4 costs a third of Django's 6 for ~8% more bytes
GZIP_LEVEL = env.int("GZIP_LEVEL", default=4)
CACHE_URL = env.str("CACHE_URL", default="")
CACHES = {"default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
          if CACHE_URL else {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# A body missing from the cache is rendered by one request while the others wait for it (page_cache.render_once): the
# lock lives at most PAGE_RENDER_LOCK_SECONDS (a holder that died lets go then), a waiter waits at most
# PAGE_RENDER_WAIT_SECONDS before rendering itself.
PAGE_RENDER_LOCK_SECONDS = env.float("PAGE_RENDER_LOCK_SECONDS", default=120)
PAGE_RENDER_WAIT_SECONDS = env.float("PAGE_RENDER_WAIT_SECONDS", default=60)
# After a recompute of the plan shown by default, render the bodies officials open first (the overview, the review
# and the latest annual review, in Chinese and English) into the cache, in a task of its own
# (indicators/dashboards/warming.py).
WARM_PAGES_AFTER_RECOMPUTE = env.bool("WARM_PAGES_AFTER_RECOMPUTE", default=True)

# Celery: no REDIS_URL -> tasks run in-process.
REDIS_URL = env.str("REDIS_URL", default="")
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = not REDIS_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_BROKER_TRANSPORT_OPTIONS = {"max_retries": 1, "interval_start": 0, "interval_step": 0.2, "interval_max": 0.5}
CELERY_TIMEZONE = TIME_ZONE
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_BEAT_SCHEDULE = {
    "recompute-all-nightly": {"task": "indicators.progress.tasks.recompute_all_task", "schedule": crontab(hour=2, minute=0)},
    "remind-due-submissions": {"task": "indicators.entry.tasks.remind_due_submissions",
                               "schedule": crontab(hour=8, minute=30)},
}

EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="plan-tracker@leshan.local")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
# Password reset mails a link: /accounts/password_reset/ and the pages after it are routed only when this is on,
# and (DEBUG off) only with a backend that delivers mail; otherwise they are 404 (leshan_plan/urls.py).
PASSWORD_RESET_ENABLED = env.bool("PASSWORD_RESET_ENABLED", default=False)
NO_DELIVERY_BACKENDS = {f"django.core.mail.backends.{name}.EmailBackend"
                        for name in ("console", "locmem", "dummy", "filebased")}
if PASSWORD_RESET_ENABLED and not DEBUG and EMAIL_BACKEND in NO_DELIVERY_BACKENDS:
    raise ImproperlyConfigured("PASSWORD_RESET_ENABLED needs an EMAIL_BACKEND that delivers mail (e.g. "
                               "django.core.mail.backends.smtp.EmailBackend with EMAIL_HOST …).")

# Progress method thresholds (PROGRESS.md §3, §3a); configurable per deployment. Read through
# indicators.progress.config.thresholds() by the engine, the calculator, the reports and plan_status alike.
PROGRESS_ON_TRACK = env.float("PROGRESS_ON_TRACK", default=0.95)
PROGRESS_ACCELERATION = env.float("PROGRESS_ACCELERATION", default=0.6)
PROGRESS_GREEN_MARGIN = env.float("PROGRESS_GREEN_MARGIN", default=0.10)  # key projects' lights
PROGRESS_YELLOW_MARGIN = env.float("PROGRESS_YELLOW_MARGIN", default=0.30)  # key projects' lights
PROGRESS_DEFAULT_TOLERANCE = env.float("PROGRESS_DEFAULT_TOLERANCE", default=0.05)
PROGRESS_LARGELY_ACHIEVED = env.float("PROGRESS_LARGELY_ACHIEVED", default=0.90)
# A change of more than this percentage against the previous comparable figure needs a comment.
ENTRY_CHANGE_WARNING_PCT = env.float("ENTRY_CHANGE_WARNING_PCT", default=30.0)
# A growth rate (measure "rate", in %) further than this many percentage points from zero needs a comment too.
ENTRY_RATE_PLAUSIBLE_RANGE = env.float("ENTRY_RATE_PLAUSIBLE_RANGE", default=50.0)
ENTRY_REMINDER_DAYS = env.int("ENTRY_REMINDER_DAYS", default=7)

# Audit: keep the whole comment or reason with each history row, not the first 100 characters.
SIMPLE_HISTORY_HISTORY_CHANGE_REASON_USE_TEXT_FIELD = True

SITE_TITLE = _("Leshan 14th Five-Year Modern Services Plan Tracker")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # one line per event, key=value: readable by people, parseable by log shippers
    "formatters": {"plain": {"()": "leshan_plan.logfmt.KeyValueFormatter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    # axes announces its version at every start ("AXES: BEGIN …"): noise before every management command's output
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes.apps": {"level": "WARNING"}},
}
# Default reporting deadline when no ReportingPeriod row sets one: this many days after the quarter ends.
ENTRY_DEFAULT_DEADLINE_DAYS = env.int("ENTRY_DEFAULT_DEADLINE_DAYS", default=20)
AXES_LOCKOUT_TEMPLATE = "registration/locked_out.html"
# Uploaded plan definitions wait here between the preview and the confirmed import (a day at most).
PLAN_UPLOAD_DIR = env.str("PLAN_UPLOAD_DIR", default=str(Path(tempfile.gettempdir()) / "leshan-plan-uploads"))
# Evidence files of task reports (projects.TaskEvidence): stored here under names the server chooses, never served
# directly (a view checks who may see the task, then streams the file).
MEDIA_ROOT = env.str("MEDIA_ROOT", default=str(BASE_DIR / "media"))
TASK_EVIDENCE_MAX_BYTES = env.int("TASK_EVIDENCE_MAX_BYTES", default=10 * 1024 * 1024)
