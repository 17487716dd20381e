"""Scoped permissions: the one helper that views, templates and the API use.

Modules register named permissions (`register`) and scope types (`register_scope_type`).
A user holds roles on scopes (RoleAssignment); a role grants a set of permission codenames.
A grant on a scope covers that scope's descendants (the organisation covers everything,
a unit covers its sub-units and whatever a module attaches to it, an event covers its
registrations...).

Every view declares its access with one of the decorators below (or the
`PermissionRequiredMixin` for class-based views). tests/core/test_url_matrix.py walks every
URL and fails on a view that declares nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import BasePermission

ORGANISATION = "organisation"
UNIT = "unit"


@dataclass(frozen=True)
class Permission:
    codename: str
    label: str
    module: str
    backoffice: bool = True


@dataclass(frozen=True)
class ScopeType:
    name: str
    label: str
    # obj -> list of (scope_type, scope_id) from the object itself up to the organisation
    chain: Callable
    # scope_id -> human label
    describe: Callable
    # () -> [(scope_id, label)] offered when assigning a role
    choices: Callable = lambda: []


_permissions: dict[str, Permission] = {}
_scope_types: dict[str, ScopeType] = {}


def register(codename: str, label, module: str, backoffice: bool = True) -> Permission:
    perm = Permission(codename, label, module, backoffice)
    _permissions[codename] = perm
    return perm


def all_permissions() -> list[Permission]:
    return sorted(_permissions.values(), key=lambda p: (p.module, p.codename))


def all_codenames() -> list[str]:
    return list(_permissions)


def get(codename: str) -> Permission:
    return _permissions[codename]


def register_scope_type(name, label, chain, describe, choices=lambda: []):
    _scope_types[name] = ScopeType(name, label, chain, describe, choices)


def scope_types() -> list[ScopeType]:
    return list(_scope_types.values())


def scope_label(scope_type: str, scope_id) -> str:
    st = _scope_types.get(scope_type)
    if st is None:
        return f"{scope_type} #{scope_id}"
    return f"{st.label} : {st.describe(scope_id)}"


def scope_chain(obj) -> list[tuple[str, int]]:
    """The scopes that contain `obj`, most specific first."""
    if obj is None:
        return []
    if hasattr(obj, "civitas_scope_chain"):
        return obj.civitas_scope_chain()
    from civitas.core.models import Organisation, Unit

    if isinstance(obj, Organisation):
        return [(ORGANISATION, obj.pk)]
    if isinstance(obj, Unit):
        return [(UNIT, u.pk) for u in obj.ancestors()] + [(ORGANISATION, 1)]
    raise TypeError(f"No scope chain for {type(obj).__name__}")


def _grants(user) -> list[tuple[str, int, frozenset[str]]]:
    """(scope_type, scope_id, codenames) for the user, cached on the user object."""
    cache = getattr(user, "_civitas_grants", None)
    if cache is None:
        cache = [
            (a.scope_type, a.scope_id, a.role.granted())
            for a in user.role_assignments.select_related("role")
        ]
        user._civitas_grants = cache
    return cache


def clear_cache(user):
    if hasattr(user, "_civitas_grants"):
        del user._civitas_grants


def has_perm(user, codename: str, obj=None) -> bool:
    """True if `user` holds `codename` on a scope containing `obj` (or on any scope if None)."""
    if codename not in _permissions:
        raise KeyError(f"Unknown permission {codename!r}: register it first")
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.is_superuser:
        return True
    grants = _grants(user)
    if obj is None:
        return any(codename in perms for _t, _i, perms in grants)
    chain = set(scope_chain(obj))
    return any(codename in perms and (t, i) in chain for t, i, perms in grants)


def scope_ids(user, codename: str, scope_type: str) -> set[int] | None:
    """Ids of `scope_type` objects on which the user holds `codename` directly.

    None means "all of them" (granted on the organisation). Modules use it to filter lists.
    """
    if user.is_superuser:
        return None
    ids: set[int] = set()
    for t, i, perms in _grants(user):
        if codename not in perms:
            continue
        if t == ORGANISATION:
            return None
        if t == scope_type:
            ids.add(i)
    return ids


def is_backoffice_user(user) -> bool:
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(
        _permissions[c].backoffice
        for _t, _i, perms in _grants(user)
        for c in perms
        if c in _permissions
    )


# --- Declaring access on views -------------------------------------------------------


@dataclass(frozen=True)
class Access:
    kind: str  # "public" | "login" | "permission"
    permission: str | None = None

    def __str__(self):
        return self.permission or self.kind


def public(view):
    """Anyone may see this view."""
    view.civitas_access = Access("public")
    return view


def login_required(view):
    """Any logged-in user (participant area)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    wrapper.civitas_access = Access("login")
    return wrapper


def permission_required(codename: str, obj_getter: Callable | None = None):
    """The user needs `codename` (on the object returned by obj_getter(request, **kwargs))."""

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            obj = obj_getter(request, **kwargs) if obj_getter else None
            if not has_perm(request.user, codename, obj):
                raise PermissionDenied(codename)
            return view(request, *args, **kwargs)

        wrapper.civitas_access = Access("permission", codename)
        return wrapper

    return decorator


def view_access(callback) -> Access | None:
    access = getattr(callback, "civitas_access", None)
    view_cls = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    declared = getattr(view_cls, "civitas_permission", None)
    if access is None and declared:
        if declared in ("public", "login"):
            return Access(declared)
        return Access("permission", declared)
    if access is None and hasattr(callback, "view_class"):
        access = getattr(callback.view_class, "civitas_access", None)
    if access is None and hasattr(callback, "cls"):  # DRF viewsets
        access = getattr(callback.cls, "civitas_access", None)
    return access


class DenyUndeclared(BasePermission):
    """Default DRF permission: refuse unless the view declares `civitas_permission`."""

    message = _("This endpoint declares no permission.")

    def has_permission(self, request, view):
        codename = getattr(view, "civitas_permission", None)
        if codename is None:
            return False
        if codename == "public":
            return True
        if codename == "login":
            return bool(request.user and request.user.is_authenticated)
        return has_perm(request.user, codename)

    def has_object_permission(self, request, view, obj):
        codename = getattr(view, "civitas_permission", None)
        if codename in ("public", "login"):
            return self.has_permission(request, view)
        return codename is not None and has_perm(request.user, codename, obj)


def register_core_permissions():
    register("core.access_backoffice", _("Access the back office"), "core")
    register("core.manage_administrators", _("Manage administrators and roles"), "core")
    register("core.manage_organisation", _("Manage the organisation and its units"), "core")
    register("core.view_journal", _("Consult and export the action journal"), "core")
    register("core.view_login_journal", _("Consult the login journal"), "core")
    register("core.view_metrics", _("Read technical metrics"), "core")

    def org_describe(_pk):
        from civitas.core.models import Organisation

        return str(Organisation.get())

    def unit_describe(pk):
        from civitas.core.models import Unit

        unit = Unit.objects.filter(pk=pk).first()
        return str(unit) if unit else f"#{pk}"

    def unit_choices():
        from civitas.core.models import Unit

        return [(u.pk, str(u)) for u in Unit.objects.all()]

    register_scope_type(
        ORGANISATION,
        _("Organisation"),
        lambda o: [(ORGANISATION, 1)],
        org_describe,
        lambda: [(1, org_describe(1))],
    )
    register_scope_type(UNIT, _("Unit"), scope_chain, unit_describe, unit_choices)
