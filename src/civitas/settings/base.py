"""Base settings: everything comes from the environment (12-factor).

Environment variables (see docs/admin/configuration.md):
  DATABASE_URL       default sqlite:///<repo>/var/civitas.sqlite3
  SECRET_KEY         required in production
  EMAIL_URL          e.g. smtp://user:pass@host:587/?tls=True ; default console
  ALLOWED_HOSTS      comma separated
  CIVITAS_MODULES    comma separated business modules to switch on (events, ...)
  CIVITAS_FIELD_KEYS comma separated base64 keys (32 bytes) of the encrypted fields, newest
                     first (or one CIVITAS_FIELD_KEY); required in production
"""

from datetime import timedelta
from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

SRC_DIR = Path(__file__).resolve().parent.parent  # src/civitas
BASE_DIR = SRC_DIR.parent.parent  # repository root
VAR_DIR = Path(environ.Env().str("CIVITAS_VAR_DIR", default=str(BASE_DIR / "var")))

env = environ.Env()

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'civitas.sqlite3'}")
}
DATABASES["default"].setdefault("ATOMIC_REQUESTS", False)
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL + a busy timeout let the web server and the task worker share the file.
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        }
    )
else:
    # Persistent connections, checked before each request's first query: a database restart
    # costs the requests in flight a 503 page, and the next ones reconnect by themselves.
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Keys of civitas.core.fields.EncryptedTextField: newest first, every one decrypts.
CIVITAS_FIELD_KEYS = env.list("CIVITAS_FIELD_KEYS", default=[])
CIVITAS_FIELD_KEY = env.str("CIVITAS_FIELD_KEY", default="")

# Child protection: département code (NUMDEP), OLINPE pseudonym key and optional function.
CIVITAS_CHILDPROTECTION_DEPARTMENT = env.str("CIVITAS_CHILDPROTECTION_DEPARTMENT", default="")
CIVITAS_OLINPE_KEY = env.str("CIVITAS_OLINPE_KEY", default="")
CIVITAS_OLINPE_PSEUDONYM = env.str("CIVITAS_OLINPE_PSEUDONYM", default="")

# Support desk: the quarter report is mailed on this business day after the quarter's end
# (in the structure's calendar; 0: as soon as the quarter is over).
CIVITAS_SUPPORT_REPORT_BUSINESS_DAY = env.int("CIVITAS_SUPPORT_REPORT_BUSINESS_DAY", default=5)

# Business modules switched on for this deployment.
KNOWN_MODULES = ["events", "childprotection", "councils", "support"]
IMPLEMENTED_MODULES = ["events", "childprotection", "councils", "support"]
CIVITAS_MODULES = [m for m in env.list("CIVITAS_MODULES", default=IMPLEMENTED_MODULES) if m]
for _module in CIVITAS_MODULES:
    if _module not in KNOWN_MODULES:
        raise ValueError(f"Unknown module in CIVITAS_MODULES: {_module!r}")
    if _module not in IMPLEMENTED_MODULES:
        raise ValueError(f"Module {_module!r} is not available in this version yet")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.sitemaps",
    "django_countries",  # its translations: country names in French
    # platform core
    "civitas.core",
    "civitas.core.outbox",
    "civitas.core.exports",
    "civitas.core.documents",
    "civitas.core.gdpr",
    "civitas.core.backups",
    "civitas.core.billing",
    "civitas.cms",
    # accounts
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "allauth.usersessions",
    "axes",
    "auditlog",
    # background jobs
    "django_tasks",
    "django_tasks_db",
    # API
    "rest_framework",
    "rest_framework.authtoken",
    "drf_spectacular",
    # UI
    "django_htmx",
    "csp",
    # Wagtail
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
] + [f"civitas.{m}" for m in CIVITAS_MODULES]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "civitas.core.middleware.MetricsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "allauth.usersessions.middleware.UserSessionsMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "civitas.core.middleware.CmsContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "auditlog.middleware.AuditlogMiddleware",
    "civitas.core.middleware.BackofficeGuardMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    # django-axes must be last.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "civitas.urls"
WSGI_APPLICATION = "civitas.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [SRC_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "civitas.core.context_processors.civitas",
            ],
        },
    }
]

# --- Accounts -----------------------------------------------------------------
AUTH_USER_MODEL = "core.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "civitas.core.passwords.OrganisationPolicyValidator"},
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "civitas.core.passwords.FrenchCommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "core:home_after_login"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
# The set-password link of an invitation logs the person in (through the MFA stage if any).
ACCOUNT_LOGIN_ON_PASSWORD_RESET = True
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Civitas] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env.str("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="https")
# The default cache is shared by every process and machine (a table of the database, no
# other service): allauth keeps in it the TOTP codes already used (one use per code) and its
# rate limits; a cache local to each gunicorn process would let a code be replayed in
# another process within its window. The table comes from core migration 0010. "local" is
# for what one process may keep to itself (keys that change with their content).
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "civitas_cache",
    },
    "local": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "LOCATION": "civitas-local",
    },
}
ACCOUNT_RATE_LIMITS = {
    "login_failed": "50/m/ip,50/5m/key",  # lockout is django-axes' job
    # A public body's staff reach the site through one proxy address: allauth's default of
    # 30 logins a minute per address refused 20 of 50 agents arriving within 30 s (load
    # bench of 7 Dec, once the counters were shared by every process).
    "login": env.str("CIVITAS_LOGIN_RATE", default="300/m/ip"),
}
ACCOUNT_ADAPTER = "civitas.core.adapters.AccountAdapter"
CIVITAS_OPEN_SIGNUP = env.bool("CIVITAS_OPEN_SIGNUP", default=False)
MFA_SUPPORTED_TYPES = ["totp", "webauthn", "recovery_codes"]
MFA_PASSKEY_LOGIN_ENABLED = False
MFA_TOTP_ISSUER = "Civitas"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = env.bool("MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN", default=False)
USERSESSIONS_TRACK_ACTIVITY = True
# Second-factor codes: per account, counted in the database (every process sees it).
MFA_FORMS = {
    "authenticate": "civitas.core.second_factor.ThrottledAuthenticateForm",
    "reauthenticate": "civitas.core.second_factor.ThrottledReauthenticateForm",
}
CIVITAS_MFA_MAX_FAILURES = env.int("CIVITAS_MFA_MAX_FAILURES", default=5)
CIVITAS_MFA_FAILURE_WINDOW_MINUTES = env.int("CIVITAS_MFA_FAILURE_WINDOW_MINUTES", default=15)
CIVITAS_MFA_LOCK_MINUTES = env.int("CIVITAS_MFA_LOCK_MINUTES", default=5)

AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
# Lock per login typed (known or not, so nothing reveals whether an account exists).
# Rotating IPs or user agents does not bypass it; floods from one IP are rate-limited by
# allauth (ACCOUNT_RATE_LIMITS), hence axes.W006 is silenced.
AXES_LOCKOUT_PARAMETERS = ["username"]
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
AXES_USERNAME_CALLABLE = "civitas.core.auth.axes_username"
AXES_LOCKOUT_CALLABLE = "civitas.core.auth.lockout_response"
AXES_RESET_ON_SUCCESS = True
AXES_SENSITIVE_PARAMETERS = ["password", "password1", "password2", "code", "oldpassword"]
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = 60 * 60 * 12
CSRF_COOKIE_HTTPONLY = True
# Back-office idle timeout (minutes); organisation setting overrides.
CIVITAS_BACKOFFICE_IDLE_MINUTES = env.int("CIVITAS_BACKOFFICE_IDLE_MINUTES", default=30)

# --- i18n -------------------------------------------------------------------
LANGUAGE_CODE = "fr"
LANGUAGES = [("fr", _("Français")), ("en", _("English"))]
LOCALE_PATHS = [SRC_DIR / "locale"]
TIME_ZONE = "Europe/Paris"
USE_I18N = True
USE_TZ = True
WAGTAIL_I18N_ENABLED = False
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES

# --- Static and media ---------------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [
    SRC_DIR / "static",
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    ("vendor/chartjs", BASE_DIR / "node_modules" / "chart.js" / "dist"),
    ("vendor/barcode-detector", BASE_DIR / "node_modules" / "barcode-detector" / "dist" / "iife"),
    # The polyfill's WebAssembly reader, served locally (its default is a CDN).
    ("vendor/zxing-wasm", BASE_DIR / "node_modules" / "zxing-wasm" / "dist" / "reader"),
]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env.str("MEDIA_ROOT", default=str(VAR_DIR / "media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
DATA_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 10 * 1024 * 1024

# --- E-mail -------------------------------------------------------------------
_email = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(_email)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Civitas <no-reply@civitas.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Background jobs ----------------------------------------------------------
CIVITAS_JOB_STALE_MINUTES = env.int("CIVITAS_JOB_STALE_MINUTES", default=15)
CIVITAS_JOB_QUEUED_MAX_HOURS = env.int("CIVITAS_JOB_QUEUED_MAX_HOURS", default=24)
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend", "QUEUES": ["default"]}}

# --- API ------------------------------------------------------------------------
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        # Personal tokens (civitas.core.tokens): expiring, revocable, listed in the account;
        # they also name the change trail's actor (see civitas.core.audit).
        "civitas.core.auth.ApiTokenAuthentication",
        "rest_framework.authentication.SessionAuthentication",
    ],
    # The back-office guard (IP allowlist, second factor) first, then the declared permission.
    "DEFAULT_PERMISSION_CLASSES": [
        "civitas.core.auth.BackofficeGuard",
        "civitas.core.permissions.DenyUndeclared",
    ],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "DEFAULT_PAGINATION_CLASS": "rest_framework.pagination.PageNumberPagination",
    "PAGE_SIZE": 50,
}
# Lifetime of a new personal API token (days; the token page offers shorter ones).
CIVITAS_API_TOKEN_DAYS = env.int("CIVITAS_API_TOKEN_DAYS", default=90)
SPECTACULAR_SETTINGS = {
    "TITLE": "Civitas API",
    "VERSION": "1.0.0",
    "PREPROCESSING_HOOKS": ["civitas.core.api.only_api_paths"],
    # Serializers leave some read-only fields out (the catalogue shows only the fields the
    # event made public): read-only fields are not "required" in responses.
    "COMPONENT_NO_READ_ONLY_REQUIRED": True,
    "POSTPROCESSING_HOOKS": [
        "drf_spectacular.hooks.postprocess_schema_enums",
        "civitas.core.api.document_error_responses",
    ],
    # <id:pk> (civitas.core.params.IdConverter): a positive 64-bit integer.
    # Several APIs have a "status": each choice set gets its own, stable name.
    "ENUM_NAME_OVERRIDES": {
        "CompanyStatusEnum": "civitas.events.models.Company.Status",
        "ChildProtectionFileStatusEnum": "civitas.childprotection.models.File.Status",
    },
    "PATH_CONVERTER_OVERRIDES": {
        "id": {"type": "integer", "format": "int64", "minimum": 1, "maximum": 2**63 - 1}
    },
}

# --- Wagtail ------------------------------------------------------------------
WAGTAIL_SITE_NAME = "Civitas"
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default="http://localhost:8000")
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
# Wagtail's login and password-reset pages are not used: every login goes through allauth
# (lockout, journal, second factor); see civitas.urls.
WAGTAILADMIN_LOGIN_URL = "account_login"
WAGTAIL_FRONTEND_LOGIN_URL = "account_login"
WAGTAIL_PASSWORD_RESET_ENABLED = False
# No third-party calls from the admin (privacy, and the CSP allows none): no Gravatar
# avatars, no check for new Wagtail releases.
WAGTAIL_GRAVATAR_PROVIDER_URL = None
WAGTAIL_ENABLE_UPDATE_CHECK = False
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "odt", "ods", "csv", "txt"]

# --- Security headers -----------------------------------------------------------
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
CONTENT_SECURITY_POLICY = {
    # One policy everywhere, the Wagtail admin (/cms/) included: its few allowances are
    # added by civitas.core.middleware.CmsContentSecurityPolicyMiddleware.
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

# --- Operations -----------------------------------------------------------------
CIVITAS_METRICS_TOKEN = env.str("CIVITAS_METRICS_TOKEN", default="")
CIVITAS_DPO_EMAIL = env.str("CIVITAS_DPO_EMAIL", default="")
CIVITAS_HEALTH_MIN_FREE_DISK_MB = env.int("CIVITAS_HEALTH_MIN_FREE_DISK_MB", default=500)
CIVITAS_HEALTH_MAX_TASK_BACKLOG = env.int("CIVITAS_HEALTH_MAX_TASK_BACKLOG", default=1000)
CIVITAS_LOGIN_JOURNAL_RETENTION_DAYS = env.int("CIVITAS_LOGIN_JOURNAL_RETENTION_DAYS", default=365)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s",
        },
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": env.str("LOG_FORMAT", default="json"),
        }
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        "django.request": {"level": "WARNING"},
        "django.server": {"level": "WARNING"},
        "axes": {"level": "WARNING"},
        # WeasyPrint logs every rendering step at INFO; keep its warnings only
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}
