"""Benchmark: multi-criteria search of child protection files on PostgreSQL.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/civitas_cp_bench \
        .venv/bin/python bench/childprotection_search.py --files 100000

Creates the database if absent, migrates, loads the demo units and generates the files once
(`childprotection_generate`), makes sure of the pg_trgm extension and the trigram index on
the children's normalised names, then times searches as the CRIP (every file) and as an
agent (one territory): name with accents, without accents, with a typo (trigram
similarity), birth date, commune, territory + status + period. Prints p50 / p95 in ms, and
the time of the file list page (first page, 25 rows) through the Django test client.
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
    from django.test import Client
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
        cur.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        cur.execute(
            "CREATE INDEX IF NOT EXISTS cp_child_name_trgm ON childprotection_child "
            "USING gin (search_name gin_trgm_ops)"
        )
        cur.execute("ANALYZE")
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
        return files.search_similar(who, typo(f"{c['last_name']} {c['first_name']}"))

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
        list(fn(who).order_by("-received_at")[:25])
        return (time.perf_counter() - t) * 1000

    for label, who in (("CRIP", crip), ("agent", agent)):
        for case, fn in cases.items():
            times = sorted(timed(fn, who) for _ in range(args.runs))
            p95 = times[int(len(times) * 0.95) - 1]
            print(f"{label:6} {case:30} p50 {statistics.median(times):7.1f}  p95 {p95:7.1f}")
    client = Client()
    client.force_login(crip)
    times = []
    for _ in range(args.runs):
        t = time.perf_counter()
        assert client.get(reverse("childprotection:file_list")).status_code == 200
        times.append((time.perf_counter() - t) * 1000)
    times.sort()
    print(
        f"file list page (CRIP)                 p50 {statistics.median(times):7.1f}  "
        f"p95 {times[int(len(times) * 0.95) - 1]:7.1f}"
    )


if __name__ == "__main__":
    main()
