"""Module descriptions: what a module brings to the platform, declared in one place.

Each Civitas app (core's own apps and every business module) declares one `Module` in its
``apps.py`` and hands it to core from ``AppConfig.ready()``::

    MODULE = modules.Module(
        label="events",
        permissions=[modules.Perm("events.manage_event", _("Set up an event"))],
        navigation=[modules.Nav(_("Events"), _("Events"), "events:bo_events", "events.view", 200)],
        change_trail=[modules.Trail("events.Company")],
        journal_actions="civitas.events.journal_actions.LABELS",
        message_templates=["civitas.events.services.notify.register_templates"],
    )

    class EventsConfig(AppConfig):
        def ready(self):
            modules.register_module(MODULE)

`register_module` performs the registrations in a fixed order: permissions, scope types,
navigation entries, change trail, journal action labels, then imports the module's registration
files (``periodic_jobs``, ``exports``, ``importers``: the conventional names are imported when
they exist; ``personal_data.py`` is found by the GDPR registry), then calls the
message-template and ``on_ready`` hooks.
Callables may be given as dotted paths so that ``apps.py`` imports no model.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps as django_apps
from django.utils.module_loading import import_string, module_has_submodule


@dataclass(frozen=True)
class Perm:
    """A named permission (see `civitas.core.permissions.register`)."""

    codename: str
    label: Any
    backoffice: bool = True


@dataclass(frozen=True)
class Scope:
    """A scope type roles can be granted on (see `permissions.register_scope_type`)."""

    name: str
    label: Any
    chain: Callable | str  # obj -> [(scope_type, scope_id), ...] up to the organisation
    describe: Callable | str  # scope_id -> label
    choices: Callable | str | None = None  # () -> [(scope_id, label)]
    # "app_label.Model" of the scope objects when it declares civitas_scope_fields: the
    # journal entries scoped to one of them are then visible wherever the object is
    # (permissions.ScopeType.model)
    model: str | None = None


@dataclass(frozen=True)
class Nav:
    """A back-office menu entry (see `civitas.core.nav.register`)."""

    section: Any
    label: Any
    url_name: str
    permission: str
    order: int = 100


@dataclass(frozen=True)
class RoleTemplate:
    """A role the module suggests (code, name, permissions): `ensure_roles()` creates the
    missing ones and adds to existing ones only the permissions newly suggested."""

    code: str
    name: Any
    permissions: tuple[str, ...]
    description: Any = ""


@dataclass(frozen=True)
class Trail:
    """A model whose every create, update and delete leaves a change-trail entry."""

    model: str  # "app_label.ModelName"
    exclude_fields: tuple[str, ...] = ()
    mask_fields: tuple[str, ...] = ()
    m2m_fields: tuple[str, ...] = ()


# personal_data.py is not imported here: the GDPR registry finds it once the data
# categories exist (civitas.core.gdpr.registry.autodiscover).
DEFAULT_DISCOVERY = ("periodic_jobs", "exports", "importers")


@dataclass
class Module:
    label: str  # the app label ("events"); also the module name of its permissions
    package: str = ""  # the Python package; default civitas.<label>
    verbose_name: Any = ""
    permissions: Sequence[Perm] = ()
    roles: Sequence[RoleTemplate] = ()
    scope_types: Sequence[Scope] = ()
    navigation: Sequence[Nav] = ()
    # Callables (or dotted paths) that register the module's outbox message templates.
    message_templates: Sequence[Callable | str] = ()
    # Submodules imported for their registrations (exporters, importers, periodic jobs): the
    # conventional names are looked for by default; a name listed in `require` must exist.
    # Personal-data declarations live in <package>.personal_data, found by the GDPR registry.
    discover: Sequence[str] = DEFAULT_DISCOVERY
    require: Sequence[str] = ()
    change_trail: Sequence[Trail] = ()
    # What the action journal shows for each action code the module records: a short
    # sentence, {"support.ticket_opened": _("Ticket opened")}, or the dotted path of such a
    # mapping. Every code given to `journal.record` needs one (tests/core/test_journal_labels).
    journal_actions: Mapping[str, Any] | str = field(default_factory=dict)
    # Other start-up hooks (callables or dotted paths), called last.
    on_ready: Sequence[Callable | str] = ()
    # Demo accounts the module's `load_<label>_demo` command creates, printed by `make demo`:
    # (e-mail, what the account does). They share core's demo password.
    demo_accounts: Sequence[tuple[str, Any]] = ()
    _registered: bool = field(default=False, repr=False, compare=False)

    @property
    def python_package(self) -> str:
        return self.package or f"civitas.{self.label}"


_modules: dict[str, Module] = {}


def _call(hook):
    func = import_string(hook) if isinstance(hook, str) else hook
    return func()


def _resolve(value):
    return import_string(value) if isinstance(value, str) else value


def register_module(module: Module) -> Module:
    """Perform the registrations `module` declares (once per process)."""
    from . import audit, journal, nav, permissions

    existing = _modules.get(module.label)
    if existing is not None and existing._registered:
        return existing
    for perm in module.permissions:
        permissions.register(perm.codename, perm.label, module.label, perm.backoffice)
    for scope in module.scope_types:
        choices = _resolve(scope.choices) if scope.choices else (lambda: [])
        permissions.register_scope_type(
            scope.name,
            scope.label,
            _resolve(scope.chain),
            _resolve(scope.describe),
            choices,
            model=django_apps.get_model(scope.model) if scope.model else None,
        )
    for entry in module.navigation:
        nav.register(entry.section, entry.label, entry.url_name, entry.permission, entry.order)
    for item in module.change_trail:
        audit.register(
            item.model,
            exclude_fields=item.exclude_fields,
            mask_fields=item.mask_fields,
            m2m_fields=item.m2m_fields,
        )
    journal.register_actions(_resolve(module.journal_actions))
    package = importlib.import_module(module.python_package)
    for name in module.require:
        importlib.import_module(f"{module.python_package}.{name}")
    for name in module.discover:
        if module_has_submodule(package, name):
            importlib.import_module(f"{module.python_package}.{name}")
    for hook in module.message_templates:
        _call(hook)
    for hook in module.on_ready:
        _call(hook)
    module._registered = True
    _modules[module.label] = module
    return module


def get(label: str) -> Module:
    return _modules[label]


def all_modules() -> list[Module]:
    return list(_modules.values())


def ensure_roles(labels: Sequence[str] | None = None) -> list[str]:
    """Create the suggested roles of the registered modules that do not exist yet (by code),
    and add to existing ones the permissions a newer version of the module suggests (see
    `Role.suggested_permissions`); returns the codes created. What an administrator chose is
    kept: a permission they removed is not given back, their own additions stay."""
    return [code for code, what in sync_roles(labels) if what == "created"]


def sync_roles(labels: Sequence[str] | None = None) -> list[tuple[str, str]]:
    """The one rule behind `ensure_roles` and the `sync_roles` command: [(code, what)] where
    what is "created", "added: p1, p2" or "recorded" (first synchronisation of a role made
    before suggestions were recorded: nothing is added, the suggestion is remembered)."""
    from django.db import transaction

    from .models import Role

    done = []
    for module in all_modules():
        if labels is not None and module.label not in labels:
            continue
        for template in module.roles:
            suggested = list(template.permissions)
            with transaction.atomic():
                role, made = Role.objects.select_for_update().get_or_create(
                    code=template.code,
                    defaults={
                        "name": str(template.name),
                        "description": str(template.description),
                        "permissions": suggested,
                        "suggested_permissions": suggested,
                    },
                )
                if made:
                    done.append((template.code, "created"))
                    continue
                if role.suggested_permissions == suggested:
                    continue
                if role.suggested_permissions is None:
                    what = "recorded"
                else:
                    offered = set(role.suggested_permissions)
                    current = list(role.permissions or [])
                    new = [p for p in suggested if p not in offered and p not in current]
                    role.permissions = current + new
                    what = f"added: {', '.join(new)}" if new else "recorded"
                role.suggested_permissions = suggested
                role.save(update_fields=["permissions", "suggested_permissions"])
                done.append((template.code, what))
    return done
