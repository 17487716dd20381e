"""Settings of the councils module, each with its default (override in settings)."""

from django.conf import settings


def get(name, default):
    return getattr(settings, name, default)


def delay_rules() -> list[tuple[int, int]]:
    """[(population from, full days)], highest threshold first wins (L2121-11, L2121-12)."""
    return sorted(
        get("CIVITAS_COUNCILS_DELAYS", [(0, 3), (1000, 5)]), key=lambda r: r[0], reverse=True
    )


def epci_delay() -> int:
    """EPCI councils follow the rules of communes of 3,500 inhabitants and over."""
    return get("CIVITAS_COUNCILS_EPCI_DELAY_DAYS", 5)


def urgency_delay() -> int:
    return get("CIVITAS_COUNCILS_URGENCY_DAYS", 1)


def link_days() -> int:
    """How long a personal link stays valid after sending."""
    return get("CIVITAS_COUNCILS_LINK_DAYS", 60)


def retention_days() -> int:
    return get("CIVITAS_COUNCILS_RETENTION_DAYS", 183)


def max_document_bytes() -> int:
    return get("CIVITAS_COUNCILS_MAX_DOCUMENT_BYTES", 150 * 1024 * 1024)


def max_chunk_bytes() -> int:
    return get("CIVITAS_COUNCILS_MAX_CHUNK_BYTES", 8 * 1024 * 1024)


def tsa_url() -> str:
    return get("CIVITAS_COUNCILS_TSA_URL", "")


def storage_quota() -> int:
    return get("CIVITAS_COUNCILS_STORAGE_QUOTA", 1024**4)


def traffic_quota() -> int:
    return get("CIVITAS_COUNCILS_TRAFFIC_QUOTA", 20 * 1024**4)


def decisions_days() -> int:
    """Decisions and minutes go out within one month of the sitting (L5211-40-2)."""
    return get("CIVITAS_COUNCILS_DECISIONS_DAYS", 30)
