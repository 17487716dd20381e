"""A full disk in the backup or export directory: a clear error, nothing half-written left,
the previous backup kept and still restorable. The disk is a real, tiny tmpfs mounted by the
test (root only; skipped elsewhere)."""

import os
import subprocess
import uuid
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from civitas.core.backups import catalogue
from civitas.core.backups.crypto import generate_key
from civitas.core.models import Unit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def database_bytes() -> int:
    """Size of the test database: a SQLite snapshot copies the whole file, free pages too."""
    from django.db import connection

    name = connection.settings_dict["NAME"]
    if connection.vendor == "sqlite" and os.path.exists(str(name)):
        return os.path.getsize(name)
    if connection.vendor == "postgresql":
        with connection.cursor() as cur:
            cur.execute("SELECT pg_database_size(current_database())")
            return cur.fetchone()[0]
    return 0


@pytest.fixture
def tiny_disk(tmp_path, django_db_blocker):
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root")
    # room for one backup of this test database and its media (8 MB), not for two
    with django_db_blocker.unblock():
        size_mb = 8 + 3 * database_bytes() // 1_000_000
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size_mb}m", "tmpfs", str(mount)],
        capture_output=True,
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.decode().strip()}")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(mount: Path, leave: int) -> Path:
    """Fill the file system until only `leave` bytes are free."""
    filler = mount / f"filler-{uuid.uuid4().hex}"
    free = os.statvfs(mount).f_bavail * os.statvfs(mount).f_frsize
    with open(filler, "wb") as fh:
        fh.write(b"\0" * max(0, free - leave))
    return filler


def test_backup_on_a_full_disk_fails_clearly_and_keeps_the_previous_one(
    tiny_disk, settings, tmp_path
):
    settings.CIVITAS_BACKUP_DIR = str(tiny_disk / "backups")
    settings.CIVITAS_BACKUP_KEY = generate_key()
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "big.bin").write_bytes(os.urandom(600_000))  # incompressible
    Unit.objects.create(name="Avant la sauvegarde")
    call_command("backup", "--type", "manual")
    first = catalogue.all_backups()[0]
    before = sorted(p.name for p in (tiny_disk / "backups").iterdir())

    filler = fill(tiny_disk, leave=100_000)
    with pytest.raises(CommandError) as err:
        call_command("backup", "--type", "manual")
    message = str(err.value)
    assert "Not enough space" in message and "previous backups are kept" in message
    # nothing half-written left, the catalogue unchanged, the previous backup whole
    assert sorted(p.name for p in (tiny_disk / "backups").iterdir()) == before
    assert [m["id"] for m in catalogue.all_backups()] == [first["id"]]
    Unit.objects.create(name="Après la sauvegarde")
    # restoring needs room to unpack: refused cleanly while the disk is full...
    with pytest.raises(CommandError, match="Nothing was restored"):
        call_command("restore", first["id"], "--yes")
    assert Unit.objects.filter(name="Après la sauvegarde").exists()
    # ...and the previous backup restores once space is freed
    filler.unlink()
    call_command("restore", first["id"], "--yes")
    assert set(Unit.objects.values_list("name", flat=True)) == {"Avant la sauvegarde"}


def test_export_all_on_a_full_disk_fails_clearly(tiny_disk, settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media").mkdir()
    (tmp_path / "media" / "big.bin").write_bytes(os.urandom(600_000))
    fill(tiny_disk, leave=200_000)
    target = tiny_disk / "archive"
    with pytest.raises(CommandError) as err:
        call_command("export_all", str(target))
    assert "No space left" in str(err.value) or "Not enough space" in str(err.value)
    assert not (target / "manifest.json").exists()  # never presented as complete
