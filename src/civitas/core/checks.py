"""System checks of the deployment (`manage.py check --deploy`)."""

from __future__ import annotations

from django.conf import settings
from django.core import checks

_PER_PROCESS = (
    "django.core.cache.backends.locmem.LocMemCache",
    "django.core.cache.backends.dummy.DummyCache",
)


@checks.register(checks.Tags.security, deploy=True)
def shared_cache(app_configs, **kwargs):
    """The default cache must be shared by every process: allauth records in it the TOTP
    codes already used and counts its rate limits there."""
    backend = settings.CACHES.get("default", {}).get("BACKEND", "")
    if backend in _PER_PROCESS:
        return [
            checks.Warning(
                "The default cache is kept by each process: a TOTP code could be used twice "
                "and rate limits are counted per process.",
                hint="Keep the database cache of civitas.settings.base (table civitas_cache), "
                "or another cache shared by every web process.",
                id="civitas.W001",
            )
        ]
    return []
