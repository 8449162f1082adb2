"""Familjelotsen settings: one module, every value from the environment (django-environ).

`.env.example` documents each variable. Development defaults apply only when
DJANGO_DEBUG is true; production (the default) requires its secrets explicitly.
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from urllib.parse import unquote

import environ
from csp.constants import NONCE, NONE, SELF
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
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.forms",
    "guardian",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.socialaccount",
    "allauth.socialaccount.providers.openid_connect",
    "allauth.socialaccount.providers.saml",
    "axes",
    "csp",
    "health_check",
    "django_htmx",
    "template_partials",
    "django_filters",
    "pgtrigger",
    "pghistory",
    "django_tasks",
    "django_tasks_db",
    "cases",
    "consent",
    "sip",
    "network",
    "agenda",
    "privacy",
    "evaluation",
    "consultations",
    "courses",
    "referrals",
    "reporting",
    "sysadmin",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Headers first, so that every response (static files, redirects from later middleware,
    # error pages) carries them.
    "csp.middleware.CSPMiddleware",
    "django_permissions_policy.PermissionsPolicyMiddleware",
    # PostgreSQL away: 503 "try again shortly" for any error below that came from it (outside
    # everything that may touch the database, inside the header middleware).
    "familjelotsen.errors.DatabaseUnavailableMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "familjelotsen.sessions.SessionRenewalMiddleware",
    "familjelotsen.middleware.SwedishByDefaultLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # A signed-in user without a second factor reaches nothing but enrolment.
    "familjelotsen.middleware.SecondFactorRequiredMiddleware",
    "familjelotsen.middleware.ClearSiteDataOnLogoutMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "pghistory.middleware.HistoryMiddleware",
    "familjelotsen.middleware.NoStoreForAuthenticatedMiddleware",
    # Last, as django-axes asks: turns a lockout flagged during login into the lockout page.
    "axes.middleware.AxesMiddleware",
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
                "familjelotsen.sessions.session_timeout",
            ],
            # {% form_token %} in every template without {% load %} (familjelotsen.idempotency).
            "builtins": ["familjelotsen.templatetags.idempotency"],
        },
    }
]

# Form widgets render with the project's templates, so that one of them can be replaced (the
# empty choice of a select reads "Välj …", not "---------").
FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

# --- Database: PostgreSQL only -------------------------------------------------------------
DATABASES = {"default": _env("DATABASE_URL", env.db_url)}
if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
    raise ImproperlyConfigured("DATABASE_URL must point to PostgreSQL (postgres://…).")
# A unix-socket directory arrives percent-encoded in the URL's host part.
DATABASES["default"]["HOST"] = unquote(DATABASES["default"].get("HOST") or "")
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"].setdefault("OPTIONS", {})
DATABASES["default"]["CONN_MAX_AGE"] = _env("DATABASE_CONN_MAX_AGE", env.int, default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
# The connection budget of a web process (familjelotsen.connection_budget): at most this many
# requests at work at once, each with at most one connection; the others wait up to
# FL_DB_CONNECTION_WAIT seconds for a slot, then get 503 "try again shortly".
FL_DB_CONNECTIONS_PER_PROCESS = _env("FL_DB_CONNECTIONS_PER_PROCESS", env.int, default=8)
FL_DB_CONNECTION_WAIT = _env("FL_DB_CONNECTION_WAIT", env.float, default=15.0)
# A dead server is noticed in seconds, not after the kernel's TCP timeouts.
DATABASES["default"]["OPTIONS"].setdefault("connect_timeout", 5)
# No JIT for this workload of short queries: it never pays off on queries of a few ms and
# costs 30-400 ms when an estimate is off (bench/results.md).
DATABASES["default"]["OPTIONS"]["options"] = "-c jit=off"
# A PostgreSQL streaming replica for the report figures, the report dashboard and the CSV
# exports (familjelotsen.db): configured by DATABASE_REPLICA_URL, otherwise there is no
# "replica" alias and those reads go to the primary. The router never writes or migrates there;
# tests read the test database through it (TEST MIRROR), on the replica server when it runs.
if _env("DATABASE_REPLICA_URL", env.str, default=""):
    DATABASES["replica"] = _env("DATABASE_REPLICA_URL", env.db_url)
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must point to PostgreSQL (postgres://…).")
    DATABASES["replica"]["HOST"] = unquote(DATABASES["replica"].get("HOST") or "")
    DATABASES["replica"]["ATOMIC_REQUESTS"] = False
    DATABASES["replica"]["CONN_MAX_AGE"] = DATABASES["default"]["CONN_MAX_AGE"]
    DATABASES["replica"]["CONN_HEALTH_CHECKS"] = True
    DATABASES["replica"].setdefault("OPTIONS", {})
    # A replica that is away costs a report page 2 s before it falls back to the primary.
    DATABASES["replica"]["OPTIONS"].setdefault("connect_timeout", 2)
    DATABASES["replica"]["OPTIONS"]["options"] = "-c jit=off"
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["familjelotsen.db.PrimaryReplicaRouter"]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Authentication ------------------------------------------------------------------------
AUTH_USER_MODEL = "familjelotsen.User"
AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses a locked-out username+IP before a password is checked.
    "axes.backends.AxesStandaloneBackend",
    # allauth's backend (username + password, constant-time for unknown users), loading the
    # signed-in user together with whether they have a second factor (no extra query).
    "familjelotsen.two_factor.AuthenticationBackend",
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
# A signed-in user changing their factors must have proved who they are in the last 5 min.
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
# allauth's rate limits live in the shared cache (below), so every worker counts together.
# Failed logins: per IP, and per username with a limit well above django-axes' per
# username+IP lockout: one attacker's IP locks out that IP (axes), while a distributed attack
# on one username is still slowed down. The same "login_failed" budget limits guesses of the
# second factor (keyed per user by allauth.mfa). The per-IP limits are generous because a
# whole office may reach us through one address (NAT) at 8 in the morning.
ACCOUNT_RATE_LIMITS = {
    "login": "60/m/ip",
    "login_failed": "20/m/ip,30/15m/key",
    "reauthenticate": "10/m/user",
    "change_password": "5/m/user",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "signup": "20/m/ip",
}
# Behind a TLS-terminating proxy: how many proxies append to X-Forwarded-For. Both allauth's
# rate limits and django-axes use the client address derived from it (0 = REMOTE_ADDR).
ALLAUTH_TRUSTED_PROXY_COUNT = _env("FL_TRUSTED_PROXY_COUNT", env.int, default=0)

# Single sign-on (issue 21): an organisation's identity provider, OpenID Connect or SAML 2.0
# through allauth. The providers are rows (familjelotsen.IdentityProvider) that the system
# administrator keeps; the adapter turns them into allauth apps. The first login creates the
# staff account (role and administration from mapped claims, otherwise waiting, inactive, for
# the administrator); an account is linked by the provider's subject only, never by e-mail.
# Logging in is a POST (no login started by a link), with PKCE; no provider token is stored.
# A SAML provider must sign its assertion, and only answers to logins started here count.
SOCIALACCOUNT_ADAPTER = "familjelotsen.sso.SocialAccountAdapter"
SOCIALACCOUNT_AUTO_SIGNUP = True
SOCIALACCOUNT_EMAIL_AUTHENTICATION = False
SOCIALACCOUNT_EMAIL_AUTHENTICATION_AUTO_CONNECT = False
SOCIALACCOUNT_EMAIL_REQUIRED = False
SOCIALACCOUNT_EMAIL_VERIFICATION = "none"
SOCIALACCOUNT_LOGIN_ON_GET = False
SOCIALACCOUNT_STORE_TOKENS = False
SOCIALACCOUNT_REQUESTS_TIMEOUT = 10
SOCIALACCOUNT_PROVIDERS = {
    # allauth's providers, keeping only the claims Familjelotsen reads, and for SAML the
    # assertion's authentication context (sso.py).
    "openid_connect": {
        "OAUTH_PKCE_ENABLED": True,
        "provider_class": "familjelotsen.sso.OpenIDConnectProvider",
    },
    "saml": {"provider_class": "familjelotsen.sso.SAMLProvider"},
}

# Two factors for everyone (allauth.mfa): an authenticator app (TOTP), security keys
# (WebAuthn) and recovery codes. No TOTP tolerance window: a code is valid for its own 30 s
# only, and allauth remembers a used code for that period (replay refused).
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_TOTP_ISSUER = "Familjelotsen"
MFA_TOTP_TOLERANCE = 0
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = DEBUG
MFA_FORMS = {"authenticate": "familjelotsen.two_factor.AuthenticateForm"}

# django-axes: lock a username from one IP address after 5 failures for 15 minutes; the same
# username from another address is not affected. Unknown usernames count the same way (no
# enumeration). Logs name no user: the client string is a pseudonym.
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = timedelta(minutes=15)
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "account/lockout.html"
AXES_CLIENT_IP_CALLABLE = "familjelotsen.client_address.client_ip"
AXES_CLIENT_STR_CALLABLE = "familjelotsen.client_address.axes_client_str"
AXES_VERBOSE = False

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
# Uploads (signed consent scans) live in PostgreSQL (familjelotsen.storage), so that web
# workers keep no local state and backups hold them, and are never served by URL: only
# permission-checked, access-logged views stream them. PRIVATE_MEDIA_ROOT is where the former
# file storage kept them: `manage.py move_files_to_database` moves them from there.
PRIVATE_MEDIA_ROOT = _env(
    "DJANGO_PRIVATE_MEDIA_ROOT", env.path, default=str(BASE_DIR / ".local" / "private")
)
MEDIA_ROOT = PRIVATE_MEDIA_ROOT
# Never routed: uploads are streamed by permission-checked views only. (A string, because
# Django's test live server wraps the app in a media handler that needs one.)
MEDIA_URL = "/private-media-is-never-served/"
STORAGES = {
    "default": {"BACKEND": "familjelotsen.storage.DatabaseStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}
# --- Cache: shared by every worker (rate limits, used TOTP codes, one-time form tokens) -------
# PostgreSQL, no extra service. The table is created by familjelotsen's migrations.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "familjelotsen_cache",
        # Entries expire in minutes to a day; culling must never drop a fresh rate-limit or
        # used-code entry, so the limit is far above the expected number of live entries.
        "OPTIONS": {"MAX_ENTRIES": 200_000, "CULL_FREQUENCY": 4},
    }
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
# Renewed by the requests of a signed-in user, at most once a minute
# (familjelotsen.sessions.SessionRenewalMiddleware): not a session write on every page.
SESSION_SAVE_EVERY_REQUEST = False
SESSION_RENEW_AFTER = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
CSRF_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
# The idle-timeout warning (static/js/session.js) opens this many seconds before expiry.
SESSION_TIMEOUT_WARNING = 3 * 60
# The load balancer may probe /health/ over plain HTTP.
SECURE_REDIRECT_EXEMPT = [r"^health/$"]

# Content-Security-Policy (django-csp 4): scripts only from our origin and with this
# request's nonce; no inline styles or scripts, no eval, no plug-ins, no framing.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF, NONCE],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "manifest-src": [SELF],
        "worker-src": [SELF],
        "frame-src": [NONE],
        "object-src": [NONE],
        "base-uri": [NONE],
        "frame-ancestors": [NONE],
        "form-action": [SELF],
    }
}
if not DEBUG:
    CONTENT_SECURITY_POLICY["DIRECTIVES"]["upgrade-insecure-requests"] = True

# Permissions-Policy: nothing here needs device features, except security keys (WebAuthn).
PERMISSIONS_POLICY = {
    "accelerometer": [],
    "autoplay": [],
    "camera": [],
    "display-capture": [],
    "encrypted-media": [],
    "geolocation": [],
    "gyroscope": [],
    "hid": [],
    "idle-detection": [],
    "magnetometer": [],
    "microphone": [],
    "midi": [],
    "payment": [],
    "browsing-topics": [],
    "publickey-credentials-create": ["self"],
    "publickey-credentials-get": ["self"],
    "screen-wake-lock": [],
    "serial": [],
    "usb": [],
    "xr-spatial-tracking": [],
}

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
    LANGUAGE_COOKIE_SECURE = True

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
# Every event model gets triggers that refuse UPDATE and DELETE (pgtrigger.Protect), unless a
# model opts out explicitly. The request user and URL come from pghistory's middleware;
# background work names itself with familjelotsen.history.history_context(label).
PGHISTORY_APPEND_ONLY = True
# Triggers on auto-created many-to-many tables (pghistory.track(...)(Model.field.through)) get
# no migration; installing every registered trigger after `migrate` puts them in place too,
# in production and in test databases alike.
PGTRIGGER_INSTALL_ON_MIGRATE = True

# --- Background work (django-tasks on PostgreSQL, no broker) --------------------------------
TASKS = {
    "default": {
        "BACKEND": _env("FL_TASKS_BACKEND", env.str, default="django_tasks_db.DatabaseBackend"),
    }
}

# /health/ reports the task queue unhealthy when a ready task has waited this long.
HEALTH_TASK_MAX_WAIT_MINUTES = _env("FL_HEALTH_TASK_MAX_WAIT_MINUTES", env.int, default=15)

# --- E-mail (staff digests: counts and reference codes only) ---------------------------------
EMAIL_BACKEND = _env(
    "DJANGO_EMAIL_BACKEND",
    env.str,
    default="django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
DEFAULT_FROM_EMAIL = _env("DJANGO_DEFAULT_FROM_EMAIL", env.str, default="familjelotsen@localhost")

# --- Project figures --------------------------------------------------------------------------
CASELOAD_PLANNING_FIGURE = _env("FL_CASELOAD_PLANNING_FIGURE", env.int, default=8)
# A report lists a table row by row (one per family ombud) up to this many rows; a longer one
# gives way to its summary (reporting.sections.Section.condensed).
REPORT_ROWS_LISTED = 30
NETWORK_HOURS_PLANNING_FIGURE = _env("FL_NETWORK_HOURS_PLANNING_FIGURE", env.int, default=13)
# Network work is for children and young people of these ages (seed 004: 0–20 years).
NETWORK_WORK_MIN_AGE = _env("FL_NETWORK_WORK_MIN_AGE", env.int, default=0)
NETWORK_WORK_MAX_AGE = _env("FL_NETWORK_WORK_MAX_AGE", env.int, default=20)
if not 0 <= NETWORK_WORK_MIN_AGE <= NETWORK_WORK_MAX_AGE:
    raise ImproperlyConfigured(
        "FL_NETWORK_WORK_MIN_AGE must be 0 or more and not above FL_NETWORK_WORK_MAX_AGE."
    )
# The organisation the reports are made by: on every report's first page and in its file name.
ORGANISATION_NAME = _env("FL_ORGANISATION_NAME", env.str, default="Familjelotsen")
DEMO_PASSWORD = "Familjelotsen-demo-2026"

# Parallel test runs (several developers on one machine) may each name their test database.
if _test_db := _env("DJANGO_TEST_DB_NAME", env.str, default=""):
    DATABASES["default"]["TEST"] = {"NAME": _test_db}
# make test copies the test databases from a migrated template (manage.py test_template).
if _test_template := _env("DJANGO_TEST_DB_TEMPLATE", env.str, default=""):
    DATABASES["default"].setdefault("TEST", {})["TEMPLATE"] = _test_template
