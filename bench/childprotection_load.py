"""Load benchmark of child protection: 50 agents at once on 100,000 files (issue 26).

    .venv/bin/python bench/childprotection_load.py --users 50 --ramp 30 --duration 90

Against PostgreSQL (default database `civitas_cp_bench`, prepared with 100,000 files by
bench/childprotection_search.py) and gunicorn on 127.0.0.1 with the production settings:

1. `migrate`, `collectstatic`; creates (once) `--users` bench accounts with a known password
   and a TOTP authenticator: one in five is CRIP (every file), the others agents of one
   territory each, in turn;
2. starts gunicorn (`--workers` sync workers), then one thread per user, started one after
   the other over `--ramp` seconds. Each logs in through the real forms (allauth password,
   Argon2, then the TOTP code of the second factor), opens the back-office home, then loops
   with a random think time around `--think` seconds over:
     list     GET the file list, first page                         (weight 3)
     search   GET the list with a name typed with a typo            (weight 3)
     file     GET the page of a file of their scope (journaled)      (weight 3)
     home     GET the back-office home                              (weight 1)
3. prints per action the requests, errors, p50/p95/max over the steady state only (from the
   end of the ramp to the end), and the goals of the issue (list 1 s p95 under load, search
   200 ms, home 300 ms, no error). The machine's load average is printed: the server, the
   database and the 50 clients share it (and, on the development machine, other work).
"""

from __future__ import annotations

import argparse
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
sys.path.insert(0, str(ROOT / "bench"))
from events_load import ensure_database, manage, settings_env  # noqa: E402

DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/civitas_cp_bench"
PASSWORD = "Bench-enfance-2027!"
SECRET = "JBSWY3DPEHPK3PXP"  # base32 TOTP secret of the bench accounts (bench only)
GOALS = {"login": None, "home": 0.3, "list": 1.0, "search": 0.2, "file": 1.0}
WEIGHTS = {"list": 3, "search": 3, "file": 3, "home": 1}


def prepare(args, env) -> list[dict]:
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from allauth.account.models import EmailAddress
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    from civitas.childprotection.models import Child
    from civitas.childprotection.services import access
    from civitas.core import accounts, modules
    from civitas.core.models import Organisation, Role, Unit, User

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
        ids = list(access.visible_files(user).order_by("?").values_list("pk", flat=True)[:300])
        plans.append({"email": email, "files": ids, "names": names})
    return plans


def wait_ready(base, proc, seconds=300):
    """Wait for gunicorn's workers (slow to start on a loaded machine)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            sys.exit(f"gunicorn stopped: {proc.stderr.read()}")
        try:
            if requests.get(base + "/accounts/login/", timeout=30).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(1)
    sys.exit("gunicorn did not answer in time")


def totp_code():
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(SECRET, int(time.time()) // 30))


def typo(word, rnd):
    if len(word) < 4:
        return word
    i = rnd.randrange(1, len(word) - 1)
    return word[:i] + rnd.choice("aeiourst") + word[i + 1 :]


class Agent(threading.Thread):
    def __init__(self, base, plan, delay, deadline, think, results, lock, seed):
        super().__init__(daemon=True)
        self.base, self.plan, self.delay = base, plan, delay
        self.deadline, self.think = deadline, think
        self.results, self.lock = results, lock
        self.rnd = random.Random(seed)
        self.http = requests.Session()
        self.http.trust_env = False
        self.cookies: dict[str, str] = {}

    # Cookies by hand: production marks them Secure, requests would not send them on http.
    def call(self, method, path, **kw):
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if method == "POST":
            headers["Referer"] = self.base + path
        start = time.perf_counter()
        r = self.http.request(
            method, self.base + path, headers=headers, allow_redirects=False, timeout=120, **kw
        )
        took = time.perf_counter() - start
        for c in r.cookies:
            self.cookies[c.name] = c.value
        return r, took, time.monotonic()

    def record(self, action, ok, took, at, note=""):
        with self.lock:
            self.results.setdefault(action, []).append((ok, took, at, note))

    def form_post(self, path, data):
        r, _t, _at = self.call("GET", path)
        m = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', r.text)
        if not m:
            return None, 0.0, f"no form at {path} ({r.status_code})"
        r, took, _at = self.call("POST", path, data={"csrfmiddlewaretoken": m.group(1), **data})
        return r, took, ""

    def login(self) -> bool:
        start = time.monotonic()
        r, took1, note = self.form_post(
            "/accounts/login/", {"login": self.plan["email"], "password": PASSWORD}
        )
        if r is None or r.status_code != 302:
            self.record("login", False, 0.0, start, note or f"password HTTP {r.status_code}")
            return False
        location = r.headers.get("Location", "")
        took2 = 0.0
        if "2fa" in location:
            r, took2, note = self.form_post(location, {"code": totp_code()})
            if r is None or r.status_code != 302:
                self.record("login", False, 0.0, start, note or f"TOTP HTTP {r.status_code}")
                return False
        self.record("login", True, took1 + took2, start)
        return True

    def get(self, action, path):
        r, took, at = self.call("GET", path)
        self.record(action, r.status_code == 200, took, at, f"HTTP {r.status_code}")

    def run(self):
        time.sleep(self.delay)
        if not self.login():
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


def fmt(seconds):
    return f"{seconds:.3f}".replace(".", ",")


def table(results, steady_from, steady_s) -> str:
    lines = [
        "| action | requêtes | erreurs | req/s | p50 (s) | p95 (s) | max (s) | objectif p95 | "
        "respecté |",
        "|---|---:|---:|---:|---:|---:|---:|---|---|",
    ]
    for action, goal in GOALS.items():
        rows = results.get(action, [])
        if action != "login":
            rows = [r for r in rows if r[2] >= steady_from]
        if not rows:
            continue
        times = sorted(t for _ok, t, _at, _n in rows)
        errors = sum(1 for ok, *_ in rows if not ok)
        p95 = times[min(len(times) - 1, int(round(0.95 * (len(times) - 1))))]
        rate = "—" if action == "login" else f"{len(rows) / steady_s:.1f}".replace(".", ",")
        verdict = "—" if goal is None else ("oui" if p95 <= goal else "NON")
        lines.append(
            f"| {action} | {len(rows)} | {errors} | {rate} | {fmt(statistics.median(times))} | "
            f"{fmt(p95)} | {fmt(times[-1])} | {'—' if goal is None else fmt(goal)} | {verdict} |"
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
    load_before = os.getloadavg()[0]
    try:
        wait_ready(base, gunicorn)
        results: dict[str, list] = {}
        lock = threading.Lock()
        start = time.monotonic()
        steady_from = start + args.ramp
        deadline = steady_from + args.duration
        step = args.ramp / max(1, len(plans))
        agents = [
            Agent(base, plan, i * step, deadline, args.think, results, lock, seed=i)
            for i, plan in enumerate(plans)
        ]
        for a in agents:
            a.start()
        for a in agents:
            a.join()
    finally:
        gunicorn.terminate()
        gunicorn.wait(timeout=120)
    print(
        f"\n{args.users} utilisateurs, montée en charge {args.ramp:.0f} s, régime établi "
        f"{args.duration:.0f} s, réflexion ~{args.think:.0f} s, gunicorn {args.workers} workers, "
        f"PostgreSQL, réglages de production ; charge machine (1 min) avant {load_before:.1f}, "
        f"après {os.getloadavg()[0]:.1f}\n"
    )
    print(table(results, steady_from, args.duration))
    failures = sorted({f"{a}: {r[3]}" for a, rows in results.items() for r in rows if not r[0]})
    if failures:
        print("\nerreurs :", failures)


if __name__ == "__main__":
    main()
