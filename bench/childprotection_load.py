"""Load benchmark of child protection: 50 agents at once on 100,000 files (issue 26).

    .venv/bin/python bench/childprotection_load.py --users 50 --ramp 30 --duration 90

Against PostgreSQL (default database `civitas_cp_bench`, prepared with 100,000 files by
bench/childprotection_search.py) and gunicorn on 127.0.0.1 with the production settings:

1. `migrate`, `collectstatic`; creates (once) `--users` bench accounts with a known password
   and a TOTP authenticator: one in five is CRIP (every file), the others agents of one
   territory each, in turn;
2. starts gunicorn (`--workers` sync workers), then one thread per user, started one after
   the other over `--ramp` seconds. Each logs in through the real forms (allauth password,
   Argon2, then the TOTP code of the second factor: see `_load.TotpAccount`: the code is
   computed right before it is posted, a window whose code this account already used is
   waited out, a code that reached the server after its window is retried once with a fresh
   one), opens the back-office home, then loops with a random think time around `--think`
   seconds over:
     list     GET the file list, first page                         (weight 3)
     search   GET the list with a name typed with a typo            (weight 3)
     file     GET the page of a file of their scope (journaled)      (weight 3)
     home     GET the back-office home                              (weight 1)
3. prints the logins apart (succeeded, failed by step and reason, stale codes retried, waits
   for a fresh window, p50/p95/max of their request time), then per page the requests,
   errors, p50/p95/max over the steady state only (requests started from the end of the ramp
   to the end), and the goals of the issue (list 1 s p95 under load, search 200 ms, home
   300 ms, no error); page errors are listed apart from login failures. The machine's load
   average is printed: the server, the database and the 50 clients share it (and, on the
   development machine, other work).
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import threading
import time
from collections import Counter
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _load import (  # noqa: E402
    HttpUser,
    TotpAccount,
    ensure_database,
    fmt,
    load_average,
    login_with_totp,
    manage,
    p95,
    settings_env,
    setup_django,
    start_gunicorn,
    stop_gunicorn,
    wait_ready,
)

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/civitas_cp_bench"
PASSWORD = "Bench-enfance-2027!"
SECRET = "JBSWY3DPEHPK3PXP"  # base32 TOTP secret of the bench accounts (bench only)
GOALS = {"home": 0.3, "list": 1.0, "search": 0.2, "file": 1.0}
WEIGHTS = {"list": 3, "search": 3, "file": 3, "home": 1}


def prepare(args, env) -> list[dict]:
    setup_django(env)
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from axes.utils import reset as axes_reset

    from civitas.childprotection.models import Child
    from civitas.childprotection.services import access
    from civitas.core import accounts, modules
    from civitas.core.models import Organisation, Role, Unit, User
    from civitas.core.second_factor import record_success

    modules.ensure_roles(["childprotection"])
    org = Organisation.get()
    territories = list(Unit.objects.filter(kind="territory").order_by("pk"))
    if not territories:
        sys.exit("no territory: run bench/childprotection_search.py first")
    names = list(Child.objects.order_by("?").values_list("last_name", flat=True)[:500])
    plans = []
    for i in range(args.users):
        email = f"bench.enfance.{i:02d}@example.org"
        user = User.objects.filter(email=email).first()
        if user is None:
            user = User.objects.create_user(email, PASSWORD, full_name=f"Bench {i}")
            EmailAddress.objects.create(user=user, email=email, primary=True, verified=True)
            if i % 5 == 0:
                accounts.grant(user, Role.objects.get(code="cp_crip"), ("organisation", org.pk))
            else:
                unit = territories[i % len(territories)]
                accounts.grant(user, Role.objects.get(code="cp_agent"), ("unit", unit.pk))
        if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, SECRET)
        # Each run starts unblocked: an earlier interrupted run may have left wrong-code or
        # wrong-password counts on the bench accounts (database, not the cache).
        record_success(user)
        axes_reset(username=email)
        ids = list(access.visible_files(user).order_by("?").values_list("pk", flat=True)[:300])
        plans.append({"email": email, "files": ids, "names": names})
    return plans


def typo(word, rnd):
    if len(word) < 4:
        return word
    i = rnd.randrange(1, len(word) - 1)
    return word[:i] + rnd.choice("aeiourst") + word[i + 1 :]


class Agent(HttpUser):
    def __init__(self, base, plan, delay, deadline, think, results, lock, seed, margin):
        super().__init__(base, results, lock)
        self.plan, self.delay = plan, delay
        self.deadline, self.think = deadline, think
        self.rnd = random.Random(seed)
        self.totp = TotpAccount(SECRET, margin=margin)
        self.login = None

    def get(self, action, path):
        r, took = self.call("GET", path)
        self.record(action, r.status_code == 200, took, f"HTTP {r.status_code}")

    def run(self):
        time.sleep(self.delay)
        started = time.monotonic()
        try:
            self.login = login_with_totp(self, self.plan["email"], PASSWORD, self.totp)
        except requests.RequestException as exc:
            self.login = None
            self.record("login", False, time.monotonic() - started, f"réseau: {exc}")
            return
        self.record(
            "login",
            self.login.ok,
            self.login.took,
            "" if self.login.ok else f"{self.login.step}: {self.login.note}",
        )
        if not self.login.ok:
            return
        self.get("home", "/backoffice/")
        actions, weights = zip(*WEIGHTS.items(), strict=True)
        listing = "/backoffice/protection-enfance/dossiers/"
        while time.monotonic() < self.deadline:
            action = self.rnd.choices(actions, weights)[0]
            if action == "list":
                self.get(action, listing)
            elif action == "search":
                name = typo(self.rnd.choice(self.plan["names"]), self.rnd)
                self.get(action, f"{listing}?name={requests.utils.quote(name)}")
            elif action == "file" and self.plan["files"]:
                self.get(action, f"{listing}{self.rnd.choice(self.plan['files'])}/")
            elif action == "home":
                self.get(action, "/backoffice/")
            time.sleep(self.rnd.uniform(0.5 * self.think, 1.5 * self.think))


def login_report(agents, rows) -> str:
    done = [a.login for a in agents if a.login is not None]
    ok = sum(1 for row in rows if row[0])
    failed = Counter(row[2] for row in rows if not row[0])
    times = sorted(row[1] for row in rows if row[0])
    lines = [
        f"connexions (mot de passe + TOTP) : {len(rows)} tentées, {ok} réussies, "
        f"{len(rows) - ok} échouées",
        f"  codes TOTP périmés (arrivés après leur fenêtre) relancés une fois : "
        f"{sum(1 for d in done if d.retried_stale)} ; attentes d'une nouvelle fenêtre : "
        f"{sum(1 for d in done if d.waited_window)}",
    ]
    if times:
        lines.append(
            f"  durée des requêtes de connexion réussies (attentes de fenêtre exclues) : "
            f"p50 {fmt(statistics.median(times))} s, p95 {fmt(p95(times))} s, "
            f"max {fmt(times[-1])} s"
        )
    for note, n in sorted(failed.items()):
        lines.append(f"  échec {note} : {n}")
    return "\n".join(lines)


def table(results, steady_from, steady_s) -> str:
    lines = [
        "| action | requêtes | erreurs | req/s | p50 (s) | p95 (s) | max (s) | objectif p95 | "
        "respecté |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for action, goal in GOALS.items():
        rows = [r for r in results.get(action, []) if r[3] >= steady_from]
        if not rows:
            continue
        times = sorted(r[1] for r in rows)
        errors = sum(1 for r in rows if not r[0])
        rate = f"{len(rows) / steady_s:.1f}".replace(".", ",")
        verdict = "oui" if p95(times) <= goal else "NON"
        lines.append(
            f"| {action} | {len(rows)} | {errors} | {rate} | {fmt(statistics.median(times))} | "
            f"{fmt(p95(times))} | {fmt(times[-1])} | {fmt(goal)} | {verdict} |"
        )
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--ramp", type=float, default=30.0, help="seconds to start every user")
    parser.add_argument("--duration", type=float, default=90.0, help="seconds of steady state")
    parser.add_argument("--think", type=float, default=5.0, help="mean think time (s)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn sync workers")
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument(
        "--totp-margin",
        type=float,
        default=2.0,
        help="seconds before the end of a TOTP window under which a user waits for the next",
    )
    parser.add_argument("--database-url", default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_DB))
    args = parser.parse_args()

    env = settings_env(args.database_url)
    # the development key the generated files were encrypted with (bench data only)
    env.setdefault("CIVITAS_FIELD_KEYS", "ZGVtby1vbmx5LWZpZWxkLWtleS1ub3Qtc2VjcmV0ISE=")
    ensure_database(args.database_url)
    manage(env, "migrate", "--noinput")
    manage(env, "collectstatic", "--noinput")
    plans = prepare(args, env)
    base = f"http://127.0.0.1:{args.port}"
    gunicorn = start_gunicorn(env, args.port, args.workers)
    try:
        wait_ready(base, gunicorn)
        results: dict[str, list] = {}
        lock = threading.Lock()
        load_before = load_average()
        start = time.monotonic()
        steady_from = start + args.ramp
        deadline = steady_from + args.duration
        step = args.ramp / max(1, len(plans))
        agents = [
            Agent(base, plan, i * step, deadline, args.think, results, lock, i, args.totp_margin)
            for i, plan in enumerate(plans)
        ]
        for a in agents:
            a.start()
        for a in agents:
            a.join()
        load_after = load_average()
    finally:
        stop_gunicorn(gunicorn)
    print(
        f"\n{args.users} utilisateurs, montée en charge {args.ramp:.0f} s, régime établi "
        f"{args.duration:.0f} s, réflexion ~{args.think:.0f} s, gunicorn {args.workers} workers, "
        f"PostgreSQL, réglages de production ; {os.cpu_count()} cœurs, charge moyenne "
        f"(1, 5, 15 min) {load_before} avant, {load_after} après\n"
    )
    print(login_report(agents, results.get("login", [])))
    print("\nPages, régime établi (requêtes parties après la montée en charge) :\n")
    print(table(results, steady_from, args.duration))
    errors = Counter(
        f"{a}: {r[2]}" for a, rows in results.items() if a != "login" for r in rows if not r[0]
    )
    print(
        "\nerreurs de pages (toute la mesure) : "
        + (", ".join(f"{k} ×{n}" for k, n in sorted(errors.items())) or "aucune")
    )


if __name__ == "__main__":
    main()
