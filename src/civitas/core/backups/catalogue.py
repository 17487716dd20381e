"""The backup catalogue: one JSON manifest per backup next to its encrypted archive, plus an
index (catalogue.json) rebuilt from the manifests. It lives in the backup directory, not in
the database, so it survives a restore and travels with the archives when they are copied
off the server."""

from __future__ import annotations

import contextlib
import json
import os
import re
from pathlib import Path

from . import conf
from .crypto import BackupError

ID_RE = re.compile(r"^\d{8}T\d{6}Z-[0-9a-f]{6}$")
TYPES = ("daily", "weekly", "monthly", "manual")
INDEX = "catalogue.json"


def directory() -> Path:
    path = conf.backup_dir()
    path.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(OSError):
        path.chmod(0o700)
    return path


def archive_path(backup_id: str) -> Path:
    return directory() / f"{backup_id}.cbak"


def manifest_path(backup_id: str) -> Path:
    return directory() / f"{backup_id}.json"


def write_json_atomic(path: Path, data) -> None:
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        with open(tmp, "w", encoding="utf-8") as fh:
            json.dump(data, fh, indent=2, ensure_ascii=False, sort_keys=True)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)  # the previous file stays whole
        raise


def save(manifest: dict) -> None:
    write_json_atomic(manifest_path(manifest["id"]), manifest)
    rebuild_index()


def load(backup_id: str) -> dict:
    if not ID_RE.match(backup_id or ""):
        raise BackupError(f"{backup_id!r} is not a backup id (e.g. 20260131T021500Z-a1b2c3).")
    path = manifest_path(backup_id)
    if not path.exists():
        raise BackupError(f"No backup {backup_id} in the catalogue ({directory()}).")
    with open(path, encoding="utf-8") as fh:
        return json.load(fh)


def all_backups() -> list[dict]:
    """Every manifest, newest first."""
    out = []
    for path in directory().glob("*.json"):
        if path.name == INDEX or not ID_RE.match(path.stem):
            continue
        try:
            with open(path, encoding="utf-8") as fh:
                out.append(json.load(fh))
        except (OSError, ValueError):
            continue
    return sorted(out, key=lambda m: m["created_at"], reverse=True)


def rebuild_index() -> None:
    keys = ("id", "created_at", "type", "engine", "size", "sha256", "verified_at", "verified_ok")
    write_json_atomic(directory() / INDEX, [{k: m.get(k) for k in keys} for m in all_backups()])


def delete(backup_id: str) -> None:
    load(backup_id)
    archive_path(backup_id).unlink(missing_ok=True)
    manifest_path(backup_id).unlink(missing_ok=True)
    rebuild_index()
