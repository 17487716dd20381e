"""Test settings: SQLite by default, PostgreSQL when DATABASE_URL is set."""

from .base import *  # noqa: F403

DEBUG = False
SECRET_KEY = "test-only-secret-" + "y" * 40  # noqa: S105
# A fixed, public key for the encrypted fields: test data only.
CIVITAS_FIELD_KEYS = ["dGVzdC1vbmx5LWZpZWxkLWtleS1ub3Qtc2VjcmV0ISE="]  # noqa: S105
CIVITAS_OLINPE_KEY = "test-only-olinpe-key"  # noqa: S105
CIVITAS_CHILDPROTECTION_DEPARTMENT = "92"
ALLOWED_HOSTS = ["*"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only; Argon2 tested
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
# Each test process keeps its own cache (tests/core/test_shared_cache.py checks the
# production one, the database table).
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "local": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "local"},
}
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING["handlers"]["console"]["formatter"] = "plain"  # noqa: F405
LOGGING["root"]["level"] = "WARNING"  # noqa: F405
WAGTAILADMIN_BASE_URL = "http://testserver"
# Tests close connections at the end of each request, as threads in concurrency tests expect;
# persistent connections are exercised by tests/faults against a real server.
DATABASES["default"]["CONN_MAX_AGE"] = 0  # noqa: F405
