"""Backups tests: a file-based SQLite test database (the online backup API is exercised on
a real file, as in production), and an isolated backup directory, key and MEDIA_ROOT."""

import os

import pytest


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix, tmp_path_factory):
    from django.conf import settings

    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3") and not os.environ.get("DATABASE_URL"):
        db.setdefault("TEST", {})["NAME"] = str(
            tmp_path_factory.mktemp("backups-db") / "test_civitas.sqlite3"
        )


@pytest.fixture
def backup_env(settings, tmp_path):
    from civitas.core.backups.crypto import generate_key

    settings.CIVITAS_BACKUP_DIR = str(tmp_path / "backups")
    settings.CIVITAS_BACKUP_KEY = generate_key()
    settings.MEDIA_ROOT = str(tmp_path / "media")
    (tmp_path / "media" / "documents").mkdir(parents=True)
    (tmp_path / "media" / "documents" / "letter.txt").write_text("original letter")
    return tmp_path
