"""Load benchmark of the business events on the seed's largest event (003 §9, §10).

    .venv/bin/python bench/events_load.py --users 50 --duration 60
    .venv/bin/python bench/events_load.py --users 50 --duration 60 --schedule   # + scheduling

What it does, against PostgreSQL (own database, default `civitas_bench_events`, created if
missing) and gunicorn on 127.0.0.1 with the production settings (DEBUG off, compressed
static files, JSON logs at WARNING):

1. `migrate`, `collectstatic`, and `generate_large_event --accounts N` when the event does
   not exist yet (1,500 participants, 3,000 confirmed requests; `--regenerate` forces it);
2. gives each simulated user a realistic agenda of published meetings (`realistic_agendas`:
   the busiest has `--busiest` meetings, 40 = every slot of the two days, the median about a
   third of that, the least busy 5) and `--pending` meeting requests to answer (pending,
   received from other participants), so "accept" always has something to accept; then
   ANALYZE, so PostgreSQL plans with the statistics of the data just written;
3. starts gunicorn (`--workers`, sync workers), then N threads, one per simulated user: each
   logs in through the real login form (allauth, Argon2); once all are logged in, the users
   start one after the other over `--ramp` seconds (not all 50 at once), and each loops
   until `--duration` seconds after the end of the ramp, with a random think time around
   `--think` seconds, over:
     catalogue   GET the public catalogue with a keyword search   (consultation, simple)
     agenda      GET its own agenda page                          (consultation, complex)
     send        POST a meeting request to a random participant   (entry, simple)
     accept      POST "accept" on one of its pending requests     (entry, simple)
4. prints p50/p95/max per action against the seed's limits (2 s simple, 5 s complex), for the
   whole run and for the steady state alone (requests started after the ramp), the latter
   against the goal of issue 32 (p95 100 ms with 5 s of think time, 300 ms with 1 s), with
   the load average of the machine before and after; with `--schedule`, times one
   scheduling run of the whole event (processing, complex: 10 s).

The scaffolding (settings, gunicorn, the HTTP user thread, percentiles) is bench/_load.py,
shared with bench/childprotection_load.py. The load generator is threads + `requests`
(already a dependency): no new package; see docs/benchmarks-events.md for why not Locust. It
runs on the same machine as the server and the database, so the figures include that
contention.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import statistics
import sys
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _load import (  # noqa: E402
    HttpUser,
    ensure_database,
    fmt,
    load_average,
    manage,
    p95,
    settings_env,
    setup_django,
    start_gunicorn,
    stop_gunicorn,
    wait_ready,
)

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/civitas_bench_events"
PASSWORD = "Bench-events-2027!"
WORDS = ["robotique", "energie", "logistique", "numérique", "santé", "export", "chimie"]
LIMITS = {  # seconds, seed 003 §10
    "login": (None, "—"),
    "catalogue": (2.0, "consultation simple"),
    "agenda": (5.0, "consultation complexe"),
    "send": (2.0, "saisie simple"),
    "accept": (2.0, "saisie simple"),
}
WEIGHTS = {"catalogue": 4, "agenda": 3, "send": 2, "accept": 2}


def prepare(args, env) -> dict:
    """Data for the simulated users, built in this process with the ORM."""
    setup_django(env)
    from django.db.models import Q
    from django.utils import timezone

    from civitas.events.models import Event, MeetingRequest, Representative

    event = Event.objects.filter(slug=args.slug).first()
    if event is None or args.regenerate:
        print(f"generating {args.slug} (1,500 participants, 3,000 requests)...", flush=True)
        print(
            manage(
                env,
                "generate_large_event",
                f"--slug={args.slug}",
                "--replace",
                f"--accounts={args.users}",
                f"--password={PASSWORD}",
            ).strip()
        )
        event = Event.objects.get(slug=args.slug)
    users = list(
        Representative.objects.filter(company__event=event, user__isnull=False)
        .select_related("user")
        .order_by("pk")[: args.users]
    )
    if len(users) < args.users:
        sys.exit(f"only {len(users)} accounts in {args.slug}: use --regenerate")
    everyone = list(
        Representative.objects.filter(company__event=event).values_list("pk", "company_id")
    )
    rnd = random.Random(7)
    expiry = timezone.now() + datetime.timedelta(days=30)
    agendas = realistic_agendas(event, users, args.busiest, rnd)
    plans = []
    for rep in users:
        pending = list(
            MeetingRequest.objects.filter(recipient=rep, state="pending").values_list(
                "pk", flat=True
            )
        )
        busy = set(
            MeetingRequest.objects.filter(Q(sender=rep) | Q(recipient=rep)).values_list(
                "sender_id", "recipient_id"
            )
        )
        busy = {pk for pair in busy for pk in pair}
        while len(pending) < args.pending:
            other, company = rnd.choice(everyone)
            if company == rep.company_id or other in busy:
                continue
            busy.add(other)
            pending.append(
                MeetingRequest.objects.create(
                    event=event, sender_id=other, recipient=rep, expires_at=expiry
                ).pk
            )
        targets = [pk for pk, company in everyone if company != rep.company_id and pk not in busy]
        rnd.shuffle(targets)
        plans.append({"email": rep.user.email, "pending": pending, "targets": targets})
    analyze()
    return {"event": event, "plans": plans, "agendas": agendas}


def agenda_sizes(n: int, busiest: int) -> list[int]:
    """Meetings per simulated user, busiest first: 5 + (busiest - 5) * (1 - p)^2 at the
    user's rank p, so with 40 the busiest have 40 (every slot), the median 14, the least 5
    (a skewed spread, as popular companies draw most requests; the generated event alone
    gives a median of 3)."""
    if n == 1:
        return [busiest]
    low = min(5, busiest)
    return [round(low + (busiest - low) * (1 - i / (n - 1)) ** 2) for i in range(n)]


def realistic_agendas(event, users, busiest, rnd) -> list[int]:
    """Tops up each simulated user's published meetings to its size in `agenda_sizes`, with
    partners that are not simulated users, on slots where both are free and on free tables
    (idempotent: what earlier runs placed counts). Returns the meetings per user."""
    from django.db.models import Q
    from django.utils import timezone

    from civitas.events.models import Meeting, MeetingRequest, Representative, Room, Slot

    slots = list(Slot.objects.filter(session__day__event=event).order_by("start"))
    tables = [
        (room.pk, t)
        for room in Room.objects.filter(site__event=event).order_by("pk")
        for t in range(1, room.tables + 1)
    ]
    scheduled = Meeting.objects.filter(event=event, state=Meeting.State.SCHEDULED)
    busy: dict[int, set] = {}
    taken: dict[int, set] = {}
    for slot_id, room_id, table, a, b in scheduled.values_list(
        "slot_id", "room_id", "table_number", "request__sender_id", "request__recipient_id"
    ):
        busy.setdefault(a, set()).add(slot_id)
        busy.setdefault(b, set()).add(slot_id)
        taken.setdefault(slot_id, set()).add((room_id, table))
    mine = {u.pk for u in users}
    partners = list(
        Representative.objects.filter(company__event=event)
        .exclude(pk__in=mine)
        .values_list("pk", "company_id")
    )
    now = timezone.now()
    sizes = []
    for rep, size in zip(users, agenda_sizes(len(users), busiest), strict=True):
        have = scheduled.filter(published=True).filter(
            Q(request__sender=rep) | Q(request__recipient=rep)
        )
        met = set(
            MeetingRequest.objects.filter(Q(sender=rep) | Q(recipient=rep)).values_list(
                "sender_id", "recipient_id"
            )
        )
        met = {pk for pair in met for pk in pair}
        missing = size - have.count()
        free = [s for s in slots if s.pk not in busy.get(rep.pk, set())]
        rnd.shuffle(free)
        for slot in free:
            if missing <= 0:
                break
            table = next((t for t in tables if t not in taken.get(slot.pk, set())), None)
            if table is None:
                continue
            for _try in range(50):
                other, company = rnd.choice(partners)
                if (
                    company != rep.company_id
                    and other not in met
                    and slot.pk not in busy.get(other, set())
                ):
                    break
            else:
                continue
            request = MeetingRequest.objects.create(
                event=event,
                sender_id=other,
                recipient=rep,
                state=MeetingRequest.State.CONFIRMED,
                answered_at=now,
                confirmed_at=now,
            )
            Meeting.objects.create(
                event=event,
                request=request,
                slot=slot,
                room_id=table[0],
                table_number=table[1],
                published=True,
            )
            met.add(other)
            busy.setdefault(rep.pk, set()).add(slot.pk)
            busy.setdefault(other, set()).add(slot.pk)
            taken.setdefault(slot.pk, set()).add(table)
            missing -= 1
        sizes.append(have.count())
    return sizes


def analyze():
    """Fresh planner statistics for the rows just written (autovacuum would come later)."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")


class User(HttpUser):
    timeout = 60

    def __init__(self, base, slug, plan, start, think, results, lock, seed, delay=0.0):
        super().__init__(base, results, lock)
        self.slug, self.plan = slug, plan
        self.start_gate, self.think = start, think
        self.delay = delay  # seconds after the start before the first action (the ramp)
        self.deadline = None
        self.rnd = random.Random(seed)

    def login(self) -> bool:
        token, r = self.form_page("/accounts/login/")
        if token is None:
            self.record("login", False, 0.0, f"no form ({r.status_code})")
            return False
        data = {"login": self.plan["email"], "password": PASSWORD}
        r, took = self.post_form("/accounts/login/", token, data)
        ok = r.status_code == 302 and "/accounts/login" not in r.headers.get("Location", "")
        self.record("login", ok, took, "" if ok else f"HTTP {r.status_code}")
        return ok

    def post(self, path, data=None):
        token = self.cookies.get("csrftoken", "")
        return self.call("POST", path, data={"csrfmiddlewaretoken": token, **(data or {})})

    def run(self):
        logged_in = self.login()
        # Everybody logs in first (Argon2 is slow on purpose); the clock starts after.
        self.deadline = self.start_gate.wait_all()
        if not logged_in:
            return
        time.sleep(self.delay)
        area = f"/espace/evenements/{self.slug}"
        actions, weights = zip(*WEIGHTS.items(), strict=True)
        while time.monotonic() < self.deadline:
            action = self.rnd.choices(actions, weights)[0]
            if action == "catalogue":
                q = self.rnd.choice(WORDS)
                r, took = self.call("GET", f"/evenements/{self.slug}/participants/?q={q}")
                self.record(action, r.status_code == 200, took, f"HTTP {r.status_code}")
            elif action == "agenda":
                r, took = self.call("GET", f"{area}/agenda/")
                self.record(action, r.status_code == 200, took, f"HTTP {r.status_code}")
            elif action == "send" and self.plan["targets"]:
                target = self.plan["targets"].pop()
                r, took = self.post(f"{area}/demandes/nouvelle/{target}/", {"message": "Bonjour"})
                # 302: sent; 200: the form again with the refusal (e.g. already asked).
                self.record(action, r.status_code in (200, 302), took, f"HTTP {r.status_code}")
            elif action == "accept" and self.plan["pending"]:
                pk = self.plan["pending"].pop()
                r, took = self.post(f"{area}/demandes/{pk}/accept/")
                self.record(action, r.status_code == 302, took, f"HTTP {r.status_code}")
            time.sleep(self.rnd.uniform(0.5 * self.think, 1.5 * self.think))


class StartGate:
    """A barrier that gives every user the same deadline once all have logged in: the ramp
    (users starting one after the other), then `duration` seconds of steady state."""

    def __init__(self, parties, duration, ramp=0.0):
        self.duration, self.ramp = duration, ramp
        self.deadline = None
        self.barrier = threading.Barrier(parties, action=self._open)

    def _open(self):
        self.started = time.monotonic()
        self.steady = self.started + self.ramp
        self.deadline = self.steady + self.duration

    def wait_all(self):
        self.barrier.wait()
        return self.deadline


def goal_for(think: float) -> float:
    """Steady-state p95 goal of issue 32 at 50 users: 100 ms with 5 s of think time, 300 ms
    with 1 s (in between, the stricter one from 5 s on)."""
    return 0.1 if think >= 5 else 0.3


def table(results, duration, goal=None) -> str:
    """One row per action; with `goal` (steady state), the verdict is against it, else
    against the seed's limits."""
    lines = [
        "| action | requêtes | erreurs | req/s | p50 (s) | p95 (s) | max (s) | seuil | respecté |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for action in ("login", "catalogue", "agenda", "send", "accept"):
        rows = results.get(action, [])
        if not rows or (goal is not None and action == "login"):
            continue
        times = sorted(row[1] for row in rows)
        errors = sum(1 for row in rows if not row[0])
        p50 = statistics.median(times)
        high = p95(times)
        if goal is not None:
            limit, seuil = goal, f"{fmt(goal)} s (objectif p95, régime établi)"
        else:
            limit, label = LIMITS[action]
            seuil = "—" if limit is None else f"{fmt(limit)[:-2]} s ({label})"
        verdict = "—" if limit is None else ("oui" if high <= limit else "NON")
        rate = "—" if action == "login" else f"{len(rows) / duration:.1f}".replace(".", ",")
        lines.append(
            f"| {action} | {len(rows)} | {errors} | {rate} | {fmt(p50)} | {fmt(high)} | "
            f"{fmt(times[-1])} | {seuil} | {verdict} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument(
        "--duration", type=float, default=60.0, help="seconds of steady state after the ramp"
    )
    parser.add_argument(
        "--ramp", type=float, default=20.0, help="seconds over which the users start"
    )
    parser.add_argument(
        "--busiest", type=int, default=40, help="meetings of the busiest simulated user"
    )
    parser.add_argument("--think", type=float, default=1.0, help="mean think time (s)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--pending", type=int, default=15, help="requests to accept per user")
    parser.add_argument("--slug", default="grand-salon-bench")
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    parser.add_argument("--regenerate", action="store_true", help="regenerate the event")
    parser.add_argument("--schedule", action="store_true", help="also time one scheduling run")
    parser.add_argument("--time-limit", type=float, default=60.0, help="solver seconds")
    args = parser.parse_args()

    env = settings_env(args.database_url)
    ensure_database(args.database_url)
    t0 = time.perf_counter()
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    data = prepare(args, env)
    sizes = sorted(data["agendas"])
    print(
        f"set-up: {time.perf_counter() - t0:.0f} s; agendas of the simulated users: "
        f"{sizes[0]} to {sizes[-1]} meetings, median {statistics.median(sizes):g}",
        flush=True,
    )

    base = f"http://127.0.0.1:{args.port}"
    gunicorn = start_gunicorn(env, args.port, args.workers)
    try:
        wait_ready(base, gunicorn, "/evenements/", seconds=60)
        results: dict[str, list] = {}
        lock = threading.Lock()
        n = len(data["plans"])
        gate = StartGate(n, args.duration, args.ramp)
        users = [
            User(
                base,
                args.slug,
                plan,
                gate,
                args.think,
                results,
                lock,
                seed=i,
                delay=args.ramp * i / n,
            )
            for i, plan in enumerate(data["plans"])
        ]
        load_before = load_average()
        for u in users:
            u.start()
        for u in users:
            u.join()
        elapsed = time.monotonic() - gate.started
        load_after = load_average()
    finally:
        stop_gunicorn(gunicorn, 30)

    print(
        f"\n{args.users} utilisateurs, montée en charge {args.ramp:g} s puis {args.duration:g} s "
        f"de régime établi, réflexion {args.think:g} s, gunicorn {args.workers} workers, "
        f"PostgreSQL, réglages de production ; {os.cpu_count()} cœurs, charge moyenne "
        f"(1, 5, 15 min) {load_before} avant, {load_after} après\n"
    )
    print("Toute la mesure (montée en charge comprise ; login : avant la mesure, hors débit) :\n")
    print(table(results, elapsed))
    steady = {
        action: [row for row in rows if row[3] >= gate.steady]
        for action, rows in results.items()
        if action != "login"
    }
    print(f"\nRégime établi (requêtes parties après la montée en charge, {args.duration:g} s) :\n")
    print(table(steady, args.duration, goal=goal_for(args.think)))
    failures = [(a, row[2]) for a, rows in results.items() for row in rows if not row[0]]
    if failures:
        print("\nerreurs :", sorted({f"{a}: {n}" for a, n in failures}))

    if args.schedule:
        from civitas.events.models import ScheduleRun
        from civitas.events.services import scheduling

        run = ScheduleRun.objects.create(event=data["event"])
        t1 = time.perf_counter()
        run = scheduling.run_now(run, time_limit=args.time_limit)
        took = time.perf_counter() - t1
        print(
            f"\nplanification de tout l'événement : {took:.1f} s, {run.scheduled}/{run.requested} "
            f"rendez-vous placés ({run.fill_rate:.1%}), seuil 10 s (traitement complexe) : "
            f"{'respecté' if took <= 10 else 'DÉPASSÉ'}"
        )


if __name__ == "__main__":
    main()
