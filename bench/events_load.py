"""Load benchmark of the business events on the seed's largest event (003 §9, §10).

    .venv/bin/python bench/events_load.py --users 50 --duration 60
    .venv/bin/python bench/events_load.py --users 50 --duration 60 --schedule   # + scheduling

What it does, against PostgreSQL (own database, default `civitas_bench_events`, created if
missing) and gunicorn on 127.0.0.1 with the production settings (DEBUG off, compressed
static files, JSON logs at WARNING):

1. `migrate`, `collectstatic`, and `generate_large_event --accounts N` when the event does
   not exist yet (1,500 participants, 3,000 confirmed requests; `--regenerate` forces it);
2. gives each simulated user `--pending` meeting requests to answer (pending, received from
   other participants), so "accept" always has something to accept;
3. starts gunicorn (`--workers`, sync workers), then N threads, one per simulated user: each
   logs in through the real login form (allauth, Argon2); once all are logged in, each loops
   for `--duration` seconds, with a random think time around `--think` seconds, over:
     catalogue   GET the public catalogue with a keyword search   (consultation, simple)
     agenda      GET its own agenda page                          (consultation, complex)
     send        POST a meeting request to a random participant   (entry, simple)
     accept      POST "accept" on one of its pending requests     (entry, simple)
4. prints p50/p95/max per action against the seed's limits (2 s simple, 5 s complex) and,
   with `--schedule`, times one scheduling run of the whole event (processing, complex: 10 s).

The load generator is threads + `requests` (already a dependency): no new package; see
docs/benchmarks-events.md for why not Locust. It runs on the same machine as the server and
the database, so the figures include that contention.
"""

from __future__ import annotations

import argparse
import datetime
import os
import random
import re
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
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


def settings_env(db_url: str) -> dict:
    env = os.environ.copy()
    env.update(
        DJANGO_SETTINGS_MODULE="civitas.settings.production",
        DATABASE_URL=db_url,
        SECRET_KEY="bench-only-not-secret-" + "x" * 40,
        SECURE_SSL_REDIRECT="False",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        LOG_LEVEL="WARNING",
        EMAIL_URL="dummymail://",
        PYTHONPATH=str(ROOT / "src"),
    )
    return env


def ensure_database(db_url: str) -> None:
    import psycopg

    base, name = db_url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as conn:
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
            conn.execute(f'CREATE DATABASE "{name}"')


def manage(env, *args) -> str:
    out = subprocess.run(
        [sys.executable, str(ROOT / "manage.py"), *args],
        env=env,
        cwd=ROOT,
        check=True,
        capture_output=True,
        text=True,
    )
    return out.stdout


def prepare(args, env) -> dict:
    """Data for the simulated users, built in this process with the ORM."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
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
    return {"event": event, "plans": plans}


class User(threading.Thread):
    def __init__(self, base, slug, plan, start, think, results, lock, seed):
        super().__init__(daemon=True)
        self.base, self.slug, self.plan = base, slug, plan
        self.start_gate, self.think = start, think
        self.deadline = None
        self.results, self.lock = results, lock
        self.rnd = random.Random(seed)
        self.http = requests.Session()
        self.http.trust_env = False
        self.cookies: dict[str, str] = {}

    # Cookies by hand: the production settings mark them Secure, and requests would not send
    # Secure cookies back over plain http on the loopback.
    def call(self, method, path, **kw):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if method == "POST":
            headers["Referer"] = self.base + path
        start = time.perf_counter()
        r = self.http.request(
            method, self.base + path, headers=headers, allow_redirects=False, timeout=60, **kw
        )
        took = time.perf_counter() - start
        for c in r.cookies:
            self.cookies[c.name] = c.value
        return r, took

    def record(self, action, ok, took, note=""):
        with self.lock:
            self.results.setdefault(action, []).append((ok, took, note))

    def login(self) -> bool:
        r, _t = self.call("GET", "/accounts/login/")
        m = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', r.text)
        if not m:
            self.record("login", False, 0.0, f"no form ({r.status_code})")
            return False
        data = {
            "csrfmiddlewaretoken": m.group(1),
            "login": self.plan["email"],
            "password": PASSWORD,
        }
        r, took = self.call("POST", "/accounts/login/", data=data)
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
    """A barrier that gives every user the same deadline once all have logged in."""

    def __init__(self, parties, duration):
        self.duration = duration
        self.deadline = None
        self.barrier = threading.Barrier(parties, action=self._open)

    def _open(self):
        self.started = time.monotonic()
        self.deadline = self.started + self.duration

    def wait_all(self):
        self.barrier.wait()
        return self.deadline


def wait_ready(base, proc, seconds=60):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            sys.exit(f"gunicorn stopped: {proc.stderr.read()}")
        try:
            if requests.get(base + "/evenements/", timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    sys.exit("gunicorn did not answer in time")


def fmt(seconds):
    return f"{seconds:.3f}".replace(".", ",")


def table(results, duration) -> str:
    lines = [
        "(login : connexions simultanées de tous les utilisateurs avant la mesure, hors débit)",
        "",
        "| action | requêtes | erreurs | req/s | p50 (s) | p95 (s) | max (s) | seuil | respecté |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for action in ("login", "catalogue", "agenda", "send", "accept"):
        rows = results.get(action, [])
        if not rows:
            continue
        times = sorted(t for _ok, t, _n in rows)
        errors = sum(1 for ok, _t, _n in rows if not ok)
        p50 = statistics.median(times)
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        limit, label = LIMITS[action]
        verdict = "—" if limit is None else ("oui" if p95 <= limit else "NON")
        rate = "—" if action == "login" else f"{len(rows) / duration:.1f}".replace(".", ",")
        seuil = "—" if limit is None else f"{fmt(limit)[:-2]} s ({label})"
        lines.append(
            f"| {action} | {len(rows)} | {errors} | {rate} | {fmt(p50)} | {fmt(p95)} | "
            f"{fmt(times[-1])} | {seuil} | {verdict} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load")
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
    print(f"set-up: {time.perf_counter() - t0:.0f} s", flush=True)

    base = f"http://127.0.0.1:{args.port}"
    gunicorn = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "civitas.wsgi:application",
            f"--bind=127.0.0.1:{args.port}",
            f"--workers={args.workers}",
            "--timeout=120",
            "--log-level=warning",
        ],
        env=env,
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        wait_ready(base, gunicorn)
        results: dict[str, list] = {}
        lock = threading.Lock()
        gate = StartGate(len(data["plans"]), args.duration)
        users = [
            User(base, args.slug, plan, gate, args.think, results, lock, seed=i)
            for i, plan in enumerate(data["plans"])
        ]
        for u in users:
            u.start()
        for u in users:
            u.join()
        elapsed = time.monotonic() - gate.started
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=30)

    print(
        f"\n{args.users} utilisateurs simultanés, {elapsed:.0f} s, gunicorn {args.workers} "
        f"workers, PostgreSQL, réglages de production\n"
    )
    print(table(results, elapsed))
    failures = [(a, n) for a, rows in results.items() for ok, _t, n in rows if not ok]
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
