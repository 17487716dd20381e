"""A process killed (SIGKILL) in the middle of the long jobs of the events module: a
scheduling run, the agendas zip, the preparation of a mailing, the mailing of the agenda links.

Each job runs in a real separate Python process against the test database (a file SQLite
database, or the PostgreSQL test database when DATABASE_URL is set). The process kills itself
at a chosen point inside the job, which makes the kill land exactly where a real one would do
the most harm: after some rows were written, before the job ends. Then the test checks what
the organiser sees and what a new run does: the job ends as failed with a message or is taken
up again, nothing half-written is presented as complete, nobody is mailed twice.
"""

import subprocess
import sys
import textwrap
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from civitas.core import jobs
from civitas.core.models import JobProgress
from civitas.core.outbox.models import Mailing, Message
from civitas.events.models import (
    AgendaLinksMailing,
    Company,
    Meeting,
    MeetingRequest,
    Representative,
    Room,
    ScheduleRun,
    Slot,
)
from civitas.events.services import agenda_pdf, mailing, scheduling
from tests.events.conftest import make_company, make_event
from tests.faults.test_worker_killed import worker_env

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

# Runs in the child process: set Django up, let `patch` plant the kill, run the job.
CHILD = """
import os, signal, sys
import django
django.setup()

def die(*args, **kwargs):
    os.kill(os.getpid(), signal.SIGKILL)

{patch}
{job}
sys.exit(0)  # reaching this line means the kill never happened
"""


def run_killed(tmp_path, patch: str, job: str) -> int:
    """Run `job` in a child process where `patch` plants a SIGKILL; returns its exit code."""
    script = CHILD.format(patch=textwrap.dedent(patch), job=textwrap.dedent(job))
    proc = subprocess.run(
        [sys.executable, "-c", script],
        cwd=ROOT,
        env=worker_env(tmp_path / "media"),
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == -9, proc.stderr[-3000:]  # killed, not ended
    return proc.returncode


def _event_with_requests(slug, n=4):
    event = make_event(slug, tables=10)
    reps = [make_company(event, f"Société {i}").representatives.get() for i in range(n)]
    for a, b in zip(reps, reps[1:], strict=False):
        MeetingRequest.objects.create(
            event=event, sender=a, recipient=b, state=MeetingRequest.State.CONFIRMED
        )
    return event, reps


def _later():
    return timezone.now() + timedelta(minutes=settings.CIVITAS_JOB_STALE_MINUTES + 1)


def test_killed_scheduling_run_keeps_nothing_and_does_not_block_the_next_run(
    tmp_path, users, client_for, django_capture_on_commit_callbacks
):
    event, reps = _event_with_requests("kill-sched")
    job = jobs.create("events.scheduling", "Planification", owner=users["principal"])
    run = ScheduleRun.objects.create(event=event, job_id=str(job.pk))
    jobs.update(job.pk, 0.05, "started")  # as the worker's first progress report does
    # Killed when the result is about to be saved: the meetings are already written in the
    # transaction of apply_result.
    run_killed(
        tmp_path,
        patch="""
        from civitas.events.models import ScheduleRun
        ScheduleRun.save = die
        """,
        job=f"""
        from civitas.events import tasks
        tasks.schedule_event.call({run.pk}, "{job.pk}")
        """,
    )
    assert not Meeting.objects.filter(event=event).exists()  # nothing half-applied
    run.refresh_from_db()
    assert run.status == ScheduleRun.Status.RUNNING
    # While the job may still be alive, nothing changes and a second run is refused.
    assert scheduling.settle_interrupted(event) == 0
    with pytest.raises(scheduling.ServiceError):
        scheduling.start(event)

    # The reaper fails the job; the run follows it, with the job's message.
    assert jobs.reap_interrupted(now=_later()) == 1
    page = client_for("principal").get(reverse("events:bo_scheduling", kwargs={"pk": event.pk}))
    assert page.status_code == 200
    run.refresh_from_db()
    assert run.status == ScheduleRun.Status.FAILED
    assert "Interrompu" in run.message or "Interrupted" in run.message
    download = client_for("principal").get(reverse("core:job_download", args=[job.pk]))
    assert download.status_code == 404

    # A new run can start, and places the meetings once.
    with django_capture_on_commit_callbacks(execute=True):
        again = scheduling.start(event)
    again.refresh_from_db()
    assert again.status == ScheduleRun.Status.DRAFT
    assert Meeting.objects.filter(event=event, state=Meeting.State.SCHEDULED).count() == 3


def test_killed_agendas_zip_offers_no_half_written_archive(tmp_path, users, client_for):
    event, reps = _event_with_requests("kill-zip")
    scheduling.run_now(ScheduleRun.objects.create(event=event), time_limit=10)
    Meeting.objects.filter(event=event).update(published=True)
    job = jobs.create("events.agendas_zip", "Agendas", owner=users["principal"])
    # Killed after the second of four agendas was written into the archive.
    run_killed(
        tmp_path,
        patch="""
        from civitas.core import jobs
        real_update = jobs.update
        def update(pk, fraction, message=""):
            real_update(pk, fraction, message)
            if fraction >= 0.5:
                die()
        jobs.update = update
        """,
        job=f"""
        from civitas.events import tasks
        tasks.build_agendas_zip.call({event.pk}, "{job.pk}")
        """,
    )
    job.refresh_from_db()
    assert job.status == JobProgress.Status.RUNNING and 0 < job.fraction < 1
    assert not job.result_file
    url = reverse("core:job_download", args=[job.pk])
    assert client_for("principal").get(url).status_code == 404
    assert jobs.reap_interrupted(now=_later()) == 1
    job.refresh_from_db()
    assert job.status == JobProgress.Status.FAILED and job.message
    assert client_for("principal").get(url).status_code == 404


def test_killed_mailing_preparation_is_taken_up_again_and_mails_everyone_once(tmp_path):
    event, reps = _event_with_requests("kill-mail", n=6)
    (created,) = mailing.send(event, {}, subject="Programme", body="Bonjour {{ name }}")
    # send() enqueues the preparation on commit; the test settings run tasks inline, so it is
    # already prepared: start again from a fresh mailing in "preparing", as the worker sees it.
    Message.objects.filter(mailing=created).delete()
    Mailing.objects.filter(pk=created.pk).update(state=Mailing.State.PREPARING, total=0)
    # Killed while the fourth of six messages is being rendered.
    run_killed(
        tmp_path,
        patch="""
        from civitas.core.outbox import services
        real = services._mailing_context
        calls = []
        def context(*args, **kwargs):
            calls.append(1)
            if len(calls) == 4:
                die()
            return real(*args, **kwargs)
        services._mailing_context = context
        """,
        job=f"""
        from civitas.core.outbox import services
        services.prepare_mailing({created.pk})
        """,
    )
    created.refresh_from_db()
    assert created.state == Mailing.State.PREPARING  # not "sending" with nobody to send to
    assert not Message.objects.filter(mailing=created).exists()

    from civitas.core.outbox import services as outbox

    assert outbox.resume_stalled_mailings() == 0  # not stale yet
    created.refresh_from_db()
    Mailing.objects.filter(pk=created.pk).update(
        created_at=timezone.now() - timedelta(minutes=settings.CIVITAS_JOB_STALE_MINUTES + 1)
    )
    assert outbox.resume_stalled_mailings() == 1  # runs inline in the test settings
    created.refresh_from_db()
    assert created.state in (Mailing.State.SENDING, Mailing.State.DONE)
    addresses = list(Message.objects.filter(mailing=created).values_list("to", flat=True))
    assert sorted(addresses) == sorted(r.email for r in reps)  # everyone, once
    # A duplicated task finds nothing left to prepare.
    assert outbox.prepare_mailing(created.pk) == 0
    assert Message.objects.filter(mailing=created).count() == len(reps)


def _event_with_published_meetings(slug, n=30):
    """`n` people (made directly: no registration mails) in n / 2 published meetings."""
    event = make_event(slug, tables=n // 2)
    slot = Slot.objects.filter(session__day__event=event).order_by("start").first()
    room = Room.objects.get(site__event=event)
    reps = []
    for i in range(n):
        company = Company.objects.create(
            event=event, name=f"Société {i:02d}", status=Company.Status.VALIDATED
        )
        reps.append(
            Representative.objects.create(
                company=company, first_name="P", last_name=f"Nom {i:02d}", email=f"p{i}@x.example"
            )
        )
    for table, (a, b) in enumerate(zip(reps[::2], reps[1::2], strict=True), start=1):
        request = MeetingRequest.objects.create(
            event=event, sender=a, recipient=b, state=MeetingRequest.State.CONFIRMED
        )
        Meeting.objects.create(
            event=event, request=request, slot=slot, room=room, table_number=table, published=True
        )
    return event, reps


def _links_job_killed_at_the_15th_message(tmp_path, users, monkeypatch, slug):
    """A links mailing for 30 people whose worker is killed while the 15th message is being
    queued (the 14 before it are committed)."""
    event, reps = _event_with_published_meetings(slug)
    from civitas.events import tasks

    with monkeypatch.context() as patched:  # the task runs in the killed worker, not here
        patched.setattr(tasks, "mail_agenda_links", SimpleNamespace(enqueue=lambda *a: None))
        job = agenda_pdf.start(event, "mail", user=users["principal"])
    run_killed(
        tmp_path,
        patch="""
        from civitas.core.outbox import services
        real = services.queue_email
        calls = []
        def queue_email(*args, **kwargs):
            message = real(*args, **kwargs)
            calls.append(message)
            if len(calls) == 15:
                die()
            return message
        services.queue_email = queue_email
        """,
        job=f"""
        from civitas.events import tasks
        tasks.mail_agenda_links.call({event.pk}, "{job.pk}")
        """,
    )
    links = Message.objects.filter(template_code="events.agenda_reissued")
    assert links.count() == 14  # the 15th was not committed
    return event, reps, job, links


def _mailed_once(reps, links, job):
    assert sorted(links.values_list("to", flat=True)) == sorted(r.email for r in reps)
    job.refresh_from_db()
    assert job.status == JobProgress.Status.DONE
    assert job.message.startswith("30 ")  # "30 messages queued", counting both runs


def test_killed_links_mailing_run_again_mails_nobody_twice(tmp_path, users, monkeypatch):
    event, reps, job, links = _links_job_killed_at_the_15th_message(
        tmp_path, users, monkeypatch, "kill-links"
    )
    from civitas.events import tasks

    # The same job run again (its task retried or enqueued a second time).
    tasks.mail_agenda_links.call(event.pk, str(job.pk))
    _mailed_once(reps, links, job)
    tasks.mail_agenda_links.call(event.pk, str(job.pk))  # and once more, after its end
    assert links.count() == len(reps)


def test_stalled_links_mailing_is_taken_up_again_and_finishes(tmp_path, users, monkeypatch):
    event, reps, job, links = _links_job_killed_at_the_15th_message(
        tmp_path, users, monkeypatch, "stall-links"
    )
    job.refresh_from_db()
    assert job.status == JobProgress.Status.RUNNING and job.message == "14 / 30"
    assert agenda_pdf.resume_stalled_links() == 0  # not stale yet
    # The reaper may fail the job first; it is taken up all the same (inline in the tests).
    assert jobs.reap_interrupted(now=_later()) == 1
    assert agenda_pdf.resume_stalled_links(now=_later()) == 1
    _mailed_once(reps, links, job)
    run = AgendaLinksMailing.objects.get(job_id=str(job.pk))
    assert run.state == AgendaLinksMailing.State.DONE and run.total == len(reps)
    assert agenda_pdf.resume_stalled_links(now=_later()) == 0  # nothing left to take up
