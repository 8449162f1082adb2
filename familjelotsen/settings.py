"""Familjelotsen settings: one module, every value from the environment (django-environ).

`.env.example` documents each variable. Development defaults apply only when
DJANGO_DEBUG is true; production (the default) requires its secrets explicitly.
"""

from __future__ import annotations

from pathlib import Path
from urllib.parse import unquote

import environ
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
if (BASE_DIR / ".env").is_file():
    environ.Env.read_env(BASE_DIR / ".env")


def _env(name: str, cast, **kwargs):
    """Read a variable; a malformed value stops start-up with a message naming it."""
    try:
        return cast(name, **kwargs)
    except ImproperlyConfigured:
        raise
    except Exception as exc:  # parsing errors from environ are ValueError, TypeError, …
        raise ImproperlyConfigured(f"Environment variable {name} is malformed: {exc}") from exc


DEBUG = _env("DJANGO_DEBUG", env.bool, default=False)

if DEBUG:
    SECRET_KEY = _env("DJANGO_SECRET_KEY", env.str, default="dev-only-insecure-key")
    ALLOWED_HOSTS = _env(
        "DJANGO_ALLOWED_HOSTS", env.list, default=["127.0.0.1", "localhost", "testserver"]
    )
else:
    SECRET_KEY = _env("DJANGO_SECRET_KEY", env.str)
    ALLOWED_HOSTS = _env("DJANGO_ALLOWED_HOSTS", env.list)
    if SECRET_KEY.startswith("dev-only"):
        raise ImproperlyConfigured("DJANGO_SECRET_KEY holds the development key: set a real one.")

CSRF_TRUSTED_ORIGINS = _env("DJANGO_CSRF_TRUSTED_ORIGINS", env.list, default=[])

INSTALLED_APPS = [
    "familjelotsen",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "guardian",
    "allauth",
    "allauth.account",
    "django_htmx",
    "template_partials",
    "django_filters",
    "pgtrigger",
    "pghistory",
    "pghistory.admin",
    "django_tasks",
    "django_tasks_db",
    "cases",
    "consent",
    "sip",
    "network",
    "reporting",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "familjelotsen.middleware.NoStoreForAuthenticatedMiddleware",
]

ROOT_URLCONF = "familjelotsen.urls"
WSGI_APPLICATION = "familjelotsen.wsgi.application"
ASGI_APPLICATION = "familjelotsen.asgi.application"

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
                "django.template.context_processors.i18n",
                "familjelotsen.context_processors.navigation",
            ],
        },
    }
]

# --- Database: PostgreSQL only -------------------------------------------------------------
DATABASES = {"default": _env("DATABASE_URL", env.db_url)}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL (postgres://…).")
# A unix-socket directory arrives percent-encoded in the URL's host part.
DATABASES["default"]["HOST"] = unquote(DATABASES["default"].get("HOST") or "")
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = _env("DATABASE_CONN_MAX_AGE", env.int, default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ------------------------------------------------------------------------
AUTH_USER_MODEL = "familjelotsen.User"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
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
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: staff accounts are created by the system administrator, never by sign-up.
ACCOUNT_ADAPTER = "familjelotsen.adapters.AccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username"}
ACCOUNT_SIGNUP_FIELDS = ["username*", "password1*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
ACCOUNT_SESSION_REMEMBER = False
ACCOUNT_PREVENT_ENUMERATION = True

# django-guardian: no anonymous user, direct foreign-key permission tables only.
ANONYMOUS_USER_NAME = None
GUARDIAN_RAISE_403 = False

# --- Internationalisation: Swedish by default, English selectable ---------------------------
LANGUAGE_CODE = "sv"
LANGUAGES = [("sv", "Svenska"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Stockholm"
USE_I18N = True
USE_TZ = True
FORMAT_MODULE_PATH = ["familjelotsen.formats"]

# --- Static and uploaded files ---------------------------------------------------------------
STATIC_URL = "/static/"
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = _env("DJANGO_STATIC_ROOT", env.path, default=str(BASE_DIR / "staticfiles"))
# Uploads (signed consent scans) live outside the static root and are never served by URL:
# only permission-checked, access-logged views stream them.
PRIVATE_MEDIA_ROOT = _env(
    "DJANGO_PRIVATE_MEDIA_ROOT", env.path, default=str(BASE_DIR / ".local" / "private")
)
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
MEDIA_URL = None
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(PRIVATE_MEDIA_ROOT), "base_url": None},
    },
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_MEMORY_SIZE = 12 * 1024 * 1024

# --- Security --------------------------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 30 * 60
SESSION_SAVE_EVERY_REQUEST = True
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_SAMESITE = "Lax"
if not DEBUG:
    SECURE_SSL_REDIRECT = _env("DJANGO_SECURE_SSL_REDIRECT", env.bool, default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_HSTS_SECONDS = _env("DJANGO_SECURE_HSTS_SECONDS", env.int, default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    # __Host- cookies: secure, host-only, path=/ (cannot be set by a sibling subdomain).
    SESSION_COOKIE_NAME = "__Host-sessionid"
    CSRF_COOKIE_NAME = "__Host-csrftoken"

# --- Logging: no personal data, ever; only request metadata and errors -----------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": _env("DJANGO_LOG_LEVEL", env.str, default="INFO")},
    "loggers": {
        # Request logs carry URLs only; URLs never hold personal data (ids and codes only).
        "django.request": {"level": "WARNING"},
        "django.db.backends": {"level": "WARNING"},
    },
}

# --- Change history (django-pghistory): append-only, with the acting user as context -------

# --- Background work (django-tasks on PostgreSQL, no broker) --------------------------------
TASKS = {
    "default": {
        "BACKEND": _env(
            "FL_TASKS_BACKEND", env.str, default="django_tasks_db.DatabaseBackend"
        ),
    }
}

# --- Project figures --------------------------------------------------------------------------
CASELOAD_PLANNING_FIGURE = _env("FL_CASELOAD_PLANNING_FIGURE", env.int, default=8)
NETWORK_HOURS_PLANNING_FIGURE = _env("FL_NETWORK_HOURS_PLANNING_FIGURE", env.int, default=13)
DEMO_PASSWORD = "Familjelotsen-demo-2026"

# Parallel test runs (several developers on one machine) may each name their test database.
if _test_db := _env("DJANGO_TEST_DB_NAME", env.str, default=""):
    DATABASES["default"]["TEST"] = {"NAME": _test_db}
