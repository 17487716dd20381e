"""Background jobs of the events module, each a thin call of a service.

Services enqueue these jobs with a lazy import (`from ..tasks import schedule_event` inside
the function), so this module may import the services at the top without an import circle.
"""

from django.utils.translation import gettext as _
from django_tasks import task

from civitas.core import audit, jobs

from .models import Event, ScheduleRun
from .services import ServiceError, agenda_pdf, scheduling, webhooks


@task()
@audit.job_actor
def schedule_event(run_id: int, progress_id: str):
    run = ScheduleRun.objects.select_related("event").get(pk=run_id)
    try:
        run = scheduling.run_now(run, progress_id)
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
    return webhooks.deliver(ids)


# --- Agendas: zip of all PDF agendas, mailing of the personal links ---------------------------


def _run_with_progress(progress_id, work):
    def progress(done, total):
        jobs.update(progress_id, done / total, f"{done} / {total}")

    try:
        return work(progress)
    except Exception as exc:
        jobs.fail(progress_id, _("The job failed: %(error)s") % {"error": type(exc).__name__})
        raise


@task()
@audit.job_actor
def build_agendas_zip(event_id: int, progress_id: str):
    event = Event.objects.get(pk=event_id)
    content, count = _run_with_progress(progress_id, lambda p: agenda_pdf.build_zip(event, p))
    jobs.finish(
        progress_id,
        file_name=f"agendas-{event.slug}.zip",
        content=content,
        message=_("%(count)s agendas") % {"count": count},
    )


@task()
@audit.job_actor
def build_agendas_pdf(event_id: int, progress_id: str, q: str = ""):
    """The agendas of an event (or of the people matching `q`) as one PDF to print."""
    event = Event.objects.get(pk=event_id)
    content, count = _run_with_progress(
        progress_id, lambda p: agenda_pdf.build_one_pdf(event, p, q=q)
    )
    jobs.finish(
        progress_id,
        file_name=f"agendas-{event.slug}.pdf",
        content=content,
        message=_("%(count)s agendas") % {"count": count},
    )


@task()
@audit.job_actor
def mail_agenda_links(event_id: int, progress_id: str):
    event = Event.objects.get(pk=event_id)
    count = _run_with_progress(progress_id, lambda p: agenda_pdf.mail_links(event, progress_id, p))
    jobs.finish(progress_id, message=_("%(count)s messages queued") % {"count": count})


@task()
@audit.job_actor
def print_badges(event_id: int, progress_id: str):
    """All the badges of an event, as one PDF (services/badges.py)."""
    from .services import badges

    event = Event.objects.get(pk=event_id)
    content, count = _run_with_progress(progress_id, lambda p: badges.build_batch(event, p))
    jobs.finish(
        progress_id,
        file_name=badges.badge_file_name(event),
        content=content,
        message=_("%(count)s badges") % {"count": count},
    )


@task()
@audit.job_actor
def settle_orders(order_ids: list, progress_id: str):
    from .services import checkout

    try:
        n = checkout.settle_many(order_ids, progress_id=progress_id)
    except Exception as exc:
        jobs.fail(progress_id, f"{type(exc).__name__}: {exc}")
        raise
    jobs.finish(progress_id, message=_("%(n)s order(s) settled and invoiced.") % {"n": n})
