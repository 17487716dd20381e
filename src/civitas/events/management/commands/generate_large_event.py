"""Generate the seed's largest business event for benchmarks (no message is sent).

Default: 1,500 participants (750 companies × 2 representatives), 3,000 confirmed meeting
requests (a few popular companies receive many), two days × two sessions of 20-minute slots,
enough tables. `--schedule` then runs the scheduling service used by the back office.
"""

import datetime as dt
import math
import random
import time

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from civitas.events.models import (
    Company,
    Day,
    Event,
    Keyword,
    Meeting,
    MeetingRequest,
    Offer,
    Representative,
    Room,
    ScheduleRun,
    Session,
    Site,
    Slot,
)
from civitas.events.services import registration, scheduling, setup

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
    "tourisme",
    "emballage",
    "mécanique",
    "formation",
]
SESSIONS = (("Matin", dt.time(9), dt.time(12, 20)), ("Après-midi", dt.time(14), dt.time(17, 20)))
COUNTRIES = ["FR"] * 6 + ["DE", "IT", "ES", "BE", "NL", "PL"]


class Command(BaseCommand):
    help = "Create a large business event (default 1,500 participants, 3,000 meetings)."

    def add_arguments(self, parser):
        parser.add_argument("--participants", type=int, default=1500)
        parser.add_argument("--meetings", type=int, default=3000)
        parser.add_argument("--days", type=int, default=2)
        parser.add_argument("--slug", default="grand-salon")
        parser.add_argument("--replace", action="store_true", help="Delete the event first.")
        parser.add_argument("--schedule", action="store_true", help="Run the scheduling.")
        parser.add_argument("--time-limit", type=float, default=60.0, help="Solver seconds.")
        parser.add_argument("--seed", type=int, default=3)
        parser.add_argument(
            "--accounts",
            type=int,
            default=0,
            help="Create login accounts (verified e-mail) for this many representatives, "
            "spread over the companies, so simulated users can log in (bench/events_load.py).",
        )
        parser.add_argument(
            "--password",
            default="",
            help="Password of those accounts (required with --accounts; never a default one).",
        )

    def handle(self, *args, **o):
        if o["participants"] < 4 or o["meetings"] < 1 or o["days"] < 1:
            raise CommandError("Use at least 4 participants, 1 meeting and 1 day.")
        if o["accounts"] < 0 or o["accounts"] > o["participants"]:
            raise CommandError("--accounts must be between 0 and the number of participants.")
        if o["accounts"] and len(o["password"]) < 12:
            raise CommandError("--accounts needs --password with at least 12 characters.")
        existing = Event.objects.filter(slug=o["slug"]).first()
        if existing and not o["replace"]:
            raise CommandError(
                f"An event with the short name {o['slug']!r} already exists: "
                "use --replace to delete and regenerate it, or --slug to choose another."
            )
        companies = o["participants"] // 2
        people = companies * 2
        max_pairs = people * (people - 2) // 2
        if o["meetings"] > max_pairs:
            raise CommandError(f"At most {max_pairs} distinct meetings with these participants.")
        t0 = time.perf_counter()
        with transaction.atomic():
            if existing:
                # Meeting.slot and Meeting.room are PROTECT: delete the meetings first.
                Meeting.objects.filter(event=existing).delete()
                existing.delete()
            event, reps = self._build(o, companies)
            accounts = self._accounts(reps, o["accounts"], o["password"])
        seconds = time.perf_counter() - t0
        self.stdout.write(
            f"{event.slug}: {companies} companies, {len(reps)} participants, "
            f"{o['meetings']} confirmed requests, {self._slots} slots, {self._tables} tables "
            f"created in {seconds:.1f} s"
        )
        if accounts:
            self.stdout.write(f"{accounts} login accounts (e-mail rep1@c0001.bench.example ...)")
        if o["schedule"]:
            t1 = time.perf_counter()
            run = ScheduleRun.objects.create(event=event)
            run = scheduling.run_now(run, time_limit=o["time_limit"])
            took = time.perf_counter() - t1
            self.stdout.write(
                f"scheduling: {run.scheduled} placed, {len(run.unscheduled)} unscheduled, "
                f"fill rate {run.fill_rate:.1%}, {run.breaks} breaks, {took:.1f} s "
                "(draft, not published)"
            )

    def _build(self, o, n_companies):
        rnd = random.Random(o["seed"])
        first = dt.date(2027, 6, 8)
        event = setup.create_event(
            name=f"Grand salon d'affaires ({o['participants']} participants)",
            slug=o["slug"],
            start_date=first,
            end_date=first + dt.timedelta(days=o["days"] - 1),
            venue="Parc des expositions",
            is_published=True,
            welcome_text="Événement généré pour les mesures de performance.",
        )
        sessions = []
        for d in range(o["days"]):
            day = Day.objects.create(event=event, date=first + dt.timedelta(days=d))
            sessions += Session.objects.bulk_create(
                Session(day=day, name=n, start_time=a, end_time=b, slot_minutes=20)
                for n, a, b in SESSIONS
            )
        Slot.objects.bulk_create(
            Slot(session=s, start=a, end=b) for s in sessions for a, b in setup.wanted_slots(s)
        )
        self._slots = Slot.objects.filter(session__day__event=event).count()
        # Enough tables: the average load per slot with a 50 % margin, in rooms of 60.
        self._tables = max(4, math.ceil(o["meetings"] / self._slots * 1.5))
        site = Site.objects.create(event=event, name="Parc des expositions")
        rooms, left = [], self._tables
        while left > 0:
            rooms.append(Room(site=site, name=f"Hall {len(rooms) + 1}", tables=min(60, left)))
            left -= 60
        Room.objects.bulk_create(rooms)

        keywords = Keyword.objects.bulk_create(Keyword(event=event, label_fr=w) for w in WORDS)
        sectors = list(event.sectors.all())
        cooperation = list(event.cooperation_types.all())
        companies = Company.objects.bulk_create(
            Company(
                event=event,
                name=f"Entreprise {i + 1:04d}",
                country=rnd.choice(COUNTRIES),
                city=rnd.choice(["Paris", "Lyon", "Lille", "Nantes", "Köln", "Milano"]),
                sector=rnd.choice(sectors),
                status=Company.Status.VALIDATED,
                validated_at=timezone.now(),
                description=f"Entreprise générée n° {i + 1} ({rnd.choice(WORDS)}).",
                email=f"contact@c{i + 1:04d}.bench.example",
            )
            for i in range(n_companies)
        )
        reps = Representative.objects.bulk_create(
            Representative(
                company=c,
                first_name=f"Prénom{k + 1}",
                last_name=f"Nom{i + 1:04d}",
                email=f"rep{k + 1}@c{i + 1:04d}.bench.example",
                phone="+33600000000",
            )
            for i, c in enumerate(companies)
            for k in range(2)
        )
        offers = Offer.objects.bulk_create(
            Offer(
                company=c,
                kind="offer" if k == 0 else "request",
                title=f"{'Offre' if k == 0 else 'Recherche'} {rnd.choice(WORDS)}",
                cooperation_type=rnd.choice(cooperation) if cooperation else None,
            )
            for c in companies
            for k in range(2)
        )
        through = Offer.keywords.through
        through.objects.bulk_create(
            through(offer_id=of.pk, keyword_id=kw.pk)
            for of in offers
            for kw in rnd.sample(keywords, 2)
        )
        labels = {k.pk: k.label_fr for k in keywords}
        kw_by_offer = {}
        for row in through.objects.filter(offer__company__event=event).values_list(
            "offer_id", "keyword_id"
        ):
            kw_by_offer.setdefault(row[0], []).append(labels[row[1]])
        # The catalogue search text, computed like services.registration.refresh_search_text.
        sector_text = {s.pk: str(s) for s in sectors}
        by_company = {}
        for of in offers:
            by_company.setdefault(of.company_id, []).append(
                " ".join([of.title, *kw_by_offer.get(of.pk, [])])
            )
        for c in companies:
            parts = [c.name, c.description, c.city, sector_text.get(c.sector_id, "")]
            c.search_text = registration.normalise(" ".join(parts + by_company.get(c.pk, [])))
        Company.objects.bulk_update(companies, ["search_text"], batch_size=500)

        self._requests(event, reps, o["meetings"], rnd)
        return event, reps

    def _accounts(self, reps, count, password) -> int:
        """Accounts for `count` representatives: first the first person of each company, then
        the second. One password hash for all (hashing 1,500 times with Argon2 would take
        minutes and measures nothing); existing accounts with these addresses are reused."""
        if not count:
            return 0
        from allauth.account.models import EmailAddress
        from django.contrib.auth.hashers import make_password

        from civitas.core import accounts
        from civitas.core.models import User

        chosen = (reps[0::2] + reps[1::2])[:count]
        hashed = make_password(password)
        users = {}
        for r in chosen:
            users[r.email] = accounts.get_or_create(r.email, r.full_name, verified=True)[0]
        User.objects.filter(pk__in=[u.pk for u in users.values()]).update(password=hashed)
        EmailAddress.objects.filter(user__in=users.values()).update(verified=True)
        for r in chosen:
            r.user = users[r.email]
        Representative.objects.bulk_update(chosen, ["user"], batch_size=500)
        return len(chosen)

    def _requests(self, event, reps, count, rnd):
        """Confirmed requests; recipients follow a Zipf-like law (popular companies receive
        many), capped so nobody has more meetings than there are slots."""
        cum, total = [], 0.0
        for i in range(len(reps)):
            total += 1.0 / (i + 1) ** 0.8
            cum.append(total)
        indices = range(len(reps))
        order = list(range(len(reps)))
        rnd.shuffle(order)
        cap = self._slots
        load = [0] * len(reps)
        pairs = set()
        now = timezone.now()
        made = []
        guard = 0
        while len(made) < count:
            guard += 1
            if guard > count * 200:
                raise CommandError("Could not draw that many distinct meetings.")
            b = order[rnd.choices(indices, cum_weights=cum)[0]]
            a = rnd.randrange(len(reps))
            ra, rb = reps[a], reps[b]
            key = (min(a, b), max(a, b))
            if ra.company_id == rb.company_id or key in pairs or load[a] >= cap or load[b] >= cap:
                continue
            pairs.add(key)
            load[a] += 1
            load[b] += 1
            made.append(
                MeetingRequest(
                    event=event,
                    sender=ra,
                    recipient=rb,
                    state=MeetingRequest.State.CONFIRMED,
                    answered_at=now,
                    confirmed_at=now,
                )
            )
        MeetingRequest.objects.bulk_create(made, batch_size=1000)
