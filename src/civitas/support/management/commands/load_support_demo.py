"""Demo data of the support desk (idempotent): a product and its versions, a customer
structure with a référent and a simple user, a support agent, and tickets in various states,
some with their clock paused. Called by `make demo` (rundemo)."""

from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from civitas.core import accounts, modules
from civitas.core.management.commands.load_demo import DEMO_PASSWORD
from civitas.core.models import Role, Unit
from civitas.support.models import (
    Correspondent,
    FaqArticle,
    News,
    Product,
    Queue,
    ReleaseNote,
    SlaTable,
    Structure,
    SupportCalendar,
    TimeBook,
    Version,
)
from civitas.support.services import tickets

STRUCTURE = "Communauté de communes du Val d'Exemple"
PEOPLE = [
    ("agent@demo.civitas.fr", "Sophie Agent", "support_agent", None),
    ("referent@demo.civitas.fr", "Romain Référent", "support_referent", "referent"),
    ("utilisateur@demo.civitas.fr", "Ursula Utilisatrice", "support_user", "user"),
]


class Command(BaseCommand):
    help = "Create the support desk demo data (idempotent)."

    @transaction.atomic
    def handle(self, *args, **options):
        if Structure.objects.filter(name=STRUCTURE).exists():
            self.stdout.write("support demo: already there")
            return
        modules.ensure_roles(["support"])
        parent = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
        unit, _ = Unit.objects.get_or_create(
            name=STRUCTURE, defaults={"kind": "establishment", "parent": parent}
        )
        structure = Structure.objects.create(
            name=STRUCTURE,
            unit=unit,
            account_manager="Camille Chargée d'affaire, 01 23 45 67 89",
            calendar=SupportCalendar.objects.filter(region="FR").order_by("pk").first(),
            sla_table=SlaTable.objects.get(code="004-4-3"),
        )
        people = {}
        for email, name, role_code, kind in PEOPLE:
            user, _ = accounts.get_or_create(email, name, password=DEMO_PASSWORD, verified=True)
            scope = ("organisation", 1) if kind is None else ("unit", unit.pk)
            accounts.grant(user, Role.objects.get(code=role_code), scope)
            if kind:
                # The référent receives the quarter reports by mail.
                Correspondent.objects.get_or_create(
                    structure=structure,
                    user=user,
                    defaults={"kind": kind, "receives_reports": kind == "referent"},
                )
            people[role_code] = user
        product, _ = Product.objects.get_or_create(name="Civitas Actes")
        for number, days in [("4.1", 200), ("4.2", 60), ("4.3", -20)]:
            Version.objects.get_or_create(
                product=product,
                number=number,
                defaults={"released_on": (timezone.now() - timedelta(days=days)).date()},
            )
        queue, _ = Queue.objects.get_or_create(name="Support applicatif")
        current = Version.objects.get(product=product, number="4.2")
        user, referent, agent = (
            people["support_user"],
            people["support_referent"],
            people["support_agent"],
        )
        now = timezone.now()

        def ticket(subject, level, days_ago, who=user, service="application_bug"):
            return tickets.open_ticket(
                structure=structure,
                requester=who,
                product=product,
                version=current,
                service=service,
                level=level,
                subject=subject,
                text=f"{subject}. Message affiché : « Erreur 500 - service indisponible ».",
                queue=queue,
                now=now - timedelta(days=days_ago),
            )

        ticket("Export des délibérations impossible", 1, 0)
        paused = ticket("Signature électronique refusée", 0, 3)
        tickets.agent_reply(
            paused,
            agent,
            "Pouvez-vous nous transmettre une capture de l'écran d'erreur ?",
            "to_qualify_customer",
            now=now - timedelta(days=3) + timedelta(hours=1),
        )
        waiting = ticket("Télétransmission en attente", 2, 8, who=referent)
        tickets.agent_reply(
            waiting,
            agent,
            "Nous attendons le retour de la DGFIP.",
            "waiting_dgcl",
            now=now - timedelta(days=7),
        )
        progress = ticket("Lenteurs à l'ouverture des dossiers", 2, 5)
        tickets.change_state(progress, "in_progress", by=agent, now=now - timedelta(days=4))
        fixed = ticket("Mauvais tri des annexes", 3, 40, who=referent)
        tickets.agent_reply(
            fixed,
            agent,
            "Corrigé dans la version 4.3.",
            "bug_fixed_in_version",
            now=now - timedelta(days=30),
        )
        done = ticket("Aide au paramétrage des circuits", 3, 60, service="functional_help")
        tickets.agent_reply(
            done, agent, "Voici la procédure.", "done_by_agent", now=now - timedelta(days=59)
        )
        tickets.customer_message(
            done, user, "Merci, c'est réglé.", "close", now=now - timedelta(days=58)
        )
        fixed.fixed_in = Version.objects.get(product=product, number="4.3")
        fixed.save()
        ReleaseNote.objects.create(
            version=fixed.fixed_in,
            text="Tri des annexes corrigé ; export des délibérations plus rapide.",
            announced_at=now - timedelta(days=25),
        )
        for question, answer in [
            (
                "Comment signer électroniquement un acte ?",
                "Depuis le parapheur, choisissez « Signer » puis votre certificat.",
            ),
            (
                "Que faire si la télétransmission reste en attente ?",
                "Vérifiez l'accusé de réception de la préfecture, puis ouvrez une demande.",
            ),
            (
                "Comment ajouter un utilisateur du portail ?",
                "Le référent le demande depuis « Utilisateurs du portail ».",
            ),
        ]:
            FaqArticle.objects.create(
                product=product, question=question, answer=answer, published_at=now
            )
        News.objects.create(
            title="Version 4.3 disponible le mois prochain",
            text="La mise à jour sera installée un mardi soir, sans interruption de service.",
            kind="update",
            pinned=True,
            published_at=now - timedelta(days=2),
        )
        News.objects.create(
            title="Maintenance de la plateforme d'hébergement",
            text="Service interrompu de 20 h à 22 h.",
            kind="maintenance",
            published_at=now - timedelta(days=1),
            starts_at=now + timedelta(days=30),
            ends_at=now + timedelta(days=30, hours=2),
        )
        TimeBook.objects.create(
            structure=structure,
            hours_bought=40,
            starts_on=(now - timedelta(days=90)).date(),
            phone_minutes_per_month=120,
        )
        self.stdout.write("support demo: structure, 3 accounts, 6 tickets, FAQ and news created")
