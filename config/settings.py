"""Settings for appui, driven by environment variables (see `.env.example`).

SQLite is the default database so that a fresh clone runs with no server; production uses
PostgreSQL through `DATABASE_URL`.
"""

import os
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = os.environ.get("SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG:
        raise ImproperlyConfigured("SECRET_KEY must be set when DEBUG is off.")
    # Development only: a fixed key is harmless because DEBUG is on and nothing is public.
    SECRET_KEY = "appui-development-key-not-for-production"

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("ALLOWED_HOSTS", "127.0.0.1,localhost").split(",")
    if h.strip()
]
CSRF_TRUSTED_ORIGINS = [
    o.strip() for o in os.environ.get("CSRF_TRUSTED_ORIGINS", "").split(",") if o.strip()
]

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django_htmx",
    "csp",
    "django_tasks",
    "django_tasks_db",
    # RQ workers on Redis (TASKS_BACKEND=rq): `manage.py rqworker` and the backend's checks.
    "django_rq",
    "django_tasks_rq",
    # Logins: throttling and lockout (axes), two-step login (django-otp: TOTP, backup codes).
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    # ENT sign-on: CAS tickets kept per session for single sign-out (django-cas-ng).
    "django_cas_ng",
    # Audit trail (docs/rgpd.md): django-auditlog's entries, indexed by pupil (appui.audit).
    "auditlog",
    "appui.audit",
    "appui.jobs",
    "appui.accounts",
    "appui.schools",
    "appui.diagnostics",
    "appui.planning",
    "appui.followup",
    "appui.tutoring",
    "appui.steering",
    "appui.reports",
    "appui.interop",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # After WhiteNoise: static files need neither a CSP nor no-store (see config/middleware.py).
    "csp.middleware.CSPMiddleware",
    "config.middleware.SecurityHeadersMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # The user read once, not through a lazy wrapper at each of its hundreds of reads a page.
    "appui.accounts.middleware.ResolvedUserMiddleware",
    # Audit trail: who changed or read a pupil's records (after authentication).
    "appui.audit.middleware.AuditMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    # Logins: log out after inactivity, then hold a login at the second step until the code
    # is given (both after authentication and messages, before the current school is read).
    "appui.accounts.middleware.IdleTimeoutMiddleware",
    "appui.accounts.middleware.SecondFactorMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "appui.schools.middleware.CurrentSchoolMiddleware",
    # Logins: turns a lockout into the lockout page; last, as axes asks.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "config.urls"

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
                "appui.schools.context_processors.current_school",
                # ENT sign-on: which « Se connecter avec l'ENT » links the login page shows.
                "appui.accounts.sso.sign_on_links",
            ],
        },
    },
]

WSGI_APPLICATION = "config.wsgi.application"

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}",
        conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL lets the development server read while a background import writes.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
            "timeout": 20,
            # Writers take the lock at BEGIN, so concurrent saves wait instead of failing.
            "transaction_mode": "IMMEDIATE",
        }
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0
# An optional read replica of PostgreSQL for the académie's cross-school reads (the académie
# view and its exports read every school's summaries there): appui.schools.replica.
_replica_url = os.environ.get("DATABASE_REPLICA_URL", "").strip()
if _replica_url:
    DATABASES["replica"] = dj_database_url.parse(
        _replica_url, conn_max_age=int(os.environ.get("CONN_MAX_AGE", "60"))
    )
    # Tests never reach a second server: the alias reads the test database.
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DASHBOARD_DATABASE = "replica" if _replica_url else "default"

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Long work (solving need groups, big imports) runs as background tasks (docs/deploiement.md).
# TASKS_BACKEND: "db" (default: stored in the database, `manage.py db_worker`, no extra
# server) or "rq" (RQ on Redis at REDIS_URL, `manage.py rqworker`, workers on any number of
# machines sharing the database and Redis); a dotted backend path is taken as is.
# `make worker` starts the right worker. Every task is followed by an appui.jobs Job.
TASKS_BACKENDS = {
    "db": "django_tasks_db.DatabaseBackend",
    "rq": "django_tasks_rq.RQBackend",
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
}
_tasks_backend = os.environ.get("TASKS_BACKEND", "").strip() or "db"
TASKS_BACKEND = TASKS_BACKENDS.get(_tasks_backend, _tasks_backend)
TASKS = {"default": {"BACKEND": TASKS_BACKEND}}
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# One RQ queue; a job may run this long (seconds) before RQ stops it (a solve is bounded by
# GROUPING_TIME_LIMIT; an académie batch takes longer).
RQ_QUEUES = {
    "default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": int(os.environ.get("RQ_JOB_TIMEOUT", "3600"))}
}
RQ = {
    # Tasks are enqueued by transaction.on_commit already: RQ must not wait again.
    "COMMIT_MODE": "auto",
    # Every job carries RQ's Retry (JOBS_MAX_ATTEMPTS): a failure, or a worker that died
    # mid-job, runs it again on another worker.
    "QUEUE_CLASS": "appui.jobs.rq.RetryingQueue",
}
# Django's cache holds the results appui.schools.computed keeps (a level's hours...): each
# process's memory by default (300 entries at most: a level of 380 pupils keeps about 210 KB),
# CACHE_URL (redis://...) shares them between the web nodes.
CACHE_URL = os.environ.get("CACHE_URL", "").strip()
CACHES = {
    "default": (
        {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": CACHE_URL}
        if CACHE_URL
        else {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 300},
        }
    )
}
# Jobs (appui.jobs): attempts in all (RQ retries; the database backend has no retry), the
# pause before each retry (seconds, RQ with `--with-scheduler`), how often a running job
# writes its heartbeat, and when a running job without heartbeat counts as abandoned.
JOBS_MAX_ATTEMPTS = int(os.environ.get("JOBS_MAX_ATTEMPTS", "3"))
JOBS_RETRY_DELAYS = [
    int(x) for x in os.environ.get("JOBS_RETRY_DELAYS", "10,60").split(",") if x.strip()
]
JOBS_HEARTBEAT_SECONDS = float(os.environ.get("JOBS_HEARTBEAT_SECONDS", "5"))
JOBS_STALE_SECONDS = float(os.environ.get("JOBS_STALE_SECONDS", "60"))
# Days a job's file (batch PDFs, exports) stays downloadable (`manage.py purge_job_files`).
JOBS_FILE_DAYS = int(os.environ.get("JOBS_FILE_DAYS", "7"))
# Seconds the grouping solver may spend on one plan.
GROUPING_TIME_LIMIT = float(os.environ.get("GROUPING_TIME_LIMIT", "10"))
# Largest file any import accepts from the web (every kind: SIECLE, STS-web, spreadsheets,
# results…); ElevesAvecAdresses.xml for 3,000 students is about 15 MB.
IMPORT_MAX_UPLOAD_BYTES = int(os.environ.get("IMPORT_MAX_UPLOAD_BYTES", str(60 * 1024 * 1024)))
# An import whose preview counts at least this many records (students, divisions, results…
# of every section, changed or not) is applied by a background job (appui.jobs) with a
# progress page; smaller ones are applied during the request. A 1,500-student SIECLE export
# counts about 1,600; a class's results file a few hundred.
IMPORT_BACKGROUND_ROWS = int(os.environ.get("IMPORT_BACKGROUND_ROWS", "1000"))

# --- Logins (docs/connexion.md) -----------------------------------------------------------
# Axes' backend first: it refuses a locked-out username+address before any password check.
# Sign-on backends are appended after ModelBackend (keep this a list).
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout per username *and* address: 10 wrong passwords for one account from one address
# lock that pair for the cool-off. Per username alone would let anyone lock the head out
# from anywhere; per address alone would lock a whole school behind one NAT.
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = int(os.environ.get("LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = timedelta(minutes=int(os.environ.get("LOGIN_COOLOFF_MINUTES", "30")))
AXES_LOCKOUT_CALLABLE = "appui.accounts.throttling.lockout_response"
AXES_CLIENT_IP_CALLABLE = "appui.accounts.throttling.client_ip"
# Every failure is kept (the admin's « access failures »), beside axes' warnings in the log.
AXES_ENABLE_ACCESS_FAILURE_LOG = True
# The log names the account and the address (the password is always masked).
AXES_SENSITIVE_PARAMETERS: list[str] = []
AXES_RESET_ON_SUCCESS = True
# Reverse proxies in front of appui that append the client to X-Forwarded-For (nginx: 1).
LOGIN_PROXY_COUNT = int(
    os.environ.get("LOGIN_PROXY_COUNT", "1" if env_bool("BEHIND_PROXY", False) else "0")
)
# Log out after this many seconds without a request (shared school computers): 2 hours.
SESSION_IDLE_TIMEOUT = int(os.environ.get("SESSION_IDLE_TIMEOUT", "7200"))
# A session never outlives a school day, active or not (12 hours).
SESSION_COOKIE_AGE = int(os.environ.get("SESSION_COOKIE_AGE", str(12 * 3600)))
# Closing the browser ends the session (shared computers): on unless set to 0.
SESSION_EXPIRE_AT_BROWSER_CLOSE = env_bool("SESSION_EXPIRE_AT_BROWSER_CLOSE", True)
# The name shown in authenticator apps beside the username.
OTP_TOTP_ISSUER = os.environ.get("OTP_TOTP_ISSUER", "appui")
# Password reset links: valid 3 days (Django's default), sent from this address.
DEFAULT_FROM_EMAIL = os.environ.get("DEFAULT_FROM_EMAIL", "appui <ne-pas-repondre@localhost>")
EMAIL_BACKEND = os.environ.get(
    "EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("EMAIL_HOST", "localhost")
EMAIL_PORT = int(os.environ.get("EMAIL_PORT", "25"))
EMAIL_HOST_USER = os.environ.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", False)
# --- end of Logins -------------------------------------------------------------------------

# --- ENT sign-on (docs/connexion.md, « Connexion par l'ENT ») -----------------------------
# CAS (Open ENT NG / monlycee.net, Skolengo, Mon Bureau Numérique…) and OpenID Connect. Each
# is on when its server is set; the login page then offers « Se connecter avec l'ENT » beside
# the local form. appui never creates an account at sign-on: the ENT identifier must be linked
# to an existing account (ENT accounts import, demo, or SIECLE/STS identifiers the ENT
# releases; which attribute is the identifier is a setting of each school).
ENT_NAME = os.environ.get("ENT_NAME", "")  # shown on the button, e.g. « monlycee.net »
CAS_SERVER_URL = os.environ.get("CAS_SERVER_URL", "")  # e.g. https://ent.example.fr/cas/
CAS_VERSION = os.environ.get("CAS_VERSION", "3")  # "2" or "3" (attributes need 3 or CAS 2 ext.)
CAS_CREATE_USER = False
CAS_LOGOUT_COMPLETELY = True  # appui's logout also ends the ENT session (single sign-out)
CAS_IGNORE_REFERER = True
CAS_LOGIN_MSG = None
CAS_LOGGED_MSG = None
CAS_VERIFY_SSL_CERTIFICATE = True
OIDC_OP_AUTHORIZATION_ENDPOINT = os.environ.get("OIDC_OP_AUTHORIZATION_ENDPOINT", "")
OIDC_OP_TOKEN_ENDPOINT = os.environ.get("OIDC_OP_TOKEN_ENDPOINT", "")
OIDC_OP_USER_ENDPOINT = os.environ.get("OIDC_OP_USER_ENDPOINT", "")
OIDC_OP_JWKS_ENDPOINT = os.environ.get("OIDC_OP_JWKS_ENDPOINT", "")
OIDC_OP_LOGOUT_ENDPOINT = os.environ.get("OIDC_OP_LOGOUT_ENDPOINT", "")
OIDC_RP_CLIENT_ID = os.environ.get("OIDC_RP_CLIENT_ID", "")
OIDC_RP_CLIENT_SECRET = os.environ.get("OIDC_RP_CLIENT_SECRET", "")
OIDC_RP_SIGN_ALGO = os.environ.get("OIDC_RP_SIGN_ALGO", "RS256")
OIDC_RP_SCOPES = os.environ.get("OIDC_RP_SCOPES", "openid profile email")
OIDC_USE_PKCE = env_bool("OIDC_USE_PKCE", True)
OIDC_CREATE_USER = False
OIDC_STORE_ID_TOKEN = True  # sent back to the provider at logout (id_token_hint)
OIDC_AUTHENTICATION_CALLBACK_URL = "accounts:ent-oidc-callback"
OIDC_TIMEOUT = 10
CAS_ENABLED = bool(CAS_SERVER_URL)
OIDC_ENABLED = bool(OIDC_OP_AUTHORIZATION_ENDPOINT and OIDC_RP_CLIENT_ID)
if CAS_ENABLED:
    AUTHENTICATION_BACKENDS.append("appui.accounts.sso.EntCasBackend")
if OIDC_ENABLED:
    AUTHENTICATION_BACKENDS.append("appui.accounts.sso.EntOidcBackend")
# A sign-on is not a password guess (the ENT checked the password; a ticket or code is single
# use and checked server to server): axes neither counts nor blocks it.
AXES_WHITELIST_CALLABLE = "appui.accounts.sso.is_sign_on_attempt"
# --- end of ENT sign-on ---------------------------------------------------------------------

LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "accounts:login"

LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("French"))]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "django.contrib.staticfiles.storage.StaticFilesStorage"
            if DEBUG
            else "whitenoise.storage.CompressedManifestStaticFilesStorage"
        )
    },
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = env_bool("SECURE_COOKIES", not DEBUG)
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

# --- Audit trail and retention (docs/rgpd.md) ---------------------------------------------
# `manage.py purge`: pupils whose last enrolment ended more than RETENTION_PUPIL_YEARS years
# ago are anonymised; uploaded files are emptied RETENTION_UPLOAD_DAYS days after their import
# was applied or abandoned (the import's report is kept).
RETENTION_PUPIL_YEARS = int(os.environ.get("RETENTION_PUPIL_YEARS", "1"))
RETENTION_UPLOAD_DAYS = int(os.environ.get("RETENTION_UPLOAD_DAYS", "30"))
# --- end of Audit trail and retention ------------------------------------------------------

# --- Production security -------------------------------------------------------------------
# Defaults are safe when DEBUG is off (`manage.py check --deploy` has nothing to say); every
# one can be changed from the environment (see .env.example and docs/deploiement.md).
#
# HTTPS only: plain HTTP is redirected, and browsers are told (HSTS) to refuse plain HTTP for
# a year. Behind a TLS reverse proxy (nginx, HAProxy…) set BEHIND_PROXY=1 so that Django
# trusts the proxy's X-Forwarded-Proto header; the proxy must set it on every request
# (overwriting any sent by the client), or anyone could claim HTTPS.
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", not DEBUG)
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = int(os.environ.get("SECURE_HSTS_SECONDS", "0" if DEBUG else "31536000"))
# includeSubDomains covers the names *under* appui's own host (appui.ac-x.fr → *.appui.ac-x.fr),
# never its siblings: on by default. Preload asks browsers to ship the domain in their HSTS
# list, which only the owner of the registrable domain (an académie's IT department) can
# decide and is hard to undo: off by default, and its deploy warning silenced for that reason.
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
SILENCED_SYSTEM_CHECKS = [] if SECURE_HSTS_PRELOAD else ["security.W021"]
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Content-Security-Policy (django-csp), in every mode so that development shows violations:
# scripts and styles only from appui's own static files — no inline <script>, no on*=
# handlers, no style= attributes, no eval (htmx is configured accordingly in base.html).
# `data:` images: Pico CSS draws its checkboxes and select arrows with inline SVG URLs.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'none'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}


def _origin(url: str) -> str | None:
    """``https://ent.example.fr`` from a server address (None when unset)."""
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else None


# A form posted to appui may end in a redirect to the ENT (the logout, which also ends the ENT
# session; a sign-on button posted as a form): the browser checks such redirects against
# form-action, so the ENT servers' origins are allowed there.
for _url in (CAS_SERVER_URL, OIDC_OP_AUTHORIZATION_ENDPOINT, OIDC_OP_LOGOUT_ENDPOINT):
    _ent_origin = _origin(_url)
    if _ent_origin and _ent_origin not in CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"]:
        CONTENT_SECURITY_POLICY["DIRECTIVES"]["form-action"].append(_ent_origin)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": os.environ.get("LOG_LEVEL", "WARNING")},
}
