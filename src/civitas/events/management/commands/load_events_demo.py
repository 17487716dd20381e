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

from . import _demo_catalogue as catalogue
from ._demo_features import add_features

SLUG = "rencontres-affaires-demo"


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
            reps, requests_made = _companies(event, rnd, companies, requests)
        run = ScheduleRun.objects.create(event=event)
        run = scheduling.run_now(run, time_limit=60)
        scheduling.publish(event, notify_people=False)
        done = add_features(event)
        self.stdout.write(
            f"events demo: {companies} companies, {len(reps)} representatives, "
            f"{requests_made} requests, {run.scheduled} scheduled{_added(done)}"
        )


def _companies(event, rnd, companies: int, requests: int):
    """Companies of the curated catalogue (_demo_catalogue.py), their people and offers,
    then confirmed meeting requests, mostly from a request to an offer that answers it."""
    sectors = {s.code: s for s in event.sectors.all()}
    coops = {c.label_fr: c for c in event.cooperation_types.all()}
    keywords: dict[str, Keyword] = {}
    planner = catalogue.Planner(rnd)
    reps: list[Representative] = []
    sides: dict[tuple[str, int, str], list[tuple[Representative, str]]] = {}
    for i in range(companies):
        plan = planner.company(i, 2 if i % 2 == 0 else 1)
        c = Company.objects.create(
            event=event,
            name=plan.name,
            country=plan.country,
            city=plan.city,
            postcode=plan.postcode,
            sector=sectors.get(plan.sector),
            status=Company.Status.VALIDATED,
            description=plan.description,
            website=plan.website,
            email=plan.email,
            phone=plan.phone,
        )
        people = [
            Representative.objects.create(
                company=c, first_name=first, last_name=last, email=email, job_title=job, phone=tel
            )
            for first, last, email, job, tel in plan.people
        ]
        reps += people
        for item in plan.items:
            sector, index, side = item
            theme = sector.themes[index]
            title, text = catalogue.offer_text(item, plan.lang)
            o = Offer.objects.create(
                company=c,
                kind=side,
                title=title,
                description=text,
                cooperation_type=coops.get(theme.cooperation),
            )
            labels = []
            for fr, en in theme.keywords:
                if fr not in keywords:
                    keywords[fr] = Keyword.objects.create(event=event, label_fr=fr, label_en=en)
                labels.append(keywords[fr])
            o.keywords.set(labels)
            sides.setdefault((sector.code, index, side), []).extend((p, title) for p in people)
        registration.refresh_search_text(c)
    pairs: set[tuple[int, int]] = set()
    matches = [
        (askers, sides[(code, index, "offer")])
        for (code, index, side), askers in sorted(sides.items())
        if side == "request" and (code, index, "offer") in sides
    ]
    spare = _spare_partner(sides)

    def allowed(a, b):
        key = tuple(sorted((a.pk, b.pk)))
        return (
            a.company_id != b.company_id
            and key not in pairs
            and {a.company_id, b.company_id} != spare
        )

    # Seven requests in ten go from a need to an offer answering it, as long as such pairs
    # remain (a small demo has few); the rest are drawn at random.
    matched = [
        (a, b, title)
        for askers, offerers in matches
        for a, _t in askers
        for b, title in offerers
        if allowed(a, b)
    ]
    rnd.shuffle(matched)
    draws = []
    for a, b, title in matched:
        if len(draws) >= requests * 7 // 10:
            break
        if allowed(a, b):
            pairs.add(tuple(sorted((a.pk, b.pk))))
            draws.append((a, b, title))
    tries = 0
    while len(draws) < requests and tries < requests * 50:
        tries += 1
        a, b = rnd.sample(reps, 2)
        if allowed(a, b):
            pairs.add(tuple(sorted((a.pk, b.pk))))
            draws.append((a, b, ""))
    rnd.shuffle(draws)
    for a, b, title in draws:
        lang = "fr" if a.company.country in catalogue.FRENCH_SPEAKING else "en"
        MeetingRequest.objects.create(
            event=event,
            sender=a,
            recipient=b,
            state=MeetingRequest.State.CONFIRMED,
            message=catalogue.request_message(rnd, lang, title) if title else "",
        )
    made = len(draws)
    return reps, made


def _spare_partner(sides) -> set[int]:
    """The demo participant's company and one company looking for what she offers: no request
    is drawn between them, so her page shows a suggestion (suggestions leave out companies
    already in talks with her)."""
    candidates = []
    for (code, index, side), offerers in sorted(sides.items()):
        if side != "offer" or (code, index, "request") not in sides:
            continue
        mine = [p for p, _t in offerers if p.company.name == catalogue.PARTICIPANT_COMPANY]
        if mine:
            askers = [p for p, _t in sides[(code, index, "request")]]
            candidates += [(mine[0].company_id, p.company_id) for p in askers]
    if not candidates:
        return set()
    # The asker with the fewest people: the fewest matching pairs are left out of the draw.
    people = {}
    for _me, other in candidates:
        people[other] = people.get(other, 0) + 1
    me, other = min(candidates, key=lambda pair: (people[pair[1]], pair[1]))
    return {me, other}


def _added(done: list[str]) -> str:
    return f"; added: {', '.join(done)}" if done else ""
