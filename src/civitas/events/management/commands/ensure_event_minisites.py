"""Create what is missing of every event's mini-site (idempotent): run once after upgrading
to the Wagtail mini-sites, and safe to run again (pages deleted on purpose stay deleted)."""

from django.core.management.base import BaseCommand

from civitas.events.services import minisite


class Command(BaseCommand):
    help = "Create the missing event mini-sites (Wagtail pages, groups, workflow)."

    def handle(self, *args, **options):
        n = minisite.ensure_all()
        self.stdout.write(f"event mini-sites checked: {n}")
