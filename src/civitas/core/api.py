"""API helpers shared by modules."""


def only_api_paths(endpoints, **kwargs):
    """drf-spectacular preprocessing hook: document our /api/ only (not Wagtail's admin API)."""
    return [e for e in endpoints if e[0].startswith("/api/")]
