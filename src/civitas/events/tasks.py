from django_tasks import task


@task()
def schedule_event(run_id: int, progress_id: str):
    from civitas.core import jobs

    from .models import ScheduleRun
    from .services import ServiceError
    from .services.scheduling import run_now

    run = ScheduleRun.objects.select_related("event").get(pk=run_id)
    try:
        run = run_now(run, progress_id)
    except ServiceError as exc:
        ScheduleRun.objects.filter(pk=run_id).update(
            status=ScheduleRun.Status.FAILED, message=str(exc)
        )
        jobs.fail(progress_id, str(exc))
        return
    except Exception as exc:
        ScheduleRun.objects.filter(pk=run_id).update(
            status=ScheduleRun.Status.FAILED, message=f"{type(exc).__name__}: {exc}"
        )
        jobs.fail(progress_id, f"{type(exc).__name__}: {exc}")
        raise
    jobs.finish(progress_id, message=f"{run.scheduled}/{run.requested}")


@task()
def deliver_webhooks(ids: list[int]) -> dict:
    """POST these webhook deliveries (see services/webhooks.py)."""
    from .services.webhooks import deliver

    return deliver(ids)
