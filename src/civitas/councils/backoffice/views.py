"""Back office of the councils module: perimeter, sittings, documents, sending, proof."""

import csv
import json

from django.contrib import messages
from django.core.files.storage import default_storage
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from civitas.core import journal
from civitas.core.params import int_param
from civitas.core.permissions import (
    has_perm,
    permission_required,
    restrict,
    scoped_permission_required,
)

from .. import conf
from ..forms import DocumentForm, RecipientListForm, SendForm, SittingForm
from ..models import EPCI, Delivery, Document, Official, Sending, Sitting, Upload
from ..services import ServiceError, delays, perimeter, proof
from ..services import documents as doc_svc
from ..services import sending as send_svc
from ..services.traces import TRACE_COLUMNS, trace_rows

VIEW, SEND, MANAGE = (
    "councils.view_sittings",
    "councils.send_documents",
    "councils.manage_officials",
)


# --- Perimeter ------------------------------------------------------------------------------


@permission_required(VIEW)
def epci_list(request):
    epcis = restrict(EPCI.objects.all(), request.user, VIEW)
    rows = [(e, doc_svc.quota(e), e.communes.count(), e.officials.count()) for e in epcis]
    return render(request, "councils/backoffice/epci_list.html", {"rows": rows})


@scoped_permission_required(VIEW, EPCI)
def epci_detail(request, pk):
    epci = request.epci
    officials = Paginator(
        epci.officials.select_related("commune").order_by("commune__name", "last_name"), 100
    ).get_page(request.GET.get("page"))
    form = None
    if has_perm(request.user, MANAGE, epci):
        form = RecipientListForm(request.POST or None, epci=epci)
        if request.method == "POST" and form.is_valid():
            rlist = form.save(commit=False)
            rlist.epci = epci
            rlist.save()
            form.save_m2m()
            journal.record("councils.list_created", request=request, obj=rlist)
            messages.success(request, _("Recipient list created."))
            return redirect("councils:bo_epci", pk=epci.pk)
    lists = [(r, perimeter.list_members(r).count()) for r in epci.recipient_lists.all()]
    return render(
        request,
        "councils/backoffice/epci_detail.html",
        {
            "epci": epci,
            "communes": epci.communes.all(),
            "officials": officials,
            "page_obj": officials,
            "lists": lists,
            "form": form,
            "quota": doc_svc.quota(epci),
            "can_manage": has_perm(request.user, MANAGE, epci),
            "channels": Official.Channel.choices,
        },
    )


@scoped_permission_required(MANAGE, Official)
@require_POST
def official_channel(request, pk):
    """Record the channel an official chose (paper or electronic) and when."""
    official = request.official
    channel = request.POST.get("channel", "")
    if channel not in Official.Channel.values:
        messages.error(request, _("Invalid request."))
    else:
        before = official.channel
        perimeter.set_channel(official, channel)
        official.save()
        journal.record(
            "councils.channel_changed",
            request=request,
            obj=official,
            details={"from": before, "to": channel, "at": official.channel_chosen_at.isoformat()},
        )
        messages.success(request, _("Channel recorded for %(name)s.") % {"name": official})
    return redirect("councils:bo_epci", pk=official.epci_id)


# --- Sittings -------------------------------------------------------------------------------


@permission_required(VIEW)
def sitting_list(request):
    sittings = list(
        restrict(Sitting.objects.select_related("epci"), request.user, VIEW).prefetch_related(
            "sendings"
        )
    )
    overdue = [s for s in sittings if delays.decisions_overdue(s)]
    can_send = bool(restrict(EPCI.objects.all(), request.user, SEND).exists())
    return render(
        request,
        "councils/backoffice/sitting_list.html",
        {"sittings": sittings, "overdue": overdue, "can_send": can_send},
    )


@permission_required(SEND)
def sitting_create(request):
    form = SittingForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        sitting = form.save()
        journal.record("councils.sitting_created", request=request, obj=sitting)
        return redirect("councils:bo_sitting", pk=sitting.pk)
    return render(
        request, "councils/backoffice/form.html", {"form": form, "title": _("New sitting")}
    )


@scoped_permission_required(SEND, Sitting)
def sitting_edit(request, pk):
    sitting = request.sitting
    form = SittingForm(request.POST or None, instance=sitting, user=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        return redirect("councils:bo_sitting", pk=sitting.pk)
    return render(
        request,
        "councils/backoffice/form.html",
        {"form": form, "title": _("Edit the sitting"), "sitting": sitting},
    )


def _sending_rows(sending):
    deliveries = list(
        sending.deliveries.select_related("official__commune").prefetch_related("downloads")
    )
    smtp = send_svc.smtp_times(deliveries)
    return [(d, smtp.get(d.message_id, ("", None))) for d in deliveries]


@scoped_permission_required(VIEW, Sitting)
def sitting_detail(request, pk):
    sitting = request.sitting
    can_send = has_perm(request.user, SEND, sitting)
    sendings = [
        (s, _sending_rows(s), proof.latest(s)) for s in sitting.sendings.order_by("sent_at")
    ]
    sent_phases = {s.phase for s, _r, _p in sendings}
    return render(
        request,
        "councils/backoffice/sitting_detail.html",
        {
            "sitting": sitting,
            "documents": sitting.documents.all(),
            "can_send": can_send,
            "doc_form": DocumentForm(),
            "check": delays.check(sitting),
            "deadline": delays.decisions_deadline(sitting),
            "overdue": delays.decisions_overdue(sitting),
            "sendings": sendings,
            "sent_phases": sent_phases,
            "quota": doc_svc.quota(sitting.epci),
            "max_chunk": conf.max_chunk_bytes(),
            "recipients": (
                perimeter.list_members(sitting.recipient_list).count()
                if sitting.recipient_list_id
                else 0
            ),
        },
    )


@scoped_permission_required(SEND, Sitting)
@require_POST
def document_add(request, pk):
    """Upload without JavaScript: the same chunk pipeline, from Django's temporary file."""
    sitting = request.sitting
    form = DocumentForm(request.POST, request.FILES)
    if form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            doc_svc.add_file(
                sitting,
                kind=form.cleaned_data["kind"],
                title=form.cleaned_data["title"],
                fileobj=upload,
                file_name=upload.name,
                size=upload.size,
                user=request.user,
                request=request,
            )
            messages.success(request, _("Document added."))
        except ServiceError as exc:
            messages.error(request, exc.message)
    else:
        messages.error(request, " ".join(" ".join(e) for e in form.errors.values()))
    return redirect("councils:bo_sitting", pk=sitting.pk)


@scoped_permission_required(SEND, Sitting)
@require_POST
def upload_start(request, pk):
    """Chunk protocol, step 1: POST kind, title, file_name, size → {id, offset, url}."""
    size = int_param(request.POST.get("size"))
    try:
        upload = doc_svc.start_upload(
            request.sitting,
            kind=request.POST.get("kind", ""),
            title=request.POST.get("title", ""),
            file_name=request.POST.get("file_name", ""),
            size=size if size is not None else -1,
            user=request.user,
        )
    except ServiceError as exc:
        return JsonResponse({"error": exc.message}, status=400)
    from django.urls import reverse

    return JsonResponse(
        {
            "id": str(upload.pk),
            "offset": 0,
            "size": upload.size,
            "url": reverse("councils:bo_upload", kwargs={"pk": upload.pk}),
            "chunk": conf.max_chunk_bytes(),
        },
        status=201,
    )


@scoped_permission_required(SEND, Upload)
@require_http_methods(["GET", "PUT", "POST"])
def upload_chunk(request, pk):
    """Chunk protocol: GET → current offset (resume); PUT/POST ?offset=N with the bytes as
    body → new offset, or the document when complete; 409 with the offset to resume from."""
    upload = request.upload
    if request.method == "GET":
        return JsonResponse(
            {"offset": upload.offset, "size": upload.size, "document": upload.document_id}
        )
    offset = int_param(request.GET.get("offset"), min_value=0)
    length = int_param(request.headers.get("Content-Length"), min_value=0)
    if offset is None or not length:
        return JsonResponse({"error": _("Give the offset and a body.")}, status=400)
    try:
        result = doc_svc.append_chunk(upload.pk, offset, request, length, request=request)
    except ServiceError as exc:
        status = 409 if hasattr(exc, "offset") else 400
        return JsonResponse(
            {"error": exc.message, "offset": getattr(exc, "offset", None)}, status=status
        )
    if isinstance(result, Document):
        return JsonResponse(
            {
                "offset": result.size,
                "size": result.size,
                "document": result.pk,
                "sha256": result.sha256,
            }
        )
    return JsonResponse({"offset": result.offset, "size": result.size, "document": None})


def _stream(document, *, attachment=True):
    if not document.file:
        raise Http404  # purged after the retention period
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=attachment,
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@scoped_permission_required(VIEW, Document)
def document_download(request, pk):
    document = request.document
    doc_svc.count_traffic(document.sitting.epci, document.size)
    return _stream(document, attachment=request.GET.get("inline") != "1")


@scoped_permission_required(VIEW, Document)
def document_preview(request, pk):
    """A PNG of the first page of a PDF document (made once, then served from storage)."""
    try:
        name = doc_svc.first_page_preview(request.document)
    except ServiceError as exc:
        raise Http404(exc.message) from exc
    response = FileResponse(default_storage.open(name, "rb"), content_type="image/png")
    response["X-Content-Type-Options"] = "nosniff"
    return response


@scoped_permission_required(SEND, Document)
@require_POST
def document_delete(request, pk):
    document = request.document
    try:
        doc_svc.delete_document(document, request=request)
        messages.success(request, _("Document deleted."))
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("councils:bo_sitting", pk=document.sitting_id)


@scoped_permission_required(SEND, Sitting)
@require_POST
def sitting_send(request, pk):
    sitting = request.sitting
    form = SendForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Invalid request."))
        return redirect("councils:bo_sitting", pk=sitting.pk)
    try:
        sending = send_svc.send(
            sitting,
            form.cleaned_data["phase"],
            user=request.user,
            late_reason=form.cleaned_data["late_reason"],
            sms=form.cleaned_data["sms"],
            request=request,
        )
        proof.seal(sending, request=request)
        messages.success(
            request,
            _("Sent to %(n)s recipient(s); the proof bundle is sealed.")
            % {"n": sending.deliveries.count()},
        )
    except ServiceError as exc:
        messages.error(request, exc.message)
    return redirect("councils:bo_sitting", pk=sitting.pk)


@scoped_permission_required(VIEW, Sending)
def paper(request, pk):
    """Printable mail-merge of the paper recipients (labels and cover letters); the clerk
    records each paper sending."""
    sending = request.sending
    deliveries = sending.deliveries.filter(channel=Official.Channel.PAPER).select_related(
        "official__commune"
    )
    if request.method == "POST":
        if not has_perm(request.user, SEND, sending):
            return HttpResponse(status=403)
        at = parse_datetime(request.POST.get("at", "")) if request.POST.get("at") else None
        if at is not None and timezone.is_naive(at):
            at = timezone.make_aware(at)
        ids = {int_param(v) for v in request.POST.getlist("delivery")} - {None}
        done = 0
        for delivery in deliveries.filter(pk__in=ids):
            try:
                send_svc.record_paper(delivery, at=at, user=request.user, request=request)
                done += 1
            except ServiceError as exc:
                messages.error(request, exc.message)
        messages.success(request, _("%(n)s paper sending(s) recorded.") % {"n": done})
        return redirect("councils:bo_paper", pk=sending.pk)
    return render(
        request,
        "councils/backoffice/paper.html",
        {
            "sending": sending,
            "sitting": sending.sitting,
            "deliveries": deliveries,
            "documents": sending.documents.all(),
            "can_send": has_perm(request.user, SEND, sending),
        },
    )


@scoped_permission_required(SEND, Sending)
@require_POST
def proof_seal(request, pk):
    try:
        proof.seal(request.sending, request=request)
        messages.success(request, _("Proof bundle sealed."))
    except (ServiceError, OSError) as exc:
        messages.error(request, _("Sealing failed: %(e)s") % {"e": exc})
    return redirect("councils:bo_sitting", pk=request.sending.sitting_id)


@scoped_permission_required(VIEW, Sending)
def proof_detail(request, pk):
    sending = request.sending
    bundle = proof.latest(sending)
    problems = proof.verify(bundle) if bundle else None
    if bundle:
        journal.record(
            "councils.proof_verified",
            request=request,
            obj=sending,
            details={"bundle": bundle.pk, "valid": not problems},
        )
    if bundle and request.GET.get("format") == "json":
        response = HttpResponse(bundle.manifest, content_type="application/json")
        response["Content-Disposition"] = f'attachment; filename="manifest-{sending.pk}.json"'
        return response
    return render(
        request,
        "councils/backoffice/proof.html",
        {
            "sending": sending,
            "sitting": sending.sitting,
            "bundle": bundle,
            "problems": problems,
            "manifest": json.loads(bundle.manifest) if bundle else None,
        },
    )


@scoped_permission_required(VIEW, Delivery)
def certificate(request, pk):
    """PDF certificate of sending for one recipient (for the town hall's records)."""
    from django.template.loader import render_to_string
    from weasyprint import HTML

    delivery = request.delivery
    sending = delivery.sending
    smtp = send_svc.smtp_times([delivery]).get(delivery.message_id, ("", None))
    bundle = proof.latest(sending)
    html = render_to_string(
        "councils/pdf/certificate.html",
        {
            "d": delivery,
            "sending": sending,
            "sitting": sending.sitting,
            "smtp": smtp,
            "bundle": bundle,
            "documents": sending.documents.all(),
            "downloads": delivery.downloads.select_related("document"),
            "now": timezone.now(),
        },
        request=request,
    )
    pdf = HTML(string=html).write_pdf()
    journal.record("councils.certificate", request=request, obj=delivery, scope=sending)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="attestation-{delivery.pk}.pdf"'
    return response


@scoped_permission_required(VIEW, Sitting)
def traces_csv(request, pk):
    sitting = request.sitting
    deliveries = (
        Delivery.objects.filter(sending__sitting=sitting)
        .select_related("official__commune", "sending__sitting")
        .prefetch_related("downloads__document")
        .order_by("sending__sent_at", "official__last_name")
    )
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="traces-seance-{sitting.pk}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow([label for _k, label in TRACE_COLUMNS])
    for row in trace_rows(deliveries):
        writer.writerow([row[k] for k, _l in TRACE_COLUMNS])
    journal.record("councils.traces_exported", request=request, obj=sitting)
    return response
