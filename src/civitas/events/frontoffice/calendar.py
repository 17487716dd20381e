"""Public agenda: the published events and their public animations, as a page grouped by
month and as an iCalendar feed. Never an unpublished event, an invitation-only or a
cancelled animation (services/calendar.py, `public_entries`)."""

from __future__ import annotations

import datetime as dt

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from civitas.core.permissions import public
from civitas.core.sites import absolute_url

from ..services import calendar as svc

# The feed keeps some history so that subscribers' calendars do not lose the recent past.
FEED_HISTORY_DAYS = 180


@public
def agenda(request):
    items = svc.public_entries()
    return render(request, "events/public/agenda.html", {"months": svc.by_month(items)})


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
