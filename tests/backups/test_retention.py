from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.management import call_command

from civitas.core.backups import catalogue, services


def fake(day: date, kind: str, n: int = 0) -> dict:
    created = datetime(day.year, day.month, day.day, 2, 0, n % 60, tzinfo=UTC)
    m = {
        "id": f"{created:%Y%m%dT%H%M%SZ}-{n:06x}",
        "created_at": created.isoformat(),
        "type": kind,
        "engine": "sqlite",
        "file": f"{created:%Y%m%dT%H%M%SZ}-{n:06x}.cbak",
        "size": 3,
        "sha256": "0" * 64,
        "tables": {},
        "verified_ok": None,
        "verified_at": None,
    }
    (catalogue.directory() / m["file"]).write_bytes(b"abc")
    catalogue.save(m)
    return m


def test_kind_of_the_scheduled_backup():
    assert services.kind_for(date(2026, 11, 1)) == "monthly"  # a Sunday, but the 1st wins
    assert services.kind_for(date(2026, 11, 8)) == "weekly"
    assert services.kind_for(date(2026, 11, 9)) == "daily"


def test_prune_keeps_7_daily_4_weekly_3_monthly_and_every_manual(settings, tmp_path):
    settings.CIVITAS_BACKUP_DIR = str(tmp_path)
    first = date(2026, 6, 1)
    days = [first + timedelta(days=i) for i in range(150)]  # to 2026-10-28
    made = [fake(d, services.kind_for(d)) for d in days]
    manual = [fake(date(2026, 3, 3), "manual", 1), fake(date(2026, 10, 1), "manual", 2)]

    deleted = services.prune()

    left = {m["id"] for m in catalogue.all_backups()}
    expect_days = sorted(d for d in days if services.kind_for(d) == "daily")[-7:]
    expect_weeks = sorted(d for d in days if services.kind_for(d) == "weekly")[-4:]
    expect_months = [date(2026, 8, 1), date(2026, 9, 1), date(2026, 10, 1)]
    expected = {
        m["id"]
        for m in made
        if date.fromisoformat(m["created_at"][:10])
        in set(expect_days) | set(expect_weeks) | set(expect_months)
    }
    expected |= {m["id"] for m in manual}
    assert left == expected
    assert len(left) == 7 + 4 + 3 + 2
    assert len(deleted) == len(made) - 14
    # the archives went with their manifests, and the index follows
    assert sorted(p.stem for p in tmp_path.glob("*.cbak")) == sorted(left)
    assert {e["id"] for e in catalogue.all_backups()} == left
    assert expect_days[-1] == date(2026, 10, 28) and expect_weeks[-1] == date(2026, 10, 25)


@pytest.mark.django_db
def test_prune_and_delete_commands(settings, tmp_path, capsys):
    settings.CIVITAS_BACKUP_DIR = str(tmp_path)
    for i in range(9):
        fake(date(2026, 5, 2 + i), "daily", i)
    keep = fake(date(2026, 1, 2), "manual", 99)
    call_command("backups", "prune")
    assert "2 backup(s) deleted" in capsys.readouterr().out
    call_command("backups", "delete", keep["id"])
    assert f"Backup {keep['id']} deleted" in capsys.readouterr().out
    call_command("backups", "list")
    out = capsys.readouterr().out
    assert keep["id"] not in out and out.count("daily") == 7


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_daily_periodic_job_backs_up_prunes_and_journals(backup_env):
    from django.utils import timezone

    from civitas.core import periodic
    from civitas.core.models import JournalEntry, PeriodicRun

    today = timezone.localdate()
    kind = services.kind_for(today)
    for i in range(10):  # older scheduled backups of today's type, beyond the policy
        fake(today - timedelta(days=40 + i), kind, i)

    assert periodic.run_due(only="backups.daily") == [("backups.daily", "ok")]
    run = PeriodicRun.objects.get(name="backups.daily")
    assert run.last_status == "ok", run.last_message
    same = [m for m in catalogue.all_backups() if m["type"] == kind]
    keep = {"daily": 7, "weekly": 4, "monthly": 3}[kind]
    assert len(same) == keep
    newest = same[0]
    assert newest["tables"] and newest["size"] > 0  # the real one just taken is kept
    assert JournalEntry.objects.filter(action="backup.create", object_id=newest["id"]).exists()
    # not due again within the day
    assert periodic.run_due(only="backups.daily") == []
