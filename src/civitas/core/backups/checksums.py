"""Row counts and checksums per table, to prove a restore gave back the data backed up.

The checksum of a table is the SHA-256 of its rows in primary-key order (all columns when
there is no primary key). On SQLite each row is the repr() of the tuple a plain sqlite3
connection returns (only str, int, float, bytes and None, so it is deterministic), read from
a snapshot file. On PostgreSQL each row is the md5 of its text output computed by the
server, with the output settings (time zone, date style, float digits...) fixed first.
The same computation runs before the backup and after the restore, on the same engine.
"""

from __future__ import annotations

import hashlib
import sqlite3


def _digest(rows) -> tuple[int, str]:
    h = hashlib.sha256()
    count = 0
    for row in rows:
        h.update(repr(row).encode())
        h.update(b"\n")
        count += 1
    return count, h.hexdigest()


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def sqlite_tables(path) -> dict[str, dict]:
    """{table: {"rows": n, "checksum": hex}} for an SQLite database file."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        names = [
            r[0]
            for r in conn.execute(
                "SELECT name FROM sqlite_master WHERE type='table' "
                "AND name NOT LIKE 'sqlite_%' ORDER BY name"
            )
        ]
        out = {}
        for name in names:
            info = conn.execute(f"PRAGMA table_info({_q(name)})").fetchall()
            pk = [r[1] for r in sorted(info, key=lambda r: r[5]) if r[5] > 0]
            order = ", ".join(_q(c) for c in (pk or [r[1] for r in info]))
            cur = conn.execute(f"SELECT * FROM {_q(name)} ORDER BY {order}")  # noqa: S608
            rows, checksum = _digest(_chain(cur))
            out[name] = {"rows": rows, "checksum": checksum}
        return out
    finally:
        conn.close()


def _chain(cur):
    while batch := cur.fetchmany(2000):
        yield from batch


def postgres_tables(conn) -> dict[str, dict]:
    """The same on PostgreSQL, inside the caller's (repeatable read) transaction on a
    psycopg connection, for the tables of the current schema. Rows are hashed as md5 of
    their text output, with the output settings fixed first."""
    for setting in (
        "TIME ZONE 'UTC'",
        "DateStyle = 'ISO, YMD'",
        "IntervalStyle = 'postgres'",
        "extra_float_digits = 1",
        "bytea_output = 'hex'",
    ):
        conn.execute(f"SET LOCAL {setting}")
    out = {}
    names = [
        r[0]
        for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY 1"
        ).fetchall()
    ]
    for name in names:
        pk = [
            r[0]
            for r in conn.execute(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a "
                "ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
                "WHERE i.indrelid = %s::regclass AND i.indisprimary "
                "ORDER BY array_position(i.indkey::int2[], a.attnum)",
                [_q(name)],
            ).fetchall()
        ]
        if not pk:
            pk = [
                r[0]
                for r in conn.execute(
                    "SELECT column_name FROM information_schema.columns "
                    "WHERE table_schema = current_schema() AND table_name = %s "
                    "ORDER BY ordinal_position",
                    [name],
                ).fetchall()
            ]
        order = ", ".join(_q(c) for c in pk)
        with conn.cursor(name=f"civitas_checksum_{len(out)}") as cur:
            cur.itersize = 2000
            # Each row is hashed by the server from its text form (which depends only on
            # the session settings fixed in _session): only 32 characters per row travel.
            cur.execute(
                f"SELECT md5(civitas_row_::text) FROM {_q(name)} AS civitas_row_ "  # noqa: S608
                f"ORDER BY {order}"
            )
            rows, checksum = _digest(cur)
        out[name] = {"rows": rows, "checksum": checksum}
    return out


def compare(expected: dict, actual: dict) -> list[dict]:
    """One line per table: expected and actual rows, whether the checksum matches."""
    lines = []
    for name in sorted(set(expected) | set(actual)):
        exp, act = expected.get(name), actual.get(name)
        lines.append(
            {
                "table": name,
                "expected_rows": exp["rows"] if exp else None,
                "actual_rows": act["rows"] if act else None,
                "ok": bool(exp and act and exp == act),
            }
        )
    return lines
