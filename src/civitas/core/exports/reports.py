"""Saved reports: a source (an exporter), its columns chosen and ordered, its filters, bound
to a scope object (an event) when the source is scoped. The only code that writes them.

    from civitas.core.exports import reports

    exporters = reports.report_exporters(request.user, event)      # sources offered
    columns = reports.available_columns(code, request.user, {}, event.pk)
    exporter, qs, clean = reports.build_report(code, request.user, keys, filters, event.pk)
    report = reports.save_report(None, request.user, code, keys, clean, scope=("event", event.pk),
                                 name="...", shared=True, request=request)
    exporter, writer, qs, clean = reports.prepare_report(report, request.user, "xlsx")

Every run checks the exporter's permission on the report's scope for whoever runs it: the
person on screen, or the owner of a scheduled export at each run.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from civitas.core import journal
from civitas.core.permissions import has_perm

from . import registry
from .models import SavedReport, ScheduledExport
from .services import record, rows
from .writers import get_writer

PREVIEW_ROWS = 20
# A PDF is a table to print: beyond this many rows, CSV or Excel is the right format.
PDF_MAX_ROWS = 1000


def check_scope(exporter, user, params) -> None:
    """PermissionDenied unless `user` holds the exporter's permission on the scope object
    named by `params` (on any scope for an unscoped exporter); LookupError for an unknown
    scope object."""
    obj = None
    if exporter.scope_param:
        obj = exporter.scope_object(params)
        if obj is None:
            raise LookupError(f"No {exporter.scope_param} {params.get(exporter.scope_param)!r}")
    if not has_perm(user, exporter.permission, obj):
        raise PermissionDenied(exporter.permission)


def report_exporters(user, scope=None) -> list:
    """The exporters `user` may build a report on: for a scope object (an event), the
    exporters scoped by its model on which the user holds the permission there."""
    out = []
    for exporter in registry.all_exporters():
        if scope is not None:
            if exporter.scope_model is None or not isinstance(scope, exporter.scope_model):
                continue
            if not has_perm(user, exporter.permission, scope):
                continue
        elif exporter.scope_param or not has_perm(user, exporter.permission):
            continue
        out.append(exporter)
    return out


def report_params(exporter, params, scope_id=None) -> dict:
    """The exporter's cleaned filters with the report's scope forced (InvalidFilter if
    a filter is refused, or names another scope object than the report's)."""
    clean = exporter.clean_params(params)
    if exporter.scope_param and scope_id is not None:
        given = clean.get(exporter.scope_param)
        if given not in (None, str(scope_id)):
            raise registry.InvalidFilter(_("This report cannot read another scope."))
        clean[exporter.scope_param] = str(scope_id)
    return clean


def build_report(code, user, columns, params, scope_id=None) -> tuple:
    """(exporter with the columns chosen, queryset, cleaned params) for a report being built
    or run. Raises LookupError (unknown source or scope), PermissionDenied, InvalidFilter."""
    exporter = registry.get(code)
    clean = report_params(exporter, params, scope_id)
    check_scope(exporter, user, clean)
    qs = exporter.queryset(user, clean)  # may raise InvalidFilter, sets dynamic columns
    exporter.select_columns(columns)
    return exporter, qs, clean


def available_columns(code, user, params, scope_id=None) -> list[tuple[str, str]]:
    """[(key, label)] of the source for these filters (some sources add columns per scope,
    e.g. the extra fields of an event's registration form)."""
    exporter = registry.get(code)
    clean = report_params(exporter, params, scope_id)
    check_scope(exporter, user, clean)
    exporter.queryset(user, clean)
    return [(key, str(label)) for key, label in exporter.columns]


def prepare_report(report, user, fmt=None) -> tuple:
    """(exporter, writer or None, queryset, cleaned params) to run `report` as `user`."""
    writer = get_writer(fmt) if fmt else None
    exporter, qs, clean = build_report(
        report.exporter, user, report.columns, report.params, report.scope_id
    )
    return exporter, writer, qs, clean


def preview_rows(exporter, qs, limit=PREVIEW_ROWS) -> list[list[str]]:
    """The first rows as display texts (the CSV rendering of each value)."""
    from .writers import as_text

    out = []
    for n, values in enumerate(rows(exporter, qs)):
        if n >= limit:
            break
        out.append([as_text(v) for v in values])
    return out


def render_report_pdf(report, user) -> tuple:
    """The report run as `user`, as an A4 landscape table (at most PDF_MAX_ROWS rows):
    (pdf bytes, rows printed, exporter, cleaned params). The one rendering of a report's PDF,
    on screen (`report_pdf`) and on schedule (`services.run_scheduled`); not journaled."""
    from civitas.core.documents import pdf
    from civitas.core.permissions import scope_label

    exporter, _writer, qs, clean = prepare_report(report, user)
    total = exporter.count(qs)
    table = preview_rows(exporter, qs, limit=PDF_MAX_ROWS)
    context = {
        "report": report,
        "title": report.name,
        "source": exporter.label,
        "scope": scope_label(report.scope_type, report.scope_id) if report.scope_type else "",
        "headers": exporter.headers(),
        "rows": table,
        "total": total,
        "truncated": total > len(table),
        "printed_at": timezone.localtime(),
    }
    return pdf.render_pdf("exports/report_pdf.html", context), len(table), exporter, clean


def report_pdf(report, user, *, request=None) -> tuple[bytes, int]:
    """The report as an A4 landscape table, journaled: (pdf, row count)."""
    content, count, exporter, clean = render_report_pdf(report, user)
    record(
        exporter,
        "pdf",
        clean,
        count,
        request=request,
        actor=None if request else user,
        extra={"report": report.pk},
        scope=report_scope(report),
    )
    return content, count


def report_scope(report):
    """The journal scope of a report's runs: its scope object, if it has one."""
    return (report.scope_type, report.scope_id) if report.scope_type else None


def report_file_name(report, extension, when=None) -> str:
    when = timezone.localtime(when or timezone.now())
    base = slugify(report.name) or "rapport"
    return f"{base}-{when:%Y%m%d-%H%M%S}.{extension}"


# --- Saved reports: the rows ------------------------------------------------------------


def visible(user, scope_type="", scope_id=None):
    """The reports of this scope `user` sees: their own and the shared ones (the caller has
    checked that the user may use the scope's sources)."""
    return (
        SavedReport.objects.filter(scope_type=scope_type, scope_id=scope_id)
        .filter(Q(owner=user) | Q(shared=True))
        .select_related("owner")
    )


def may_change(user, report, manage_permission=None, scope=None) -> bool:
    """The owner changes their report; so does whoever holds `manage_permission` on scope."""
    if report.owner_id == user.pk:
        return True
    return bool(manage_permission) and has_perm(user, manage_permission, scope)


def save_report(report, user, code, columns, params, *, scope=None, name, shared, request=None):
    """Create (report None) or update a saved report; journaled. `params` as cleaned by
    `build_report`; `scope` a (scope_type, scope_id) pair for a scoped source."""
    created = report is None
    if created:
        report = SavedReport(owner=user)
    report.name = name
    report.exporter = code
    report.columns = list(columns)
    report.params = dict(params)
    report.shared = bool(shared)
    if scope is not None:
        report.scope_type, report.scope_id = scope[0], scope[1]
    report.save()
    journal.record(
        "exports.report_created" if created else "exports.report_changed",
        request=request,
        actor=None if request else user,
        obj=report,
        scope=report_scope(report),
        details={"exporter": code, "columns": report.columns, "filters": report.params},
    )
    return report


def delete_report(report, *, request=None, actor=None) -> None:
    """Delete a report and the scheduled exports made of it; journaled."""
    journal.record(
        "exports.report_deleted",
        request=request,
        actor=actor,
        obj=report,
        scope=report_scope(report),
        details={"exporter": report.exporter, "schedules": report.schedules.count()},
    )
    report.delete()


def schedule_report(report, user, schedule, *, request=None):
    """Save `schedule` (an unsaved ScheduledExport with format, period, delivery...) as a
    periodic run of `report` owned by `user`; its first run is due now. Only the report's
    owner schedules it (the runs are made with the owner's rights)."""
    if report.owner_id != user.pk:
        raise PermissionDenied(_("Only the owner of a report schedules it."))
    if not has_perm(user, "exports.schedule_exports"):
        raise PermissionDenied("exports.schedule_exports")
    schedule.report = report
    schedule.name = report.name
    schedule.exporter = report.exporter
    schedule.params = dict(report.params)
    schedule.owner = user
    schedule.next_run = timezone.now()
    schedule.save()
    journal.record(
        "exports.schedule_created",
        request=request,
        actor=None if request else user,
        obj=schedule,
        scope=report_scope(report),
        details={
            "report": report.pk,
            "exporter": report.exporter,
            "format": schedule.format,
            "period": schedule.period,
            "delivery": schedule.delivery,
        },
    )
    return schedule


def schedules_of(report):
    return ScheduledExport.objects.filter(report=report).order_by("pk")
