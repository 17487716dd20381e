"""Back office: Word mail-merge ("Publipostage Word") of an event's participants or companies.

The templates are core's Documents (uploaded in Documents, kinds "Event representative" and
"Event company"); this page merges them with this event's records only, through
`civitas.core.documents.services.generate`, with the organiser's filters.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civitas.core.documents import merge
from civitas.core.documents import services as documents
from civitas.core.models import JobProgress
from civitas.core.params import int_param
from civitas.core.permissions import has_perm, scoped_permission_required

from ..models import Event, Session
from ..services import word_merge

RECORD_CHOICES_LIMIT = 500
PERM = word_merge.PERMISSION


def _filters(event, data) -> dict:
    """The organiser's filters read from GET or POST, checked against the event."""
    co = int_param(data.get("co_organiser"))
    if co is not None and not event.co_organisers.filter(pk=co).exists():
        co = None
    session = int_param(data.get("session"))
    if session is not None and not Session.objects.filter(pk=session, day__event=event).exists():
        session = None
    return {"validated": data.get("validated") == "1", "co_organiser": co, "session": session}


def _page_url(event, filters) -> str:
    from django.urls import reverse

    query = urlencode({k: ("1" if v is True else v) for k, v in filters.items() if v})
    url = reverse("events:bo_word_merge", kwargs={"pk": event.pk})
    return f"{url}?{query}" if query else url


@scoped_permission_required(PERM, Event)
def word_merge_page(request, pk):
    event = request.event
    filters = _filters(event, request.GET)
    params = word_merge.records_params(event, **filters)
    rows = []
    for template in word_merge.templates():
        kind = template.merge_kind
        if kind is None:
            continue
        qs = kind.get_records(request.user, params)
        records = list(qs[:RECORD_CHOICES_LIMIT])
        rows.append(
            {
                "template": template,
                "kind": kind,
                "total": qs.count(),
                "choices": [(r.pk, kind.describe(r)) for r in records],
            }
        )
    job = None
    job_id = request.GET.get("job", "")
    if job_id:
        try:
            job = JobProgress.objects.filter(pk=job_id, owner=request.user).first()
        except ValidationError:  # not a job id
            job = None
    return render(
        request,
        "events/backoffice/word_merge.html",
        {
            "event": event,
            "rows": rows,
            "filters": filters,
            "co_organisers": event.co_organisers.order_by("position", "name"),
            "sessions": Session.objects.filter(day__event=event).select_related("day"),
            "examples": [(code, name) for code, (_kind, name) in word_merge.EXAMPLES.items()],
            "representative_fields": merge.get_kind(word_merge.KIND_REPRESENTATIVE).all_fields(),
            "company_fields": merge.get_kind(word_merge.KIND_COMPANY).all_fields(),
            "can_upload": has_perm(request.user, "documents.manage_templates"),
            "job": job,
        },
    )


@scoped_permission_required(PERM, Event)
@require_POST
def word_merge_generate(request, pk, template_pk):
    event = request.event
    template = get_object_or_404(word_merge.templates(), pk=template_pk)
    filters = _filters(event, request.POST)
    back = _page_url(event, filters)
    try:
        result = documents.generate(
            template,
            request.user,
            record=request.POST.get("record", ""),
            all_records=request.POST.get("scope") == "all",
            params=word_merge.records_params(event, **filters),
            request=request,
        )
    except documents.GenerationError as exc:
        (messages.info if exc.level == "info" else messages.error)(request, str(exc))
        return redirect(back)
    if result.job is not None:
        messages.success(request, _("The documents are being produced."))
        sep = "&" if "?" in back else "?"
        return redirect(f"{back}{sep}job={result.job.pk}")
    response = HttpResponse(result.content, content_type=result.content_type)
    response["Content-Disposition"] = f'attachment; filename="{result.file_name}"'
    return response


@scoped_permission_required(PERM, Event)
def word_merge_example(request, pk, code):
    """A shipped example template, to open in Word, adapt and upload in Documents."""
    if code not in word_merge.EXAMPLES:
        raise Http404
    _kind, name = word_merge.EXAMPLES[code]
    response = HttpResponse(word_merge.example_docx(code), content_type=documents.DOCX)
    response["Content-Disposition"] = f'attachment; filename="{merge.file_name(name, "modele")}"'
    return response
