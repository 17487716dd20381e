"""The public mini-site after its closing date: its pages answer with a short notice
(HTTP 410 Gone) while the data stays for the participants' area and the organisers."""

from __future__ import annotations

from functools import wraps

from django.shortcuts import render

from ..models import Event


def closed_page(request, event):
    return render(request, "events/public/minisite_closed.html", {"event": event}, status=410)


def minisite_open(view):
    """For public views taking the event's `slug`: the closed notice once the mini-site is
    offline (a missing or unpublished event is left to the view: 404)."""

    @wraps(view)
    def wrapper(request, slug, *args, **kwargs):
        event = Event.objects.filter(slug=slug, is_published=True).first()
        if event is not None and event.minisite_offline():
            return closed_page(request, event)
        return view(request, slug, *args, **kwargs)

    return wrapper
