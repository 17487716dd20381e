"""Idempotent demo data: organisation, units, roles and the demo accounts of README."""

from allauth.account.models import EmailAddress
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand
from django.db import transaction

from civitas.core import accounts
from civitas.core.models import Organisation, Role, Unit

DEMO_PASSWORD = "Civitas-Demo-2026"  # noqa: S105 - documented demo password, demo only

DEMO_USERS = [
    # email, full name, role code, scope, wagtail editor
    ("admin@demo.civitas.fr", "Alice Martin", "principal_admin", ("organisation", None), True),
    (
        "gestionnaire@demo.civitas.fr",
        "Bruno Leroy",
        "journal_reader",
        ("unit", "Direction générale"),
        False,
    ),
    ("participant@demo.civitas.fr", "Chloé Dubois", None, None, False),
]


class Command(BaseCommand):
    help = "Load the demo data (safe to run again)."

    @transaction.atomic
    def handle(self, *args, **options):
        from civitas.cms.setup import ensure_homepage

        ensure_homepage()
        org = Organisation.get()
        org.name = "Collectivité de démonstration"
        # The demo lets testers in without an authenticator app; production keeps it on.
        org.mfa_required_backoffice = False
        org.save()
        dg, _ = Unit.objects.get_or_create(name="Direction générale", defaults={"kind": "service"})
        for name, kind in [
            ("Direction de l'enfance et de la famille", "service"),
            ("Territoire Nord", "territory"),
            ("Territoire Sud", "territory"),
        ]:
            Unit.objects.get_or_create(name=name, defaults={"kind": kind, "parent": dg})
        Role.objects.update_or_create(
            code="journal_reader",
            defaults={
                "name": "Gestionnaire (journal)",
                "description": "Accès au back-office et lecture du journal des actions.",
                "permissions": ["core.access_backoffice", "core.view_journal"],
            },
        )
        for email, name, role_code, scope, editor in DEMO_USERS:
            user, _created = accounts.get_or_create(
                email, name, password=DEMO_PASSWORD, verified=True
            )
            user.is_staff = editor
            user.save()
            EmailAddress.objects.update_or_create(
                user=user, email=email, defaults={"verified": True, "primary": True}
            )
            if editor:
                group = Group.objects.filter(name="Moderators").first()
                if group:
                    user.groups.add(group)
            if role_code:
                scope_type, scope_name = scope
                scope_id = (
                    1 if scope_type == "organisation" else Unit.objects.get(name=scope_name).pk
                )
                accounts.grant(user, Role.objects.get(code=role_code), (scope_type, scope_id))
        self.stdout.write(self.style.SUCCESS("Demo data loaded."))
