"""Back up, change data, restore, verify equality: on the test database's engine (a file
SQLite database by default; PostgreSQL with DATABASE_URL=postgres://...)."""

import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from civitas.core.backups import catalogue, checksums, services
from civitas.core.models import Unit

# One worker for every restore: a PostgreSQL restore is one transaction locking every table
# and index, and two at once exceed the server's default lock table (64 locks per
# connection slot: "out of shared memory", seen in a run of 7 Dec).
pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.xdist_group("pg_restore"),
]


def units():
    return list(Unit.objects.order_by("pk").values_list("pk", "name", "kind", "parent_id"))


def newest():
    return catalogue.all_backups()[0]


def seed():
    root = Unit.objects.create(name="Direction générale")
    Unit.objects.create(name="Territoire Nord", kind="territory", parent=root)
    Unit.objects.create(name="Territoire Sud — « accents » ✓", kind="territory", parent=root)


def change_everything(media: Path):
    Unit.objects.filter(name="Territoire Nord").update(name="Renamed")
    Unit.objects.filter(name__startswith="Territoire Sud").delete()
    Unit.objects.create(name="Added after the backup")
    (media / "documents" / "letter.txt").write_text("overwritten")
    (media / "documents" / "new.txt").write_text("added after the backup")


def back_up_change_restore_verify(backup_env, capsys):
    seed()
    before = units()
    media = backup_env / "media"

    call_command("backup", "--type", "manual")
    m = newest()
    assert m["engine"] == connection.vendor
    assert m["tables"]["core_unit"]["rows"] == 3
    archive = Path(catalogue.directory()) / m["file"]
    assert archive.exists() and archive.stat().st_size == m["size"]
    assert b"Direction g" not in archive.read_bytes()  # encrypted
    index = json.loads((Path(catalogue.directory()) / "catalogue.json").read_text())
    assert [e["id"] for e in index] == [m["id"]]

    change_everything(media)
    assert units() != before

    call_command("restore", m["id"], "--yes")
    out = capsys.readouterr().out
    assert "restored and verified" in out

    assert units() == before
    assert (media / "documents" / "letter.txt").read_text() == "original letter"
    assert not (media / "documents" / "new.txt").exists()
    # Independent check: every table but the journal (the restore itself is journaled
    # afterwards) has the rows and checksum recorded at backup time.
    live = services.live_checksums()
    expected = {k: v for k, v in m["tables"].items() if k != "core_journalentry"}
    assert {k: live[k] for k in expected} == expected
    # the catalogue remembers the verification, and the state before the restore was saved
    restored = catalogue.load(m["id"])
    assert restored["verified_ok"] is True and restored["verify_report"]["mismatches"] == []
    safety = [b for b in catalogue.all_backups() if b["id"] != m["id"]]
    assert len(safety) == 1 and m["id"] in safety[0]["note"]
    assert safety[0]["tables"]["core_unit"]["rows"] == 3  # renamed, deleted, added


def test_back_up_change_restore_verify(backup_env, capsys):
    back_up_change_restore_verify(backup_env, capsys)


@pytest.mark.postgres
def test_back_up_change_restore_verify_on_postgres(backup_env, capsys):
    assert connection.vendor == "postgresql"
    back_up_change_restore_verify(backup_env, capsys)


def _trigram_cost():
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT procost FROM pg_proc WHERE proname = 'word_similarity_commutator_op'"
        )
        return cursor.fetchone()[0]


@pytest.mark.postgres
def test_a_restore_gathers_statistics_and_puts_back_the_modules_settings(backup_env):
    """pg_restore recreates extensions with their defaults and leaves no statistics: the
    restore runs ANALYZE and tells the modules (child protection declares the cost of the
    trigram similarity, without which its name search reads every child)."""
    assert connection.vendor == "postgresql"
    assert _trigram_cost() == 100  # migration childprotection 0010
    seed()
    call_command("backup", "--type", "manual")
    with connection.cursor() as cursor:
        cursor.execute("ALTER FUNCTION word_similarity_commutator_op(text, text) COST 1")
    call_command("restore", newest()["id"], "--yes", "--no-safety-backup")
    assert _trigram_cost() == 100
    with connection.cursor() as cursor:
        cursor.execute("SELECT last_analyze FROM pg_stat_user_tables WHERE relname = 'core_unit'")
        assert cursor.fetchone()[0] is not None


def test_checksums_see_a_changed_value(backup_env):
    seed()
    first = services.live_checksums()["core_unit"]
    Unit.objects.filter(name="Territoire Nord").update(name="Territoire nord")
    second = services.live_checksums()["core_unit"]
    assert first["rows"] == second["rows"] and first["checksum"] != second["checksum"]
    assert checksums.compare({"core_unit": first}, {"core_unit": second})[0]["ok"] is False


def _refused(backup_env, match, damage):
    """Back up, change, damage: restore is refused with `match`, nothing touched."""
    seed()
    call_command("backup")
    m = newest()
    change_everything(backup_env / "media")
    changed = units()
    damage(m, Path(catalogue.directory()) / m["file"])
    with pytest.raises(CommandError, match=match):
        call_command("restore", m["id"], "--yes")
    assert units() == changed
    assert (backup_env / "media" / "documents" / "letter.txt").read_text() == "overwritten"
    assert (backup_env / "media" / "documents" / "new.txt").exists()
    assert [b["id"] for b in catalogue.all_backups()] == [m["id"]]  # no safety backup
    assert catalogue.load(m["id"])["verified_at"] is None
    leftovers = [p.name for p in Path(catalogue.directory()).iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_wrong_key_is_refused_and_nothing_touched(backup_env, settings):
    from civitas.core.backups.crypto import generate_key

    def other_key(_m, _path):
        settings.CIVITAS_BACKUP_KEY = generate_key()

    _refused(backup_env, "Wrong backup key", other_key)


def test_altered_file_is_refused_on_its_checksum(backup_env):
    def flip(_m, path):
        data = bytearray(path.read_bytes())
        data[len(data) // 2] ^= 0x01
        path.write_bytes(bytes(data))

    _refused(backup_env, "Checksum mismatch", flip)


def test_truncated_file_is_refused(backup_env):
    def truncate_and_forge_catalogue(m, path):
        # Even if the catalogue is rewritten to match, the missing final block is detected.
        path.write_bytes(path.read_bytes()[:-100])
        m["sha256"] = services.sha256_file(path)
        catalogue.save(m)

    _refused(backup_env, "truncated", truncate_and_forge_catalogue)


def test_unknown_id_and_missing_key(backup_env, settings):
    with pytest.raises(CommandError, match="No backup"):
        call_command("restore", "20260101T000000Z-abcdef", "--yes")
    with pytest.raises(CommandError, match="not a backup id"):
        call_command("restore", "../../etc/passwd", "--yes")
    settings.CIVITAS_BACKUP_KEY = ""
    with pytest.raises(CommandError, match="CIVITAS_BACKUP_KEY is not set"):
        call_command("backup")
    assert catalogue.all_backups() == []
