"""Public agenda: the published events and their public animations, as a page grouped by
month (twelve months from the current month, `?start=` for the next periods, 50 entries a
page) and as an iCalendar feed. Never an unpublished event, an invitation-only or a
cancelled animation (services/calendar.py, `public_entries`)."""

from __future__ import annotations

import datetime as dt

from django import forms
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.core.permissions import public
from civitas.core.sites import absolute_url

from ..services import calendar as svc

# The feed keeps some history so that subscribers' calendars do not lose the recent past.
FEED_HISTORY_DAYS = 180


def _query(period) -> str:
    return f"?start={period.start.isoformat()}"


@public
def agenda(request):
    today = timezone.localdate()
    try:  # a start that is not a date is ignored: the page shows the default period
        start = forms.DateField().clean(request.GET.get("start") or None)
    except forms.ValidationError:
        start = None
    period = svc.public_period(start, today=today)
    items = svc.public_entries(since=max(period.start, today), until=period.end)
    page = Paginator(items, svc.PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "events/public/agenda.html",
        {
            "months": svc.by_month(page.object_list),
            "page": page,
            "period": period,
            # No previous period before the current month: the page shows no past.
            "previous_query": "" if period.default else _query(period.shifted(-1)),
            "next_query": _query(period.shifted(1)),
        },
    )


@public
def agenda_feed(request):
    since = timezone.localdate() - dt.timedelta(days=FEED_HISTORY_DAYS)
    items = svc.public_entries(since=since)
    body = svc.icalendar(
        items,
        name=_("Agenda of events"),
        domain=request.get_host().split(":")[0],
        url=lambda event: absolute_url("events:event_page", slug=event.slug),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="agenda.ics"'
    return response
