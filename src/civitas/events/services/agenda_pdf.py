"""Agendas as PDF (WeasyPrint through civitas.core.documents): one person's agenda, all the
agendas of an event (or of the people matching a search) as a zip or as one PDF to print
(background tasks with a progress bar), and the mail that gives each person the link to
their own PDF (through the outbox), exactly once per person and per job."""

from __future__ import annotations

import hashlib
import io
import zipfile
from datetime import timedelta

from django.conf import settings
from django.core.cache import caches
from django.db import IntegrityError, transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from pypdf import PdfWriter

from civitas.core import jobs, journal
from civitas.core.documents import pdf
from civitas.core.sites import absolute_url

from ..models import AgendaLinkSent, AgendaLinksMailing, Company, Meeting, Representative
from . import agenda, notify

TEMPLATE = "events/agenda_pdf/agenda.html"
# A cached PDF is found again by its content: nothing to invalidate, an old one is just no
# longer asked for and leaves the cache after this delay (or sooner, when the cache is full).
CACHE_SECONDS = 24 * 3600


def render(rep: Representative) -> bytes:
    """The published meetings of `rep`, day by day: time, other party, room, table.

    WeasyPrint is slow (about half a second for 40 meetings) while the page it prints is
    quick to write: the PDF is cached under the person and a hash of that page written
    without its print time. Any change that shows in the PDF (a meeting added, cancelled
    or moved, another time, room or table, a name, the language) changes the hash, so the
    next download is printed afresh; until then the same PDF is served, and its "agenda as
    of" time, when it was printed, is still true."""
    event = rep.company.event
    days = agenda.by_day(rep, published_only=True)
    context = {
        "event": event,
        "rep": rep,
        "days": days,
        "count": sum(len(items) for _day, items in days),
        "title": _("Agenda of %(name)s") % {"name": rep.full_name},
        "printed_at": None,
    }
    content = pdf.render_html(TEMPLATE, context)
    key = f"events.agenda_pdf:{rep.pk}:{hashlib.sha256(content.encode()).hexdigest()}"
    document = caches["local"].get(key)
    if document is None:
        context["printed_at"] = timezone.localtime()
        document = pdf.html_to_pdf(pdf.render_html(TEMPLATE, context))
        caches["local"].set(key, document, CACHE_SECONDS)
    return document


def file_name(rep: Representative) -> str:
    name = slugify(f"{rep.last_name}-{rep.first_name}") or "agenda"
    return f"agenda-{name}-{rep.pk}.pdf"


def people_with_meetings(event):
    """Representatives of the event's validated companies with at least one published
    meeting, by name."""
    theirs = Meeting.objects.filter(
        state=Meeting.State.SCHEDULED, published=True, event=event
    ).filter(Q(request__sender=OuterRef("pk")) | Q(request__recipient=OuterRef("pk")))
    return (
        Representative.objects.filter(
            company__event=event, company__status=Company.Status.VALIDATED
        )
        .filter(Exists(theirs))
        .select_related("company__event", "user")
        .order_by("last_name", "first_name", "pk")
    )


def matching(event, q: str = ""):
    """The people whose agendas are printed: everyone with a published meeting, or those
    whose name, e-mail or company contains `q`."""
    people = people_with_meetings(event)
    q = (q or "").strip()
    if q:
        people = people.filter(
            Q(first_name__icontains=q)
            | Q(last_name__icontains=q)
            | Q(email__icontains=q)
            | Q(company__name__icontains=q)
        )
    return people


def build_one_pdf(event, progress=None, q: str = "") -> tuple[bytes, int]:
    """The agendas of `matching(event, q)` in one PDF, each starting on a new page (the
    per-person agenda, so both always read the same)."""
    people = list(matching(event, q))
    writer = PdfWriter()
    for done, rep in enumerate(people, start=1):
        writer.append(io.BytesIO(render(rep)))
        if progress:
            progress(done, len(people))
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue(), len(people)


def build_zip(event, progress=None) -> tuple[bytes, int]:
    people = list(people_with_meetings(event))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for done, rep in enumerate(people, start=1):
            archive.writestr(file_name(rep), render(rep))
            if progress:
                progress(done, len(people))
    return buffer.getvalue(), len(people)


def link(rep: Representative) -> str:
    """The personal download link mailed to `rep` (the same secret as their calendar feed)."""
    return absolute_url("events:agenda_pdf_link", token=rep.calendar_token)


def mail_links(event, job_id, progress=None) -> int:
    """Mail each person with a published meeting the link to their agenda, once per person
    in the job `job_id` (the id of its JobProgress); returns how many people the job mailed.

    Each person's AgendaLinkSent row (unique per job and person) is inserted in the
    transaction that queues their message: a job run again (its task retried or duplicated,
    or taken up by `resume_stalled_links` after its worker was killed) skips the people
    already mailed, and a worker killed before the commit leaves neither the row nor the
    message, so the next run mails that person. The count includes the earlier runs."""
    run, _created = AgendaLinksMailing.objects.get_or_create(
        job_id=str(job_id), defaults={"event": event}
    )
    if run.state != AgendaLinksMailing.State.RUNNING:
        return run.total  # a duplicated task after the end: nothing left to do
    people = list(people_with_meetings(event))
    try:
        for done, rep in enumerate(people, start=1):
            with transaction.atomic():
                try:
                    with transaction.atomic():
                        AgendaLinkSent.objects.create(mailing=run, representative=rep)
                except IntegrityError:
                    pass  # already mailed by this job (an earlier run, another worker)
                else:
                    notify.tell(
                        rep, "events.agenda_reissued", sms=False, extra={"agenda_url": link(rep)}
                    )
                    AgendaLinksMailing.objects.filter(pk=run.pk).update(updated_at=timezone.now())
            if progress:
                progress(done, len(people))
    except Exception:
        AgendaLinksMailing.objects.filter(pk=run.pk).update(
            state=AgendaLinksMailing.State.FAILED, finished_at=timezone.now()
        )
        raise
    total = run.sent.count()
    now = timezone.now()
    AgendaLinksMailing.objects.filter(pk=run.pk, state=AgendaLinksMailing.State.RUNNING).update(
        state=AgendaLinksMailing.State.DONE, total=total, finished_at=now, updated_at=now
    )
    return total


def resume_stalled_links(now=None) -> int:
    """Enqueue again the links mailings still running without a heartbeat for
    CIVITAS_JOB_STALE_MINUTES: their worker was killed or their task lost. The new task skips
    the people already mailed. Returns how many were taken up."""
    from civitas.core.models import JobProgress

    from ..tasks import mail_agenda_links

    now = now or timezone.now()
    stale = now - timedelta(minutes=settings.CIVITAS_JOB_STALE_MINUTES)
    resumed = 0
    stalled = AgendaLinksMailing.objects.filter(
        state=AgendaLinksMailing.State.RUNNING, updated_at__lt=stale
    )
    for run in stalled:
        # Claimed by moving the heartbeat: another scheduler, or the next period while the
        # task waits in the queue, does not enqueue it again.
        if not AgendaLinksMailing.objects.filter(
            pk=run.pk, state=AgendaLinksMailing.State.RUNNING, updated_at=run.updated_at
        ).update(updated_at=now):
            continue
        job = JobProgress.objects.filter(pk=run.job_id).first()
        if job is not None:  # the owner's bar moves again (the reaper may have failed it)
            jobs.update(job.pk, job.fraction, _("Taken up again after an interruption"))
        mail_agenda_links.enqueue(run.event_id, run.job_id)
        resumed += 1
    return resumed


def start(event, what: str, *, q: str = "", user=None, request=None):
    """Start the background job `what` ("zip", "pdf" or "mail"); returns its JobProgress.
    `q` narrows the one PDF to the people matching it."""
    from ..tasks import build_agendas_pdf, build_agendas_zip, mail_agenda_links

    if what == "pdf":
        q = (q or "").strip()
        label = _("Agendas of %(e)s (one PDF)") % {"e": event}
        if q:
            label = _("Agendas of %(e)s matching “%(q)s” (one PDF)") % {"e": event, "q": q}
        job = jobs.create("events.agendas_pdf", label, owner=user)
        task = build_agendas_pdf
        journal.record(
            "events.agendas_pdf", request=request, actor=user, obj=event, details={"q": q}
        )
        transaction.on_commit(lambda: task.enqueue(event.pk, str(job.pk), q))
        return job
    if what == "zip":
        job = jobs.create(
            "events.agendas_zip", _("Agendas of %(e)s (zip of PDFs)") % {"e": event}, owner=user
        )
        task = build_agendas_zip
    elif what == "mail":
        job = jobs.create(
            "events.agendas_mail", _("Agenda links mailed for %(e)s") % {"e": event}, owner=user
        )
        AgendaLinksMailing.objects.create(event=event, job_id=str(job.pk))
        task = mail_agenda_links
    else:
        raise ValueError(what)
    journal.record(f"events.agendas_{what}", request=request, actor=user, obj=event)
    transaction.on_commit(lambda: task.enqueue(event.pk, str(job.pk)))
    return job
