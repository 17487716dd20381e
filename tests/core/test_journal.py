import csv
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from civitas.core import journal
from civitas.core.models import JournalEntry

pytestmark = pytest.mark.django_db


def _fill(n=5):
    return [journal.record("test.action", details={"n": i}) for i in range(n)]


def test_chain_links_each_entry_to_the_previous():
    entries = _fill(3)
    assert entries[0].prev_hash == "0" * 64
    assert entries[1].prev_hash == entries[0].hash
    assert entries[2].prev_hash == entries[1].hash
    count, bad, _ = journal.verify()
    assert (count, bad) == (3, None)


def test_verify_journal_detects_a_row_altered_in_the_database():
    entries = _fill(5)
    victim = entries[2]
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE core_journalentry SET actor_repr = %s WHERE id = %s", ["mallory", victim.pk]
        )
    with pytest.raises(CommandError) as exc:
        call_command("verify_journal")
    assert f"#{victim.pk}" in str(exc.value)
    assert "2 entries before it are intact" in str(exc.value)


def test_verify_journal_detects_a_deleted_row():
    entries = _fill(4)
    JournalEntry.objects.filter(pk=entries[1].pk).delete()
    with pytest.raises(CommandError) as exc:
        call_command("verify_journal")
    assert f"#{entries[2].pk}" in str(exc.value)


def test_verify_journal_reports_an_intact_chain():
    _fill(3)
    out = io.StringIO()
    call_command("verify_journal", stdout=out)
    assert "3 entries verified" in out.getvalue()


def test_admin_actions_are_journaled_with_actor_and_ip(client_for, users):
    client = client_for("principal")
    response = client.post(
        "/backoffice/roles/nouveau/",
        {"name": "Lecteur", "description": "", "permissions": ["core.view_journal"]},
        REMOTE_ADDR="203.0.113.9",
    )
    assert response.status_code == 302
    entry = JournalEntry.objects.get(action="admin.role_saved")
    assert entry.actor_id == users["principal"].pk
    assert entry.ip == "203.0.113.9"
    assert entry.details == {"permissions": ["core.view_journal"]}


def test_journal_screen_filters_and_csv_export_is_journaled(client_for):
    journal.record("export.participants", details={"rows": 3})
    journal.record("admin.unit_created")
    client = client_for("secondary")
    page = client.get("/backoffice/journal/", {"action": "export"})
    assert b"export.participants" in page.content
    assert b"admin.unit_created" not in page.content
    assert b"exporter=core.journal" in page.content  # the list's export buttons
    response = client.get(
        "/backoffice/exports/telecharger/",
        {"exporter": "core.journal", "format": "csv", "action": "participants"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:5] == ["Number", "Time", "Who", "IP address", "Action"]
    assert [r[4] for r in rows[1:]] == ["export.participants"]
    assert JournalEntry.objects.filter(action="export.core.journal").exists()


def test_model_changes_are_recorded_by_auditlog(client_for, users):
    from auditlog.models import LogEntry

    client = client_for("principal")
    client.post(
        "/backoffice/organisation/",
        {"add_unit": "1", "unit-name": "Territoire Est", "unit-kind": "territory"},
        REMOTE_ADDR="198.51.100.7",
    )
    entry = LogEntry.objects.get(object_repr="Territoire Est")
    assert entry.actor == users["principal"]
    assert entry.remote_addr == "198.51.100.7"
    assert "name" in entry.changes_dict


# --- Scopes inside the hashed payload ------------------------------------------------------


def test_entries_carry_the_scope_of_their_object(unit_tree, users, org):
    unit = journal.record("admin.unit_created", obj=unit_tree["north"])
    assert (unit.scope_type, unit.scope_id) == ("unit", unit_tree["north"].pk)
    organisation = journal.record("admin.organisation_saved", obj=org)
    assert (organisation.scope_type, organisation.scope_id) == ("organisation", 1)
    # An object without a scope chain (an account) gives an unscoped entry.
    account = journal.record("admin.user_created", obj=users["participant"])
    assert (account.scope_type, account.scope_id) == ("", None)
    # Given explicitly: an object or a pair.
    explicit = journal.record("test.x", obj=users["participant"], scope=unit_tree["south"])
    assert (explicit.scope_type, explicit.scope_id) == ("unit", unit_tree["south"].pk)
    pair = journal.record("test.y", scope=("unit", unit_tree["root"].pk))
    assert (pair.scope_type, pair.scope_id) == ("unit", unit_tree["root"].pk)


def test_the_scope_is_inside_the_hash(unit_tree):
    entries = [
        journal.record("test.a"),
        journal.record("test.b", obj=unit_tree["north"]),
        journal.record("test.c"),
    ]
    assert '"scope_type":"unit"' in entries[1].payload()
    assert "scope_type" not in entries[0].payload()
    assert journal.verify() == (3, None, "")
    # Moving an entry to another scope (to show it to other readers) breaks the chain.
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE core_journalentry SET scope_id = %s WHERE id = %s",
            [unit_tree["south"].pk, entries[1].pk],
        )
    count, bad, reason = journal.verify()
    assert (count, bad.pk, reason) == (1, entries[1].pk, "content does not match its hash")


def test_scoping_an_unscoped_entry_afterwards_breaks_the_chain(unit_tree):
    entries = _fill(2)
    with connection.cursor() as cur:
        cur.execute(
            "UPDATE core_journalentry SET scope_type = 'unit', scope_id = %s WHERE id = %s",
            [unit_tree["north"].pk, entries[0].pk],
        )
    count, bad, _reason = journal.verify()
    assert (count, bad.pk) == (0, entries[0].pk)


def test_entries_written_before_scopes_still_verify():
    """The hash of an entry without scope is the hash of the payload as it was before scopes
    existed (the same keys, the same serialisation)."""
    import hashlib
    import json

    entry = journal.record("test.legacy", details={"n": 1})
    legacy = {
        "created_at": entry.created_at.isoformat(),
        "actor_id": entry.actor_id,
        "actor_repr": entry.actor_repr,
        "ip": entry.ip,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "object_repr": entry.object_repr,
        "details": entry.details,
        "prev_hash": entry.prev_hash,
    }
    raw = json.dumps(legacy, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert entry.hash == hashlib.sha256(raw.encode()).hexdigest()


def _journal_reader(email, scope):
    from civitas.core.models import Role, RoleAssignment
    from tests.conftest import add_totp, make_user

    role, _created = Role.objects.get_or_create(
        code="scoped_journal_reader",
        defaults={
            "name": "Lecteur du journal",
            "permissions": ["core.access_backoffice", "core.view_journal"],
        },
    )
    user = make_user(email)
    RoleAssignment.objects.create(user=user, role=role, scope_type=scope[0], scope_id=scope[1])
    add_totp(user)
    return user


def _export_actions(client):
    response = client.get(
        "/backoffice/exports/telecharger/",
        {"exporter": "core.journal", "format": "csv"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    raw = b"".join(response.streaming_content) if response.streaming else response.content
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
    return {r[4] for r in rows[1:]}


def test_a_unit_scoped_reader_sees_only_the_journal_of_their_subtree(client, unit_tree):
    """Issue 31 item 9: journal readers scoped to a unit saw every entry."""
    from civitas.core.models import Unit

    antenna = Unit.objects.create(name="Antenne Nord", parent=unit_tree["north"])
    journal.record("test.north_entry", obj=unit_tree["north"])
    journal.record("test.antenna_entry", obj=antenna)
    journal.record("test.south_entry", obj=unit_tree["south"])
    journal.record("test.root_entry", obj=unit_tree["root"])
    journal.record("test.unscoped_entry", details={"email": "someone@example.org"})
    reader = _journal_reader("north@example.org", ("unit", unit_tree["north"].pk))
    client.force_login(reader)
    mine = {"test.north_entry", "test.antenna_entry"}
    others = {"test.south_entry", "test.root_entry", "test.unscoped_entry"}

    page = client.get("/backoffice/journal/").content.decode()
    assert all(a in page for a in mine) and not any(a in page for a in others)
    home = client.get("/backoffice/").content.decode()
    assert all(a in home for a in mine) and not any(a in home for a in others)
    exported = _export_actions(client)
    assert mine <= exported and not (others & exported)

    # An organisation-wide reader still sees everything.
    client.force_login(_journal_reader("all@example.org", ("organisation", 1)))
    page = client.get("/backoffice/journal/").content.decode()
    assert all(a in page for a in mine | others)
    assert mine | others <= _export_actions(client)


def test_the_home_page_shows_no_journal_to_someone_without_the_journal_right(client, unit_tree):
    from civitas.core.models import Role, RoleAssignment
    from tests.conftest import add_totp, make_user

    journal.record("test.visible_to_nobody_here", obj=unit_tree["north"])
    role = Role.objects.create(
        code="bo_only", name="Back office", permissions=["core.access_backoffice"]
    )
    user = make_user("bo@example.org")
    RoleAssignment.objects.create(
        user=user, role=role, scope_type="unit", scope_id=unit_tree["north"].pk
    )
    add_totp(user)
    client.force_login(user)
    home = client.get("/backoffice/")
    assert home.status_code == 200
    assert b"test.visible_to_nobody_here" not in home.content


def test_the_change_history_follows_the_readers_scopes(client, unit_tree, users):
    """A unit-scoped journal reader sees the changes of their subtree's units, not the
    changes of other units or of accounts."""
    from civitas.core.models import Unit

    Unit.objects.create(name="Antenne Nord", parent=unit_tree["north"])
    Unit.objects.create(name="Antenne Sud", parent=unit_tree["south"])
    users["participant"].full_name = "Renamed Participant"
    users["participant"].save()
    client.force_login(_journal_reader("north@example.org", ("unit", unit_tree["north"].pk)))
    page = client.get("/backoffice/historique/").content.decode()
    assert "Antenne Nord" in page and "Territoire Nord" in page
    assert "Antenne Sud" not in page and "Territoire Sud" not in page
    assert "participant@example.org" not in page
    client.force_login(_journal_reader("all@example.org", ("organisation", 1)))
    page = client.get("/backoffice/historique/").content.decode()
    assert "Antenne Sud" in page and "participant@example.org" in page


def test_platform_figures_are_for_administrators_only(client, users, unit_tree):
    """Accounts, people with a role and logins today: shown on the back-office home to those
    who manage administrators, not to any back-office role (a CRIP social worker saw them)."""
    from civitas.core.models import Role, RoleAssignment
    from tests.conftest import add_totp, make_user

    role = Role.objects.create(
        code="bo_only", name="Back office", permissions=["core.access_backoffice"]
    )
    user = make_user("bo@example.org")
    RoleAssignment.objects.create(
        user=user, role=role, scope_type="unit", scope_id=unit_tree["north"].pk
    )
    add_totp(user)
    client.force_login(user)
    client.cookies["django_language"] = "en"
    home = client.get("/backoffice/").content.decode()
    assert "user accounts" not in home and "logins today" not in home
    client.force_login(users["principal"])
    home = client.get("/backoffice/").content.decode()
    assert "user accounts" in home and "logins today" in home
