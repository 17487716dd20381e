"""The reversibility archive and the backup/restore cycle over the full demo data of every
module (Wagtail StreamField pages, rich text, files, JSON, decimals, dates...), checked
table by table against the database, on SQLite and on PostgreSQL."""

import hashlib
import json

import pytest
from django.core.management import call_command, get_commands
from django.db import connection

from civitas.core.backups import catalogue
from civitas.core.gdpr.reversibility import exported_models, file_name

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.slow,
    pytest.mark.engine_agnostic,  # the engine-specific paths: test_backup_restore.py
    pytest.mark.xdist_group("pg_restore"),  # see test_backup_restore.py
]


def load_all_demos():
    call_command("load_demo", verbosity=0)
    for name in sorted(get_commands()):
        if name.startswith("load_") and name.endswith("_demo") and name != "load_demo":
            call_command(name, verbosity=0)


def table_digests():
    """{table: (rows, SHA-256 of every row in primary-key order)} read straight from SQL."""
    out = {}
    with connection.cursor() as cur:
        for model in exported_models():
            table = model._meta.db_table
            pk = model._meta.pk.column
            cur.execute(f'SELECT * FROM "{table}" ORDER BY "{pk}"')  # noqa: S608 - model tables
            h, n = hashlib.sha256(), 0
            for row in cur.fetchall():
                plain = tuple(bytes(v) if isinstance(v, memoryview) else v for v in row)
                h.update(repr(plain).encode())
                n += 1
            out[table] = (n, h.hexdigest())
    return out


def test_export_all_over_the_full_demo(backup_env, tmp_path):
    load_all_demos()
    # the demo holds the field types that used to break the archive
    from civitas.events.models import EventSitePage

    assert EventSitePage.objects.exclude(body=[]).exists()
    expected = {
        m._meta.label_lower: sorted(str(pk) for pk in m._base_manager.values_list("pk", flat=True))
        for m in exported_models()
    }
    target = tmp_path / "archive"
    call_command("export_all", str(target))
    manifest = json.loads((target / "manifest.json").read_text())
    problems = []
    for model in exported_models():
        label = model._meta.label_lower
        rows = json.loads((target / "tables" / f"{file_name(model)}.json").read_text())
        pks = sorted(str(r[model._meta.pk.attname]) for r in rows)
        if label == "core.journalentry":  # the export journals itself once written
            pks = [p for p in pks if p in expected[label]]
        if pks != expected[label]:
            problems.append(f"{label}: ids differ ({len(pks)} exported, {len(expected[label])})")
        if label != "core.journalentry" and manifest["tables"][label]["rows"] != len(rows):
            problems.append(f"{label}: manifest count differs")
    assert not problems, "\n".join(problems)
    pages = json.loads((target / "tables" / "events.eventsitepage.json").read_text())
    bodies = [p["body"] for p in pages if p["body"]]
    assert bodies and all(isinstance(b, list) and b[0]["type"] for b in bodies)


def test_backup_and_restore_over_the_full_demo(backup_env):
    load_all_demos()
    before = table_digests()
    assert sum(n for n, _h in before.values()) > 1000
    call_command("backup", "--type", "manual")
    backup_id = catalogue.all_backups()[0]["id"]

    from civitas.events.models import Company, Meeting

    Meeting.objects.all().delete()
    Company.objects.filter(pk__in=list(Company.objects.values_list("pk", flat=True)[:5])).delete()
    assert table_digests() != before

    call_command("restore", backup_id, "--yes")
    after = table_digests()
    differing = [t for t in before if before[t] != after.get(t)]
    # the restore journals itself: only the journal may have grown
    assert differing in ([], ["core_journalentry"]), differing
