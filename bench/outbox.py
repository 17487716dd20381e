"""Benchmark: N confirmation e-mails through a local SMTP server, seconds until all delivered.

    .venv/bin/python bench/outbox.py            # 1,500 messages, 2 task workers
    .venv/bin/python bench/outbox.py --count 300 --workers 0

Scenarios, side by side, each timed from the first call until the SMTP server has received
every message (counted at the server, aiosmtpd on 127.0.0.1):

  baseline   send_mail() synchronously, one SMTP connection per message (what a view
             calling send_mail does), no record kept
  outbox-1   queue_email() committed one by one, send task run at once (ImmediateBackend):
             one task and one SMTP connection per message
  outbox-tx  queue_email() x N in one transaction (e.g. a bulk confirmation): on commit, one
             task per batch of CIVITAS_OUTBOX_BATCH_SIZE messages sharing one connection
  outbox-db  as outbox-tx, but with the real database task queue and --workers
             `manage.py db_worker` processes (the production set-up)

Uses a throw-away SQLite database in /tmp (migrated at start).
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path("/tmp/civitas-bench-outbox")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Counter:
    def __init__(self):
        self.lock = threading.Lock()
        self.count = 0
        self.sessions = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):  # noqa: N802
        session.host_name = hostname
        with self.lock:
            self.sessions += 1
        return responses

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            self.count += 1
        return "250 OK"

    def reset(self):
        with self.lock:
            self.count = 0
            self.sessions = 0


def wait_for(counter, n, timeout):
    deadline = time.perf_counter() + timeout
    while counter.count < n:
        if time.perf_counter() > deadline:
            raise TimeoutError(f"only {counter.count}/{n} delivered after {timeout} s")
        time.sleep(0.01)


def confirmation(i):
    return (
        f"participant{i}@example.org",
        f"Confirmation de votre inscription n° {i}",
        f"Bonjour Participant {i},\n\nVotre inscription est confirmée (n° {i}).\n"
        "Présentez ce message à l'accueil.\n\nL'équipe organisatrice\n",
    )


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=1500)
    parser.add_argument("--workers", type=int, default=2, help="db_worker processes (0: skip)")
    parser.add_argument("--batch", type=int, default=50, help="messages per SMTP connection")
    args = parser.parse_args()

    port = free_port()
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    env = {
        "DJANGO_SETTINGS_MODULE": "civitas.settings.dev",
        "DATABASE_URL": f"sqlite:///{WORK / 'bench.sqlite3'}",
        "CIVITAS_VAR_DIR": str(WORK),
        "EMAIL_URL": f"smtp://127.0.0.1:{port}",
        "LOG_LEVEL": "ERROR",
        "CIVITAS_OUTBOX_BATCH_SIZE": str(args.batch),
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))

    import django

    django.setup()
    from aiosmtpd.controller import Controller
    from django.core import mail
    from django.core.management import call_command
    from django.db import transaction
    from django.test import override_settings

    from civitas.core.outbox import services
    from civitas.core.outbox.models import Message

    print(f"Preparing a fresh database in {WORK} ...", flush=True)
    call_command("migrate", verbosity=0)

    counter = Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=port)
    controller.start()
    n = args.count
    results = []
    immediate = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}

    def record(name, seconds, note):
        assert counter.count == n, (name, counter.count)
        results.append((name, seconds, counter.sessions, note))
        print(f"  {name:<10} {seconds:8.2f} s  {n / seconds:8.0f} msg/s  {note}", flush=True)

    try:
        print(f"{n} confirmation e-mails, SMTP server aiosmtpd on 127.0.0.1:{port}")

        counter.reset()
        start = time.perf_counter()
        for i in range(n):
            to, subject, body = confirmation(i)
            mail.send_mail(subject, body, None, [to])
        wait_for(counter, n, 600)
        record("baseline", time.perf_counter() - start, "send_mail, 1 connection/message")

        with override_settings(TASKS=immediate):
            counter.reset()
            start = time.perf_counter()
            for i in range(n):
                services.queue_email(*confirmation(i))
            wait_for(counter, n, 600)
            record("outbox-1", time.perf_counter() - start, "1 commit + 1 task per message")
            assert Message.objects.filter(state="sent").count() == n
            Message.objects.all().delete()

            counter.reset()
            start = time.perf_counter()
            with transaction.atomic():
                for i in range(n):
                    services.queue_email(*confirmation(i))
            wait_for(counter, n, 600)
            record(
                "outbox-tx", time.perf_counter() - start, f"1 transaction, batches of {args.batch}"
            )
            assert Message.objects.filter(state="sent").count() == n
            Message.objects.all().delete()

        if args.workers:
            procs = [
                subprocess.Popen(
                    [sys.executable, str(ROOT / "manage.py"), "db_worker", "--interval", "0.1"],
                    cwd=ROOT,
                    env={**os.environ, **env},
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                for _ in range(args.workers)
            ]
            try:
                time.sleep(3)  # let the workers start
                counter.reset()
                start = time.perf_counter()
                with transaction.atomic():
                    for i in range(n):
                        services.queue_email(*confirmation(i))
                wait_for(counter, n, 900)
                seconds = time.perf_counter() - start
                time.sleep(1)
                record("outbox-db", seconds, f"database task queue, {args.workers} db_worker")
                sent = Message.objects.filter(state="sent").count()
                print(f"             rows sent: {sent}, delivered at server: {counter.count}")
            finally:
                for p in procs:
                    p.terminate()
                for p in procs:
                    p.wait(timeout=30)
    finally:
        controller.stop()

    print()
    print("| scenario | seconds | messages/s | SMTP sessions | how |")
    print("|---|---:|---:|---:|---|")
    for name, seconds, sessions, note in results:
        print(f"| {name} | {seconds:.2f} | {n / seconds:.0f} | {sessions} | {note} |")


if __name__ == "__main__":
    main()
