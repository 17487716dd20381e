"""Configuration of exports and imports, read from settings or the environment.

Settings win over environment variables, so a deployment can set either.
"""

from pathlib import Path

import environ
from django.conf import settings

_env = environ.Env()


def background_threshold() -> int:
    """Above this many rows an export runs in the background (default 5,000)."""
    return int(
        getattr(settings, "CIVITAS_EXPORT_BACKGROUND_THRESHOLD", None)
        or _env.int("CIVITAS_EXPORT_BACKGROUND_THRESHOLD", default=5000)
    )


def export_dir() -> Path | None:
    """Root directory under which scheduled exports may be delivered (None: disabled)."""
    value = getattr(settings, "CIVITAS_EXPORT_DIR", None) or _env.str(
        "CIVITAS_EXPORT_DIR", default=""
    )
    return Path(value).resolve() if value else None


def import_max_bytes() -> int:
    """Largest accepted import file (default 5 MB)."""
    return int(
        getattr(settings, "CIVITAS_IMPORT_MAX_BYTES", None)
        or _env.int("CIVITAS_IMPORT_MAX_BYTES", default=5 * 1024 * 1024)
    )


def import_max_rows() -> int:
    """Largest accepted number of data rows in one import (default 50,000)."""
    return int(
        getattr(settings, "CIVITAS_IMPORT_MAX_ROWS", None)
        or _env.int("CIVITAS_IMPORT_MAX_ROWS", default=50000)
    )
