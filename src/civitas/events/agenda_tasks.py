"""Background jobs of the agendas: zip of all PDF agendas, mailing of the personal links."""

from django.utils.translation import gettext as _
from django_tasks import task


def _run(progress_id, work):
    from civitas.core import jobs

    def progress(done, total):
        jobs.update(progress_id, done / total, f"{done} / {total}")

    try:
        return work(progress)
    except Exception as exc:
        jobs.fail(progress_id, _("The job failed: %(error)s") % {"error": type(exc).__name__})
        raise


@task()
def build_agendas_zip(event_id: int, progress_id: str):
    from civitas.core import jobs

    from .models import Event
    from .services import agenda_pdf

    event = Event.objects.get(pk=event_id)
    content, count = _run(progress_id, lambda p: agenda_pdf.build_zip(event, p))
    jobs.finish(
        progress_id,
        file_name=f"agendas-{event.slug}.zip",
        content=content,
        message=_("%(count)s agendas") % {"count": count},
    )


@task()
def mail_agenda_links(event_id: int, progress_id: str):
    from civitas.core import jobs

    from .models import Event
    from .services import agenda_pdf

    event = Event.objects.get(pk=event_id)
    count = _run(progress_id, lambda p: agenda_pdf.mail_links(event, p))
    jobs.finish(progress_id, message=_("%(count)s messages queued") % {"count": count})
