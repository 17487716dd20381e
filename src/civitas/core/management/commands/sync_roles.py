"""Create the roles the installed modules suggest, and add to existing roles the permissions
a new version suggests: run after `migrate` on every installation and upgrade (runbook)."""

from django.core.management.base import BaseCommand
from django.db import transaction

from civitas.core import journal
from civitas.core.modules import sync_roles


class Command(BaseCommand):
    help = "Create the modules' suggested roles and add newly suggested permissions."

    def add_arguments(self, parser):
        parser.add_argument("labels", nargs="*", metavar="module", help="default: all modules")

    def handle(self, *args, labels: list[str], **options):
        with transaction.atomic():
            done = sync_roles(labels or None)
            for code, what in done:
                journal.record("admin.roles_synchronised", details={"role": code, "change": what})
        for code, what in done:
            self.stdout.write(f"{code}: {what}")
        if not done:
            self.stdout.write("Roles already up to date.")
