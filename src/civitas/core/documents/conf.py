"""Settings of the documents service, read from Django settings or the environment."""

import environ
from django.conf import settings

_env = environ.Env()


def _get(name, cast, default):
    if hasattr(settings, name):
        return getattr(settings, name)
    return getattr(_env, cast)(name, default=default)


def max_template_size() -> int:
    """Largest accepted .docx template, in bytes (default 5 MB)."""
    return _get("CIVITAS_DOCUMENTS_MAX_TEMPLATE_SIZE", "int", 5 * 1024 * 1024)


def max_uncompressed_size() -> int:
    """Largest total uncompressed size of a .docx (guards against zip bombs; default 50 MB)."""
    return _get("CIVITAS_DOCUMENTS_MAX_UNCOMPRESSED_SIZE", "int", 50 * 1024 * 1024)


def sync_batch_limit() -> int:
    """Batches up to this many records are built in the request; larger ones in the background."""
    return _get("CIVITAS_DOCUMENTS_SYNC_BATCH_LIMIT", "int", 5)


def batch_max_records() -> int:
    """Refuse batches larger than this (default 5,000 documents)."""
    return _get("CIVITAS_DOCUMENTS_BATCH_MAX_RECORDS", "int", 5000)
