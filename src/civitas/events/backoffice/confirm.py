"""Confirmation page of the mass actions that write to many people (validating several
registrations, a mailing, the agenda links, a bulk SMS): before anything is sent, the
organiser reads how many people will receive it and confirms. A plain form posting the same
fields again with `confirmed=1`, so it works without JavaScript."""

from __future__ import annotations

from django.shortcuts import render

SKIPPED = {"csrfmiddlewaretoken", "confirmed"}


def confirmed(request) -> bool:
    return request.method == "POST" and request.POST.get("confirmed") == "1"


def page(request, event, *, count: int, title: str, what: str, submit: str, back: str, sms=False):
    """The confirmation page: `count` people written to; the posted fields are carried over."""
    fields = [
        (name, value)
        for name, values in request.POST.lists()
        if name not in SKIPPED
        for value in values
    ]
    return render(
        request,
        "events/backoffice/confirm_mass.html",
        {
            "event": event,
            "count": count,
            "title": title,
            "what": what,
            "submit": submit,
            "back": back,
            "sms": sms,
            "fields": fields,
            "action": request.get_full_path(),
        },
    )
