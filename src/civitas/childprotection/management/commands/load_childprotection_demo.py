"""Idempotent demo data of child protection: the four demo accounts and generated files."""

from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = "Load the child protection demo (safe to run again)."

    def add_arguments(self, parser):
        parser.add_argument("--files", type=int, default=300)

    @transaction.atomic
    def handle(self, *args, files, **options):
        from allauth.account.models import EmailAddress

        from civitas.childprotection.models import File, Service
        from civitas.childprotection.services.generate import generate
        from civitas.core import accounts, modules
        from civitas.core.management.commands.load_demo import DEMO_PASSWORD
        from civitas.core.models import Organisation, Role, Unit

        modules.ensure_roles(["childprotection"])
        org = Organisation.get()
        north = Unit.objects.filter(name="Territoire Nord").first()
        south = Unit.objects.filter(name="Territoire Sud").first()
        if north is None or south is None:
            self.stderr.write("Run load_demo first (it creates the territories).")
            return
        people = [
            ("crip@demo.civitas.fr", "Camille Roy", "cp_crip", ("organisation", org.pk)),
            ("agent.nord@demo.civitas.fr", "Nadia Benali", "cp_agent", ("unit", north.pk)),
            ("agent.sud@demo.civitas.fr", "Samuel Morel", "cp_agent", ("unit", south.pk)),
            ("dpo@demo.civitas.fr", "Denis Perrot", "cp_dpo", ("organisation", org.pk)),
        ]
        for email, name, role, scope in people:
            user, _created = accounts.get_or_create(
                email, name, password=DEMO_PASSWORD, verified=True
            )
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            accounts.grant(user, Role.objects.get(code=role), scope)
        family = Unit.objects.filter(name="Direction de l'enfance et de la famille").first()
        if family:
            Service.objects.filter(code="ASE", unit__isnull=True).update(unit=family)
        if not File.objects.exists():
            generate(files, [north, south], seed=2026)
        self.stdout.write(self.style.SUCCESS("Child protection demo loaded."))
