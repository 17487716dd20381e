"""Demo / development settings: embedded SQLite, mail printed on the console."""

from .base import *  # noqa: F403
from .base import env

DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="demo-only-not-secret-" + "x" * 40)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["*"])
# Demo only: a fixed, public key for the encrypted fields when the environment sets none.
if not (CIVITAS_FIELD_KEYS or CIVITAS_FIELD_KEY):  # noqa: F405
    CIVITAS_FIELD_KEYS = ["ZGVtby1vbmx5LWZpZWxkLWtleS1ub3Qtc2VjcmV0ISE="]  # noqa: S105
CIVITAS_OLINPE_KEY = CIVITAS_OLINPE_KEY or "demo-only-olinpe-key"  # noqa: F405, S105
CIVITAS_CHILDPROTECTION_DEPARTMENT = CIVITAS_CHILDPROTECTION_DEPARTMENT or "92"  # noqa: F405
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "http"
MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN = True
LOGGING["handlers"]["console"]["formatter"] = env.str("LOG_FORMAT", default="plain")  # noqa: F405

# The demo serves static files straight from the apps and node_modules (no collectstatic).
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True

# Demo only: a backup key kept in var/ so the daily backup job works out of the box.
# Production sets CIVITAS_BACKUP_KEY in the environment and keeps a copy off the server.
CIVITAS_BACKUP_KEY = env.str("CIVITAS_BACKUP_KEY", default="")
if not CIVITAS_BACKUP_KEY:
    _key_file = VAR_DIR / "demo-backup.key"  # noqa: F405
    if not _key_file.exists():
        import base64
        import secrets

        _key_file.parent.mkdir(parents=True, exist_ok=True)
        _key_file.write_text(base64.urlsafe_b64encode(secrets.token_bytes(32)).decode())
        _key_file.chmod(0o600)
    CIVITAS_BACKUP_KEY = _key_file.read_text().strip()
