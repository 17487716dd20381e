"""Back office: an event's saved reports (issue 30, 003 §5 and §6.2.2).

The organiser picks a source among the event's exporters, ticks and numbers its columns,
sets its filters, previews the first rows, saves the report, runs it as CSV, Excel, XML,
JSON or PDF and schedules it. Core's saved reports (`civitas.core.exports.reports`) hold the
rules; these views are bound to one event: a report of another event is not found here (404)
and every run checks the source's permission on the event for whoever runs it.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civitas.core.documents import pdf
from civitas.core.exports import reports, services
from civitas.core.exports.forms import ReportScheduleForm, SavedReportForm
from civitas.core.exports.models import ScheduledExport
from civitas.core.exports.registry import InvalidFilter
from civitas.core.exports.writers import WRITERS
from civitas.core.permissions import has_perm, scoped_permission_required

from ..models import SCOPE_EVENT, Event

PERMISSION = "events.view_registrations"
# Who may change or delete the reports other organisers of the event saved.
MANAGE = "events.manage_event"


def _sources(request, event) -> dict:
    return {e.code: e for e in reports.report_exporters(request.user, event)}


def _report(request, event, report_pk):
    """A report of this event the user sees (their own or a shared one); 404 otherwise."""
    return get_object_or_404(reports.visible(request.user, SCOPE_EVENT, event.pk), pk=report_pk)


@scoped_permission_required(PERMISSION, Event)
def report_list(request, pk):
    event = request.event
    sources = _sources(request, event)
    # Shared reports on a source the user may not use (orders...) are left out.
    items = [
        r
        for r in reports.visible(request.user, SCOPE_EVENT, event.pk)
        if r.exporter in sources or r.owner_id == request.user.pk
    ]
    for r in items:
        source = sources.get(r.exporter)
        r.source_label = source.label if source else r.exporter
        r.can_change = reports.may_change(request.user, r, MANAGE, event)
    return render(
        request,
        "events/reports/list.html",
        {
            "event": event,
            "reports": items,
            "sources": sources.values(),
            "formats": [(code, w.label) for code, w in WRITERS.items()],
        },
    )


def _editor(request, event, code, report=None):
    source = _sources(request, event).get(code)
    if source is None:
        raise Http404(_("Unknown source."))
    columns = reports.available_columns(code, request.user, {}, event.pk)
    form = SavedReportForm(
        request.POST or None,
        columns=columns,
        filters=source.filter_fields(),
        report=report,
        shared_label=_("Shared with the other organisers of this event"),
    )
    can_change = report is None or reports.may_change(request.user, report, MANAGE, event)
    preview = None
    if request.method == "POST" and form.is_valid():
        action = request.POST.get("action", "preview")
        try:
            exporter, qs, clean = reports.build_report(
                code, request.user, form.chosen_columns(), form.filter_values(), event.pk
            )
        except InvalidFilter as exc:
            form.add_error(None, str(exc))
        else:
            if action in ("save", "copy"):
                if action == "save" and not can_change:
                    raise PermissionDenied(MANAGE)
                saved = reports.save_report(
                    report if action == "save" else None,
                    request.user,
                    code,
                    form.chosen_columns(),
                    clean,
                    scope=(SCOPE_EVENT, event.pk),
                    name=form.cleaned_data["name"],
                    shared=form.cleaned_data["shared"],
                    request=request,
                )
                messages.success(request, _("Report saved."))
                return redirect("events:bo_report", pk=event.pk, report_pk=saved.pk)
            preview = {
                "headers": exporter.headers(),
                "rows": reports.preview_rows(exporter, qs),
                "count": exporter.count(qs),
            }
    return render(
        request,
        "events/reports/edit.html",
        {
            "event": event,
            "form": form,
            "source": source,
            "report": report,
            "can_change": can_change,
            "preview": preview,
            "preview_limit": reports.PREVIEW_ROWS,
            "formats": [(fmt, w.label) for fmt, w in WRITERS.items()],
            "schedules": reports.schedules_of(report) if report is not None else (),
            "can_schedule": report is not None
            and report.owner_id == request.user.pk
            and has_perm(request.user, "exports.schedule_exports"),
        },
    )


@scoped_permission_required(PERMISSION, Event)
def report_new(request, pk):
    code = request.POST.get("source") or request.GET.get("source", "")
    if not code:
        return redirect("events:bo_reports", pk=pk)
    return _editor(request, request.event, code)


@scoped_permission_required(PERMISSION, Event)
def report_detail(request, pk, report_pk):
    report = _report(request, request.event, report_pk)
    return _editor(request, request.event, report.exporter, report)


@scoped_permission_required(PERMISSION, Event)
def report_run(request, pk, report_pk, fmt):
    """The report as a file: the formats of core's writers, or PDF (A4 landscape table)."""
    event = request.event
    report = _report(request, event, report_pk)
    if fmt == "pdf":
        try:
            content, _count = reports.report_pdf(report, request.user, request=request)
        except (LookupError, InvalidFilter) as exc:
            raise Http404(str(exc)) from exc
        return pdf.pdf_response(content, reports.report_file_name(report, "pdf"))
    if fmt not in WRITERS:
        raise Http404(_("Unknown format."))
    try:
        exporter, writer, qs, clean = reports.prepare_report(report, request.user, fmt)
    except (LookupError, InvalidFilter) as exc:
        raise Http404(str(exc)) from exc
    count = exporter.count(qs)
    services.record(
        exporter,
        fmt,
        clean,
        count,
        request=request,
        extra={"report": report.pk},
        scope=(SCOPE_EVENT, event.pk),
    )
    name = reports.report_file_name(report, writer.extension)
    return services.file_response(exporter, writer, qs, name)


@scoped_permission_required(PERMISSION, Event)
@require_POST
def report_delete(request, pk, report_pk):
    event = request.event
    report = _report(request, event, report_pk)
    if not reports.may_change(request.user, report, MANAGE, event):
        raise PermissionDenied(MANAGE)
    reports.delete_report(report, request=request)
    messages.success(request, _("Report deleted."))
    return redirect("events:bo_reports", pk=event.pk)


@scoped_permission_required(PERMISSION, Event)
def report_schedule(request, pk, report_pk):
    """Send the report periodically (core's scheduled exports) with its columns and filters.

    Only its owner, holding the right to schedule exports, schedules it: each run is made
    with the owner's rights on the event, checked again at run time."""
    event = request.event
    report = _report(request, event, report_pk)
    if report.owner_id != request.user.pk or not has_perm(request.user, "exports.schedule_exports"):
        raise PermissionDenied("exports.schedule_exports")
    form = ReportScheduleForm(
        request.POST or None,
        user=request.user,
        initial={"recipients": request.user.email},
        instance=ScheduledExport(),
    )
    if request.method == "POST" and form.is_valid():
        reports.schedule_report(report, request.user, form.save(commit=False), request=request)
        messages.success(request, _("The report is scheduled; its first run is due now."))
        return redirect("events:bo_report", pk=event.pk, report_pk=report.pk)
    return render(
        request,
        "events/backoffice/form.html",
        {
            "event": event,
            "form": form,
            "title": _("Schedule the report “%(name)s”") % {"name": report.name},
        },
    )
