"""Fictitious child protection files for demos and benchmarks."""

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Create N realistic fictitious files (siblings, French names, communes, ten years)."

    def add_arguments(self, parser):
        parser.add_argument("--files", type=int, required=True)
        parser.add_argument("--seed", type=int, default=42)

    def handle(self, *args, files, seed, **options):
        from civitas.childprotection.services.generate import generate
        from civitas.core.models import Unit

        if files < 1:
            raise CommandError("--files: a positive number")
        territories = Unit.objects.filter(kind="territory")
        if not territories.exists():
            raise CommandError("Create territory units first (or run load_demo)")
        children = generate(files, territories, seed=seed)
        self.stdout.write(f"{files} file(s), {children} child(ren) created")
