"""Benchmark: backup and restore+verify of a database with 100,000 rows.

    .venv/bin/python bench/backups.py                 # SQLite file in a temporary directory
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/civitas_backups_bench \
        .venv/bin/python bench/backups.py             # PostgreSQL (database created if absent)

Prints, side by side with a baseline (plain unencrypted copy with the SQLite online backup
API, or pg_dump / pg_restore alone): seconds for the backup, seconds for the restore with
its verification (row counts + checksums of every table), and the sizes.
"""

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()

    work = Path(tempfile.mkdtemp(prefix="civitas-bench-backups-"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civitas.settings.dev")
    os.environ["CIVITAS_VAR_DIR"] = str(work)
    os.environ["MEDIA_ROOT"] = str(work / "media")
    os.environ["CIVITAS_BACKUP_DIR"] = str(work / "backups")
    os.environ["LOG_LEVEL"] = "ERROR"
    from civitas.core.backups.crypto import generate_key

    os.environ["CIVITAS_BACKUP_KEY"] = generate_key()
    url = os.environ.get("DATABASE_URL", "")
    if url.startswith("postgres"):
        dbname = url.rsplit("/", 1)[1]
        admin = url.rsplit("/", 1)[0] + "/postgres"
        subprocess.run(["psql", admin, "-qc", f'DROP DATABASE IF EXISTS "{dbname}"'], check=True)
        subprocess.run(["psql", admin, "-qc", f'CREATE DATABASE "{dbname}"'], check=True)

    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from civitas.core.backups import services
    from civitas.core.models import LoginEvent

    call_command("migrate", verbosity=0)
    (work / "media" / "documents").mkdir(parents=True, exist_ok=True)
    for i in range(20):
        (work / "media" / "documents" / f"doc{i}.pdf").write_bytes(os.urandom(50_000))
    batch = [
        LoginEvent(
            kind="login" if i % 7 else "failure",
            user_id=i % 500,
            identifier=f"user{i % 500}@example.org",
            ip=f"10.0.{i % 250}.{i % 200}",
            user_agent="Mozilla/5.0 (X11; Linux x86_64) Firefox/128.0",
        )
        for i in range(args.rows)
    ]
    LoginEvent.objects.bulk_create(batch, batch_size=5000)
    engine = connection.vendor
    total_rows = sum(t["rows"] for t in services.live_checksums().values())
    print(
        f"engine: {engine}; rows in the database: {total_rows:,} "
        f"({args.rows:,} in core_loginevent); media: 20 files, 1 MB"
    )

    # Baseline
    if engine == "sqlite":
        base_file = work / "baseline.sqlite3"
        t = time.perf_counter()
        target = sqlite3.connect(base_file)
        services._sqlite_raw().backup(target)
        target.close()
        base_backup = time.perf_counter() - t
        base_size = base_file.stat().st_size
        t = time.perf_counter()
        source = sqlite3.connect(base_file)
        source.backup(services._sqlite_raw())
        source.close()
        base_restore = time.perf_counter() - t
        base_label = "sqlite3 online backup API copy (no encryption, no media, no check)"
    else:
        env = services._pg_env()
        dump = work / "baseline.pgdump"
        t = time.perf_counter()
        subprocess.run(["pg_dump", "-Fc", "-f", str(dump)], env=env, check=True)
        base_backup = time.perf_counter() - t
        base_size = dump.stat().st_size
        connection.close()
        t = time.perf_counter()
        subprocess.run(
            [
                "pg_restore",
                "--clean",
                "--if-exists",
                "--no-owner",
                "--single-transaction",
                "-d",
                env["PGDATABASE"],
                str(dump),
            ],
            env=env,
            check=True,
        )
        base_restore = time.perf_counter() - t
        base_label = (
            "pg_dump -Fc / pg_restore --single-transaction alone "
            "(no encryption, no media, no check)"
        )

    t = time.perf_counter()
    m = services.create_backup("manual")
    backup_s = time.perf_counter() - t
    t = time.perf_counter()
    report = services.restore(m["id"], safety_backup=False, log=lambda _line: None)
    restore_s = time.perf_counter() - t
    assert report["ok"], report

    print()
    print(f"| {'':<44} | {'backup (s)':>10} | {'restore (s)':>11} | {'size':>10} |")
    print(f"|{'-' * 46}|{'-' * 12}|{'-' * 13}|{'-' * 12}|")
    print(
        f"| {'Civitas backup / restore + verification':<44} | {backup_s:>10.2f} | "
        f"{restore_s:>11.2f} | {m['size'] / 1e6:>8.1f} MB |"
    )
    print(
        f"| {'baseline (see below)':<44} | {base_backup:>10.2f} | {base_restore:>11.2f} | "
        f"{base_size / 1e6:>8.1f} MB |"
    )
    print(f"\nbaseline: {base_label}")
    print(f"verified: {report['tables']} tables, {report['rows']:,} rows identical")
    import shutil

    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
