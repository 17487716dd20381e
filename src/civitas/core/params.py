"""Integers from the outside (query parameters, ids in URLs and forms), kept inside the
database's range.

Ids are 64-bit integers (PostgreSQL bigint, SQLite INTEGER): a larger number given to a
lookup the ORM does not guard itself (a foreign key, ``__in``) overflows in the database
driver and ends as a server error. Everything that turns outside text into an id goes
through one of these:

- ``int_param(request.GET.get("sector"))``: the id or None (absent, malformed, out of
  range), for optional filters;
- ``IdField`` in a filter form (min 1, max ``DB_INT_MAX``), for a form error;
- ``IdChoicesField`` instead of ``ModelMultipleChoiceField`` (checkbox lists of records):
  an out-of-range value is an invalid choice, not a crash;
- the ``<id:pk>`` URL converter (registered by the core app): a number out of range does
  not match the route, so the answer is 404.
"""

from __future__ import annotations

from django import forms
from django.urls import register_converter

DB_INT_MAX = 2**63 - 1


def in_range(value: int, min_value: int = 1, max_value: int = DB_INT_MAX) -> bool:
    return min_value <= value <= max_value


def int_param(value, *, min_value: int = 1, max_value: int = DB_INT_MAX) -> int | None:
    """The integer written in ``value`` (ASCII digits, optional sign), or None when it is
    absent, not an integer or outside [min_value, max_value]."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        number = value
    else:
        text = str(value or "").strip()
        digits = text[1:] if text[:1] in "+-" else text
        # str.isdigit() accepts "²" and other digits int() refuses; keep to ASCII.
        if not digits or not digits.isascii() or not digits.isdigit() or len(digits) > 20:
            return None
        number = int(text)
    return number if in_range(number, min_value, max_value) else None


class IdField(forms.IntegerField):
    """A positive id within the database's range (form error otherwise)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", DB_INT_MAX)
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)


class IdChoicesField(forms.ModelMultipleChoiceField):
    """``ModelMultipleChoiceField`` whose values out of the id range are invalid choices
    (Django checks them with an ``__in`` lookup, which overflows in the driver)."""

    def _check_values(self, value):
        if not self.to_field_name:
            try:
                values = frozenset(value)
            except TypeError:
                raise forms.ValidationError(
                    self.error_messages["invalid_list"], code="invalid_list"
                ) from None
            for item in values:
                if int_param(item, min_value=-DB_INT_MAX - 1) is None and str(item).strip():
                    raise forms.ValidationError(
                        self.error_messages["invalid_pk_value"],
                        code="invalid_pk_value",
                        params={"pk": item},
                    )
        return super()._check_values(value)


class IdConverter:
    """``<id:pk>``: a positive integer that fits the database (else the route does not
    match: 404)."""

    regex = "[0-9]+"

    def to_python(self, value: str) -> int:
        number = int_param(value)
        if number is None:
            raise ValueError(value)
        return number

    def to_url(self, value) -> str:
        return str(int(value))


def register_converters() -> None:
    register_converter(IdConverter, "id")
