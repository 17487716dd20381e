"""Benchmark: the support agents' queue with 100,000 tickets and 1,000,000 state changes.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/civitas_support_bench \\
        .venv/bin/python bench/support_queue.py [--tickets 100000] [--changes 10]

Creates the data once (bulk inserts; the database is created if absent), then prints:
the p50/p95 of the queue's first page (open tickets by next deadline) for an agent with an
organisation-wide role and for an agent scoped to one unit, and the seconds taken to
recompute every open ticket's deadline from its history (what a calendar change costs).
"""

import argparse
import os
import random
import statistics
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def percentiles(samples):
    ordered = sorted(samples)
    return statistics.median(ordered), ordered[max(0, int(len(ordered) * 0.95) - 1)]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tickets", type=int, default=100_000)
    parser.add_argument("--changes", type=int, default=10, help="state changes per ticket")
    parser.add_argument("--runs", type=int, default=60)
    parser.add_argument("--skip-refresh", action="store_true")
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
    os.environ["CIVITAS_MODULES"] = "events,support"
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from civitas.core.models import Organisation, Role, Unit, User
    from civitas.support.backoffice.views import queue_page
    from civitas.support.models import (
        Product,
        SlaTable,
        StateChange,
        Structure,
        SupportCalendar,
        Ticket,
        TicketState,
    )
    from civitas.support.services import sla

    call_command("migrate", interactive=False, verbosity=0)
    Organisation.objects.get_or_create(pk=1, defaults={"name": "Bench"})
    rng = random.Random(28)
    if Ticket.objects.count() < args.tickets:
        t0 = time.perf_counter()
        root, _ = Unit.objects.get_or_create(name="Bench root")
        structures = []
        for i in range(50):
            unit, _ = Unit.objects.get_or_create(name=f"Bench client {i}", parent=root)
            structure, _ = Structure.objects.get_or_create(
                name=f"Client {i}",
                unit=unit,
                defaults={
                    "calendar": SupportCalendar.objects.order_by("pk").first(),
                    "sla_table": SlaTable.objects.get(code="004-4-3"),
                },
            )
            structures.append(structure)
        product, _ = Product.objects.get_or_create(name="Bench product")
        states = list(TicketState.objects.filter(initial=False))
        initial = TicketState.objects.get(initial=True)
        table = SlaTable.objects.get(code="004-4-3")
        calendar = SupportCalendar.objects.order_by("pk").first()
        now = timezone.now()
        start = Ticket.objects.count()
        batch = 5000
        for first in range(start, args.tickets, batch):
            tickets = []
            for n in range(first, min(first + batch, args.tickets)):
                opened = now - timedelta(minutes=rng.randint(0, 60 * 24 * 365))
                last_state = rng.choice(states)
                tickets.append(
                    Ticket(
                        number=f"B-{n:07d}",
                        structure=rng.choice(structures),
                        product=product,
                        service="application_bug",
                        level=rng.randint(0, 3),
                        subject=f"Bench {n}",
                        text="bench",
                        state=last_state,
                        sla_table=table,
                        calendar=calendar,
                        opened_at=opened,
                        updated_at=opened,
                        last_customer_action_at=opened,
                    )
                )
            Ticket.objects.bulk_create(tickets, batch_size=batch)
            changes = []
            for t in tickets:
                at = t.opened_at
                changes.append(StateChange(ticket=t, at=at, state=initial))
                for k in range(args.changes - 1):
                    at = at + timedelta(minutes=rng.randint(5, 60 * 24 * 3))
                    last = k == args.changes - 2
                    changes.append(
                        StateChange(ticket=t, at=at, state=t.state if last else rng.choice(states))
                    )
            StateChange.objects.bulk_create(changes, batch_size=10000)
            print(f"  {first + len(tickets)} tickets", flush=True)
        print(f"data created in {time.perf_counter() - t0:.0f} s")
        t0 = time.perf_counter()
        sla.refresh_all(Ticket.objects.all())
        print(f"initial deadlines computed in {time.perf_counter() - t0:.1f} s")
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    n_tickets, n_changes = Ticket.objects.count(), StateChange.objects.count()
    print(f"{n_tickets} tickets, {n_changes} state changes")

    role, _ = Role.objects.get_or_create(
        code="support_agent",
        defaults={"name": "Agent", "permissions": ["support.handle_tickets"]},
    )
    from civitas.core import accounts

    wide, _ = User.objects.get_or_create(email="bench-wide@example.org")
    accounts.grant(wide, role, ("organisation", 1))
    scoped, _ = User.objects.get_or_create(email="bench-unit@example.org")
    unit = Unit.objects.get(name="Bench client 7")
    accounts.grant(scoped, role, ("unit", unit.pk))

    def first_page(user):
        user = User.objects.get(pk=user.pk)  # no cached scopes between runs
        return list(queue_page(user)[:50])

    for label, user in [("organisation-wide agent", wide), ("agent of one unit", scoped)]:
        first_page(user)
        samples = []
        for _ in range(args.runs):
            t0 = time.perf_counter()
            rows = first_page(user)
            samples.append((time.perf_counter() - t0) * 1000)
        p50, p95 = percentiles(samples)
        print(f"queue first page, {label}: {len(rows)} rows, p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    if not args.skip_refresh:
        t0 = time.perf_counter()
        count = sla.refresh_all()
        print(
            f"recompute every open ticket's deadline: {count} tickets in "
            f"{time.perf_counter() - t0:.1f} s"
        )


if __name__ == "__main__":
    main()
