import pytest
from django.urls import reverse

from civitas.core.backups import catalogue
from civitas.core.models import JobProgress, JournalEntry


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_back_up_now_from_the_back_office(backup_env, client_for):
    client = client_for("principal")
    page = client.get(reverse("backups:list"))
    assert page.status_code == 200
    assert "manage.py restore" in page.content.decode()
    assert catalogue.all_backups() == []

    response = client.post(reverse("backups:run"))
    assert response.status_code == 302
    job = JobProgress.objects.get(kind="backup")
    assert job.status == JobProgress.Status.DONE, job.message
    [m] = catalogue.all_backups()
    assert job.message == m["id"]
    assert JournalEntry.objects.filter(action="backup.create", object_id=m["id"]).exists()

    page = client.get(response["Location"]).content.decode()
    assert m["id"] in page and m["sha256"][:16] in page
    assert "job-progress" in page


@pytest.mark.django_db
def test_back_up_now_without_a_key_says_why(settings, tmp_path, client_for):
    settings.CIVITAS_BACKUP_DIR = str(tmp_path)
    settings.CIVITAS_BACKUP_KEY = ""
    client = client_for("principal")
    page = client.get(reverse("backups:list")).content.decode()
    assert "CIVITAS_BACKUP_KEY is not set" in page
    response = client.post(reverse("backups:run"), follow=True)
    assert "CIVITAS_BACKUP_KEY is not set" in response.content.decode()
    assert not JobProgress.objects.exists() and catalogue.all_backups() == []


@pytest.mark.django_db
def test_secondary_admin_sees_neither_screen(client_for):
    client = client_for("secondary")
    assert client.get(reverse("backups:list")).status_code == 403
    assert client.post(reverse("backups:run")).status_code == 403
    assert client.get(reverse("backups:report")).status_code == 403


@pytest.mark.django_db
def test_service_report_page_and_csv(settings, tmp_path, client_for):
    from datetime import datetime

    from django.utils import timezone

    from civitas.core.backups.models import ProbeResult

    settings.CIVITAS_BACKUP_DIR = str(tmp_path)
    tz = timezone.get_current_timezone()
    for minute, ok in [(0, True), (5, False), (10, True), (15, True)]:
        ProbeResult.objects.create(
            at=timezone.make_aware(datetime(2026, 2, 10, 8, minute), tz), ok=ok, url="x"
        )
    client = client_for("principal")
    page = client.get(reverse("backups:report"), {"month": "2026-02"}).content.decode()
    assert "75,0 %" in page or "75.0 %" in page
    assert "février 2026" in page.lower() or "february 2026" in page.lower()
    bad = client.get(reverse("backups:report"), {"month": "février"}).content.decode()
    assert 'class="error-text"' in bad and 'value="février"' in bad  # typed value kept

    csv = client.get(reverse("backups:report_csv"), {"month": "2026-02"})
    text = csv.content.decode("utf-8-sig")
    assert csv["Content-Disposition"].endswith('service-report-2026-02.csv"')
    assert "availability;percent;75.0" in text
    assert (
        "incident;1;failed checks;2026-02-10T08:05:00+01:00;2026-02-10T08:10:00+01:00;300" in text
    )
    assert JournalEntry.objects.filter(action="export.service_report").exists()
