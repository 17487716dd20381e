"""Service time and SQL queries of the events pages, one request at a time (issue 32, item 17).

    .venv/bin/python bench/events_pages.py                      # this checkout
    BENCH_SRC=/tmp/base/src .venv/bin/python bench/events_pages.py --no-setup   # another one

Against PostgreSQL (own database, default `civitas_bench_pages`, created if missing) with the
production settings (DEBUG off), in one process with Django's test client (no HTTP server:
what is measured is Django, its templates and the database): `migrate`, the 1,500-participant
event (`generate_large_event --accounts 50`), the realistic agendas of bench/events_load.py
(busiest 40 meetings), ANALYZE; then, for each page, the number of SQL queries and the
median time of `--runs` requests after one warm-up request:

  event page        the mini-site's welcome page (Wagtail; the menu on every public page)
  catalogue         public catalogue, search "robotique"
  company detail    a company's public page, seen by a participant (offers, contacts)
  agenda            the participant area's agenda of the busiest simulated user (40 meetings)
  agenda PDF        their agenda as PDF (WeasyPrint): first download, then the next ones
  requests list     back office, all meeting requests, last page
  registrations     back office, registrations list, first page (50 companies)
  meetings CSV      back office export of every meeting of the event

`BENCH_SRC` runs another checkout's code on the same data (e.g. the commit before a change,
extracted with `git archive`), to print a before/after; `--no-setup` skips migrate and data.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = Path(os.environ.get("BENCH_SRC", ROOT / "src"))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/civitas_bench_pages"


def setup_django(db_url: str):
    sys.path.insert(0, str(SRC))
    sys.path.insert(1, str(ROOT))  # tests.conftest: the back-office login with its 2nd factor
    sys.path.insert(2, str(ROOT / "bench"))
    import events_load

    os.environ.update(events_load.settings_env(db_url))
    os.environ["PYTHONPATH"] = str(SRC)
    os.environ["ALLOWED_HOSTS"] = "127.0.0.1,localhost,testserver"
    import django

    django.setup()
    return events_load


def prepare(events_load, args, env):
    from civitas.events.models import Event, Representative

    events_load.ensure_database(args.database_url)
    events_load.manage(env, "migrate", "--noinput")
    events_load.manage(env, "collectstatic", "--noinput")
    if not Event.objects.filter(slug=args.slug).exists():
        print(f"generating {args.slug}...", flush=True)
        events_load.manage(
            env,
            "generate_large_event",
            f"--slug={args.slug}",
            "--replace",
            "--accounts=50",
            f"--password={events_load.PASSWORD}",
        )
    event = Event.objects.get(slug=args.slug)
    users = list(
        Representative.objects.filter(company__event=event, user__isnull=False)
        .select_related("user")
        .order_by("pk")[:50]
    )
    import random

    sizes = events_load.realistic_agendas(event, users, 40, random.Random(7))
    events_load.analyze()
    return sizes


def measure(client, url, runs, params=None) -> tuple[int, float]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def get():
        response = client.get(url, params or {})
        if response.status_code != 200:
            sys.exit(f"{url}: HTTP {response.status_code}")
        if response.streaming:
            b"".join(response.streaming_content)
        return response

    get()  # warm-up
    with CaptureQueriesContext(connection) as ctx:
        get()
    queries = len(ctx.captured_queries)
    times = []
    for _i in range(runs):
        t = time.perf_counter()
        get()
        times.append(time.perf_counter() - t)
    return queries, statistics.median(times) * 1000


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--slug", default="grand-salon-bench")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--no-setup", action="store_true", help="data already there")
    args = parser.parse_args()

    events_load = setup_django(args.database_url)
    env = events_load.settings_env(args.database_url)
    env["PYTHONPATH"] = str(SRC)
    if not args.no_setup:
        sizes = prepare(events_load, args, env)
        print(f"agendas: {min(sizes)} to {max(sizes)}, median {statistics.median(sizes):g}")

    from django.core.cache import cache
    from django.db.models import Count, Q
    from django.test import Client
    from django.urls import reverse

    from civitas.events.models import Company, Event, Meeting, Representative
    from tests.conftest import make_user, mark_second_factor_passed

    event = Event.objects.get(slug=args.slug)
    busiest = (
        Representative.objects.filter(company__event=event, user__isnull=False)
        .annotate(
            n=Count(
                "sent_requests__meetings",
                filter=Q(sent_requests__meetings__state=Meeting.State.SCHEDULED),
                distinct=True,
            )
            + Count(
                "received_requests__meetings",
                filter=Q(received_requests__meetings__state=Meeting.State.SCHEDULED),
                distinct=True,
            )
        )
        .order_by("-n", "pk")
        .first()
    )
    company = (
        Company.objects.filter(event=event, status=Company.Status.VALIDATED)
        .annotate(n=Count("offers"))
        .order_by("-n", "pk")
        .first()
    )
    admin_email = "bench-pages-admin@example.org"
    from civitas.core.models import User

    admin = User.objects.filter(email=admin_email).first() or make_user(
        admin_email, role_code="principal_admin"
    )
    participant = Client()
    participant.force_login(busiest.user)
    organiser = Client()
    organiser.force_login(admin)
    mark_second_factor_passed(organiser, admin)
    anonymous = Client()

    n_requests = event.meeting_requests.count()
    last_page = (n_requests + 49) // 50
    slug = event.slug
    pages = [
        ("event page", anonymous, reverse("events:event_page", kwargs={"slug": slug}), None),
        (
            "catalogue",
            anonymous,
            reverse("events:catalogue", kwargs={"slug": slug}),
            {"q": "robotique"},
        ),
        (
            "company detail",
            participant,
            reverse("events:company_detail", kwargs={"slug": slug, "pk": company.pk}),
            None,
        ),
        ("agenda", participant, reverse("events:area_agenda", kwargs={"slug": slug}), None),
        ("agenda PDF", participant, reverse("events:area_agenda_pdf", kwargs={"slug": slug}), None),
        (
            f"requests list (page {last_page})",
            organiser,
            reverse("events:bo_requests", kwargs={"pk": event.pk}),
            {"page": last_page},
        ),
        (
            "registrations",
            organiser,
            reverse("events:bo_registrations", kwargs={"pk": event.pk}),
            None,
        ),
        (
            "meetings CSV",
            organiser,
            reverse("exports:export"),
            {"exporter": "events.meetings", "format": "csv", "event": str(event.pk)},
        ),
    ]
    print(
        f"\ncode: {SRC}; {n_requests} requests, busiest participant {busiest.n} meetings, "
        f"load average {' '.join(f'{x:.1f}' for x in os.getloadavg())}\n"
    )
    print("| page | SQL queries | median (ms) |")
    print("|---|---:|---:|")
    for label, client, url, params in pages:
        if label == "agenda PDF":
            cache.clear()
            t = time.perf_counter()
            client.get(url)
            first = (time.perf_counter() - t) * 1000
            print(f"| agenda PDF, first download | — | {first:.0f} |")
            label = "agenda PDF, next downloads"
        queries, ms = measure(client, url, args.runs, params)
        print(f"| {label} | {queries} | {ms:.0f} |", flush=True)
    print(f"\nload average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
