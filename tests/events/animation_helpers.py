"""Shared builders of the animation tests."""

import datetime as dt
from zoneinfo import ZoneInfo

from civitas.events.models import Animation, Room

PARIS = ZoneInfo("Europe/Paris")


def at(hour, minute=0, day=10):
    return dt.datetime(2027, 3, day, hour, minute, tzinfo=PARIS)


def make_animation(event, title="Atelier export", *, capacity=2, policy="waitlist", **extra):
    room = Room.objects.filter(site__event=event).first()
    fields = {
        "kind": Animation.Kind.WORKSHOP,
        "title_fr": title,
        "title_en": f"{title} (EN)",
        "start": at(11),
        "end": at(12),
        "site": room.site if room else None,
        "room": room,
        "capacity": capacity,
        "full_policy": policy,
    }
    fields.update(extra)
    return Animation.objects.create(event=event, **fields)
