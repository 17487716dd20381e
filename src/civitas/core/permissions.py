"""Scoped permissions: the one helper that views, templates and the API use.

Modules register named permissions (`register`) and scope types (`register_scope_type`).
A user holds roles on scopes (RoleAssignment); a role grants a set of permission codenames.
A grant on a scope covers that scope's descendants (the organisation covers everything,
a unit covers its sub-units and whatever a module attaches to it, an event covers its
registrations...).

Units form a tree (département → territory → service): a grant on a unit covers its whole
subtree. Lists are narrowed with `restrict(queryset, user, codename)`, driven by each model's
`civitas_scope_fields` declaration (scope type → lookup of that scope's id from a row).

Every view declares its access with one of the decorators below (or the
`PermissionRequiredMixin` for class-based views). A view about one scope object (an event...)
uses `scoped_permission_required`, which loads that object once into `request.scope`.
tests/core/test_url_matrix.py walks every URL and fails on a view that declares nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext_lazy as _
from rest_framework.exceptions import NotFound
from rest_framework.exceptions import PermissionDenied as ApiPermissionDenied
from rest_framework.permissions import SAFE_METHODS, BasePermission

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
    # the model of the scope objects, if it declares civitas_scope_fields: then an entry
    # scoped to one of them (journal) is visible wherever the object itself is (e.g. an
    # object attached to a unit is visible to that unit's readers)
    model: type | None = None


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


def register_scope_type(name, label, chain, describe, choices=lambda: [], model=None):
    _scope_types[name] = ScopeType(name, label, chain, describe, choices, model)


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
        return unit_chain(obj.pk) if obj.pk else unit_chain(obj.parent_id)
    raise TypeError(f"No scope chain for {type(obj).__name__}")


# --- The unit tree ----------------------------------------------------------------------
# One recursive query per look-up (PostgreSQL and SQLite both have WITH RECURSIVE); UNION
# (not UNION ALL) stops on a cycle a bad import could create.

_SUBTREE_SQL = """
WITH RECURSIVE subtree(id) AS (
    SELECT id FROM {table} WHERE id IN ({ids})
    UNION
    SELECT u.id FROM {table} u JOIN subtree s ON u.parent_id = s.id
)
SELECT id FROM subtree
"""

_ANCESTORS_SQL = """
WITH RECURSIVE up(id, parent_id, depth) AS (
    SELECT id, parent_id, 0 FROM {table} WHERE id = %s
    UNION
    SELECT u.id, u.parent_id, up.depth + 1 FROM {table} u JOIN up ON u.id = up.parent_id
    WHERE up.depth < 100
)
SELECT id FROM up ORDER BY depth
"""


def _unit_table() -> str:
    from django.db import connection

    from civitas.core.models import Unit

    return connection.ops.quote_name(Unit._meta.db_table)


def unit_subtree_ids(unit_ids) -> set[int]:
    """The given units and all their descendants, in one query."""
    from django.db import connection

    ids = sorted({int(i) for i in unit_ids})
    if not ids:
        return set()
    sql = _SUBTREE_SQL.format(table=_unit_table(), ids=", ".join(["%s"] * len(ids)))
    with connection.cursor() as cur:
        cur.execute(sql, ids)
        return {row[0] for row in cur.fetchall()}


def unit_ancestor_ids(unit_id) -> list[int]:
    """The unit then its parents up to the root, in one query (empty if it does not exist)."""
    from django.db import connection

    with connection.cursor() as cur:
        cur.execute(_ANCESTORS_SQL.format(table=_unit_table()), [int(unit_id)])
        seen, chain = set(), []
        for (pk,) in cur.fetchall():
            if pk not in seen:
                seen.add(pk)
                chain.append(pk)
        return chain


def unit_chain(unit_id) -> list[tuple[str, int]]:
    """Scope chain of a unit, or of an object attached to a unit: use it in a model's
    `civitas_scope_chain()` as `return [("mything", self.pk), *unit_chain(self.unit_id)]`."""
    if unit_id is None:
        return [(ORGANISATION, 1)]
    return [(UNIT, pk) for pk in unit_ancestor_ids(unit_id)] + [(ORGANISATION, 1)]


# --- Grants -------------------------------------------------------------------------------


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
    for attr in ("_civitas_grants", "_civitas_visible"):
        if hasattr(user, attr):
            delattr(user, attr)


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def has_perm(user, codename: str, obj=None) -> bool:
    """True if `user` holds `codename` on a scope containing `obj` (or on any scope if None)."""
    if codename not in _permissions:
        raise KeyError(f"Unknown permission {codename!r}: register it first")
    if not _active(user):
        return False
    if user.is_superuser:
        return True
    grants = _grants(user)
    if obj is None:
        return any(codename in perms for _t, _i, perms in grants)
    held = {(t, i) for t, i, perms in grants if codename in perms}
    if not held:
        return False
    return any(scope in held for scope in scope_chain(obj))


def visible_scopes(user, codename: str) -> dict[str, frozenset[int]] | None:
    """The scopes in which `user` may use `codename`: {scope_type: ids}, unit grants expanded
    to their whole subtree. None means everything (superuser or organisation-wide grant).
    Cached on the user object for the request (cleared by `clear_cache`)."""
    if codename not in _permissions:
        raise KeyError(f"Unknown permission {codename!r}: register it first")
    if not _active(user):
        return {}
    if user.is_superuser:
        return None
    cache = getattr(user, "_civitas_visible", None)
    if cache is None:
        cache = user._civitas_visible = {}
    if codename in cache:
        return cache[codename]
    by_type: dict[str, set[int]] = {}
    result = None
    for t, i, perms in _grants(user):
        if codename not in perms:
            continue
        if t == ORGANISATION:
            break
        by_type.setdefault(t, set()).add(i)
    else:
        if UNIT in by_type:
            by_type[UNIT] = unit_subtree_ids(by_type[UNIT])
        result = {t: frozenset(ids) for t, ids in by_type.items()}
    cache[codename] = result
    return result


def scope_ids(user, codename: str, scope_type: str) -> set[int] | None:
    """Ids of `scope_type` objects in which the user holds `codename` (units: with their
    subtrees). None means "all of them". Prefer `restrict()` to filter a queryset."""
    visible = visible_scopes(user, codename)
    if visible is None:
        return None
    return set(visible.get(scope_type, ()))


def scope_q(model, visible: dict[str, frozenset[int]]) -> Q:
    """The Q selecting the rows of `model` that lie in the `visible` scopes.

    A model declares `civitas_scope_fields = {scope_type: lookup}`, the lookup reaching the id
    of the scope object from a row (`{"event": "pk"}` on Event, `{"event": "company__event"}`
    on a contact, `{"unit": "unit"}` on something attached to a unit). A model whose scope is
    stored differently defines a classmethod `civitas_scope_q(visible)` instead.
    """
    custom = getattr(model, "civitas_scope_q", None)
    if custom is not None:
        return custom(visible)
    fields = getattr(model, "civitas_scope_fields", None)
    if not fields:
        raise TypeError(
            f"{model.__name__} declares no civitas_scope_fields: it cannot be restricted"
        )
    q = Q(pk__in=[])
    for scope_type, lookup in fields.items():
        ids = visible.get(scope_type)
        if ids:
            q |= Q(**{f"{lookup}__in": sorted(ids)})
    return q


def restrict(queryset, user, codename: str):
    """`queryset` narrowed to the rows in which `user` holds `codename` (as NetBox's
    `RestrictedQuerySet.restrict`). Superusers and organisation-wide grants see every row,
    a unit grant sees its subtree, the others nothing."""
    if not _active(user):
        return queryset.none()
    visible = visible_scopes(user, codename)
    if visible is None:
        return queryset
    if not visible:
        return queryset.none()
    return queryset.filter(scope_q(queryset.model, visible))


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


def scoped_permission_required(codename: str, model, url_kwarg: str = "pk", *, lookup="pk"):
    """Load the scope object named by the URL once, then check `codename` on it.

    `model` is a model or a queryset; the object is looked up by `lookup=kwargs[url_kwarg]`
    (404 when absent), the user needs `codename` on it (403 otherwise; login first when
    anonymous). The view finds it in `request.scope` and under the model's name
    (`request.event` for an Event), as pretix's `request.event`.
    """

    def decorator(view):
        @wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            obj = get_object_or_404(model, **{lookup: kwargs[url_kwarg]})
            if not has_perm(request.user, codename, obj):
                raise PermissionDenied(codename)
            request.scope = obj
            setattr(request, obj._meta.model_name, obj)
            return view(request, *args, **kwargs)

        wrapper.civitas_access = Access("permission", codename)
        return wrapper

    return decorator


class ScopedAPIMixin:
    """DRF views about one scope object named by the URL (an event...).

    Set `scope_model`, `scope_lookup` (model field) and `scope_url_kwarg`; `get_scope()` loads
    the object once. Without `civitas_permission` on it (checked on the object), or when it
    does not exist, the answer is 404: nothing is revealed about scopes out of reach. Unsafe
    methods also need `scope_write_permission` on it (403, `scope_write_denied()` says why).
    """

    scope_model = None
    scope_lookup = "pk"
    scope_url_kwarg = "pk"
    scope_write_permission: str | None = None

    def get_scope(self):
        if not hasattr(self, "_civitas_scope"):
            user = self.request.user
            obj = self.scope_model._default_manager.filter(
                **{self.scope_lookup: self.kwargs[self.scope_url_kwarg]}
            ).first()
            if obj is None or not has_perm(user, self.civitas_permission, obj):
                raise self.scope_not_found()
            write = self.scope_write_permission
            if write and self.request.method not in SAFE_METHODS and not has_perm(user, write, obj):
                raise ApiPermissionDenied(self.scope_write_denied())
            self._civitas_scope = obj
        return self._civitas_scope

    def scope_not_found(self):
        return NotFound()

    def scope_write_denied(self) -> str:
        return str(_("You may not change this."))


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
    from civitas.core.models import Unit

    register_scope_type(UNIT, _("Unit"), scope_chain, unit_describe, unit_choices, model=Unit)
