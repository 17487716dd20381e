import pytest

from civitas.core import permissions
from civitas.core.models import Role, RoleAssignment, Unit
from civitas.core.permissions import has_perm, scope_ids
from tests.conftest import make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def territorial_role():
    return Role.objects.create(
        code="territory_agent", name="Agent", permissions=["core.view_journal"]
    )


def test_grant_on_unit_covers_its_subtree_only(unit_tree, territorial_role):
    agent = make_user("agent@example.org")
    RoleAssignment.objects.create(
        user=agent, role=territorial_role, scope_type="unit", scope_id=unit_tree["north"].pk
    )
    child = Unit.objects.create(name="Antenne Nord-Est", parent=unit_tree["north"])
    assert has_perm(agent, "core.view_journal", unit_tree["north"])
    assert has_perm(agent, "core.view_journal", child)
    assert not has_perm(agent, "core.view_journal", unit_tree["south"])
    assert not has_perm(agent, "core.view_journal", unit_tree["root"])
    assert not has_perm(agent, "core.manage_organisation", unit_tree["north"])
    # Without an object: held somewhere.
    assert has_perm(agent, "core.view_journal")
    # Lists follow the tree too: the unit and everything under it.
    assert scope_ids(agent, "core.view_journal", "unit") == {unit_tree["north"].pk, child.pk}


def test_grant_on_organisation_covers_every_unit(unit_tree, territorial_role):
    boss = make_user("boss@example.org")
    RoleAssignment.objects.create(user=boss, role=territorial_role)
    assert has_perm(boss, "core.view_journal", unit_tree["south"])
    assert scope_ids(boss, "core.view_journal", "unit") is None


def test_principal_role_grants_every_registered_permission(users):
    principal = users["principal"]
    for codename in permissions.all_codenames():
        assert has_perm(principal, codename)


def test_participant_has_nothing_and_inactive_user_loses_everything(users):
    assert not permissions.is_backoffice_user(users["participant"])
    principal = users["principal"]
    principal.is_active = False
    assert not has_perm(principal, "core.view_journal")


def test_unknown_permission_is_a_programming_error(users):
    with pytest.raises(KeyError):
        has_perm(users["principal"], "core.does_not_exist")


def test_role_rejects_unknown_permissions():
    from django.core.exceptions import ValidationError

    role = Role(code="x", name="X", permissions=["core.view_journal", "nope.nope"])
    with pytest.raises(ValidationError):
        role.clean()


def test_unit_cannot_be_moved_inside_itself(unit_tree):
    from django.core.exceptions import ValidationError

    root = unit_tree["root"]
    root.parent = unit_tree["north"]
    with pytest.raises(ValidationError):
        root.clean()


def test_template_tag_uses_the_same_helper(rf, users):
    from django.template import Context, Template

    tpl = Template('{% load civitas %}{% can "core.view_journal" as ok %}{{ ok }}')
    request = rf.get("/")
    request.user = users["secondary"]
    assert tpl.render(Context({"request": request})) == "True"
    request.user = users["participant"]
    assert tpl.render(Context({"request": request})) == "False"


def test_backoffice_nav_shows_only_permitted_entries(users):
    from civitas.core.nav import entries_for

    secondary = {e["url"] for e in entries_for(users["secondary"])}
    principal = {e["url"] for e in entries_for(users["principal"])}
    assert "/backoffice/journal/" in secondary
    assert "/backoffice/utilisateurs/" not in secondary
    assert "/backoffice/utilisateurs/" in principal
