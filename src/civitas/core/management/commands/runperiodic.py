import time

from django.core.management.base import BaseCommand

from civitas.core import periodic


class Command(BaseCommand):
    help = "Run the periodic jobs that are due (cron or a systemd timer calls this)."

    def add_arguments(self, parser):
        parser.add_argument(
            "--loop", type=int, default=0, help="Keep running, checking every N seconds (demo)."
        )
        parser.add_argument("--force", action="store_true", help="Run every job now.")
        parser.add_argument("--job", help="Only this job.")
        parser.add_argument("--list", action="store_true", help="List registered jobs.")

    def handle(self, *args, loop, force, job, list, **options):
        if list:
            for j in periodic.jobs():
                self.stdout.write(f"{j.name}\tevery {j.every}")
            return
        while True:
            for name, status in periodic.run_due(force=force, only=job):
                self.stdout.write(f"{name}: {status}")
            if not loop:
                return
            time.sleep(loop)
