"""Benchmark: multi-criteria search of child protection files on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/civitas_cp_bench \
        .venv/bin/python bench/childprotection_search.py --files 100000

Creates the database if absent, migrates (migration 0007 makes the pg_trgm extension and
the trigram index on the children's normalised names), loads the demo units and generates the
files once (`childprotection_generate`, bulk inserts: about 12 min for 100,000 files on the
shared machine), then times `files.search` (the service the list screen, the API and the
exports call) as the CRIP (every file) and as an agent (one territory): name with accents,
without accents, with a typo (trigram similarity), birth date, commune, territory + status +
period. Then, through the Django test client: the file list page (first page, 25 rows), the
list page searching a name with a typo, a file page, and the back-office home just after
login. Prints p50 / p95 in ms. The load of the machine (1-minute load average) is printed
before and after: the figures are only comparable at a similar load.
"""

import argparse
import datetime
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))


def logged_in(user):
    """A test client logged in as `user`, second factor passed (as allauth records it after
    a good TOTP code; the back-office guard asks for it)."""
    from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.account.internal.flows.login import _AUTHENTICATION_METHODS_USER_SESSION_KEY
    from allauth.account.internal.userkit import user_id_to_str
    from django.test import Client

    client = Client()
    client.force_login(user)
    now = time.time()
    session = client.session
    session[AUTHENTICATION_METHODS_SESSION_KEY] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "type": "totp"},
    ]
    session[_AUTHENTICATION_METHODS_USER_SESSION_KEY] = user_id_to_str(user)
    session.save()
    return client


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=40)
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
    from django.db import connection
    from django.urls import reverse

    from civitas.childprotection.models import Child, Commune, File, normalise_name
    from civitas.childprotection.services import files
    from civitas.core.models import Unit, User

    call_command("migrate", interactive=False, verbosity=0)
    call_command("load_demo", verbosity=0)
    call_command("load_childprotection_demo", files=0, verbosity=0)
    missing = args.files - File.objects.count()
    if missing > 0:
        t = time.perf_counter()
        call_command("childprotection_generate", files=missing, seed=7)
        print(f"generated {missing} files in {time.perf_counter() - t:.0f} s")
    with connection.cursor() as cur:
        cur.execute("ANALYZE")
    print(f"load average before: {os.getloadavg()[0]:.1f} (2 cores shared)")
    n_files, n_children = File.objects.count(), Child.objects.count()
    print(f"{n_files} files, {n_children} children; {args.runs} runs each, ms")

    crip = User.objects.get(email="crip@demo.civitas.fr")
    agent = User.objects.get(email="agent.nord@demo.civitas.fr")
    rnd = random.Random(1)
    sample = list(Child.objects.order_by("?").values("last_name", "first_name", "birth_date")[:200])
    communes = list(Commune.objects.all())
    north = Unit.objects.get(name="Territoire Nord")

    def typo(word):
        i = rnd.randrange(1, max(2, len(word) - 1))
        return word[:i] + word[i + 1 :]

    since = datetime.date(2020, 1, 1)

    def by_name(who):
        c = rnd.choice(sample)
        return files.search(who, name=f"{c['last_name']} {c['first_name']}")

    def by_plain_name(who):
        return files.search(who, name=normalise_name(rnd.choice(sample)["last_name"]).lower())

    def by_typo(who):
        c = rnd.choice(sample)
        return files.search(who, name=typo(f"{c['last_name']} {c['first_name']}"))

    cases = {
        "name with accents": by_name,
        "name without accents": by_plain_name,
        "name with a typo (trigram)": by_typo,
        "birth date": lambda who: files.search(who, birth_date=rnd.choice(sample)["birth_date"]),
        "commune": lambda who: files.search(who, commune=rnd.choice(communes)),
        "territory + status + period": lambda who: files.search(
            who, territory=north, status="open", received_from=since
        ),
    }

    def timed(fn, who):
        t = time.perf_counter()
        list(fn(who)[:25])  # the service's order (rank by name, then newest)
        return (time.perf_counter() - t) * 1000

    for label, who in (("CRIP", crip), ("agent", agent)):
        for case, fn in cases.items():
            times = sorted(timed(fn, who) for _ in range(args.runs))
            p95 = times[int(len(times) * 0.95) - 1]
            print(f"{label:6} {case:30} p50 {statistics.median(times):7.1f}  p95 {p95:7.1f}")

    def page(label, client, url, params=None):
        times = []
        for _ in range(args.runs):
            t = time.perf_counter()
            response = client.get(url() if callable(url) else url, params)
            assert response.status_code == 200, (url, response.status_code)
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        p95 = times[int(len(times) * 0.95) - 1]
        print(f"{label:38} p50 {statistics.median(times):7.1f}  p95 {p95:7.1f}")

    list_url = reverse("childprotection:file_list")
    visible = {
        "CRIP": list(File.objects.order_by("?").values_list("pk", flat=True)[:200]),
        "agent": list(files.visible_files(agent).order_by("?").values_list("pk", flat=True)[:200]),
    }
    for label, who in (("CRIP", crip), ("agent", agent)):
        client = logged_in(who)
        page(f"{label:6} list page", client, list_url)
        page(
            f"{label:6} list page, name with a typo",
            client,
            list_url,
            {"name": typo(rnd.choice(sample)["last_name"])},
        )
        ids = visible[label]
        page(
            f"{label:6} file page",
            client,
            lambda ids=ids: reverse("childprotection:file_detail", args=[rnd.choice(ids)]),
        )
        # home after login: a fresh session each time
        times = []
        for _ in range(args.runs):
            fresh = logged_in(who)
            t = time.perf_counter()
            assert fresh.get(reverse("core:backoffice_home")).status_code == 200
            times.append((time.perf_counter() - t) * 1000)
        times.sort()
        print(
            f"{label + '  home after login':38} p50 {statistics.median(times):7.1f}  "
            f"p95 {times[int(len(times) * 0.95) - 1]:7.1f}"
        )
    print(f"load average after: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
