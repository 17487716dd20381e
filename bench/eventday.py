"""Benchmarks of the event day: a batch of badges and check-in throughput.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/civitas_bench_eventday \
        .venv/bin/python bench/eventday.py badges --count 1500
    DATABASE_URL=... .venv/bin/python bench/eventday.py checkin --devices 10 --scans 150

badges: builds an event with COUNT validated representatives (one per company) if missing,
then renders all their badges as one PDF through services/badges.py (chunks merged with
pypdf, the code the background job runs); prints the time, the pages and the peak memory
(resident set size of the process, ru_maxrss, before and after).

checkin: DEVICES threads, each a logged-in Django test client, post their scans one by one
(a batch of one, as a scanner online does) to the real sync endpoint (URL routing,
middleware, permission, service, database); prints scans per second and p50/p95 latency.
Each thread uses its own database connection, so run it on PostgreSQL.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civitas.settings.dev")
os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/civitas_bench_eventday")


def setup(count: int):
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    from civitas.events.models import Company, Day, Event, Representative, Room, Session, Site
    from civitas.events.services import setup as event_setup

    event = Event.objects.filter(slug="bench-jour-j").first()
    if event is None:
        event = event_setup.create_event(
            name="Bench jour J",
            slug="bench-jour-j",
            start_date=dt.date(2027, 3, 10),
            end_date=dt.date(2027, 3, 10),
            is_published=True,
        )
        site = Site.objects.create(event=event, name="Site")
        Room.objects.create(site=site, name="Hall", tables=50)
        day = Day.objects.create(event=event, date=dt.date(2027, 3, 10))
        Session.objects.create(
            day=day, name="Matin", start_time=dt.time(9), end_time=dt.time(12), slot_minutes=30
        )
    have = Representative.objects.filter(company__event=event).count()
    if have < count:
        companies = Company.objects.bulk_create(
            [
                Company(
                    event=event,
                    name=f"Entreprise {i:04d}",
                    country="FR",
                    status=Company.Status.VALIDATED,
                )
                for i in range(have, count)
            ]
        )
        Representative.objects.bulk_create(
            [
                Representative(
                    company=c,
                    first_name=f"Prénom{i}",
                    last_name=f"Nom{i}",
                    email=f"p{i}@bench.example",
                    job_title="Directrice commerciale",
                )
                for i, c in enumerate(companies, start=have)
            ]
        )
    return event


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def bench_badges(args):
    event = setup(args.count)
    import io

    from pypdf import PdfReader

    from civitas.events.services import badges

    reps = list(badges.people(event)[: args.count])
    before = rss_mb()
    start = time.perf_counter()
    data = badges.badges_pdf(event, reps)
    elapsed = time.perf_counter() - start
    pages = len(PdfReader(io.BytesIO(data)).pages)
    print(
        f"badges: {len(reps)} in {elapsed:.1f} s ({len(reps) / elapsed:.0f}/s), {pages} pages, "
        f"{len(data) / 1e6:.1f} MB PDF, peak RSS {rss_mb():.0f} MB (before: {before:.0f} MB), "
        f"chunk {badges.CHUNK}"
    )


def bench_checkin(args):
    event = setup(max(args.devices * args.scans, 100))
    from django.db import connection
    from django.test import Client

    from civitas.core import accounts, modules
    from civitas.core.models import Role, User
    from civitas.events.models import Checkin, Representative
    from civitas.events.services import checkin

    checkin.ensure_lists(event)
    lst = event.checkin_lists.get(kind="event")
    Checkin.objects.filter(checkin_list=lst).delete()
    modules.ensure_roles(["events"])
    user = User.objects.filter(email="bench-accueil@example.org").first()
    if user is None:
        user = User.objects.create_user("bench-accueil@example.org", "Bench-accueil-2027!")
    accounts.grant(user, Role.objects.get(code="event_reception"), ("event", event.pk))
    # A receptionist who logged in with the second factor (as the tests' force_login).
    from allauth.mfa.models import Authenticator

    from tests.conftest import add_totp, mark_second_factor_passed

    if not Authenticator.objects.filter(user=user).exists():
        add_totp(user)
    tokens = list(
        Representative.objects.filter(company__event=event)
        .order_by("pk")
        .values_list("checkin_token", flat=True)[: args.devices * args.scans]
    )
    url = f"/backoffice/evenements/{event.pk}/accueil/{lst.pk}/scans.json"
    latencies: list[float] = []
    lock = threading.Lock()
    errors = []

    def device(n):
        from django.db import connection as conn

        client = Client(HTTP_HOST="localhost")
        client.force_login(user)
        mark_second_factor_passed(client, user)
        mine = tokens[n :: args.devices]
        local = []
        for i, token in enumerate(mine):
            body = json.dumps(
                {"device": f"d{n}", "scans": [{"client_id": f"d{n}-{i}", "code": token}]}
            )
            t0 = time.perf_counter()
            r = client.post(url, body, content_type="application/json")
            local.append(time.perf_counter() - t0)
            if r.status_code != 200 or r.json()["results"][0]["status"] != "valid":
                errors.append((r.status_code, r.content[:200]))
        with lock:
            latencies.extend(local)
        conn.close()

    connection.close()
    threads = [threading.Thread(target=device, args=(n,)) for n in range(args.devices)]
    start = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - start
    latencies.sort()
    p50 = statistics.median(latencies) * 1000
    recorded = Checkin.objects.filter(checkin_list=lst).count()
    print(
        f"checkin: {len(latencies)} scans from {args.devices} devices in {elapsed:.1f} s = "
        f"{len(latencies) / elapsed:.0f} scans/s; p50 {p50:.0f} ms, "
        f"p95 {latencies[int(len(latencies) * 0.95) - 1] * 1000:.0f} ms; recorded {recorded}; "
        f"errors {len(errors)} {errors[:2]}"
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    b = sub.add_parser("badges")
    b.add_argument("--count", type=int, default=1500)
    c = sub.add_parser("checkin")
    c.add_argument("--devices", type=int, default=10)
    c.add_argument("--scans", type=int, default=150)
    args = parser.parse_args()
    {"badges": bench_badges, "checkin": bench_checkin}[args.what](args)


if __name__ == "__main__":
    main()
