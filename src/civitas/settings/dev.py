"""Demo / development settings: embedded SQLite, mail printed on the console."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="demo-only-not-secret-" + "x" * 40)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["*"])
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
LOGGING["handlers"]["console"]["formatter"] = env.str("LOG_FORMAT", default="plain")  # noqa: F405

# The demo serves static files straight from the apps and node_modules (no collectstatic).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
