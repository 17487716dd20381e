"""The exporter registry.

A new export is one small class in a module's ``exports.py``::

    from civitas.core.exports.registry import Exporter, register

    @register
    class ParticipantExporter(Exporter):
        code = "events.participants"
        label = _("Participants")
        permission = "events.view_registrations"
        columns = [("email", _("E-mail")), ("name", _("Name"))]

        def queryset(self, user, params):
            return Registration.objects.filter(...)

        def row(self, obj):
            return {"email": obj.email, "name": obj.name}

``exports`` modules of installed Civitas apps are imported when the exports app is ready
(like Django admin's autodiscovery). Any back-office list then gets CSV, XLSX, XML and JSON
downloads with ``{% include "exports/buttons.html" with exporter="core.journal" %}``, or with
parameters: ``{% load civitas_exports %}{% export_buttons "events.participants" event=event.pk %}``.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any

from django.utils.module_loading import autodiscover_modules
from django.utils.translation import gettext as _

from civitas.core.params import int_param


class InvalidFilter(ValueError):
    """A filter value the exporter cannot use (the message says which)."""


class Exporter:
    """Base class: describe the columns, the rows and who may export them."""

    code: str = ""
    label: Any = ""
    permission: str = ""
    columns: list[tuple[str, Any]] = []
    # Query parameters that are filters (everything else in request.GET is ignored).
    filter_params: tuple[str, ...] = ()
    # Filters holding a record id: anything but a positive 64-bit integer is refused.
    id_params: tuple[str, ...] = ()
    # Labels of the filters on the saved-report screen (the parameter's name otherwise).
    filter_labels: dict[str, Any] = {}
    # A scoped exporter: the filter naming the scope object (e.g. "event") and its model.
    # Saved reports are bound to one such object; their runs check the permission on it.
    scope_param: str = ""
    scope_model: Any = None
    # Column keys of a saved report, in its order (None: every column).
    chosen: list[str] | None = None

    def queryset(self, user, params: dict) -> Iterable:
        """The objects to export for `user` with the list's filters `params`."""
        raise NotImplementedError

    def row(self, obj) -> dict | list | tuple:
        """One object as {column key: value} (or values in column order)."""
        raise NotImplementedError

    # --- helpers used by the service -------------------------------------------------

    def clean_params(self, params) -> dict:
        """Keep only declared filters (all non-empty strings if none is declared)."""
        out = {}
        for key, value in dict(params).items():
            if isinstance(value, list):
                value = value[-1] if value else ""
            if key in ("format", "page", "csrfmiddlewaretoken"):
                continue
            if self.filter_params and key not in self.filter_params:
                continue
            if value not in ("", None):
                if key in self.id_params and int_param(value) is None:
                    raise InvalidFilter(
                        _("The filter %(name)s must be a record number.") % {"name": key}
                    )
                out[str(key)] = str(value)
        return out

    def count(self, qs) -> int:
        from django.db.models import QuerySet

        if isinstance(qs, QuerySet):
            return qs.count()
        return len(qs)

    def iter_objects(self, qs) -> Iterator:
        if hasattr(qs, "iterator") and not getattr(qs, "_prefetch_related_lookups", None):
            return qs.iterator(chunk_size=2000)
        return iter(qs)

    def values(self, obj) -> list:
        data = self.row(obj)
        if isinstance(data, dict):
            return [data.get(key) for key in self.keys()]
        if self.chosen is None:
            return list(data)
        data = dict(zip([key for key, _label in self.columns], data, strict=False))
        return [data.get(key) for key in self.keys()]

    def headers(self) -> list[str]:
        labels = dict(self.columns)
        return [str(labels[key]) for key in self.keys()]

    def keys(self) -> list[str]:
        keys = [key for key, _label in self.columns]
        if self.chosen is None:
            return keys
        known = set(keys)
        return [key for key in self.chosen if key in known]

    def select_columns(self, keys) -> None:
        """Export only these columns, in this order (unknown keys are left out)."""
        self.chosen = list(keys) if keys else None

    def scope_object(self, params):
        """The scope object named by `params` (None when unscoped, absent or unknown)."""
        if not self.scope_param or self.scope_model is None:
            return None
        pk = int_param(params.get(self.scope_param))
        if pk is None:
            return None
        return self.scope_model.objects.filter(pk=pk).first()

    def filter_fields(self) -> dict:
        """Form fields of the filters a saved report may set (the scope filter excepted).

        By default one text field per declared filter; an exporter may return choice fields.
        """
        from django import forms

        return {
            name: forms.CharField(
                label=self.filter_labels.get(name, name), required=False, max_length=200
            )
            for name in self.filter_params
            if name != self.scope_param
        }


_exporters: dict[str, type[Exporter]] = {}


def register(cls: type[Exporter]) -> type[Exporter]:
    """Register an Exporter subclass (usable as a class decorator)."""
    if not cls.code or not cls.permission or not cls.columns:
        raise ValueError(f"{cls.__name__} needs code, permission and columns")
    _exporters[cls.code] = cls
    return cls


def get(code: str) -> Exporter:
    try:
        return _exporters[code]()
    except KeyError:
        raise LookupError(f"No exporter {code!r}") from None


def all_exporters() -> list[Exporter]:
    return [cls() for _code, cls in sorted(_exporters.items())]


def available_for(user) -> list[Exporter]:
    from civitas.core.permissions import has_perm

    return [e for e in all_exporters() if has_perm(user, e.permission)]


def autodiscover():
    """Import the ``exports`` and ``importers`` modules of installed apps."""
    autodiscover_modules("exports", "importers")
