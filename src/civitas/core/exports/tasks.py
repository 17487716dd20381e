from django_tasks import task

from . import services


@task()
def export_task(job_id, code, fmt, user_id, params, expected):
    """Write a large export to a file attached to the job (progress shown to its owner)."""
    try:
        services.run_background(job_id, code, fmt, user_id, params, expected)
    except Exception as exc:
        from civitas.core import jobs

        jobs.fail(job_id, f"{type(exc).__name__}: {exc}")
        raise
