"""Benchmark of the councils module (issue 27). Not a test: figures for docs.

    .venv/bin/python bench/councils.py          # 1,000 officials, 5 x 60 MB, 150 MB x 20
    .venv/bin/python bench/councils.py --officials 200 --doc-mb 5 --big-mb 20 --clients 5

1. Upload 5 documents (300 MB in all) through the chunked pipeline (streamed to storage,
   SHA-256 while the bytes pass).
2. Send the sitting to N officials: time to queue (deliveries, outbox rows, journal) and
   time until a local SMTP server (aiosmtpd) has every mail (mails per minute); nothing lost
   is checked at the server and in the outbox.
3. Download one big document (150 MB) by C officials at once from a real web process
   (gunicorn, one process, C threads): peak memory of that process (VmHWM) and throughput.

Uses a throw-away SQLite database and media directory in /tmp (migrated at start).
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WORK = Path("/tmp/civitas-bench-councils")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Counter:
    def __init__(self):
        self.lock = threading.Lock()
        self.count = 0

    async def handle_DATA(self, server, session, envelope):  # noqa: N802
        with self.lock:
            self.count += 1
        return "250 OK"


class FakePDF(io.RawIOBase):
    """`size` bytes that sniff as a PDF, produced on the fly (never whole in memory)."""

    def __init__(self, size, seed):
        self.size, self.pos = size, 0
        self.head, self.tail = b"%PDF-1.7\n", b"\n%%EOF\n"
        self.filler = (bytes([65 + seed % 26]) * 1023 + b"\n") * 1024  # 1 MB

    def readable(self):
        return True

    def readinto(self, buffer):
        n = min(len(buffer), self.size - self.pos, len(self.filler))
        if n <= 0:
            return 0
        start, end = self.pos, self.pos + n
        chunk = bytearray(self.filler[:n])
        if start < len(self.head):
            h = self.head[start : min(end, len(self.head))]
            chunk[: len(h)] = h
        tail_start = self.size - len(self.tail)
        if end > tail_start:
            s = max(start, tail_start)
            chunk[s - start : n] = self.tail[s - tail_start : end - tail_start]
        buffer[:n] = chunk
        self.pos = end
        return n


def worker_pid(master):
    """The gunicorn worker (the process that serves requests), not the arbiter."""
    for _ in range(100):
        children = Path(f"/proc/{master}/task/{master}/children").read_text().split()
        if children:
            return int(children[0])
        time.sleep(0.1)
    return master


def peak_rss_kb(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--officials", type=int, default=1000)
    parser.add_argument("--docs", type=int, default=5)
    parser.add_argument("--doc-mb", type=int, default=60)
    parser.add_argument("--big-mb", type=int, default=150)
    parser.add_argument("--clients", type=int, default=20)
    args = parser.parse_args()

    smtp_port, web_port = free_port(), free_port()
    shutil.rmtree(WORK, ignore_errors=True)
    WORK.mkdir(parents=True)
    env = {
        "DJANGO_SETTINGS_MODULE": "civitas.settings.dev",
        "DATABASE_URL": f"sqlite:///{WORK / 'bench.sqlite3'}",
        "CIVITAS_VAR_DIR": str(WORK),
        "MEDIA_ROOT": str(WORK / "media"),
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp_port}",
        "LOG_LEVEL": "ERROR",
        "CIVITAS_SITE_URL": f"http://127.0.0.1:{web_port}",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_DEBUG": "0",
    }
    os.environ.update(env)
    sys.path.insert(0, str(ROOT / "src"))
    import django

    django.setup()
    from aiosmtpd.controller import Controller
    from django.conf import settings
    from django.core.management import call_command
    from django.test import override_settings

    from civitas.core.models import Unit
    from civitas.core.outbox.models import Message
    from civitas.councils.models import EPCI, Commune, Official, RecipientList, Sending, Sitting
    from civitas.councils.services import documents, sending

    print(f"Preparing a fresh database in {WORK} ...", flush=True)
    call_command("migrate", verbosity=0)
    unit = Unit.objects.create(name="Bench EPCI")
    epci = EPCI.objects.create(unit=unit, name="Bench EPCI")
    communes = [
        Commune.objects.create(epci=epci, insee_code=f"{10000 + i}", name=f"C{i}", population=900)
        for i in range(20)
    ]
    Official.objects.bulk_create(
        Official(
            epci=epci,
            commune=communes[i % 20],
            first_name="E",
            last_name=f"L{i}",
            email=f"elu{i}@bench.example",
        )
        for i in range(args.officials)
    )
    rlist = RecipientList.objects.create(epci=epci, name="all", kind="non_members")
    from datetime import timedelta

    from django.utils import timezone

    sitting = Sitting.objects.create(
        epci=epci,
        title="Bench",
        place="Here",
        recipient_list=rlist,
        date=timezone.now() + timedelta(days=10),
    )
    results = []

    # 1. Upload
    size = args.doc_mb * 1024 * 1024
    start = time.perf_counter()
    with override_settings(CIVITAS_COUNCILS_MAX_DOCUMENT_BYTES=max(size, args.big_mb << 20)):
        for i in range(args.docs):
            documents.add_file(
                sitting,
                kind="convocation" if i == 0 else "item",
                title=f"D{i}",
                fileobj=io.BufferedReader(FakePDF(size, i)),
                file_name=f"d{i}.pdf",
                size=size,
            )
    seconds = time.perf_counter() - start
    results.append(
        (
            "upload",
            f"{args.docs} x {args.doc_mb} MB",
            f"{seconds:.1f} s",
            f"{args.docs * args.doc_mb / seconds:.0f} MB/s",
        )
    )
    print(results[-1], flush=True)

    # 2. Sending
    counter = Counter()
    controller = Controller(counter, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    immediate = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    dummy = {"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    from civitas.core.outbox import services as outbox

    try:
        with override_settings(TASKS=dummy):  # queue only: rows, links, journal
            start = time.perf_counter()
            sending.send(sitting, Sending.Phase.BEFORE)
            queued = time.perf_counter() - start
        with override_settings(TASKS=immediate):  # then the outbox sends what is due
            start = time.perf_counter()
            outbox.send_due()
            deadline = time.perf_counter() + 1800
            while counter.count < args.officials and time.perf_counter() < deadline:
                time.sleep(0.05)
            total = time.perf_counter() - start
    finally:
        controller.stop()
    n_sent = Message.objects.filter(state="sent", template_code="councils.documents_sent").count()
    results.append(
        (
            "send",
            f"{args.officials} officials",
            f"queue {queued:.1f} s, then delivered in {total:.1f} s",
            f"{counter.count / total * 60:.0f} mails/min; "
            f"server {counter.count}, outbox sent {n_sent}",
        )
    )
    print(results[-1], flush=True)

    # 3. Download
    big = args.big_mb * 1024 * 1024
    with override_settings(CIVITAS_COUNCILS_MAX_DOCUMENT_BYTES=big):
        sitting2 = Sitting.objects.create(
            epci=epci,
            title="Big",
            place="Here",
            recipient_list=rlist,
            date=timezone.now() + timedelta(days=10),
        )
        doc = documents.add_file(
            sitting2,
            kind="convocation",
            title="Big",
            fileobj=io.BufferedReader(FakePDF(big, 7)),
            file_name="big.pdf",
            size=big,
        )
        with override_settings(
            TASKS=immediate, EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"
        ):
            sent2 = sending.send(sitting2, Sending.Phase.BEFORE)
    tokens = [sending.make_token(d) for d in sent2.deliveries.all()[: args.clients]]
    server = subprocess.Popen(
        [
            str(Path(sys.executable).parent / "gunicorn"),
            "civitas.wsgi",
            "-b",
            f"127.0.0.1:{web_port}",
            "-w",
            "1",
            "-k",
            "gthread",
            "--threads",
            str(args.clients),
            "--timeout",
            "600",
        ],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT / "src")},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{web_port}/health", timeout=2)
                break
            except Exception:  # noqa: BLE001
                time.sleep(0.3)
        worker = worker_pid(server.pid)
        base_rss = peak_rss_kb(worker)
        got = []

        def fetch(token):
            url = f"http://127.0.0.1:{web_port}/conseils/s/{token}/document/{doc.pk}/"
            n = 0
            with urllib.request.urlopen(url, timeout=600) as r:  # noqa: S310
                for block in iter(lambda: r.read(1 << 20), b""):
                    n += len(block)
            got.append(n)

        start = time.perf_counter()
        threads = [threading.Thread(target=fetch, args=(t,)) for t in tokens]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        seconds = time.perf_counter() - start
        peak = peak_rss_kb(worker)
    finally:
        server.terminate()
        server.wait(timeout=30)
    ok = sum(1 for n in got if n == big)
    results.append(
        (
            "download",
            f"{args.big_mb} MB x {args.clients}",
            f"{seconds:.1f} s",
            f"{ok}/{args.clients} complete, {sum(got) / seconds / 1e6:.0f} MB/s, "
            f"web process peak RSS {peak / 1024:.0f} MB (after start {base_rss / 1024:.0f} MB)",
        )
    )
    print(results[-1], flush=True)
    print()
    print("| step | size | time | result |")
    print("|---|---|---|---|")
    for row in results:
        print("| " + " | ".join(row) + " |")
    shutil.rmtree(WORK / "media", ignore_errors=True)
    _ = settings


if __name__ == "__main__":
    main()
