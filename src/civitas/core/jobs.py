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

from django.core.files.base import ContentFile
from django.utils import timezone

from .models import JobProgress


def create(kind, label, owner=None) -> JobProgress:
    return JobProgress.objects.create(kind=kind, label=str(label)[:200], owner=owner)


def update(job_id, fraction: float, message: str = "") -> None:
    JobProgress.objects.filter(pk=job_id).update(
        status=JobProgress.Status.RUNNING,
        fraction=max(0.0, min(1.0, fraction)),
        message=str(message)[:300],
    )


def finish(job_id, *, file_name=None, content=None, result_url="", message="") -> JobProgress:
    job = JobProgress.objects.get(pk=job_id)
    if file_name is not None and content is not None:
        job.result_file.save(file_name, ContentFile(content), save=False)
    job.result_url = result_url
    job.status = JobProgress.Status.DONE
    job.fraction = 1.0
    job.message = str(message)[:300]
    job.finished_at = timezone.now()
    job.save()
    return job


def fail(job_id, message: str) -> None:
    JobProgress.objects.filter(pk=job_id).update(
        status=JobProgress.Status.FAILED, message=str(message)[:300], finished_at=timezone.now()
    )
