"""Start the demo: web server, task worker and periodic scheduler, in one command."""

import io
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from .load_demo import DEMO_PASSWORD, DEMO_USERS


class Command(BaseCommand):
    help = "Migrate, load demo data, then run the web server, the task worker and runperiodic."

    def add_arguments(self, parser):
        parser.add_argument("--host", default=os.environ.get("HOST", "127.0.0.1"))
        parser.add_argument("--port", default=os.environ.get("PORT", "8000"))

    def handle(self, *args, host, port, **options):
        settings.VAR_DIR.mkdir(parents=True, exist_ok=True)
        # links in the demo's queued mails (set-password, unsubscribe) use this address
        os.environ.setdefault("CIVITAS_SITE_URL", f"http://{host}:{port}")
        call_command("migrate", interactive=False, verbosity=0)
        call_command("sync_roles", stdout=io.StringIO())
        call_command("load_demo")
        # Each business module may ship its own idempotent demo data command.
        from django.core.management import get_commands

        for module in settings.CIVITAS_MODULES:
            if f"load_{module}_demo" in get_commands():
                call_command(f"load_{module}_demo")
        manage = [sys.executable, str(settings.BASE_DIR / "manage.py")]
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "civitas.settings.dev",
            "CIVITAS_PROBE_URL": f"http://{host}:{port}/accounts/login/",
            "CIVITAS_SITE_URL": os.environ["CIVITAS_SITE_URL"],
        }
        procs = [
            subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "gunicorn",
                    "civitas.wsgi:application",
                    "--bind",
                    f"{host}:{port}",
                    "--workers",
                    "2",
                    "--threads",
                    "4",
                    "--access-logfile",
                    "-",
                ],
                env={**env, "PYTHONPATH": str(settings.SRC_DIR.parent)},
            ),
            subprocess.Popen([*manage, "db_worker", "--interval", "1"], env=env),
            subprocess.Popen([*manage, "runperiodic", "--loop", "60"], env=env),
        ]
        url = f"http://{host}:{port}/"
        self.stdout.write("")
        self.stdout.write(self.style.SUCCESS(f"Civitas demo running at {url}"))
        self.stdout.write(f"  back office: {url}backoffice/   content editor: {url}cms/")
        if "events" in settings.CIVITAS_MODULES:
            self.stdout.write(f"  demo event: {url}evenements/rencontres-affaires-demo/")
        self.stdout.write(
            f"  mail: printed here by the task worker and listed in {url}backoffice/outbox/"
            "messages/; SMS: var/sms.log"
        )
        self.stdout.write(f"  password for every demo account: {DEMO_PASSWORD}")
        for email, name, role, _scope, _editor in DEMO_USERS:
            self.stdout.write(f"  {email:32} {name:14} {role or 'participant'}")
        from civitas.core import modules

        for module in modules.all_modules():
            for email, what in module.demo_accounts:
                self.stdout.write(f"  {email:32} {module.label:14} {what}")
        self.stdout.write("  Stop with Ctrl+C.")

        def stop(*_):
            for p in procs:
                p.terminate()
            for p in procs:
                try:
                    p.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    p.kill()
            sys.exit(0)

        signal.signal(signal.SIGINT, stop)
        signal.signal(signal.SIGTERM, stop)
        while True:
            for p in procs:
                if p.poll() is not None:
                    self.stderr.write(f"A demo process stopped (exit {p.returncode}): {p.args}")
                    stop()
            time.sleep(1)
