"""`sync_roles`: the modules' suggested roles on an installation without demo data, and the
permissions a new version suggests added once, without undoing an administrator's choices."""

import io

import pytest
from django.core.management import call_command

from civitas.core.models import JournalEntry, Role
from civitas.core.modules import all_modules

pytestmark = pytest.mark.django_db


def templates():
    return {t.code: t for m in all_modules() for t in m.roles}


def run(*labels):
    out = io.StringIO()
    call_command("sync_roles", *labels, stdout=out)
    return out.getvalue()


def test_a_new_installation_gets_every_suggested_role_once():
    expected = templates()
    assert expected, "the modules suggest roles"
    Role.objects.filter(code__in=expected).delete()
    out = run()
    for code, template in expected.items():
        role = Role.objects.get(code=code)
        assert role.permissions == list(template.permissions)
        assert f"{code}: created" in out
    assert JournalEntry.objects.filter(action="admin.roles_synchronised").count() == len(expected)
    assert run() == "Roles already up to date.\n"


def test_an_upgrade_adds_the_new_permission_and_keeps_the_administrators_choices():
    template = templates()["event_reception"]
    run("events")
    role = Role.objects.get(code="event_reception")
    # As if the role had been synchronised by an older version whose suggestion lacked
    # "events.check_in", and the administrator had then removed nothing and added their own.
    role.suggested_permissions = []
    role.permissions = ["events.view_event"]
    role.save()
    out = run("events")
    role.refresh_from_db()
    assert role.permissions == ["events.view_event", *template.permissions]
    assert f"event_reception: added: {', '.join(template.permissions)}" in out
    # The administrator removes it again: the next synchronisation leaves it removed.
    role.permissions = ["events.view_event"]
    role.save()
    assert run("events") == "Roles already up to date.\n"
    role.refresh_from_db()
    assert role.permissions == ["events.view_event"]


def test_a_role_never_synchronised_is_recorded_not_changed():
    run("events")
    role = Role.objects.get(code="event_reception")
    role.suggested_permissions = None
    role.permissions = []
    role.save()
    assert "event_reception: recorded" in run("events")
    role.refresh_from_db()
    assert role.permissions == [] and role.suggested_permissions is not None
