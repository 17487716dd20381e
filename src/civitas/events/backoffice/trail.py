"""Back office: the change trail of a registration (company, representatives, offers)."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, render

from civitas.core import journal
from civitas.core.permissions import scoped_permission_required

from ..models import Company, Event
from ..services import trail


@scoped_permission_required("events.view_change_trail", Event)
def registration_trail(request, pk, company_pk):
    event = request.event
    company = get_object_or_404(Company, pk=company_pk, event=event)
    entries = trail.registration_trail(company)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    journal.record("events.registration_trail_viewed", request=request, obj=company)
    return render(
        request,
        "events/backoffice/trail.html",
        {"event": event, "company": company, "page": page},
    )
