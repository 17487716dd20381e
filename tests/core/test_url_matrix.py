"""Walk every URL pattern with every role and check who gets in.

Every first-party view must declare its access (civitas.core.permissions: @public,
@login_required, @permission_required(...), or civitas_permission on DRF views): an
undeclared view fails `test_every_view_declares_access`. Views whose URL takes parameters
need sample arguments: a `url_samples()` function in any `tests/**/url_samples.py`
returning {"namespace:name": {kwargs}} (it may create the objects it needs).

Expected outcome per role is computed from ROLE_PERMISSIONS below, independently of the
permission helper under test.
"""

import importlib.util
from pathlib import Path

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from civitas.core import permissions
from civitas.core.permissions import view_access

ROLES = ["anonymous", "participant", "secondary", "principal"]


def role_permissions():
    return {
        "anonymous": set(),
        "participant": set(),
        "secondary": {"core.access_backoffice", "core.view_journal"},
        "principal": set(permissions.all_codenames()),
    }


def _origin(resolver):
    conf = resolver.urlconf_name
    return conf if isinstance(conf, str) else getattr(conf, "__name__", "")


def walk(resolver=None, prefix="", namespace=""):
    """(route, name, callback, urlconf module) for every pattern."""
    resolver = resolver or get_resolver()
    origin = _origin(resolver)
    for p in resolver.url_patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}{p.namespace}:" if p.namespace else namespace
            # Patterns included as a list (not a module) belong to the including urlconf.
            sub_origin = _origin(p) or origin
            for item in walk(p, prefix + str(p.pattern), ns):
                yield item if item[3] else (*item[:3], sub_origin)
        elif isinstance(p, URLPattern):
            name = f"{namespace}{p.name}" if p.name else None
            yield prefix + str(p.pattern), name, p.callback, origin


def first_party():
    """Patterns defined by Civitas' own urlconfs; allauth and Wagtail check their own
    access (and the back-office guard adds IP allowlist and MFA on /cms/)."""
    for route, name, callback, origin in walk():
        if origin.startswith("civitas"):
            yield route, name, callback


def load_samples():
    samples = {}
    for path in sorted(Path(__file__).resolve().parent.parent.rglob("url_samples.py")):
        spec = importlib.util.spec_from_file_location(f"url_samples_{path.parent.name}", path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        samples.update(module.url_samples())
    return samples


def test_every_view_declares_access():
    undeclared = [
        f"{route} ({name})" for route, name, cb in first_party() if view_access(cb) is None
    ]
    assert not undeclared, "Views without a declared permission:\n" + "\n".join(undeclared)


def test_every_declared_permission_is_registered():
    unknown = []
    for route, _name, cb in first_party():
        access = view_access(cb)
        if (
            access
            and access.kind == "permission"
            and access.permission not in (permissions.all_codenames())
        ):
            unknown.append(f"{route}: {access.permission}")
    assert not unknown


def expected(access, role):
    """'in' (200/302 not to login/405), 'login' (redirect to login), 'denied' (403)."""
    if access.kind == "public":
        return "in"
    if role == "anonymous":
        return "login"
    if access.kind == "login":
        return "in"
    return "in" if access.permission in role_permissions()[role] else "denied"


def outcome(response):
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return "login"
    if response.status_code == 401:  # API: authentication required
        return "login"
    if response.status_code == 403:
        return "denied"
    if response.status_code in (200, 204, 301, 302, 405, 404):
        return "in"
    return f"status {response.status_code}"


@pytest.mark.django_db
def test_role_url_matrix(client_for, users, unit_tree):
    samples = load_samples()
    failures, checked = [], 0
    for _route, name, cb in first_party():
        access = view_access(cb)
        if name is None:
            continue
        try:
            url = reverse(name)
        except Exception:
            if name not in samples:
                failures.append(f"{name}: needs sample kwargs in a tests/**/url_samples.py")
                continue
            url = reverse(name, kwargs=samples[name])
        for role in ROLES:
            response = client_for(role).get(url)
            got, want = outcome(response), expected(access, role)
            checked += 1
            if got != want:
                failures.append(f"{url} as {role}: expected {want}, got {got} ({access})")
    assert checked > 50
    assert not failures, "\n".join(failures)
