"""Outbox configuration: Django settings first, then the environment, then defaults.

Every value can be set in the settings module (same name) or as an environment variable:

  CIVITAS_OUTBOX_MAX_ATTEMPTS     attempts before a message is marked failed (default 10)
  CIVITAS_OUTBOX_RETRY_BASE       first retry delay in seconds, doubled each time (default 60)
  CIVITAS_OUTBOX_RETRY_MAX        longest delay between two attempts, seconds (default 21600)
  CIVITAS_OUTBOX_BATCH_SIZE       messages sent over one SMTP connection (default 50)
  CIVITAS_OUTBOX_SMTP_TIMEOUT     SMTP timeout in seconds when EMAIL_TIMEOUT is unset (20)
  CIVITAS_OUTBOX_STALE_MINUTES    a message "sending" for longer is retried (default 15)
  CIVITAS_OUTBOX_KEEP_DAYS        sent and failed messages older than this are deleted every
                                  day (default: unset, kept until the retention rule of the
                                  register of processing removes them)
  CIVITAS_OUTBOX_ADMIN_CC         comma-separated addresses put in copy with cc_admins=True
                                  (default: the principal administrators)
  CIVITAS_OUTBOX_MAX_ATTACHMENTS_BYTES  total size of one e-mail's attachments (default 10 MB)
  CIVITAS_MAILING_RATE            mailing messages per minute (default 120)
  CIVITAS_SITE_URL                public address used in links (unsubscribe)
  CIVITAS_SMS_PROVIDER            "file" (writes var/sms.log) or "http"
  CIVITAS_SMS_HTTP_URL            URL the HTTP provider posts to
  CIVITAS_SMS_HTTP_TOKEN          sent as "Authorization: Bearer <token>"
  CIVITAS_SMS_HTTP_PAYLOAD        JSON template; "{to}", "{text}", "{sender}" are replaced
  CIVITAS_SMS_SENDER              sender name passed to the provider
  CIVITAS_SMS_HTTP_TIMEOUT        seconds (default 15)
"""

from __future__ import annotations

import environ
from django.conf import settings

_env = environ.Env()

DEFAULT_SMS_PAYLOAD = '{"to": "{to}", "text": "{text}", "sender": "{sender}"}'


def _get(name, cast, default):
    if hasattr(settings, name):
        return getattr(settings, name)
    return getattr(_env, cast)(name, default=default)


def max_attempts() -> int:
    return _get("CIVITAS_OUTBOX_MAX_ATTEMPTS", "int", 10)


def retry_base() -> int:
    return _get("CIVITAS_OUTBOX_RETRY_BASE", "int", 60)


def retry_max() -> int:
    return _get("CIVITAS_OUTBOX_RETRY_MAX", "int", 6 * 3600)


def max_attachments_bytes() -> int:
    return _get("CIVITAS_OUTBOX_MAX_ATTACHMENTS_BYTES", "int", 10 * 1024 * 1024)


def batch_size() -> int:
    return max(1, _get("CIVITAS_OUTBOX_BATCH_SIZE", "int", 50))


def smtp_timeout() -> int:
    return getattr(settings, "EMAIL_TIMEOUT", None) or _get(
        "CIVITAS_OUTBOX_SMTP_TIMEOUT", "int", 20
    )


def stale_minutes() -> int:
    return _get("CIVITAS_OUTBOX_STALE_MINUTES", "int", 15)


def keep_days() -> int | None:
    value = _get("CIVITAS_OUTBOX_KEEP_DAYS", "str", "")
    if value in (None, ""):
        return None
    return int(value)


def admin_cc() -> list[str]:
    value = _get("CIVITAS_OUTBOX_ADMIN_CC", "list", [])
    if isinstance(value, str):
        value = value.split(",")
    return [v.strip() for v in value if v and v.strip()]


def mailing_rate() -> int:
    return max(1, _get("CIVITAS_MAILING_RATE", "int", 120))


def site_url() -> str:
    default = getattr(settings, "WAGTAILADMIN_BASE_URL", "http://localhost:8000")
    return _get("CIVITAS_SITE_URL", "str", default).rstrip("/")


def sms_provider() -> str:
    return _get("CIVITAS_SMS_PROVIDER", "str", "file")


def sms_http_url() -> str:
    return _get("CIVITAS_SMS_HTTP_URL", "str", "")


def sms_http_token() -> str:
    return _get("CIVITAS_SMS_HTTP_TOKEN", "str", "")


def sms_http_payload() -> str:
    return _get("CIVITAS_SMS_HTTP_PAYLOAD", "str", DEFAULT_SMS_PAYLOAD)


def sms_http_timeout() -> int:
    return _get("CIVITAS_SMS_HTTP_TIMEOUT", "int", 15)


def sms_sender() -> str:
    return _get("CIVITAS_SMS_SENDER", "str", "Civitas")
