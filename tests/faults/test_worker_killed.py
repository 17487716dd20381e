"""A task worker killed (SIGKILL) in the middle of a long job: the job is never shown as
complete, its half-written result is not offered, and the reaper turns it into a failure
with a message; a restarted worker does not run it a second time.

Runs a real `manage.py db_worker` process against the test database (a file SQLite database
here, or the PostgreSQL test database when DATABASE_URL is set)."""

import os
import signal
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from civitas.core import jobs
from civitas.core.models import JobProgress

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def worker_env(media: Path) -> dict:
    db = settings.DATABASES["default"]
    if db["ENGINE"].endswith("sqlite3"):
        url = f"sqlite:///{db['NAME']}"
    else:
        host = f"{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}"
        url = f"postgres://{db['USER'] or 'postgres'}@{host}/{db['NAME']}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_URL"))}
    env.update(
        DJANGO_SETTINGS_MODULE="civitas.settings.dev",
        DEBUG="False",
        SECRET_KEY="faults-test-" + "x" * 40,
        DATABASE_URL=url,
        MEDIA_ROOT=str(media),
        PYTHONPATH=str(ROOT / "src"),
    )
    return env


def start_worker(env):
    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.2", "--no-startup-delay"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def wait_for(predicate, timeout=120):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_killed_worker_leaves_no_complete_looking_job(settings, tmp_path, users, client_for):
    from civitas.core.gdpr import tasks

    call_command("load_demo", verbosity=0)
    for cmd in ("load_events_demo",):
        call_command(cmd, verbosity=0)
    settings.MEDIA_ROOT = str(tmp_path / "media")
    # the test settings run tasks inline: queue this one in the database, as production does
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    owner = users["principal"]
    job = jobs.create("gdpr.export_all", "Export complet", owner=owner)
    tasks.export_all_archive.enqueue(str(job.pk), owner.pk, "fr")

    worker = start_worker(worker_env(tmp_path / "media"))
    try:
        started = wait_for(
            lambda: JobProgress.objects.filter(pk=job.pk, status="running", fraction__gt=0).exists()
        )
        assert started, "the worker never started the job"
    finally:
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    job.refresh_from_db()
    assert job.status == JobProgress.Status.RUNNING  # killed: nothing ended it
    download = client_for("principal").get(reverse("core:job_download", args=[job.pk]))
    assert download.status_code == 404

    # nothing happens before the stale delay, then the reaper fails it with a message
    assert jobs.reap_interrupted() == 0
    later = timezone.now() + timedelta(minutes=settings.CIVITAS_JOB_STALE_MINUTES + 1)
    assert jobs.reap_interrupted(now=later) == 1
    job.refresh_from_db()
    assert job.status == JobProgress.Status.FAILED
    assert "Interrompu" in job.message or "Interrupted" in job.message

    # a new worker does not take the killed job up again behind the owner's back
    worker = start_worker(worker_env(tmp_path / "media"))
    time.sleep(5)
    worker.terminate()
    worker.wait(timeout=30)
    job.refresh_from_db()
    assert job.status == JobProgress.Status.FAILED


def test_a_result_is_offered_only_once_its_job_is_done(users, client_for):
    job = jobs.create("exports.test", "Export", owner=users["principal"])
    job.result_file.save("half.csv", ContentFile(b"a,b\n1,"), save=True)
    jobs.update(job.pk, 0.5, "half way")
    url = reverse("core:job_download", args=[job.pk])
    assert client_for("principal").get(url).status_code == 404
    jobs.finish(job.pk, message="done")
    assert client_for("principal").get(url).status_code == 200
