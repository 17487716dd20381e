"""Back-office screens: the backup catalogue and the service report. Restoring is a
command-line operation on purpose (it replaces the whole database)."""

from __future__ import annotations

import csv
from datetime import datetime

from django import forms
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from civitas.core import jobs, journal
from civitas.core.models import JobProgress
from civitas.core.permissions import permission_required

from . import catalogue, conf, report
from .crypto import BackupError, parse_key


def _config_problem() -> str:
    try:
        parse_key(conf.backup_key())
    except BackupError as exc:
        return str(exc)
    return ""


@permission_required("backups.manage_backups")
def backup_list(request):
    job = None
    job_id = request.GET.get("job")
    if job_id and _is_uuid(job_id):
        job = JobProgress.objects.filter(pk=job_id, owner=request.user).first()
    backups = catalogue.all_backups()
    for m in backups:
        m["created"] = datetime.fromisoformat(m["created_at"])
        m["rows"] = sum(t["rows"] for t in m["tables"].values())
    return render(
        request,
        "backups/list.html",
        {
            "backups": backups,
            "job": job,
            "directory": conf.backup_dir(),
            "copy_command": bool(conf.copy_command()),
            "problem": _config_problem(),
            "policy": {
                "daily": conf.keep_daily(),
                "weekly": conf.keep_weekly(),
                "monthly": conf.keep_monthly(),
            },
        },
    )


def _is_uuid(value: str) -> bool:
    import uuid

    try:
        uuid.UUID(value)
    except ValueError:
        return False
    return True


@permission_required("backups.manage_backups")
@require_POST
def backup_run(request):
    from .tasks import run_backup

    problem = _config_problem()
    if problem:
        messages.error(request, problem)
        return redirect("backups:list")
    job = jobs.create("backup", _("Backup of the platform"), owner=request.user)
    journal.record("backup.requested", request=request, details={"job": str(job.pk)})
    run_backup.enqueue(progress_id=str(job.pk), user_id=request.user.pk)
    return redirect(f"{reverse('backups:list')}?job={job.pk}")


class PeriodForm(forms.Form):
    month = forms.CharField(
        label=gettext_lazy("Month"),
        required=False,
        widget=forms.DateInput(attrs={"type": "month"}),
        help_text=gettext_lazy("Format: YYYY-MM. Default: the current month."),
    )

    def clean_month(self):
        value = (self.cleaned_data.get("month") or "").strip()
        if not value:
            return timezone.localdate().replace(day=1)
        try:
            return datetime.strptime(value, "%Y-%m").date()
        except ValueError:
            raise forms.ValidationError(_("Enter a month as YYYY-MM, e.g. 2026-03.")) from None


def _report(request):
    form = PeriodForm(request.GET or None, initial={"month": f"{timezone.localdate():%Y-%m}"})
    month = form.cleaned_data["month"] if form.is_valid() else timezone.localdate().replace(day=1)
    start, end = report.month_bounds(month)
    return form, month, report.build(start, end)


@permission_required("backups.view_service_report")
def service_report(request):
    form, month, data = _report(request)
    return render(
        request,
        "backups/report.html",
        {"form": form, "month": month, "report": data, "query": request.GET.urlencode()},
    )


@permission_required("backups.view_service_report")
def service_report_csv(request):
    form, month, data = _report(request)
    journal.record("export.service_report", request=request, details={"month": f"{month:%Y-%m}"})
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="service-report-{month:%Y-%m}.csv"'
    response.write("\ufeff")
    w = csv.writer(response, delimiter=";")
    w.writerow(["section", "item", "value", "start", "end", "duration_seconds", "details"])
    w.writerow(["period", "month", f"{month:%Y-%m}", data.start.isoformat(), data.end.isoformat()])
    w.writerow(["availability", "checks", data.checks])
    w.writerow(["availability", "checks_ok", data.checks_ok])
    w.writerow(["availability", "percent", "" if data.availability is None else data.availability])
    w.writerow(["availability", "downtime_seconds", int(data.downtime.total_seconds())])
    w.writerow(["connections", "logins", data.logins])
    w.writerow(["connections", "distinct_users", data.distinct_users])
    for i in data.incidents:
        w.writerow(
            [
                "incident",
                i.checks,
                "failed checks",
                timezone.localtime(i.start).isoformat(),
                timezone.localtime(i.end).isoformat() if i.end else "",
                int(i.duration.total_seconds()) if i.duration else "",
                i.last_error,
            ]
        )
    for m in data.backups:
        w.writerow(
            [
                "backup",
                m["id"],
                m["type"],
                m["created_at"],
                "",
                m.get("duration_seconds", ""),
                {True: "verified", False: "verification failed", None: "not verified"}[
                    m.get("verified_ok")
                ],
            ]
        )
    return response
