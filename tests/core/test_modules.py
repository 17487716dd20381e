"""Module descriptions: core performs what a module declares, once."""

import pytest

from civitas.core import modules, nav, permissions
from civitas.core.models import Role

CALLS = []


def record_call():
    CALLS.append("hook")


@pytest.fixture
def clean_registries():
    saved_perms = dict(permissions._permissions)
    saved_scopes = dict(permissions._scope_types)
    saved_nav = list(nav._entries)
    saved_modules = dict(modules._modules)
    yield
    permissions._permissions.clear()
    permissions._permissions.update(saved_perms)
    permissions._scope_types.clear()
    permissions._scope_types.update(saved_scopes)
    nav._entries[:] = saved_nav
    modules._modules.clear()
    modules._modules.update(saved_modules)


def sample_module(**overrides):
    data = {
        "label": "sample",
        "package": "civitas.core",  # any importable package
        "permissions": [modules.Perm("sample.do_things", "Do things")],
        "scope_types": [
            modules.Scope("sample_scope", "Sample", lambda obj: [], lambda pk: f"S{pk}")
        ],
        "navigation": [
            modules.Nav("Sample", "Things", "core:backoffice_home", "sample.do_things", 900)
        ],
        "roles": [modules.RoleTemplate("sample_role", "Sample role", ("sample.do_things",))],
        "discover": [],
        "message_templates": [record_call],
        "on_ready": ["tests.core.test_modules.record_call"],
    }
    data.update(overrides)
    return modules.Module(**data)


def test_register_module_performs_each_declared_registration(clean_registries, db):
    CALLS.clear()
    module = modules.register_module(sample_module())
    assert permissions.get("sample.do_things").module == "sample"
    assert permissions.scope_label("sample_scope", 3) == "Sample : S3"
    assert any(e.url_name == "core:backoffice_home" and e.order == 900 for e in nav._entries)
    assert CALLS == ["hook", "hook"]
    assert modules.get("sample") is module
    # Once per process: a second registration changes nothing.
    modules.register_module(sample_module())
    assert CALLS == ["hook", "hook"]
    # Suggested roles are created when missing and never overwritten.
    assert modules.ensure_roles(["sample"]) == ["sample_role"]
    Role.objects.filter(code="sample_role").update(permissions=[])
    assert modules.ensure_roles(["sample"]) == []
    assert Role.objects.get(code="sample_role").permissions == []


def test_a_required_registration_file_must_exist(clean_registries):
    with pytest.raises(ModuleNotFoundError):
        modules.register_module(sample_module(label="broken", require=["no_such_file"]))


def test_installed_apps_are_described():
    labels = {m.label for m in modules.all_modules()}
    assert {"core", "events", "exports", "gdpr", "documents", "backups"} <= labels
    events = modules.get("events")
    assert "events.view_change_trail" in {p.codename for p in events.permissions}
    assert permissions.get("events.view_change_trail").module == "events"
