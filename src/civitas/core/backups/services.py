"""Backup, restore and retention. The only code that writes archives or the catalogue.

create_backup(kind)      -> manifest (dict)
restore(backup_id)       -> report (dict); raises BackupError before touching anything
                            when the file is altered, truncated or the key is wrong
prune(now=None)          -> ids deleted by the retention policy
"""

from __future__ import annotations

import gzip
import hashlib
import io
import json
import os
import secrets
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import time
import zlib
from datetime import UTC, datetime
from pathlib import Path

from django.conf import settings
from django.db import connections

from . import catalogue, checksums, conf
from .crypto import BackupError, CorruptedFile, DecryptingReader, EncryptingWriter, parse_key

DB_SQLITE = "database.sqlite3"
DB_PGDUMP = "database.pgdump"
META = "backup.json"
MEDIA = "media"

# Options of settings.DATABASES[...]["OPTIONS"] that are Django's, not libpq's.
_DJANGO_PG_OPTIONS = {"pool", "isolation_level", "server_side_binding", "assume_role", "context"}


def _noop(_fraction, _message=""):
    pass


def _vendor(using="default") -> str:
    return connections[using].vendor


# --- PostgreSQL connection helpers ----------------------------------------------------


def _pg_settings(using="default") -> dict:
    return connections[using].settings_dict


def _pg_env(using="default") -> dict:
    """libpq environment for pg_dump/pg_restore: the password never goes on a command line."""
    s = _pg_settings(using)
    env = dict(os.environ)
    for var, key in (
        ("PGHOST", "HOST"),
        ("PGPORT", "PORT"),
        ("PGUSER", "USER"),
        ("PGPASSWORD", "PASSWORD"),
        ("PGDATABASE", "NAME"),
    ):
        if s.get(key):
            env[var] = str(s[key])
    sslmode = (s.get("OPTIONS") or {}).get("sslmode")
    if sslmode:
        env["PGSSLMODE"] = sslmode
    return env


def _pg_connect(using="default"):
    import psycopg

    s = _pg_settings(using)
    params = {k: v for k, v in (s.get("OPTIONS") or {}).items() if k not in _DJANGO_PG_OPTIONS}
    for param, key in (
        ("dbname", "NAME"),
        ("user", "USER"),
        ("password", "PASSWORD"),
        ("host", "HOST"),
        ("port", "PORT"),
    ):
        if s.get(key):
            params[param] = s[key]
    conn = psycopg.connect(**params)
    conn.isolation_level = psycopg.IsolationLevel.REPEATABLE_READ
    conn.execute("SET TIME ZONE 'UTC'")
    return conn


def _tool(name: str) -> str:
    path = shutil.which(name, path=os.environ.get("CIVITAS_PG_BIN_DIR") or None)
    if not path:
        raise BackupError(
            f"{name} is not installed (Debian package postgresql-client of the server's "
            "major version); set CIVITAS_PG_BIN_DIR if it is not on the PATH."
        )
    return path


def _run(args, env):
    proc = subprocess.run(args, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if proc.returncode != 0:
        raise BackupError(f"{Path(args[0]).name} failed: {proc.stderr.strip()[-2000:]}")
    return proc


# --- Snapshots and checksums of the live database -------------------------------------


def _sqlite_raw(using="default"):
    conn = connections[using]
    conn.ensure_connection()
    return conn.connection


def _sqlite_snapshot(dest: Path, using="default") -> None:
    """Online backup of the live SQLite database into `dest` (consistent, non-blocking)."""
    target = sqlite3.connect(dest)
    try:
        _sqlite_raw(using).backup(target)
    except sqlite3.Error as exc:
        raise BackupError(f"SQLite snapshot failed: {exc}") from exc
    finally:
        target.close()


def live_checksums(using="default") -> dict:
    """Row counts and checksums of the live database, from one consistent snapshot."""
    if _vendor(using) == "sqlite":
        with tempfile.TemporaryDirectory(dir=catalogue.directory(), prefix=".verify-") as work:
            snap = Path(work) / "live.sqlite3"
            _sqlite_snapshot(snap, using)
            return checksums.sqlite_tables(snap)
    conn = _pg_connect(using)
    try:
        return checksums.postgres_tables(conn)
    finally:
        conn.close()


# --- Backup ------------------------------------------------------------------------------


class _HashingFile:
    def __init__(self, fh):
        self.fh, self.sha, self.size = fh, hashlib.sha256(), 0

    def write(self, data):
        self.sha.update(data)
        self.size += len(data)
        return self.fh.write(data)

    def flush(self):
        self.fh.flush()


def _new_id(now: datetime) -> str:
    return f"{now.astimezone(UTC):%Y%m%dT%H%M%SZ}-{secrets.token_hex(3)}"


def _media_filter(backup_dir: Path):
    """Leave the backup directory out of the media tar when it lives inside MEDIA_ROOT."""
    backup_dir = backup_dir.resolve()
    media_root = Path(settings.MEDIA_ROOT).resolve()
    skip = None
    if backup_dir == media_root or media_root in backup_dir.parents:
        skip = f"{MEDIA}/{backup_dir.relative_to(media_root).as_posix()}"

    def keep(info: tarfile.TarInfo):
        if skip and (info.name == skip or info.name.startswith(skip + "/")):
            return None
        return info

    return keep


def is_disk_full(exc: BaseException) -> bool:
    """ENOSPC / EDQUOT from the OS, or SQLite's "database or disk is full"."""
    import errno

    if isinstance(exc, OSError) and exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return True
    return isinstance(exc, sqlite3.OperationalError) and "full" in str(exc).lower()


def disk_full_error(directory: Path) -> BackupError:
    try:
        free = shutil.disk_usage(directory).free
    except OSError:
        free = 0
    return BackupError(
        f"Not enough space in the backup directory {directory} "
        f"({free / 1e6:.1f} MB free): this backup was not written and nothing half-written "
        "was left; the previous backups are kept. Free some space (or prune old backups) "
        "and start again."
    )


def create_backup(
    kind: str = "manual",
    note: str = "",
    progress=_noop,
    using="default",
    now: datetime | None = None,
) -> dict:
    """Snapshot the database (+ media), encrypt it into the backup directory, catalogue it.

    A full disk raises BackupError with a clear message; the previous backups are untouched
    (the new archive is written beside them as `.partial` and renamed only once complete).
    """
    directory = catalogue.directory()
    try:
        return _create_backup(kind, note, progress, using, now)
    except Exception as exc:
        cause = exc.__cause__ if isinstance(exc, BackupError) else exc
        # pg_dump reports a full disk on its standard error only
        dump_full = isinstance(exc, BackupError) and "No space left on device" in str(exc)
        if dump_full or (cause is not None and is_disk_full(cause)):
            raise disk_full_error(directory) from exc
        raise


def _create_backup(kind, note, progress, using, now) -> dict:
    if kind not in catalogue.TYPES:
        raise BackupError(f"Unknown backup type {kind!r}: one of {', '.join(catalogue.TYPES)}.")
    key = parse_key(conf.backup_key())
    directory = catalogue.directory()
    started = time.monotonic()
    now = now or datetime.now(UTC)
    backup_id = _new_id(now)
    engine = _vendor(using)
    progress(0.05, "snapshot")
    with tempfile.TemporaryDirectory(dir=directory, prefix=".work-") as work:
        work = Path(work)
        if engine == "sqlite":
            db_file, db_name = work / DB_SQLITE, DB_SQLITE
            _sqlite_snapshot(db_file, using)
            progress(0.3, "checksums")
            tables = checksums.sqlite_tables(db_file)
        elif engine == "postgresql":
            db_file, db_name = work / DB_PGDUMP, DB_PGDUMP
            conn = _pg_connect(using)
            try:
                snapshot = conn.execute("SELECT pg_export_snapshot()").fetchone()[0]
                _run(
                    [
                        _tool("pg_dump"),
                        "--format=custom",
                        f"--snapshot={snapshot}",
                        "--file",
                        str(db_file),
                    ],
                    _pg_env(using),
                )
                progress(0.3, "checksums")
                tables = checksums.postgres_tables(conn)
            finally:
                conn.close()
        else:
            raise BackupError(f"Backups are not supported on {engine}.")

        media_root = Path(settings.MEDIA_ROOT)
        with_media = conf.include_media() and media_root.is_dir()
        meta = {
            "id": backup_id,
            "engine": engine,
            "created_at": now.isoformat(),
            "tables": tables,
            "media": with_media,
        }
        progress(0.5, "encryption")
        final = catalogue.archive_path(backup_id)
        partial = final.with_name(final.name + ".partial")
        try:
            with open(partial, "wb") as raw:
                hashing = _HashingFile(raw)
                enc = EncryptingWriter(hashing, key)
                with (
                    gzip.GzipFile(fileobj=enc, mode="wb", compresslevel=1, mtime=0) as gz,
                    tarfile.open(fileobj=gz, mode="w|", format=tarfile.PAX_FORMAT) as tar,
                ):
                    data = json.dumps(meta, indent=2).encode()
                    info = tarfile.TarInfo(META)
                    info.size, info.mtime = len(data), int(now.timestamp())
                    tar.addfile(info, io.BytesIO(data))
                    tar.add(db_file, arcname=db_name)
                    if with_media:
                        tar.add(media_root, arcname=MEDIA, filter=_media_filter(directory))
                enc.close()
                raw.flush()
                os.fsync(raw.fileno())
            os.chmod(partial, 0o600)
            os.replace(partial, final)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    manifest = {
        **{k: v for k, v in meta.items() if k != "created_at"},
        "created_at": now.isoformat(),
        "type": kind,
        "note": note,
        "file": final.name,
        "size": hashing.size,
        "sha256": hashing.sha.hexdigest(),
        "duration_seconds": round(time.monotonic() - started, 3),
        "verified_at": None,
        "verified_ok": None,
        "verify_report": None,
    }
    try:
        catalogue.save(manifest)
    except BaseException:
        # an archive without its manifest would be an orphan: remove it
        final.unlink(missing_ok=True)
        catalogue.manifest_path(backup_id).unlink(missing_ok=True)
        raise
    if conf.copy_command():
        progress(0.9, "copy off the server")
        manifest["offsite"] = copy_off_server(manifest)
        catalogue.save(manifest)
    progress(1.0, "done")
    return manifest


def copy_off_server(manifest: dict) -> dict:
    """Run CIVITAS_BACKUP_COPY_COMMAND on the new archive and its manifest. A failed copy
    does not undo the backup: it is recorded in the catalogue and logged as an error."""
    import logging
    import shlex

    directory = catalogue.directory()
    values = {
        "archive": str(directory / manifest["file"]),
        "manifest": str(catalogue.manifest_path(manifest["id"])),
        "dir": str(directory),
    }
    args = [part.format(**values) for part in shlex.split(conf.copy_command())]
    at = datetime.now(UTC).isoformat()
    try:
        proc = subprocess.run(  # noqa: S603
            args, capture_output=True, text=True, timeout=6 * 3600, check=False
        )
    except (OSError, subprocess.SubprocessError) as exc:
        ok, message = False, f"{type(exc).__name__}: {exc}"
    else:
        ok = proc.returncode == 0
        message = (proc.stderr or proc.stdout).strip()[-500:]
        if not ok:
            message = f"exit code {proc.returncode}: {message}"
    if not ok:
        logging.getLogger(__name__).error("backup %s not copied: %s", manifest["id"], message)
    return {"ok": ok, "at": at, "message": message}


# --- Restore ------------------------------------------------------------------------------


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        while block := fh.read(1024 * 1024):
            h.update(block)
    return h.hexdigest()


def check_archive(manifest: dict) -> Path:
    """The archive exists and matches the checksum in the catalogue."""
    path = catalogue.directory() / manifest["file"]
    if not path.exists():
        raise BackupError(f"The archive {path} is missing: nothing was restored.")
    if sha256_file(path) != manifest["sha256"]:
        raise CorruptedFile(
            f"Checksum mismatch for {path.name}: the file was altered or damaged since the "
            "backup. Nothing was restored."
        )
    return path


def extract(path: Path, key: bytes, dest: Path) -> dict:
    """Decrypt, decompress and unpack the whole archive into `dest`; every block is
    authenticated and the end of the stream checked before anything is used."""
    try:
        with open(path, "rb") as fh:
            reader = DecryptingReader(fh, key)
            with gzip.GzipFile(fileobj=reader, mode="rb") as gz:
                with tarfile.open(fileobj=gz, mode="r|") as tar:
                    tar.extractall(dest, filter="data")
                while gz.read(1024 * 1024):
                    pass
            reader.finish()
    except BackupError:
        raise
    except (OSError, EOFError, tarfile.TarError, zlib.error) as exc:
        raise CorruptedFile(
            f"The archive cannot be unpacked: {exc}. Nothing was restored."
        ) from exc
    meta_path = dest / META
    if not meta_path.exists():
        raise CorruptedFile("The archive has no backup.json: nothing was restored.")
    return json.loads(meta_path.read_text())


def _swap_media(new_media: Path) -> None:
    """Replace the content of MEDIA_ROOT by `new_media`.

    Usually two renames next to MEDIA_ROOT (the old tree is kept until the new one is in
    place). When MEDIA_ROOT is a mount point (a volume: it cannot be renamed), its entries
    are swapped one rename each inside it, the old ones parked in a hidden directory that
    is removed at the end."""
    media_root = Path(settings.MEDIA_ROOT)
    media_root.mkdir(parents=True, exist_ok=True)
    token = secrets.token_hex(4)
    if not os.path.ismount(media_root):
        staging = media_root.with_name(f".{media_root.name}.restore-{token}")
        shutil.move(str(new_media), staging)  # a copy if the backup dir is elsewhere
        old = media_root.with_name(f".{media_root.name}.old-{token}")
        os.replace(media_root, old)
        os.replace(staging, media_root)
        shutil.rmtree(old, ignore_errors=True)
        return
    staging = media_root / f".civitas-restore-{token}"
    old = media_root / f".civitas-old-{token}"
    shutil.move(str(new_media), staging)
    old.mkdir()
    for child in list(media_root.iterdir()):
        if child not in (staging, old):
            os.replace(child, old / child.name)
    for child in list(staging.iterdir()):
        os.replace(child, media_root / child.name)
    staging.rmdir()
    shutil.rmtree(old, ignore_errors=True)


def _restore_sqlite(db_file: Path, using="default") -> None:
    source = sqlite3.connect(f"file:{db_file}?mode=ro", uri=True)
    try:
        # One step (pages=-1): the whole copy is a single write transaction, all or nothing.
        source.backup(_sqlite_raw(using))
    except sqlite3.Error as exc:
        raise BackupError(
            f"SQLite refused the restore ({exc}); the database was left as it was. Stop the "
            "processes that write to it and retry."
        ) from exc
    finally:
        source.close()


def _restore_postgres(dump: Path, using="default") -> None:
    connections.close_all()
    env = _pg_env(using)
    _run(
        [
            _tool("pg_restore"),
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            "--exit-on-error",
            "--dbname",
            env["PGDATABASE"],
            str(dump),
        ],
        env,
    )
    # pg_restore leaves the planner without statistics (bad plans until autovacuum comes),
    # and recreates extensions with their default settings: modules put theirs back.
    from civitas.core.signals import database_restored

    connection = connections[using]
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    database_restored.send(sender=None, connection=connection)


def restore(backup_id: str, *, safety_backup: bool = True, using="default", log=print) -> dict:
    """Restore a catalogued backup, then verify it. Returns the verification report."""
    manifest = catalogue.load(backup_id)
    key = parse_key(conf.backup_key())
    engine = _vendor(using)
    if manifest["engine"] != engine:
        raise BackupError(
            f"Backup {backup_id} is a {manifest['engine']} backup; this server runs {engine}."
        )
    path = check_archive(manifest)
    log(f"Checksum of {path.name} OK.")
    with tempfile.TemporaryDirectory(dir=catalogue.directory(), prefix=".restore-") as work:
        work = Path(work)
        meta = extract(path, key, work)
        if meta.get("id") != backup_id or meta.get("tables") != manifest["tables"]:
            raise CorruptedFile(
                "The archive does not match its catalogue entry. Nothing was restored."
            )
        log("Decryption and unpacking OK.")
        if engine == "sqlite":
            found = checksums.compare(manifest["tables"], checksums.sqlite_tables(work / DB_SQLITE))
            if not all(line["ok"] for line in found):
                raise CorruptedFile("The database in the archive fails its checksums.")
        if safety_backup:
            before = create_backup(
                "manual", note=f"Automatic backup before restoring {backup_id}", using=using
            )
            log(f"Current state saved first as backup {before['id']}.")
        if engine == "sqlite":
            _restore_sqlite(work / DB_SQLITE, using)
        else:
            _restore_postgres(work / DB_PGDUMP, using)
        log("Database restored.")
        if meta.get("media"):
            _swap_media(work / MEDIA)
            log("Media files restored.")
    lines = checksums.compare(manifest["tables"], live_checksums(using))
    ok = all(line["ok"] for line in lines)
    report = {
        "id": backup_id,
        "ok": ok,
        "tables": len(lines),
        "rows": sum(line["actual_rows"] or 0 for line in lines),
        "mismatches": [line for line in lines if not line["ok"]],
    }
    manifest.update(
        verified_at=datetime.now(UTC).isoformat(),
        verified_ok=ok,
        verify_report={k: report[k] for k in ("tables", "rows", "mismatches")},
    )
    catalogue.save(manifest)
    return report


# --- Retention -----------------------------------------------------------------------


def kind_for(day) -> str:
    """The type of the scheduled backup of a given day: monthly on the 1st, weekly on
    Sundays, daily otherwise."""
    if day.day == 1:
        return "monthly"
    if day.isoweekday() == 7:
        return "weekly"
    return "daily"


def to_prune(manifests: list[dict]) -> list[str]:
    """Keep the N most recent of each scheduled type; manual backups are kept until deleted."""
    keep = {
        "daily": conf.keep_daily(),
        "weekly": conf.keep_weekly(),
        "monthly": conf.keep_monthly(),
    }
    doomed = []
    for kind, count in keep.items():
        same = sorted(
            (m for m in manifests if m.get("type") == kind),
            key=lambda m: m["created_at"],
            reverse=True,
        )
        doomed += [m["id"] for m in same[count:]]
    return doomed


def prune() -> list[str]:
    doomed = to_prune(catalogue.all_backups())
    for backup_id in doomed:
        catalogue.delete(backup_id)
    # Leftovers of an interrupted backup or restore, older than a day.
    cutoff = time.time() - 86400
    for leftover in catalogue.directory().glob(".*"):
        if leftover.stat().st_mtime < cutoff and leftover.name.startswith(
            (".work-", ".restore-", ".verify-")
        ):
            shutil.rmtree(leftover, ignore_errors=True)
    for leftover in catalogue.directory().glob("*.partial"):
        if leftover.stat().st_mtime < cutoff:
            leftover.unlink(missing_ok=True)
    return doomed


def scheduled_backup(now: datetime | None = None) -> tuple[dict, list[str]]:
    from django.utils import timezone

    now = now or timezone.now()
    manifest = create_backup(kind_for(timezone.localdate(now)))
    return manifest, prune()
