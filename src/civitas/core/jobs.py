"""Progress reporting for long background jobs.

    progress = jobs.create("export", _("Export of participants"), owner=request.user)
    my_task.enqueue(progress_id=str(progress.pk), ...)
    # in the task:
    jobs.update(progress_id, 0.4, "4,000 / 10,000 rows")
    jobs.finish(progress_id, file_name="export.csv", content=b"...")   # or result_url=...
    jobs.fail(progress_id, "The template has an unknown field: {{ foo }}")

The page includes "core/includes/job_progress.html" with `job`; it polls
core:job_status with HTMX every second until the job is finished.
"""

from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import JobProgress


def create(kind, label, owner=None) -> JobProgress:
    return JobProgress.objects.create(kind=kind, label=str(label)[:200], owner=owner)


def update(job_id, fraction: float, message: str = "") -> None:
    JobProgress.objects.filter(pk=job_id).update(
        status=JobProgress.Status.RUNNING,
        fraction=max(0.0, min(1.0, fraction)),
        message=str(message)[:300],
        updated_at=timezone.now(),
    )


def finish(job_id, *, file_name=None, content=None, result_url="", message="") -> JobProgress:
    job = JobProgress.objects.get(pk=job_id)
    if file_name is not None and content is not None:
        job.result_file.save(file_name, ContentFile(content), save=False)
    job.result_url = result_url
    job.status = JobProgress.Status.DONE
    job.fraction = 1.0
    job.message = str(message)[:300]
    job.finished_at = job.updated_at = timezone.now()
    job.save()
    return job


def fail(job_id, message: str) -> None:
    JobProgress.objects.filter(pk=job_id).update(
        status=JobProgress.Status.FAILED,
        message=str(message)[:300],
        finished_at=timezone.now(),
        updated_at=timezone.now(),
    )


def reap_interrupted(now=None) -> int:
    """Fail the jobs whose worker died: running without progress for
    CIVITAS_JOB_STALE_MINUTES, or queued and never started for CIVITAS_JOB_QUEUED_MAX_HOURS.

    Their owner then sees a failure with a message instead of a bar that never moves; a
    half-written result is never shown as complete (only `finish` marks a job done).
    """
    now = now or timezone.now()
    stale = now - timedelta(minutes=settings.CIVITAS_JOB_STALE_MINUTES)
    never = now - timedelta(hours=settings.CIVITAS_JOB_QUEUED_MAX_HOURS)
    running = JobProgress.objects.filter(status=JobProgress.Status.RUNNING, updated_at__lt=stale)
    queued = JobProgress.objects.filter(status=JobProgress.Status.QUEUED, updated_at__lt=never)
    n = running.update(
        status=JobProgress.Status.FAILED,
        message=_(
            "Interrupted: the background worker stopped during this job (no progress for "
            "%(n)d minutes). Nothing was kept from it: start it again."
        )
        % {"n": settings.CIVITAS_JOB_STALE_MINUTES},
        finished_at=now,
    )
    n += queued.update(
        status=JobProgress.Status.FAILED,
        message=_("Never started: no background worker took this job. Start it again."),
        finished_at=now,
    )
    return n
