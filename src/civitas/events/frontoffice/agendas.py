"""Participant area: one's own agenda as PDF (logged in, or through the personal link)."""

from __future__ import annotations

from django.shortcuts import get_object_or_404

from civitas.core.documents.pdf import pdf_response
from civitas.core.permissions import login_required, public

from ..models import Company, Representative
from ..services import agenda_pdf
from .views import _me, _not_registered


@login_required
def area_agenda_pdf(request, slug):
    event, me = _me(request, slug)
    if me is None:
        return _not_registered(request, event)
    return pdf_response(agenda_pdf.render(me), agenda_pdf.file_name(me))


@public
def agenda_pdf_link(request, token):
    """The personal link mailed with "re-issue agendas": the secret token of the person's
    calendar feed, which shows the same meetings."""
    rep = get_object_or_404(
        Representative.objects.select_related("company__event").exclude(
            company__status=Company.Status.REJECTED
        ),
        calendar_token=token,
    )
    return pdf_response(agenda_pdf.render(rep), agenda_pdf.file_name(rep), inline=True)
