"""The official's side, "Mes séances": a personal link (no password) shows the sittings
sent to the official, their documents (view, download, all as one zip) and an explicit
acknowledgement button. Officials who have an account find the same under /espace/."""

import zipfile

from django.http import FileResponse, Http404, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from civitas.core.journal import client_ip
from civitas.core.permissions import login_required, public

from ..models import Delivery
from ..services import ServiceError
from ..services import sending as svc


def _delivery(request, token):
    try:
        return svc.read_token(token)
    except svc.LinkError as exc:
        response = render(
            request,
            "councils/frontoffice/link_invalid.html",
            {"expired": exc.expired},
            status=410 if exc.expired else 404,
        )
        raise _Answer(response) from exc


class _Answer(Exception):
    def __init__(self, response):
        self.response = response


def _answers(view):
    from functools import wraps

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        try:
            return view(request, *args, **kwargs)
        except _Answer as answer:
            return answer.response

    return wrapper


def _entries(deliveries):
    return [(d, svc.make_token(d), list(d.sending.documents.all())) for d in deliveries]


@public
@_answers
def my_sittings(request, token):
    delivery = _delivery(request, token)
    svc.mark_opened(delivery)
    others = svc.official_deliveries(delivery)
    return render(
        request,
        "councils/frontoffice/my_sittings.html",
        {
            "official": delivery.official,
            "current": delivery,
            "token": token,
            "entries": _entries(others),
        },
    )


@public
@_answers
def document(request, token, doc):
    delivery = _delivery(request, token)
    document = delivery.sending.documents.filter(pk=doc).first()
    if document is None or not document.file:
        raise Http404
    try:
        svc.record_download(delivery, document, ip=client_ip(request))
    except ServiceError as exc:
        raise Http404 from exc
    response = FileResponse(
        document.file.open("rb"),
        as_attachment=request.GET.get("inline") != "1",
        filename=document.original_name,
        content_type=document.content_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@public
@require_POST
@_answers
def acknowledge(request, token):
    delivery = _delivery(request, token)
    svc.acknowledge(delivery)
    from django.contrib import messages

    messages.success(request, _("Thank you: your acknowledgement of receipt is recorded."))
    return redirect("councils:my_sittings", token=token)


class _Pipe:
    """A write-only file whose written bytes the generator takes away."""

    def __init__(self):
        self.chunks = []

    def write(self, data):
        self.chunks.append(bytes(data))
        return len(data)

    def flush(self):
        pass

    def take(self):
        data, self.chunks = b"".join(self.chunks), []
        return data


def _zip_stream(delivery, documents):
    pipe = _Pipe()
    with zipfile.ZipFile(pipe, "w", compression=zipfile.ZIP_STORED, allowZip64=True) as archive:
        for index, document in enumerate(documents, start=1):
            svc.record_download(delivery, document)
            info = zipfile.ZipInfo(f"{index:02d}-{document.original_name}")
            info.file_size = document.size
            with archive.open(info, "w", force_zip64=True) as out, document.file.open("rb") as src:
                for block in iter(lambda: src.read(1024 * 1024), b""):
                    out.write(block)
                    yield pipe.take()
        # closing writes the central directory
    yield pipe.take()


@public
@_answers
def zip_all(request, token):
    delivery = _delivery(request, token)
    documents = list(delivery.sending.documents.all())
    response = StreamingHttpResponse(
        _zip_stream(delivery, documents), content_type="application/zip"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="seance-{delivery.sending.sitting_id}.zip"'
    )
    return response


@login_required
def account_sittings(request):
    """Officials with an account: their sittings, without the personal link."""
    deliveries = (
        Delivery.objects.filter(official__email__iexact=request.user.email)
        .select_related("sending__sitting", "official")
        .prefetch_related("sending__documents")
        .order_by("-sending__sitting__date")
    )
    return render(
        request,
        "councils/frontoffice/account_sittings.html",
        {"entries": _entries(deliveries)},
    )
