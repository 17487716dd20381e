"""Configuration of the backups service, read from settings or the environment.

CIVITAS_BACKUP_DIR            where encrypted archives and the catalogue live
                              (default: <VAR_DIR>/backups)
CIVITAS_BACKUP_KEY            urlsafe base64 of 32 random bytes (required to back up
                              or restore; `manage.py backup --generate-key` prints one)
CIVITAS_BACKUP_KEEP_DAILY     default 7
CIVITAS_BACKUP_KEEP_WEEKLY    default 4
CIVITAS_BACKUP_KEEP_MONTHLY   default 3
CIVITAS_BACKUP_INCLUDE_MEDIA  default true
CIVITAS_PROBE_URL             default http://127.0.0.1:8000/accounts/login/
CIVITAS_PROBE_TIMEOUT         seconds, default 5
CIVITAS_PROBE_FAILURES        consecutive failures before the alert, default 3
CIVITAS_PROBE_EVERY_MINUTES   default 5
"""

from __future__ import annotations

from pathlib import Path

import environ
from django.conf import settings

_env = environ.Env()


def _get(name, cast, default):
    if hasattr(settings, name):
        return getattr(settings, name)
    return getattr(_env, cast)(name, default=default)


def backup_dir() -> Path:
    value = _get("CIVITAS_BACKUP_DIR", "str", "")
    return Path(value) if value else Path(settings.VAR_DIR) / "backups"


def backup_key() -> str:
    return _get("CIVITAS_BACKUP_KEY", "str", "")


def keep_daily() -> int:
    return _get("CIVITAS_BACKUP_KEEP_DAILY", "int", 7)


def keep_weekly() -> int:
    return _get("CIVITAS_BACKUP_KEEP_WEEKLY", "int", 4)


def keep_monthly() -> int:
    return _get("CIVITAS_BACKUP_KEEP_MONTHLY", "int", 3)


def include_media() -> bool:
    return _get("CIVITAS_BACKUP_INCLUDE_MEDIA", "bool", True)


def copy_command() -> str:
    return _get("CIVITAS_BACKUP_COPY_COMMAND", "str", "")


def probe_url() -> str:
    return _get("CIVITAS_PROBE_URL", "str", "http://127.0.0.1:8000/accounts/login/")


def probe_timeout() -> float:
    return _get("CIVITAS_PROBE_TIMEOUT", "float", 5.0)


def probe_failures() -> int:
    return _get("CIVITAS_PROBE_FAILURES", "int", 3)


def probe_every_minutes() -> int:
    return _get("CIVITAS_PROBE_EVERY_MINUTES", "int", 5)
