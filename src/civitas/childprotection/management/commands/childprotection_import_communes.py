"""Import communes and postal codes from the official file (La Poste / INSEE)."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create or update the communes table from an INSEE / La Poste CSV file."

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument("--department", default="", help="Keep one département (e.g. 67)")

    def handle(self, *args, file, department, **options):
        from civitas.childprotection.services.communes import import_communes

        path = Path(file)
        if not path.exists():
            raise CommandError(f"No such file: {file}")
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("latin-1")  # the La Poste file has been published in Latin-1
        try:
            created, updated = import_communes(text, department=department)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        self.stdout.write(f"{created} commune(s) created, {updated} updated")
