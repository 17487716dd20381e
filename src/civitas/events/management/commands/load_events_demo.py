"""Demo data: one event with ~200 companies, ~300 representatives, ~600 confirmed requests,
scheduled and published (no messages sent), then the features around it (_demo_features.py):
the demo participant account linked to a representative, experts and expert meetings,
message threads, an extra registration field and the mini-site.

Idempotent: the event is created once; each feature is added only when it is missing, so a
demo database made by an older version gets the new parts on the next start."""

import datetime as dt
import random

from django.core.management.base import BaseCommand
from django.db import transaction

from civitas.events.models import (
    Company,
    Day,
    Event,
    Keyword,
    MeetingRequest,
    Offer,
    Representative,
    Room,
    ScheduleRun,
    Session,
    Site,
)
from civitas.events.services import registration, scheduling, setup

from ._demo_features import add_features

SLUG = "rencontres-affaires-demo"
WORDS = [
    "robotique",
    "énergie",
    "agroalimentaire",
    "logistique",
    "numérique",
    "santé",
    "textile",
    "bâtiment",
    "export",
    "cybersécurité",
    "chimie",
    "aéronautique",
]


class Command(BaseCommand):
    help = "Create the business-meetings demo event (idempotent)."

    def add_arguments(self, parser):
        parser.add_argument("--companies", type=int, default=200)
        parser.add_argument("--requests", type=int, default=600)

    def handle(self, *args, companies, requests, **options):
        event = Event.objects.filter(slug=SLUG).first()
        if event is not None:
            done = add_features(event)
            self.stdout.write(f"events demo: already there{_added(done)}")
            return
        rnd = random.Random(3)
        with transaction.atomic():
            event = setup.create_event(
                name="Rencontres d'affaires CCI 2027",
                slug=SLUG,
                start_date=dt.date(2027, 3, 10),
                end_date=dt.date(2027, 3, 11),
                venue="CCI Paris Île-de-France",
                is_published=True,
                welcome_text="Deux jours de rendez-vous d'affaires entre entreprises.",
                practical_info="Accès : métro ligne 1.",
                organiser_email="rdv@cci.example",
            )
            site = Site.objects.create(event=event, name="CCI Paris")
            Room.objects.create(site=site, name="Salle A", tables=40)
            Room.objects.create(site=site, name="Salle B", tables=30)
            for d in (dt.date(2027, 3, 10), dt.date(2027, 3, 11)):
                day = Day.objects.create(event=event, date=d)
                for name, a, b in (("Matin", 9, 12), ("Après-midi", 14, 17)):
                    s = Session.objects.create(
                        day=day,
                        name=name,
                        start_time=dt.time(a),
                        end_time=dt.time(b),
                        slot_minutes=20,
                    )
                    setup.generate_slots(s)
            kws = [Keyword.objects.create(event=event, label_fr=w) for w in WORDS]
            sectors = list(event.sectors.all())
            reps = []
            for i in range(companies):
                c = Company.objects.create(
                    event=event,
                    name=f"Entreprise {i + 1:03d}",
                    country=rnd.choice(["FR"] * 6 + ["DE", "IT", "ES", "BE"]),
                    city="Paris",
                    sector=rnd.choice(sectors),
                    status=Company.Status.VALIDATED,
                    description="Entreprise de démonstration.",
                )
                for k in range(2 if i % 2 == 0 else 1):
                    reps.append(
                        Representative.objects.create(
                            company=c,
                            first_name=f"Prénom{k}",
                            last_name=f"Nom{i + 1:03d}",
                            email=f"rep{k}.c{i + 1:03d}@demo.example",
                            phone="+33600000000",
                        )
                    )
                o = Offer.objects.create(
                    company=c,
                    kind=rnd.choice(["offer", "request"]),
                    title=f"Projet {rnd.choice(WORDS)}",
                )
                o.keywords.set(rnd.sample(kws, 2))
                registration.refresh_search_text(c)
            pairs = set()
            while len(pairs) < requests:
                a, b = rnd.sample(reps, 2)
                key = tuple(sorted((a.pk, b.pk)))
                if a.company_id != b.company_id and key not in pairs:
                    pairs.add(key)
                    MeetingRequest.objects.create(
                        event=event, sender=a, recipient=b, state=MeetingRequest.State.CONFIRMED
                    )
        run = ScheduleRun.objects.create(event=event)
        run = scheduling.run_now(run, time_limit=60)
        scheduling.publish(event, notify_people=False)
        done = add_features(event)
        self.stdout.write(
            f"events demo: {companies} companies, {len(reps)} representatives, "
            f"{requests} requests, {run.scheduled} scheduled{_added(done)}"
        )


def _added(done: list[str]) -> str:
    return f"; added: {', '.join(done)}" if done else ""
