"""Registry of payment providers: a small base class (`base.PaymentProvider`) and one file
per provider. `register(cls)` adds one; `get(code)` and `choices()` read the registry."""

from __future__ import annotations

from .base import (  # noqa: F401
    Notice,
    NoticeRefused,
    Outcome,
    PaymentProvider,
    ProviderDown,
    Start,
)

_registry: dict[str, PaymentProvider] = {}


def register(cls):
    _registry[cls.code] = cls()
    return cls


def get(code: str) -> PaymentProvider:
    try:
        return _registry[code]
    except KeyError:
        raise LookupError(f"Unknown payment provider {code!r}") from None


def choices():
    return [(code, p.label) for code, p in _registry.items()]


def load_builtin():
    from . import cci_shop, demo, payfip, transfer  # noqa: F401
