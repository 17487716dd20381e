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
