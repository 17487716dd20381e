"""Shared scaffolding of the load benchmarks (bench/events_load.py,
bench/childprotection_load.py): the production settings against a bench database, gunicorn
started and stopped, an HTTP user thread that keeps its cookies by hand and posts Django
forms, the real login (password, then the TOTP code of the second factor), percentiles.

The load generator is threads + `requests` (already a dependency): no new package; see
docs/benchmarks-events.md for why not Locust.
"""

from __future__ import annotations

import base64
import os
import re
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
TOTP_PERIOD = 30  # seconds (allauth's MFA_TOTP_PERIOD, not changed by Civitas)


# --- the server --------------------------------------------------------------------------


def settings_env(db_url: str) -> dict:
    """Environment of the production settings (DEBUG off, compressed static files, JSON logs
    at WARNING) against `db_url`, with bench-only keys."""
    env = os.environ.copy()
    env.update(
        DJANGO_SETTINGS_MODULE="civitas.settings.production",
        DATABASE_URL=db_url,
        SECRET_KEY="bench-only-not-secret-" + "x" * 40,
        # (encrypted fields: a fixed key, for the bench's own database only)
        CIVITAS_FIELD_KEY=base64.b64encode(b"bench-only-not-secret-key-32byte").decode(),
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


def setup_django(env) -> None:
    """Django in this process, on the bench's settings and database (to prepare the data)."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()


def start_gunicorn(env, port: int, workers: int) -> subprocess.Popen:
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "civitas.wsgi:application",
            f"--bind=127.0.0.1:{port}",
            f"--workers={workers}",
            "--timeout=120",
            "--log-level=warning",
        ],
        env=env,
        cwd=ROOT,
        stderr=subprocess.PIPE,
        text=True,
    )


def stop_gunicorn(proc: subprocess.Popen, seconds: float = 120) -> None:
    proc.terminate()
    proc.wait(timeout=seconds)


def wait_ready(base, proc, path="/accounts/login/", seconds=300):
    """Wait until gunicorn answers `path` (its workers are slow to start on a loaded
    machine)."""
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if proc.poll() is not None:
            sys.exit(f"gunicorn stopped: {proc.stderr.read()}")
        try:
            if requests.get(base + path, timeout=30).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.5)
    sys.exit("gunicorn did not answer in time")


# --- figures -----------------------------------------------------------------------------


def load_average() -> str:
    return " ".join(f"{x:.1f}".replace(".", ",") for x in os.getloadavg())


def fmt(seconds: float) -> str:
    return f"{seconds:.3f}".replace(".", ",")


def p95(sorted_times: list[float]) -> float:
    """95th percentile (nearest rank) of times already sorted."""
    return sorted_times[min(len(sorted_times) - 1, int(round(0.95 * (len(sorted_times) - 1))))]


# --- simulated users ---------------------------------------------------------------------


class HttpUser(threading.Thread):
    """One simulated user: its own HTTP session, cookies kept by hand (the production
    settings mark them Secure, and requests would not send Secure cookies back over plain
    http on the loopback), results recorded as (ok, seconds, note, start) per action."""

    timeout = 120

    def __init__(self, base, results, lock):
        super().__init__(daemon=True)
        self.base, self.results, self.lock = base, results, lock
        self.http = requests.Session()
        self.http.trust_env = False
        self.cookies: dict[str, str] = {}

    def call(self, method, path, **kw):
        """One request, no redirect followed; returns (response, seconds)."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        if method == "POST":
            headers["Referer"] = self.base + path
        start = time.perf_counter()
        r = self.http.request(
            method,
            self.base + path,
            headers=headers,
            allow_redirects=False,
            timeout=self.timeout,
            **kw,
        )
        took = time.perf_counter() - start
        for c in r.cookies:
            self.cookies[c.name] = c.value
        return r, took

    def record(self, action, ok, took, note=""):
        # (the start of the request, so the steady state can be told from the ramp)
        at = time.monotonic() - took
        with self.lock:
            self.results.setdefault(action, []).append((ok, took, note, at))

    def csrf_of(self, response) -> str | None:
        m = CSRF.search(response.text)
        return m.group(1) if m else None

    def form_page(self, path):
        """GET a form page; returns (its CSRF token or None, response)."""
        r, _took = self.call("GET", path)
        return self.csrf_of(r), r

    def post_form(self, path, token, data):
        return self.call("POST", path, data={"csrfmiddlewaretoken": token, **data})


# --- the real login: password, then the TOTP code ----------------------------------------


def totp_counter(now: float | None = None) -> int:
    return int(time.time() if now is None else now) // TOTP_PERIOD


def totp_code(secret: str, counter: int) -> str:
    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value

    return format_hotp_value(hotp_value(secret, counter))


@dataclass
class Login:
    """The outcome of one login: ok, seconds spent in requests (waits for a TOTP window
    excluded), the failing step and why, and what the TOTP step had to do."""

    ok: bool = False
    took: float = 0.0
    step: str = ""
    note: str = ""
    retried_stale: bool = False
    waited_window: float = 0.0
    codes: list[int] = field(default_factory=list)


class TotpAccount:
    """The TOTP side of one bench account. allauth (mfa/totp/internal/auth.py) accepts a code
    only in its own 30 s window (MFA_TOTP_TOLERANCE 0) and only once per account within it
    (`_mark_code_used`: a cache key per user and code). So the code is computed right before
    each POST, never reused: if this account already sent the current window's code, the
    user waits for the next window; a code that the server received after its window ended
    (slow answer under load) is "stale" and retried once with a fresh code.
    `margin`: seconds before a window's end under which the user waits for the next one (as
    a person reading an authenticator app's countdown would); 0 to never wait."""

    def __init__(self, secret: str, margin: float = 0.0):
        self.secret, self.margin = secret, margin
        self.last_counter: int | None = None

    def fresh(self) -> tuple[int, float]:
        """(counter, seconds waited) of a code not yet used by this account."""
        waited = 0.0
        while True:
            now = time.time()
            counter = totp_counter(now)
            left = TOTP_PERIOD - (now % TOTP_PERIOD)
            if counter != self.last_counter and left > self.margin:
                self.last_counter = counter
                return counter, waited
            time.sleep(left + 0.05)
            waited += left + 0.05


def login_with_totp(
    user: HttpUser, email: str, password: str, totp: TotpAccount, second_factor="2fa"
) -> Login:
    """The real login forms: allauth's password form, then (when it redirects to the second
    factor) the TOTP form, the code computed right before posting it."""
    out = Login()
    token, r = user.form_page("/accounts/login/")
    if token is None:
        out.step, out.note = "password", f"no form ({r.status_code})"
        return out
    r, took = user.post_form("/accounts/login/", token, {"login": email, "password": password})
    out.took += took
    location = r.headers.get("Location", "")
    if r.status_code != 302 or "/accounts/login" in location:
        out.step, out.note = "password", f"HTTP {r.status_code}"
        return out
    if second_factor not in location:
        out.ok = True  # no second factor asked
        return out
    token, r = user.form_page(location)
    if token is None:
        out.step, out.note = "totp", f"no form ({r.status_code})"
        return out
    for attempt in (1, 2):
        counter, waited = totp.fresh()
        out.waited_window += waited
        out.codes.append(counter)
        r, took = user.post_form(location, token, {"code": totp_code(totp.secret, counter)})
        out.took += took
        if r.status_code == 302:
            out.ok = True
            return out
        stale = totp_counter() != counter  # the window ended while the code travelled
        out.step = "totp"
        out.note = f"HTTP {r.status_code}" + (" (code périmé)" if stale else " (code refusé)")
        token = user.csrf_of(r)
        if attempt == 2 or not stale or token is None or r.status_code != 200:
            return out
        out.retried_stale = True
    return out
