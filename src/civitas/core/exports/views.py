from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import (
    Http404,
    HttpResponseBadRequest,
    QueryDict,
)
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civitas.core import journal
from civitas.core.permissions import has_perm, permission_required

from . import conf, importing, registry, services
from .forms import MappingForm, ScheduledExportForm, UploadForm
from .models import ImportBatch, ScheduledExport

# --- Exports ----------------------------------------------------------------------------


@permission_required("core.access_backoffice")
def export(request):
    """Download a list: ?exporter=<code>&format=csv|xlsx|xml|json&<the list's filters>.

    The exporter's own permission is checked here (it depends on the exporter)."""
    code = request.GET.get("exporter", "")
    fmt = request.GET.get("format", "csv")
    try:
        exporter, writer, qs, params = services.prepare(code, fmt, request.user, request.GET)
    except LookupError as exc:
        raise Http404(str(exc)) from exc
    except registry.InvalidFilter as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
    count = exporter.count(qs)
    if count > conf.background_threshold():
        job = services.start_background(exporter, fmt, request.user, params, count)
        return render(
            request,
            "exports/background.html",
            {"job": job, "exporter": exporter, "count": count, "format": fmt},
        )
    name = services.file_name(exporter, writer)
    services.record(exporter, fmt, params, count, request=request)
    return services.file_response(exporter, writer, qs, name)


# --- Scheduled exports ------------------------------------------------------------------


@permission_required("exports.schedule_exports")
def schedules(request):
    items = ScheduledExport.objects.select_related("owner")
    labels = {e.code: e.label for e in registry.all_exporters()}
    for s in items:
        s.exporter_label = labels.get(s.exporter, s.exporter)
    return render(
        request,
        "exports/schedules.html",
        {"schedules": items, "export_dir": conf.export_dir()},
    )


@permission_required("exports.schedule_exports")
def schedule_create(request):
    initial_params = request.GET.copy()
    initial = {"exporter": initial_params.pop("exporter", [""])[-1]}
    for key in ("format", "page"):
        initial_params.pop(key, None)
    form = ScheduledExportForm(request.POST or None, user=request.user, initial=initial)
    filters = request.POST.get("filters", initial_params.urlencode())
    if request.method == "POST" and form.is_valid():
        exporter = registry.get(form.cleaned_data["exporter"])
        schedule = form.save(commit=False)
        try:
            schedule.params = exporter.clean_params(QueryDict(filters).dict())
        except registry.InvalidFilter as exc:
            form.add_error(None, str(exc))
            return render(
                request,
                "exports/schedule_form.html",
                {"form": form, "filters": filters},
                status=400,
            )
        schedule.owner = request.user
        schedule.next_run = timezone.now()
        schedule.save()
        journal.record(
            "exports.schedule_created",
            request=request,
            obj=schedule,
            details={
                "exporter": schedule.exporter,
                "format": schedule.format,
                "filters": schedule.params,
                "period": schedule.period,
                "delivery": schedule.delivery,
            },
        )
        messages.success(request, _("Scheduled export created; it will run shortly."))
        return redirect("exports:schedules")
    return render(request, "exports/schedule_form.html", {"form": form, "filters": filters})


@permission_required("exports.schedule_exports")
@require_POST
def schedule_delete(request, pk):
    schedule = get_object_or_404(ScheduledExport, pk=pk)
    journal.record("exports.schedule_deleted", request=request, obj=schedule)
    schedule.delete()
    messages.success(request, _("Scheduled export deleted."))
    return redirect("exports:schedules")


@permission_required("exports.schedule_exports")
@require_POST
def schedule_run(request, pk):
    schedule = get_object_or_404(ScheduledExport.objects.select_related("owner"), pk=pk)
    services.run_and_store(schedule)
    if schedule.last_status == "ok":
        messages.success(request, schedule.last_message)
    else:
        messages.error(request, _("The export failed: %(m)s") % {"m": schedule.last_message})
    return redirect("exports:schedules")


# --- Imports ----------------------------------------------------------------------------


@permission_required("core.access_backoffice")
def imports(request):
    importers = importing.importers_for(request.user)
    batches = ImportBatch.objects.filter(owner=request.user)[:20]
    labels = {i.code: i.label for i in importers}
    for b in batches:
        b.importer_label = labels.get(b.importer, b.importer)
    return render(request, "exports/imports.html", {"importers": importers, "batches": batches})


def _importer_for(request, code):
    try:
        importer = importing.get_importer(code)
    except LookupError as exc:
        raise Http404(str(exc)) from exc
    if not has_perm(request.user, importer.permission):
        raise PermissionDenied(importer.permission)
    return importer


@permission_required("core.access_backoffice")
def import_upload(request):
    code = request.POST.get("importer") or request.GET.get("importer", "")
    if not code:
        return redirect("exports:imports")
    importer = _importer_for(request, code)
    form = UploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if upload.size > conf.import_max_bytes():
            form.add_error(
                "file",
                _("The file is too large (%(size)s bytes, at most %(max)s).")
                % {"size": upload.size, "max": conf.import_max_bytes()},
            )
        else:
            data = upload.read()
            try:
                table = importing.read_table(data, upload.name)
            except importing.ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                batch = ImportBatch(
                    importer=importer.code,
                    owner=request.user,
                    original_name=upload.name[:255],
                    file_format=table.file_format,
                    encoding=table.encoding,
                    delimiter=table.delimiter,
                    headers=table.headers,
                    row_count=len(table.rows),
                    mapping=importing.auto_mapping(importer, table.headers),
                )
                upload.seek(0)
                batch.file.save(f"{batch.pk}.{table.file_format}", upload, save=True)
                return redirect("exports:import_batch", pk=batch.pk)
    return render(request, "exports/import_upload.html", {"form": form, "importer": importer})


def _batch(request, pk):
    batch = get_object_or_404(ImportBatch, pk=pk, owner=request.user)
    return batch, _importer_for(request, batch.importer)


def _table(batch):
    with batch.file.open("rb") as fh:
        data = fh.read()
    return importing.read_table(data, batch.file.name)


@permission_required("core.access_backoffice")
def import_batch(request, pk):
    """Column mapping, dry run and its report."""
    batch, importer = _batch(request, pk)
    if batch.status in (ImportBatch.Status.COMMITTED, ImportBatch.Status.CANCELLED):
        return render(request, "exports/import_batch.html", {"batch": batch, "importer": importer})
    form = MappingForm(
        request.POST or None,
        importer=importer,
        headers=batch.headers,
        initial_mapping=batch.mapping,
    )
    error = None
    if request.method == "POST" and form.is_valid():
        batch.mapping = form.mapping()
        try:
            report = importing.run(
                importer, _table(batch), batch.mapping, request.user, commit=False
            )
        except importing.ImportFileError as exc:
            error = str(exc)
        else:
            batch.report = report.as_dict()
            batch.status = ImportBatch.Status.CHECKED
            batch.save()
            return redirect("exports:import_batch", pk=batch.pk)
    return render(
        request,
        "exports/import_batch.html",
        {"batch": batch, "importer": importer, "form": form, "error": error},
    )


@permission_required("core.access_backoffice")
@require_POST
def import_commit(request, pk):
    batch, importer = _batch(request, pk)
    if batch.status != ImportBatch.Status.CHECKED:
        messages.error(request, _("Run the check (dry run) first."))
        return redirect("exports:import_batch", pk=batch.pk)
    try:
        report = importing.run(importer, _table(batch), batch.mapping, request.user, commit=True)
    except importing.ImportFileError as exc:
        messages.error(request, str(exc))
        return redirect("exports:import_batch", pk=batch.pk)
    batch.report = report.as_dict()
    if report.committed:
        batch.status = ImportBatch.Status.COMMITTED
        batch.committed_at = timezone.now()
        batch.file.delete(save=False)
        messages.success(request, _("%(n)s rows imported.") % {"n": report.accepted})
    else:
        messages.error(
            request,
            _("Nothing was imported: %(n)s rows are rejected. Correct the file and try again.")
            % {"n": batch.report["rejected"]},
        )
    batch.save()
    journal.record(
        f"import.{importer.code}",
        request=request,
        details={
            "importer": importer.code,
            "file": batch.original_name,
            "rows": report.total,
            "imported": report.accepted if report.committed else 0,
            "rejected": batch.report["rejected"],
            "committed": report.committed,
        },
        object_type="exports.importbatch",
        object_id=str(batch.pk),
        object_repr=batch.original_name,
    )
    return redirect("exports:import_batch", pk=batch.pk)


@permission_required("core.access_backoffice")
@require_POST
def import_cancel(request, pk):
    batch, _importer = _batch(request, pk)
    if batch.status != ImportBatch.Status.COMMITTED:
        batch.file.delete(save=False)
        batch.status = ImportBatch.Status.CANCELLED
        batch.save()
        messages.info(request, _("Import cancelled; the file has been deleted."))
    return redirect("exports:imports")
