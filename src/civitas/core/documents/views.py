from django.contrib import messages
from django.core.files.base import ContentFile
from django.core.paginator import Paginator
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civitas.core import journal
from civitas.core.permissions import permission_required

from . import conf, merge, samples, services
from .forms import GenerateOneForm, TemplateUploadForm
from .models import DocumentTemplate
from .services import DOCX

# Most records offered in the "one record" list; beyond, modules pass filters as parameters.
RECORD_CHOICES_LIMIT = 500


def _params(request):
    """Query-string parameters passed to the kind's records() (e.g. ?event=12)."""
    return {k: v for k, v in request.GET.items() if k not in ("page",)}


@permission_required("documents.generate")
def template_list(request):
    qs = DocumentTemplate.objects.select_related("uploaded_by")
    kinds = {k.code: k for k in merge.kinds()}
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    for t in page:
        t.kind_obj = kinds.get(t.kind)
    return render(request, "documents/backoffice/list.html", {"page": page})


@permission_required("documents.manage_templates")
def template_upload(request):
    form = TemplateUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        with transaction.atomic():
            template = form.save(commit=False)
            template.uploaded_by = request.user
            template.fields_used = form.fields_used
            template.original_name = form.cleaned_data["upload"].name[:255]
            template.file.save("template.docx", ContentFile(form.file_data), save=False)
            template.save()
            journal.record(
                "documents.template_uploaded",
                request=request,
                obj=template,
                details={"kind": template.kind, "fields": template.fields_used},
            )
        messages.success(request, _("The template has been checked and saved."))
        return redirect("documents:template_detail", pk=template.pk)
    kind = merge.get_kind(form["kind"].value() or "")
    return render(request, "documents/backoffice/upload.html", {"form": form, "kind": kind})


@permission_required("documents.manage_templates")
def kind_fields(request):
    """HTMX fragment: the merge fields of the kind chosen in the upload form."""
    kind = merge.get_kind(request.GET.get("kind", ""))
    return render(request, "documents/backoffice/_kind_fields.html", {"kind": kind})


@permission_required("documents.generate")
def template_detail(request, pk):
    template = get_object_or_404(DocumentTemplate, pk=pk)
    kind = template.merge_kind
    can_merge = services.can_merge(template, request.user)
    records, total = [], 0
    if can_merge:
        qs = kind.get_records(request.user, _params(request))
        records = list(qs[:RECORD_CHOICES_LIMIT]) if hasattr(qs, "filter") else list(qs)
        total = qs.count() if hasattr(qs, "count") else len(records)
    form = GenerateOneForm(records=records, describe=kind.describe if kind else str)
    fields = kind.all_fields() if kind else {}
    return render(
        request,
        "documents/backoffice/detail.html",
        {
            "template": template,
            "kind": kind,
            "can_merge": can_merge,
            "fields": [(name, fields.get(name, "")) for name in template.fields_used],
            "form": form,
            "total": total,
            "truncated": total > len(records),
            "query": request.GET.urlencode(),
            "sync_limit": conf.sync_batch_limit(),
        },
    )


@permission_required("documents.generate")
@require_POST
def generate(request, pk):
    template = get_object_or_404(DocumentTemplate, pk=pk)
    try:
        result = services.generate(
            template,
            request.user,
            record=request.POST.get("record", ""),
            all_records=request.POST.get("scope") == "all",
            params=_params(request),
            request=request,
        )
    except services.GenerationError as exc:
        (messages.info if exc.level == "info" else messages.error)(request, str(exc))
        return redirect("documents:template_detail", pk=pk)
    if result.job is not None:
        return render(
            request, "documents/backoffice/batch.html", {"template": template, "job": result.job}
        )
    response = HttpResponse(result.content, content_type=result.content_type)
    response["Content-Disposition"] = f'attachment; filename="{result.file_name}"'
    return response


@permission_required("documents.manage_templates")
def template_download(request, pk):
    template = get_object_or_404(DocumentTemplate, pk=pk)
    try:
        fh = template.file.open("rb")
    except (OSError, ValueError) as exc:
        raise Http404 from exc
    return FileResponse(
        fh,
        as_attachment=True,
        filename=template.original_name or f"{template.name}.docx",
        content_type=DOCX,
    )


@permission_required("documents.manage_templates")
@require_POST
def template_delete(request, pk):
    template = get_object_or_404(DocumentTemplate, pk=pk)
    with transaction.atomic():
        journal.record("documents.template_deleted", request=request, obj=template)
        template.file.delete(save=False)
        template.delete()
    messages.success(request, _("The template has been deleted."))
    return redirect("documents:template_list")


@permission_required("documents.manage_templates")
def print_test(request, sample):
    """Print test pages (A4, badge, labels): check margins, fonts and the printer."""
    if sample not in samples.SAMPLES:
        raise Http404
    from . import pdf  # WeasyPrint is only imported when a PDF is made

    content = pdf.render_pdf(samples.SAMPLES[sample], samples.context(sample), request=request)
    return pdf.pdf_response(content, f"test-{sample}.pdf", inline=True)
