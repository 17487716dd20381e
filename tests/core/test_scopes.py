"""Scopes that are trees: the restrict helper and the scope-loading view decorator."""

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404, HttpResponse
from django.test.utils import CaptureQueriesContext

from civitas.core import permissions
from civitas.core.models import JournalEntry, Role, RoleAssignment, Unit, User
from civitas.core.permissions import (
    clear_cache,
    has_perm,
    restrict,
    scoped_permission_required,
    unit_ancestor_ids,
    unit_subtree_ids,
)
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

PERM = "core.view_journal"


@pytest.fixture
def tree(unit_tree):
    """Direction générale → Territoire Nord → Service Nord → Antenne Nord; and Sud."""
    service = Unit.objects.create(name="Service Nord", parent=unit_tree["north"])
    antenna = Unit.objects.create(name="Antenne Nord", parent=service)
    return {**unit_tree, "service": service, "antenna": antenna}


@pytest.fixture
def reader_role():
    return Role.objects.create(code="reader", name="Reader", permissions=[PERM])


def _grant(user, role, scope_type, scope_id):
    RoleAssignment.objects.create(user=user, role=role, scope_type=scope_type, scope_id=scope_id)
    clear_cache(user)
    return user


def test_subtree_and_ancestors_take_one_query_each(tree, django_assert_num_queries):
    with django_assert_num_queries(1):
        north = unit_subtree_ids([tree["north"].pk])
    assert north == {tree["north"].pk, tree["service"].pk, tree["antenna"].pk}
    with django_assert_num_queries(1):
        everything = unit_subtree_ids([tree["root"].pk])
    assert everything == set(Unit.objects.values_list("pk", flat=True))
    assert tree["antenna"].subtree_ids() == {tree["antenna"].pk}
    assert unit_subtree_ids([]) == set()
    with django_assert_num_queries(1):
        up = unit_ancestor_ids(tree["antenna"].pk)
    assert up == [tree["antenna"].pk, tree["service"].pk, tree["north"].pk, tree["root"].pk]


def test_a_cycle_in_the_tree_does_not_loop(tree):
    # A bad import could write one; the recursive queries stop on it.
    Unit.objects.filter(pk=tree["north"].pk).update(parent=tree["antenna"])
    assert unit_subtree_ids([tree["service"].pk]) == {
        tree["service"].pk,
        tree["antenna"].pk,
        tree["north"].pk,
    }
    assert set(unit_ancestor_ids(tree["service"].pk)) == {
        tree["service"].pk,
        tree["north"].pk,
        tree["antenna"].pk,
    }


def test_a_grant_covers_the_units_below_it_at_any_depth(tree, reader_role):
    agent = _grant(make_user("agent@example.org"), reader_role, "unit", tree["north"].pk)
    assert has_perm(agent, PERM, tree["antenna"])
    assert not has_perm(agent, PERM, tree["root"])
    local = _grant(make_user("local@example.org"), reader_role, "unit", tree["service"].pk)
    assert has_perm(local, PERM, tree["antenna"])
    assert not has_perm(local, PERM, tree["north"])


def test_restrict_follows_the_tree(tree, reader_role):
    agent = _grant(make_user("agent@example.org"), reader_role, "unit", tree["service"].pk)
    seen = set(restrict(Unit.objects.all(), agent, PERM).values_list("pk", flat=True))
    assert seen == {tree["service"].pk, tree["antenna"].pk}
    # Two grants add up.
    _grant(agent, reader_role, "unit", tree["south"].pk)
    seen = set(restrict(Unit.objects.all(), agent, PERM).values_list("pk", flat=True))
    assert seen == {tree["service"].pk, tree["antenna"].pk, tree["south"].pk}
    # Another permission: nothing.
    assert not restrict(Unit.objects.all(), agent, "core.manage_organisation").exists()


def test_restrict_lets_superusers_and_organisation_wide_grants_see_everything(tree, reader_role):
    every = Unit.objects.count()
    boss = _grant(make_user("boss@example.org"), reader_role, "organisation", 1)
    root = User.objects.create_superuser("root@example.org", "x-Correct-Horse-9")
    assert restrict(Unit.objects.all(), boss, PERM).count() == every
    assert restrict(Unit.objects.all(), root, PERM).count() == every
    assert permissions.visible_scopes(boss, PERM) is None


def test_restrict_gives_nothing_to_the_anonymous_the_inactive_and_the_roleless(tree, reader_role):
    from django.contrib.auth.models import AnonymousUser

    assert not restrict(Unit.objects.all(), AnonymousUser(), PERM).exists()
    assert not restrict(Unit.objects.all(), None, PERM).exists()
    assert not restrict(Unit.objects.all(), make_user("nobody@example.org"), PERM).exists()
    gone = _grant(make_user("gone@example.org"), reader_role, "organisation", 1)
    gone.is_active = False
    assert not restrict(Unit.objects.all(), gone, PERM).exists()


def test_restrict_refuses_unknown_permissions_and_undeclared_models(tree, reader_role):
    agent = _grant(make_user("agent@example.org"), reader_role, "unit", tree["north"].pk)
    with pytest.raises(KeyError):
        restrict(Unit.objects.all(), agent, "core.nope")
    with pytest.raises(TypeError):
        restrict(Role.objects.all(), agent, PERM)


def test_visible_scopes_are_computed_once_per_user_object(
    tree, reader_role, django_assert_num_queries
):
    agent = _grant(make_user("agent@example.org"), reader_role, "unit", tree["north"].pk)
    with django_assert_num_queries(2):  # the grants, then the subtree
        permissions.visible_scopes(agent, PERM)
    with django_assert_num_queries(1):  # only the restricted list itself
        list(restrict(Unit.objects.all(), agent, PERM))
    clear_cache(agent)
    with django_assert_num_queries(2):
        permissions.visible_scopes(agent, PERM)


# --- The decorator ------------------------------------------------------------------------


def _unit_view():
    seen = {}

    @scoped_permission_required(PERM, Unit, "unit_id")
    def view(request, unit_id):
        seen["scope"] = request.scope
        seen["unit"] = request.unit
        return HttpResponse("ok")

    return view, seen


def test_decorator_declares_its_permission_for_the_url_matrix():
    view, _seen = _unit_view()
    assert permissions.view_access(view) == permissions.Access("permission", PERM)


def test_decorator_loads_the_scope_once_and_checks_it(rf, tree, reader_role):
    agent = _grant(make_user("agent@example.org"), reader_role, "unit", tree["north"].pk)
    view, seen = _unit_view()
    request = rf.get("/")
    request.user = User.objects.get(pk=agent.pk)
    with CaptureQueriesContext(connection) as queries:
        response = view(request, unit_id=tree["antenna"].pk)
    assert response.status_code == 200
    assert seen["scope"] == tree["antenna"] and seen["unit"] is seen["scope"]
    assert request.scope is seen["scope"]
    # The grants, the unit itself, its ancestors: the unit row is read once.
    assert len(queries) == 3
    unit_reads = [q["sql"] for q in queries if q["sql"].lstrip().upper().startswith("SELECT")]
    assert sum('FROM "core_unit"' in sql and "RECURSIVE" not in sql for sql in unit_reads) == 1


def test_decorator_answers_404_for_a_missing_object_and_403_out_of_scope(rf, tree, reader_role):
    agent = _grant(make_user("agent@example.org"), reader_role, "unit", tree["north"].pk)
    view, seen = _unit_view()
    request = rf.get("/")
    request.user = agent
    with pytest.raises(Http404):
        view(request, unit_id=987654)
    with pytest.raises(PermissionDenied):
        view(request, unit_id=tree["south"].pk)
    assert seen == {}


def test_decorator_sends_the_anonymous_to_the_login_page(rf, tree):
    from django.contrib.auth.models import AnonymousUser

    view, seen = _unit_view()
    request = rf.get("/somewhere/")
    request.user = AnonymousUser()
    response = view(request, unit_id=tree["north"].pk)
    assert response.status_code == 302 and "next=/somewhere/" in response["Location"]
    assert seen == {}


# --- Journal entries restricted -----------------------------------------------------------


def test_restrict_on_the_journal_follows_the_tree(tree, reader_role):
    from civitas.core import journal

    north = journal.record("test.north", obj=tree["north"])
    antenna = journal.record("test.antenna", obj=tree["antenna"])
    journal.record("test.south", obj=tree["south"])
    journal.record("test.root", obj=tree["root"])
    journal.record("test.unscoped")
    journal.record("test.organisation", scope=("organisation", 1))
    agent = _grant(make_user("agent@example.org"), reader_role, "unit", tree["north"].pk)
    seen = set(restrict(JournalEntry.objects.all(), agent, PERM).values_list("pk", flat=True))
    assert seen == {north.pk, antenna.pk}
    boss = _grant(make_user("boss@example.org"), reader_role, "organisation", 1)
    assert restrict(JournalEntry.objects.all(), boss, PERM).count() == 6


def test_unit_ancestors_in_two_queries(tree, django_assert_num_queries):
    antenna = Unit.objects.get(pk=tree["antenna"].pk)
    with django_assert_num_queries(2):
        chain = antenna.ancestors()
    assert [u.name for u in chain] == [
        "Antenne Nord",
        "Service Nord",
        "Territoire Nord",
        "Direction générale",
    ]
    assert chain[0] is antenna
    assert [u.pk for u in antenna.ancestors(include_self=False)] == [
        tree["service"].pk,
        tree["north"].pk,
        tree["root"].pk,
    ]
