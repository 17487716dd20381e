import csv
import datetime as dt
import io

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from civitas.core.exports import services
from civitas.core.exports.models import ScheduledExport
from civitas.core.models import JournalEntry, Unit

pytestmark = pytest.mark.django_db


@pytest.fixture
def export_dir(settings, tmp_path):
    root = tmp_path / "deliveries"
    root.mkdir()
    settings.CIVITAS_EXPORT_DIR = str(root)
    return root


def create(client, **data):
    payload = {
        "name": "Journal quotidien",
        "exporter": "core.users",
        "format": "csv",
        "period": "daily",
        "delivery": "directory",
        "recipients": "",
        "directory": "rh/hebdo",
        "filters": "q=example",
    }
    payload.update(data)
    return client.post(reverse("exports:schedule_create"), payload)


def test_scheduled_export_delivered_to_directory(client_for, export_dir, users):
    c = client_for("principal")
    response = create(c)
    assert response.status_code == 302
    schedule = ScheduledExport.objects.get()
    assert schedule.params == {"q": "example"}
    assert schedule.owner == users["principal"]

    now = timezone.now() + dt.timedelta(seconds=1)
    message = services.run_due_schedules(now)
    assert message.startswith("1 scheduled export(s) delivered")
    files = list((export_dir / "rh" / "hebdo").iterdir())
    assert len(files) == 1 and files[0].suffix == ".csv"
    rows = list(csv.reader(io.StringIO(files[0].read_text("utf-8-sig")), delimiter=";"))
    assert {r[0] for r in rows[1:]} == {
        "participant@example.org",
        "secondary@example.org",
        "principal@example.org",
    }
    schedule.refresh_from_db()
    assert schedule.last_status == "ok"
    assert schedule.next_run > now
    entry = JournalEntry.objects.get(action="export.core.users")
    assert entry.details["scheduled"] == schedule.pk and entry.details["rows"] == 3
    # not due any more: nothing runs again in the same period
    assert services.run_due_schedules(now).startswith("0 scheduled")
    assert len(list((export_dir / "rh" / "hebdo").iterdir())) == 1
    # the periodic job runs due ones a day later
    services.run_due_schedules(now + dt.timedelta(days=1, minutes=1))
    assert len(list((export_dir / "rh" / "hebdo").iterdir())) == 2


@pytest.mark.parametrize("directory", ["../outside", "/etc", "a/../../b", "C:\\temp"])
def test_directory_must_stay_under_export_root(client_for, export_dir, directory):
    response = create(client_for("principal"), directory=directory)
    assert response.status_code == 200
    assert not ScheduledExport.objects.exists()
    assert "export directory" in response.content.decode()
    # the form keeps what was typed
    assert "Journal quotidien" in response.content.decode()


def test_directory_delivery_disabled_without_root(client_for, settings):
    settings.CIVITAS_EXPORT_DIR = ""
    response = create(client_for("principal"))
    assert "CIVITAS_EXPORT_DIR" in response.content.decode()
    assert not ScheduledExport.objects.exists()


def test_scheduled_export_by_email_and_run_now(client_for, unit_tree):
    c = client_for("principal")
    response = create(
        c,
        delivery="email",
        recipients="archives@example.org\nrh@example.org",
        exporter="core.journal",
        format="xlsx",
        filters="",
    )
    assert response.status_code == 302
    schedule = ScheduledExport.objects.get()
    response = c.post(reverse("exports:schedule_run", args=[schedule.pk]))
    assert response.status_code == 302
    schedule.refresh_from_db()
    assert schedule.last_status == "ok", schedule.last_message
    via = JournalEntry.objects.get(action="export.core.journal").details["via"]
    if via == "django":
        assert len(mail.outbox) == 1
        message = mail.outbox[0]
        assert message.to == ["archives@example.org", "rh@example.org"]
        name, content, mimetype = message.attachments[0]
        assert name.endswith(".xlsx") and content.startswith(b"PK")
    else:
        assert via == "outbox"


def test_owner_without_permission_fails_cleanly(client_for, users, export_dir):
    schedule = ScheduledExport.objects.create(
        name="x",
        exporter="core.users",
        format="csv",
        period="weekly",
        delivery="directory",
        directory="",
        owner=users["secondary"],
        next_run=timezone.now(),
    )
    services.run_due_schedules()
    schedule.refresh_from_db()
    assert schedule.last_status == "error"
    assert "no longer" in schedule.last_message
    assert list(export_dir.iterdir()) == []
    assert Unit.objects.count() == 0


def test_delete_and_list(client_for, users):
    schedule = ScheduledExport.objects.create(
        name="À supprimer",
        exporter="core.journal",
        format="json",
        period="monthly",
        delivery="email",
        recipients="a@example.org",
        owner=users["principal"],
        next_run=timezone.now(),
    )
    c = client_for("principal")
    assert "À supprimer" in c.get(reverse("exports:schedules")).content.decode()
    assert c.post(reverse("exports:schedule_delete", args=[schedule.pk])).status_code == 302
    assert not ScheduledExport.objects.exists()
    assert JournalEntry.objects.filter(action="exports.schedule_deleted").exists()
    assert client_for("secondary").get(reverse("exports:schedules")).status_code == 403


def test_monthly_period_handles_month_ends():
    start = timezone.make_aware(dt.datetime(2026, 1, 31, 6, 0))
    nxt = services.next_run_after("monthly", start)
    assert timezone.localtime(nxt).date() == dt.date(2026, 2, 28)
