"""Benchmark: catalogue search on the 1,500-participant event, on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/civitas_search_bench \
        .venv/bin/python bench/catalogue_search.py

Creates the database if absent, migrates, generates the event once
(`manage.py generate_large_event`), then times, for a few searches, the former matching
(every normalised word `LIKE '%word%'` in Company.search_text) and the French full-text
search of services.catalogue.public_companies (GIN index, ranking): the query (first page
of 30 rows + count, as the catalogue page runs it) and the whole catalogue page.
Median of --runs runs, in milliseconds.
"""

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

SEARCHES = ["robotique", "énergies", "exportations", "logistique numérique", "entreprise 0042"]


def median_ms(fn, runs):
    fn()  # warm-up
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append((time.perf_counter() - t) * 1000)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--slug", default="grand-salon")
    args = parser.parse_args()
    url = os.environ.get("DATABASE_URL", "")
    if not url.startswith("postgres"):
        sys.exit("Set DATABASE_URL to a PostgreSQL database (it is created if absent).")
    dbname = url.rsplit("/", 1)[1]
    admin = url.rsplit("/", 1)[0] + "/postgres"
    exists = subprocess.run(
        ["psql", admin, "-tAc", f"SELECT 1 FROM pg_database WHERE datname = '{dbname}'"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.strip()
    if not exists:
        subprocess.run(["psql", admin, "-qc", f'CREATE DATABASE "{dbname}"'], check=True)

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civitas.settings.dev")
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client

    from civitas.events.models import Company, Event
    from civitas.events.services import catalogue
    from civitas.events.services.registration import normalise

    call_command("migrate", interactive=False, verbosity=0)
    if not Event.objects.filter(slug=args.slug).exists():
        call_command("generate_large_event", slug=args.slug)
    event = Event.objects.get(slug=args.slug)
    n = Company.objects.filter(event=event).count()
    print(f"{event.name}: {n} companies; median of {args.runs} runs, ms")

    def former(q):
        qs = Company.objects.filter(event=event, status=Company.Status.VALIDATED)
        for word in normalise(q).split():
            qs = qs.filter(search_text__contains=word)
        return qs.order_by("name", "pk")

    def run(qs):
        return len(list(qs[:30])), qs.count()

    client = Client(HTTP_ACCEPT_LANGUAGE="fr")
    page = f"/evenements/{event.slug}/participants/"
    head = ("found before", "found after", "before", "after", "page")
    print(f"{'search':24} {head[0]:>12} {head[1]:>12} {head[2]:>8} {head[3]:>8} {head[4]:>8}")
    for q in SEARCHES:
        found_before = run(former(q))[1]
        found_after = run(catalogue.public_companies(event, q))[1]
        before = median_ms(lambda q=q: run(former(q)), args.runs)
        after = median_ms(lambda q=q: run(catalogue.public_companies(event, q)), args.runs)
        page_ms = median_ms(lambda q=q: client.get(page, {"q": q}), max(5, args.runs // 3))
        print(
            f"{q:24} {found_before:12} {found_after:12} {before:8.1f} {after:8.1f} {page_ms:8.1f}"
        )


if __name__ == "__main__":
    main()
