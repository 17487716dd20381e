"""Backups tests: an isolated backup directory, key and MEDIA_ROOT (the SQLite test database
is a file, as in production: tests/conftest.py)."""

import pytest


@pytest.fixture
def backup_env(settings, tmp_path):
    from civitas.core.backups.crypto import generate_key
    from tests.conftest import pg_lock_table_guard

    settings.CIVITAS_BACKUP_DIR = str(tmp_path / "backups")
    settings.CIVITAS_BACKUP_KEY = generate_key()
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media" / "documents").mkdir(parents=True)
    (tmp_path / "media" / "documents" / "letter.txt").write_text("original letter")
    # No flush of the other worker while this test dumps and restores (see tests/conftest.py).
    with pg_lock_table_guard(exclusive=True):
        yield tmp_path
