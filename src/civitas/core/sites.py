"""The platform's public address, for links that leave the browser (mails, SMS, QR codes,
PDFs, calendar feeds, webhooks).

    from civitas.core.sites import absolute_url
    absolute_url("events:area_home", slug=event.slug)   # https://civitas.example/espace/...

The address is ``CIVITAS_SITE_URL`` (see civitas.core.outbox.conf), never the host of the
request that happens to trigger the mail.
"""

from __future__ import annotations

from django.urls import reverse


def site_url() -> str:
    """The configured public address, without a trailing slash."""
    from .outbox import conf

    return conf.site_url().rstrip("/")


def absolute_url(name: str, *args, **kwargs) -> str:
    """The absolute address of the named route `name` (reverse() arguments)."""
    return site_url() + reverse(name, args=args or None, kwargs=kwargs or None)


def absolute_path(path: str) -> str:
    """The absolute address of a path already reversed (starting with /)."""
    return site_url() + path
