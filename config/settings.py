"""The one settings module. Everything that differs between machines comes from the
environment through the strict readers in config.env; with nothing set, the app runs on
SQLite with Celery tasks executed inline."""

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

from config.env import env_bool, env_int, env_list, env_str, env_url

BASE_DIR = Path(__file__).resolve().parent.parent

DEBUG = env_bool("DEBUG", default=False)
# Production switch: served over TLS (behind a proxy that sets X-Forwarded-Proto). Turns on the
# secure cookies, HSTS and the HTTPS redirect below; off by default so dev and tests use http.
HTTPS = env_bool("HTTPS", default=False)
SECRET_KEY = env_str("SECRET_KEY")
if not SECRET_KEY:
    if not DEBUG and (HTTPS or env_bool("REQUIRE_SECRET_KEY", default=False)):
        raise RuntimeError("SECRET_KEY must be set when DEBUG is false and HTTPS/REQUIRE_SECRET_KEY is on")
    # Only for local runs and tests; production sets SECRET_KEY (see .env.example).
    SECRET_KEY = "insecure-local-development-key-not-for-production"
elif not DEBUG and HTTPS and (len(SECRET_KEY) < 50 or len(set(SECRET_KEY)) < 5 or "CHANGE" in SECRET_KEY):
    raise RuntimeError("SECRET_KEY must be a long random value (50+ characters), not a placeholder")

ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_htmx",
    "crispy_forms",
    "crispy_bootstrap5",
    "template_partials",
    "simple_history",
    "axes",
    "audit",
    "django_filters",
    "django_tables2",
    "trials",
    "screening",
    "clinic",
    "impact",
    "journey",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "config.middleware.DatabaseUnavailableMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "config.middleware.StaffSessionIdleTimeout",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
    # Last, as django-axes requires: turns a locked-out login into its lockout response.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"

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
                "config.context_processors.workspace",
            ],
        },
    },
]

DATABASE_URL = env_url("DATABASE_URL", {"postgres", "postgresql", "sqlite"})
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=60, conn_health_checks=True)}
else:
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": BASE_DIR / "db.sqlite3",
        }
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env_url("REDIS_URL", {"redis", "rediss"})
if REDIS_URL:
    CACHES = {
        "default": {
            # Fails soft: an unreachable Redis is a cache miss, never a 500 (config/cache.py).
            "BACKEND": "config.cache.FailSoftRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 0.5, "socket_timeout": 0.5},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Fragments drawn once per process ({% cache %}): the questionnaire's blank inputs and the live
# result cards (screening.cards). In process memory, not Redis, so a deploy that changes a
# label, a template or a translation never meets fragments drawn by the previous code. A few KB
# each: ~70 questions x 2 languages x 2 modes, the patients' own answer URLs and the panels of
# a few dozen people at once (least recently used dropped first).
CACHES["template_fragments"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "template-fragments",
    "OPTIONS": {"MAX_ENTRIES": 3000},
}

# Celery: with no broker configured, tasks run inline so `make run` needs nothing else.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = None
CELERY_TASK_ALWAYS_EAGER = REDIS_URL is None
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = BASE_DIR / "staticfiles"

# The clinician workspace signs people in at /clinic/login/.
LOGIN_URL = "clinic:login"
LOGIN_REDIRECT_URL = "clinic:dashboard"
LOGOUT_REDIRECT_URL = "clinic:login"

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# The screening API refuses bodies over this size with 413 before parsing them.
SCREEN_MAX_BODY_BYTES = env_int("SCREEN_MAX_BODY_BYTES", 64 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = max(SCREEN_MAX_BODY_BYTES, 2_621_440)

# Every handler redacts patients' links and token-shaped path segments (config/redact.py).
# Django's own defaults are replaced, not kept beside ours: its "django" console handler
# (DEBUG only) and runserver's "django.server" handler would print paths unredacted. Without
# ADMINS no error email is sent, so nothing is lost with Django's mail_admins handler.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_patient_links": {"()": "config.redact.RedactPatientLinks"}},
    "formatters": {
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        }
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["redact_patient_links"]},
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_patient_links"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": [], "level": env_str("LOG_LEVEL", "INFO"), "propagate": True},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False},
        # WeasyPrint narrates every PDF step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

# --- Production hardening (README "Production"). Everything secure-by-transport follows HTTPS.
SECURE_SSL_REDIRECT = HTTPS
# The container health check probes over plain http from inside the stack.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SESSION_COOKIE_SECURE = HTTPS
CSRF_COOKIE_SECURE = HTTPS
SECURE_HSTS_SECONDS = env_int("HSTS_SECONDS", 31_536_000) if HTTPS else 0
SECURE_HSTS_INCLUDE_SUBDOMAINS = HTTPS
SECURE_HSTS_PRELOAD = HTTPS
# Trusted only because HTTPS=true promises a TLS-terminating proxy that overwrites this header.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https") if HTTPS else None
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SESSION_COOKIE_HTTPONLY = True
# Staff sessions end after this many idle minutes (config.middleware.StaffSessionIdleTimeout).
STAFF_SESSION_IDLE_MINUTES = env_int("STAFF_SESSION_IDLE_MINUTES", 30)
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True

# Content-Security-Policy (django-csp): only our own origin, no inline scripts or styles.
# Bootstrap's CSS draws its form icons as data: SVGs, hence img-src data:.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Static files served by gunicorn itself through WhiteNoise (compressed, cache-busted names).
# The Docker image collects static files at build time with STATIC_MANIFEST=true.
STATIC_MANIFEST = env_bool("STATIC_MANIFEST", default=False)
if STATIC_MANIFEST:
    STORAGES = {
        "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    # Right after SecurityMiddleware, as WhiteNoise requires; dev and tests serve nothing collected.
    MIDDLEWARE.insert(
        MIDDLEWARE.index("django.middleware.security.SecurityMiddleware") + 1,
        "whitenoise.middleware.WhiteNoiseMiddleware",
    )

# Login brute-force protection (django-axes): after AXES_FAILURE_LIMIT failed logins for one
# username from one address, that pair is locked out for AXES_COOLOFF_MINUTES.
AUTHENTICATION_BACKENDS = [
    "config.auth.RequestLoginThrottleBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = env_int("AXES_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("AXES_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# Number of reverse proxies in front of gunicorn whose X-Forwarded-For is trusted (0 = none).
AXES_IPWARE_PROXY_COUNT = env_int("AXES_PROXY_COUNT", 0)
# The lockout and the rate limits see the same client address (config/ratelimit.py), so
# behind the TLS proxy a failed login counts against the client, not against the proxy.
AXES_CLIENT_IP_CALLABLE = "config.ratelimit.client_address"

# Health check (/healthz): how long to wait for a Celery worker to answer a ping.
HEALTHZ_CELERY_TIMEOUT = env_int("HEALTHZ_CELERY_TIMEOUT_MS", 1000) / 1000
# A task not acknowledged within this many seconds (the worker died) is delivered again; it
# must exceed the longest task (acks_late: tasks are acknowledged when they finish).
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": env_int("CELERY_VISIBILITY_TIMEOUT", 3600)}

# Registry imports: every imported trial is refreshed from its registry once a day.
CELERY_BEAT_SCHEDULE = {
    "refresh-imported-trials": {
        "task": "trials.tasks.refresh_imported_trials",
        "schedule": crontab(hour=4, minute=15),
    },
    "requeue-stale-imports": {
        "task": "trials.tasks.requeue_stale_imports",
        "schedule": crontab(minute="*/10"),
    },
    # Work queued while the broker was down (config/queueing.py) is recorded in the database;
    # these sweeps queue it again.
    "rescreen-stale-trials": {
        "task": "clinic.tasks.rescreen_stale_trials",
        "schedule": crontab(minute="*/5"),
    },
    "requeue-stale-attrition": {
        "task": "impact.tasks.requeue_stale_attrition",
        "schedule": crontab(minute="*/2"),
    },
}

import re  # noqa: E402  (the patient journey's settings checks)

from config.env import ImproperlyConfiguredEnv  # noqa: E402

# --- Patient journey (journey/): emails, links in them, rate limits, outbox and purge beats.
# Email: Django's file backend by default (one file per message under var/mail/, gitignored);
# EMAIL_BACKEND=console prints them, EMAIL_BACKEND=smtp sends through EMAIL_HOST.
_EMAIL_BACKENDS = {
    "file": "django.core.mail.backends.filebased.EmailBackend",
    "console": "django.core.mail.backends.console.EmailBackend",
    "smtp": "django.core.mail.backends.smtp.EmailBackend",
}
_email_backend = env_str("EMAIL_BACKEND", "file")
if _email_backend not in _EMAIL_BACKENDS:
    raise ImproperlyConfiguredEnv(f"EMAIL_BACKEND must be file, console or smtp, not {_email_backend!r}")
EMAIL_BACKEND = _EMAIL_BACKENDS[_email_backend]
EMAIL_FILE_PATH = env_str("EMAIL_FILE_PATH", str(BASE_DIR / "var" / "mail"))
EMAIL_HOST = env_str("EMAIL_HOST", "localhost")
EMAIL_PORT = env_int("EMAIL_PORT", 25)
EMAIL_HOST_USER = env_str("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env_str("EMAIL_HOST_PASSWORD")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=False)
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL", default=False)
EMAIL_TIMEOUT = env_int("EMAIL_TIMEOUT", 10)
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Trial pre-screening <no-reply@localhost>")
# Where a site with no contact email of its own has its contact requests sent.
STUDY_TEAM_FALLBACK_EMAIL = env_str("STUDY_TEAM_FALLBACK_EMAIL", "study-team@localhost")
# The public address of the site, for the links in emails.
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000")
# Per client address; see config/ratelimit.py. RATE_LIMIT_NAMESPACE separates counters (tests).
RATE_LIMITS = {
    "answer": env_str("RATE_LIMIT_ANSWER", "120/m"),
    "api": env_str("RATE_LIMIT_API", "120/m"),
    "start": env_str("RATE_LIMIT_START", "30/10m"),
    "contact": env_str("RATE_LIMIT_CONTACT", "5/10m"),
    "notify": env_str("RATE_LIMIT_NOTIFY", "5/10m"),
    # Town suggestions while typing (one request per pause in typing).
    "towns": env_str("RATE_LIMIT_TOWNS", "240/m"),
}
for _scope, _rate in RATE_LIMITS.items():
    if not re.fullmatch(r"\d+/\d*[smh]", _rate):
        raise ImproperlyConfiguredEnv(f"RATE_LIMIT_{_scope.upper()} must be like 5/10m, not {_rate!r}")
RATE_LIMIT_NAMESPACE = "rl"
# The outbox (journey.services.outbox_deliver): a message being sent is claimed for
# OUTBOX_SENDING_LEASE_SECONDS (keep it well above EMAIL_TIMEOUT: a claim that lapses during a
# slow send lets another worker send a copy); every worker sweeps for lapsed claims and
# overdue messages every OUTBOX_SWEEP_SECONDS, so a message whose worker died goes out within
# lease + sweep (3 minutes with the defaults) without beat.
OUTBOX_SENDING_LEASE_SECONDS = env_int("OUTBOX_SENDING_LEASE_SECONDS", 120)
OUTBOX_SWEEP_SECONDS = env_int("OUTBOX_SWEEP_SECONDS", 60)
OUTBOX_SWEEP_GRACE_SECONDS = env_int("OUTBOX_SWEEP_GRACE_SECONDS", 60)
OUTBOX_RECORD_RETRY_SECONDS = env_int("OUTBOX_RECORD_RETRY_SECONDS", 5)
for _name in ("OUTBOX_SENDING_LEASE_SECONDS", "OUTBOX_SWEEP_SECONDS", "OUTBOX_RECORD_RETRY_SECONDS"):
    if globals()[_name] < 1:
        raise ImproperlyConfiguredEnv(f"{_name} must be at least 1 (seconds)")
# Retention: sent emails keep their content this long (support questions), contact requests
# their personal data (the sites' follow-up); then both are erased, ids and statuses kept.
OUTBOX_SENT_RETENTION_DAYS = env_int("OUTBOX_SENT_RETENTION_DAYS", 30)
CONTACT_REQUEST_RETENTION_DAYS = env_int("CONTACT_REQUEST_RETENTION_DAYS", 180)
CELERY_BEAT_SCHEDULE.update(
    {
        "requeue-pending-outbox": {
            "task": "journey.tasks.requeue_pending_outbox",
            "schedule": crontab(minute="*/5"),
        },
        "purge-expired-screenings": {
            "task": "journey.tasks.purge_expired_screenings",
            "schedule": crontab(hour=3, minute=30),
        },
        "purge-past-retention": {
            "task": "journey.tasks.purge_past_retention",
            "schedule": crontab(hour=3, minute=45),
        },
    }
)
# The offline gazetteer ("trials near me"): a file built from installed packages' data
# (trials/gazetteer.py, `manage.py build_gazetteer`), named after their versions.
GAZETTEER_DIR = Path(env_str("GAZETTEER_DIR", str(BASE_DIR / "var" / "geodata")))
