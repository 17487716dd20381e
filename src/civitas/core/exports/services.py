"""Export services: the only place that produces export files and journals them."""

from __future__ import annotations

import calendar
import datetime as dt
import inspect
import logging
import os
import re
import tempfile
from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from civitas.core import jobs, journal
from civitas.core.permissions import has_perm

from . import conf, registry
from .writers import PDF, Writer, get_writer

logger = logging.getLogger(__name__)


class ExportError(Exception):
    """A refusal with a message meant for the user."""


def meta_for(exporter) -> dict:
    return {
        "code": exporter.code,
        "label": str(exporter.label),
        "generated": timezone.localtime().replace(microsecond=0).isoformat(),
        "sheet": str(exporter.label),
    }


def file_name(exporter, writer: Writer, when=None) -> str:
    when = timezone.localtime(when or timezone.now())
    base = slugify(exporter.code.replace(".", "-")) or "export"
    return f"{base}-{when:%Y%m%d-%H%M%S}.{writer.extension}"


def prepare(code: str, fmt: str, user, params) -> tuple:
    """(exporter, writer, queryset, cleaned params). Raises PermissionDenied/LookupError."""
    exporter = registry.get(code)
    writer = get_writer(fmt)
    if not has_perm(user, exporter.permission):
        raise PermissionDenied(exporter.permission)
    clean = exporter.clean_params(params)
    return exporter, writer, exporter.queryset(user, clean), clean


def rows(exporter, qs, progress: Callable[[int], None] | None = None, every=500):
    for n, obj in enumerate(exporter.iter_objects(qs), start=1):
        yield exporter.values(obj)
        if progress and n % every == 0:
            progress(n)


def record(exporter, fmt, params, count, *, request=None, actor=None, extra=None, scope=None):
    details = {"exporter": exporter.code, "format": fmt, "filters": params, "rows": count}
    details.update(extra or {})
    journal.record(
        f"export.{exporter.code}",
        request=request,
        actor=actor,
        details=details,
        object_type="exports.exporter",
        object_id=exporter.code,
        object_repr=str(exporter.label),
        scope=scope,
    )


def write_to_file(exporter, writer, qs, fileobj, progress=None):
    writer.write(
        fileobj,
        meta_for(exporter),
        exporter.keys(),
        exporter.headers(),
        rows(exporter, qs, progress),
    )


def _scratch_dir() -> str:
    """Temporary files live under MEDIA_ROOT (nothing is written elsewhere)."""
    path = Path(settings.MEDIA_ROOT) / "exports" / "tmp"
    path.mkdir(parents=True, exist_ok=True)
    return str(path)


def temporary_file():
    return tempfile.TemporaryFile(dir=_scratch_dir())


# --- Background exports -----------------------------------------------------------------


def start_background(exporter, fmt, user, params, count):
    """Create the progress record and enqueue the export task."""
    from .tasks import export_task

    job = jobs.create(
        "export",
        _("Export: %(label)s (%(format)s)") % {"label": exporter.label, "format": fmt.upper()},
        owner=user,
    )
    export_task.enqueue(
        job_id=str(job.pk),
        code=exporter.code,
        fmt=fmt,
        user_id=user.pk,
        params=params,
        expected=count,
    )
    return job


def run_background(job_id, code, fmt, user_id, params, expected):
    from civitas.core.models import User

    user = User.objects.get(pk=user_id)
    try:
        exporter, writer, qs, clean = prepare(code, fmt, user, params)
    except (PermissionDenied, LookupError) as exc:
        jobs.fail(job_id, _("Export refused: %(reason)s") % {"reason": exc})
        return
    total = max(expected, 1)
    counter = {"n": 0}

    def progress(n):
        counter["n"] = n
        jobs.update(
            job_id, min(n / total, 0.99), _("%(n)s / %(total)s rows") % {"n": n, "total": expected}
        )

    jobs.update(job_id, 0.0, _("Starting"))
    from civitas.core.models import JobProgress

    with temporary_file() as fh:
        count = {"rows": 0}

        def counted():
            for values in rows(exporter, qs, progress):
                count["rows"] += 1
                yield values

        writer.write(fh, meta_for(exporter), exporter.keys(), exporter.headers(), counted())
        fh.seek(0)
        job = JobProgress.objects.get(pk=job_id)
        job.result_file.save(file_name(exporter, writer), File(fh), save=True)
    jobs.finish(job_id, message=_("%(n)s rows") % {"n": count["rows"]})
    record(exporter, fmt, clean, count["rows"], actor=user, extra={"background": True})


# --- Scheduled exports ------------------------------------------------------------------


def next_run_after(period: str, after: dt.datetime) -> dt.datetime:
    if period == "daily":
        return after + dt.timedelta(days=1)
    if period == "weekly":
        return after + dt.timedelta(weeks=1)
    local = timezone.localtime(after)
    year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
    day = min(local.day, calendar.monthrange(year, month)[1])
    return local.replace(year=year, month=month, day=day)


def resolve_directory(subdir: str) -> Path:
    """The delivery directory, which must lie under CIVITAS_EXPORT_DIR."""
    root = conf.export_dir()
    if root is None:
        raise ExportError(_("Delivery to a directory is disabled: CIVITAS_EXPORT_DIR is not set."))
    subdir = (subdir or "").strip()
    if subdir.startswith(("/", "\\")) or re.match(r"^[A-Za-z]:", subdir) or "\x00" in subdir:
        raise ExportError(_("Give a sub-directory of the export directory, not an absolute path."))
    target = (root / subdir).resolve()
    if target != root and root not in target.parents:
        raise ExportError(_("The directory must lie inside the export directory."))
    return target


def _queue_email_function():
    """civitas.core.outbox.services.queue_email if it exists and takes attachments."""
    try:
        from civitas.core.outbox import services as outbox_services
    except ImportError:
        return None
    func = getattr(outbox_services, "queue_email", None)
    if func is None:
        return None
    try:
        params = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return None
    return func if "attachments" in params else None


def deliver_email(schedule, name, content, content_type) -> str:
    subject = _("Scheduled export: %(name)s") % {"name": schedule.name}
    body = _(
        "Please find attached the scheduled export “%(name)s” (%(file)s).\n\n"
        "This message was sent automatically by Civitas."
    ) % {"name": schedule.name, "file": name}
    recipients = schedule.recipient_list()
    queue_email = _queue_email_function()
    if queue_email is not None:
        for to in recipients:
            # Positional: (to, subject, body text), as civitas.core.outbox.services does.
            queue_email(to, subject, body, attachments=[(name, content, content_type)])
        return "outbox"
    from django.core.mail import EmailMessage

    message = EmailMessage(subject, body, to=recipients)
    message.attach(name, content, content_type)
    message.send()
    return "django"


def run_scheduled(schedule, now=None) -> str:
    """Produce and deliver one scheduled export. Returns a message; raises ExportError."""
    now = now or timezone.now()
    owner = schedule.owner
    if not owner.is_active:
        raise ExportError(_("The owner of this scheduled export is no longer active."))
    report = schedule.report
    as_pdf = schedule.format == PDF
    if as_pdf and report is None:
        raise ExportError(_("Only a saved report is sent as PDF."))
    writer = None
    try:
        if as_pdf:
            # The same rendering as the PDF downloaded from the report's screen.
            from .reports import render_report_pdf

            pdf_content, pdf_rows, exporter, clean = render_report_pdf(report, owner)
        elif report is not None:
            # The report's columns and filters, its scope checked for the owner again.
            from .reports import prepare_report

            exporter, writer, qs, clean = prepare_report(report, owner, schedule.format)
        else:
            exporter, writer, qs, clean = prepare(
                schedule.exporter, schedule.format, owner, schedule.params
            )
    except PermissionDenied as exc:
        raise ExportError(_("The owner may no longer run this export.")) from exc
    except (LookupError, registry.InvalidFilter) as exc:
        raise ExportError(str(exc)) from exc
    if report is not None:
        from .reports import report_file_name

        name = report_file_name(report, PDF if as_pdf else writer.extension, now)
    else:
        name = file_name(exporter, writer, now)
    count = {"rows": pdf_rows if as_pdf else 0}

    def counted():
        for values in rows(exporter, qs):
            count["rows"] += 1
            yield values

    def write(fh):
        if as_pdf:
            fh.write(pdf_content)
        else:
            writer.write(fh, meta_for(exporter), exporter.keys(), exporter.headers(), counted())

    if schedule.delivery == schedule.Delivery.DIRECTORY:
        target_dir = resolve_directory(schedule.directory)
        target_dir.mkdir(parents=True, exist_ok=True)
        final = target_dir / name
        partial = target_dir / (name + ".part")
        with open(partial, "wb") as fh:
            write(fh)
        os.replace(partial, final)  # readers never see a half-written file
        where = str(final)
        via = "directory"
    else:
        with temporary_file() as fh:
            write(fh)
            fh.seek(0)
            content = fh.read()
        content_type = "application/pdf" if as_pdf else writer.content_type.split(";")[0]
        via = deliver_email(schedule, name, content, content_type)
        where = ", ".join(schedule.recipient_list())
    record(
        exporter,
        schedule.format,
        clean,
        count["rows"],
        actor=owner,
        extra={
            "scheduled": schedule.pk,
            "delivery": schedule.delivery,
            "to": where,
            "via": via,
            **({"report": report.pk} if report is not None else {}),
        },
        scope=(report.scope_type, report.scope_id) if report and report.scope_type else None,
    )
    return _("%(n)s rows delivered to %(where)s") % {"n": count["rows"], "where": where}


def run_due_schedules(now=None) -> str:
    """Run every active scheduled export whose time has come (claimed atomically)."""
    from .models import ScheduledExport

    now = now or timezone.now()
    done = failed = 0
    for schedule in ScheduledExport.objects.filter(active=True, next_run__lte=now).select_related(
        "owner", "report"
    ):
        # Claim: only the process that moves next_run forward runs it.
        new_next = schedule.next_run
        while new_next <= now:
            new_next = next_run_after(schedule.period, new_next)
        claimed = ScheduledExport.objects.filter(pk=schedule.pk, next_run=schedule.next_run).update(
            next_run=new_next
        )
        if not claimed:
            continue
        run_and_store(schedule, now)
        if schedule.last_status == "ok":
            done += 1
        else:
            failed += 1
    return f"{done} scheduled export(s) delivered, {failed} failed"


def run_and_store(schedule, now=None) -> None:
    now = now or timezone.now()
    try:
        message, status = run_scheduled(schedule, now), "ok"
    except ExportError as exc:
        message, status = str(exc), "error"
    except Exception as exc:  # delivery failures must be visible on the screen
        logger.exception("scheduled export %s failed", schedule.pk)
        message, status = f"{type(exc).__name__}: {exc}", "error"
    schedule.last_run, schedule.last_status, schedule.last_message = now, status, message[:500]
    type(schedule).objects.filter(pk=schedule.pk).update(
        last_run=now, last_status=status, last_message=message[:500]
    )


def file_response(exporter, writer, qs, name: str):
    """The download of `qs` through `writer` as an HTTP response named `name`: streamed when
    the format allows it, else written to a temporary file first."""
    from django.http import FileResponse, StreamingHttpResponse

    if writer.streamable:
        chunks = writer.chunks(
            meta_for(exporter), exporter.keys(), exporter.headers(), rows(exporter, qs)
        )
        response = StreamingHttpResponse(chunks, content_type=writer.content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    fh = temporary_file()
    write_to_file(exporter, writer, qs, fh)
    fh.seek(0)
    return FileResponse(fh, as_attachment=True, filename=name, content_type=writer.content_type)
