"""Benchmark of the workshop seats under concurrency (issue 25, animations).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/civitas_bench_animations \\
        .venv/bin/python bench/animations_seats.py --users 50 --workshops 20 --seats 30

Against PostgreSQL (own database, created and migrated if missing), in one process: N
threads, one per simulated user, each with its own database connection, start together
and register to every workshop in a random order through the real service
(`civitas.events.services.animations.register`, policy "close when full", so a late
request is refused). Run twice: with the lock (the service as shipped) and without it
(`civitas.core.locking.race_test(locks=False, after_checks=0)`: `lock()` becomes a plain
read, no extra pause). It prints, for each run, the seats sold beyond the capacity (must be
0 with the lock), the refusals, and p50/p95/max of one registration (the checkout step of
a free workshop). Figures in docs/admin/evenements-animations.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/civitas_bench_animations"


def ensure_database(db_url: str) -> None:
    import psycopg

    base, name = db_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def setup_django(db_url: str) -> None:
    os.environ["DATABASE_URL"] = db_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "civitas.settings.test")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def build(run: str, users: int, workshops: int, seats: int):
    from civitas.events.models import Animation, Company, Event, Representative
    from civitas.events.services import setup

    slug = f"bench-anim-{run}"
    Event.objects.filter(slug=slug).delete()
    event = setup.create_event(
        name=f"Bench {run}",
        slug=slug,
        start_date=dt.date(2030, 1, 10),
        end_date=dt.date(2030, 1, 10),
        is_published=True,
    )
    paris = ZoneInfo("Europe/Paris")
    animations = []
    for i in range(workshops):
        # One workshop after another: nobody is refused for being busy elsewhere.
        start = dt.datetime(2030, 1, 10, 8, tzinfo=paris) + dt.timedelta(minutes=30 * i)
        animations.append(
            Animation.objects.create(
                event=event,
                title_fr=f"Atelier {i + 1}",
                start=start,
                end=start + dt.timedelta(minutes=30),
                capacity=seats,
                full_policy=Animation.FullPolicy.CLOSE,
            )
        )
    reps = []
    for u in range(users):
        company = Company.objects.create(
            event=event, name=f"Firm {u}", status=Company.Status.VALIDATED
        )
        reps.append(
            Representative.objects.create(
                company=company, first_name="P", last_name=f"{u}", email=f"p{u}@bench.example"
            )
        )
    return animations, reps


def run_once(run: str, *, users: int, workshops: int, seats: int, locks: bool) -> dict:
    from django.db import connection

    from civitas.core.locking import race_test
    from civitas.events.models import AnimationRegistration
    from civitas.events.services import ServiceError
    from civitas.events.services import animations as svc

    animations, reps = build(run, users, workshops, seats)
    timings: list[float] = []
    refused = [0]
    errors: list[str] = []
    guard = threading.Lock()
    barrier = threading.Barrier(users)

    def user(rep, seed):
        order = list(animations)
        random.Random(seed).shuffle(order)
        try:
            barrier.wait()
            for animation in order:
                t0 = time.perf_counter()
                try:
                    svc.register(animation, rep, notify_=False)
                except ServiceError:
                    with guard:
                        refused[0] += 1
                except Exception as exc:  # a deadlock or a lost connection is a finding
                    with guard:
                        errors.append(repr(exc))
                with guard:
                    timings.append(time.perf_counter() - t0)
        finally:
            connection.close()

    threads = [threading.Thread(target=user, args=(rep, i)) for i, rep in enumerate(reps)]
    started = time.perf_counter()
    with race_test(locks=locks, after_checks=0):
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    elapsed = time.perf_counter() - started
    oversold = 0
    for animation in animations:
        taken = AnimationRegistration.objects.filter(
            animation=animation, status__in=AnimationRegistration.SEATED
        ).count()
        oversold += max(taken - seats, 0)
    timings.sort()
    return {
        "run": run,
        "attempts": len(timings),
        "refused": refused[0],
        "errors": len(errors),
        "oversold": oversold,
        "p50": statistics.median(timings),
        "p95": timings[int(0.95 * (len(timings) - 1))],
        "max": timings[-1],
        "elapsed": elapsed,
    }


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--workshops", type=int, default=20)
    parser.add_argument("--seats", type=int, default=30)
    args = parser.parse_args()
    db_url = os.environ.get("DATABASE_URL", DEFAULT_DB)
    if not db_url.startswith("postgres"):
        sys.exit("PostgreSQL only: set DATABASE_URL=postgres://...")
    ensure_database(db_url)
    setup_django(db_url)
    kw = {"users": args.users, "workshops": args.workshops, "seats": args.seats}
    print(
        f"{args.users} users x {args.workshops} workshops of {args.seats} seats "
        f"({args.users * args.workshops} registrations for {args.workshops * args.seats} seats)"
    )
    print("run            attempts refused errors oversold   p50 ms   p95 ms   max ms  total s")
    for name, locks in (("with lock", True), ("without lock", False)):
        r = run_once(name.replace(" ", "-"), locks=locks, **kw)
        print(
            f"{name:<14} {r['attempts']:>8} {r['refused']:>7} {r['errors']:>6} "
            f"{r['oversold']:>8} {r['p50'] * 1000:>8.1f} {r['p95'] * 1000:>8.1f} "
            f"{r['max'] * 1000:>8.1f} {r['elapsed']:>8.1f}"
        )


if __name__ == "__main__":
    main()
