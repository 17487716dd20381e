"""Demo animations: a full workshop with a waiting list, a training with its agreement, a
conference and an invitation-only round table (idempotent: added once per event)."""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal
from zoneinfo import ZoneInfo

from civitas.events.models import Animation, Company, Event, Representative, Room, Speaker
from civitas.events.services import ServiceError
from civitas.events.services import animations as svc

PARIS = ZoneInfo("Europe/Paris")


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour, minute), tzinfo=PARIS)


def add_animations(event: Event, rep: Representative | None, done: list[str]) -> None:
    if event.animations.exists():
        return
    room = Room.objects.filter(site__event=event).order_by("pk").first()
    if room is not None and not room.capacity:
        room.capacity = 60
        room.save(update_fields=["capacity"])
    day1, day2 = event.start_date, event.end_date
    common = {"event": event, "site": room.site if room else None, "room": room}
    workshop = Animation.objects.create(
        **common,
        kind=Animation.Kind.WORKSHOP,
        title_fr="Atelier : réussir sa première exportation",
        title_en="Workshop: your first export",
        reference="AT-01",
        description="Méthode, aides publiques et pièges à éviter, avec des cas concrets.",
        start=_at(day1, 12, 15),
        end=_at(day1, 13, 45),
        room_name="Salle Colbert",
        capacity=6,
        full_policy=Animation.FullPolicy.WAITLIST,
        forecast_rate=80,
        forecast_date=day1 - dt.timedelta(days=7),
    )
    Speaker.objects.create(
        animation=workshop,
        name="Claire Fontaine",
        company="Team France Export",
        contact="claire.fontaine@tfe.example",
        theme="Premiers pas à l'international",
    )
    training = Animation.objects.create(
        **common,
        kind=Animation.Kind.TRAINING,
        title_fr="Formation : les Incoterms 2020",
        title_en="Training: Incoterms 2020",
        reference="FO-01",
        description="Choisir le bon Incoterm, mesurer ses risques, rédiger ses offres.",
        start=_at(day2, 17, 30),
        end=_at(day2, 19, 30),
        room_name="Salle Turgot",
        capacity=12,
        full_policy=Animation.FullPolicy.CLOSE,
        address_kind=Animation.AddressKind.PROVIDER,
        address="Organisme de formation partenaire, 2 place de la Bourse, Paris",
        price=Decimal("150.00"),
    )
    Speaker.objects.create(
        animation=training,
        name="Marc Leroy",
        company="Leroy Formation",
        theme="Incoterms et logistique internationale",
    )
    Animation.objects.create(
        **common,
        kind=Animation.Kind.CONFERENCE,
        title_fr="Conférence : financer sa croissance",
        title_en="Conference: funding your growth",
        reference="CO-01",
        start=_at(day1, 17, 30),
        end=_at(day1, 18, 30),
        quota_enforced=False,
    )
    round_table = Animation.objects.create(
        **common,
        kind=Animation.Kind.ROUND_TABLE,
        title_fr="Table ronde des dirigeants",
        title_en="Leaders' round table",
        reference="TR-01",
        start=_at(day2, 12, 15),
        end=_at(day2, 13, 30),
        capacity=10,
        public=False,
    )
    people = list(
        Representative.objects.filter(
            company__event=event, company__status=Company.Status.VALIDATED
        )
        .exclude(pk=getattr(rep, "pk", None))
        .order_by("pk")[:11]
    )
    # Six seats taken, then three people waiting: the demo participant is one of them.
    for person in people[:8]:
        _quietly(workshop, person)
    if rep is not None:
        _quietly(workshop, rep)
        _quietly(training, rep)
        round_table.invited.add(rep)
    for person in people[8:11]:
        _quietly(training, person)
    done.append("animations")


def _quietly(animation: Animation, person: Representative) -> None:
    """Demo data: nobody is mailed; a person busy at that time is left out."""
    with contextlib.suppress(ServiceError):
        svc.register(animation, person, by_organiser=True, notify_=False)
