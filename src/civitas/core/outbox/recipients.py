"""Recipient sources for mailings. Modules register their own:

    from civitas.core.outbox import recipients
    recipients.register(
        "events.participants",
        _("Participants of an event"),
        my_callable,
        placeholders={"company": _("Company")},   # what Recipient.context offers
        short_placeholders=True,                  # also accept {company} for {{ company }}
    )

`callable(params: dict)` returns an iterable of Recipient. `params` comes from the compose
form (for the built-in sources: {"role": "<role code>"}). Every mailing text may use the
common placeholders, {{ name }}, {{ email }} and the source's own `placeholders`: see
`services.check_mailing_text`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class Recipient:
    address: str
    name: str = ""
    language: str = "fr"
    context: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Source:
    code: str
    label: str
    func: Callable[[dict], Iterable[Recipient]]
    placeholders: dict = field(default_factory=dict)
    short_placeholders: bool = False


_sources: dict[str, Source] = {}


def register(
    code: str,
    label,
    func: Callable[[dict], Iterable[Recipient]],
    *,
    placeholders: dict | None = None,
    short_placeholders: bool = False,
) -> Source:
    source = Source(code, label, func, dict(placeholders or {}), short_placeholders)
    _sources[code] = source
    return source


def sources() -> list[Source]:
    return sorted(_sources.values(), key=lambda s: s.code)


def get(code: str) -> Source:
    return _sources[code]


def resolve(code: str, params: dict) -> list[Recipient]:
    """Recipients of a source, de-duplicated by address (first wins)."""
    seen, out = set(), []
    for r in get(code).func(params or {}):
        key = r.address.strip().lower()
        if key and key not in seen:
            seen.add(key)
            out.append(r)
    return out


def _user_recipient(u) -> Recipient:
    return Recipient(u.email, u.get_full_name(), u.language or "fr", {"name": u.get_full_name()})


def all_users(params):
    from civitas.core.models import User

    for u in User.objects.filter(is_active=True).order_by("pk").iterator():
        yield _user_recipient(u)


def users_with_role(params):
    from civitas.core.models import User

    role = (params or {}).get("role")
    qs = User.objects.filter(is_active=True, role_assignments__role__code=role).distinct()
    for u in qs.order_by("pk"):
        yield _user_recipient(u)


def register_core_sources():
    register("users.all", _("All users of the platform"), all_users)
    register("users.role", _("Users holding a role"), users_with_role)
