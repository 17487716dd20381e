"""Demo data of the councils module (idempotent): one EPCI with 20 communes and about 300
officials, one sitting sent (with openings, downloads and acknowledgements) and one in
preparation; accounts greffe@demo.civitas.fr (clerk) and elu@demo.civitas.fr (official)."""

import io
import random
from datetime import timedelta

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils import timezone

from civitas.core import accounts, modules
from civitas.core.management.commands.load_demo import DEMO_PASSWORD
from civitas.core.models import Role, Unit
from civitas.councils.models import EPCI, Commune, Official, RecipientList, Sending, Sitting
from civitas.councils.services import documents, proof, sending

EPCI_NAME = "Communauté d'agglomération du Val de Démo"
COMMUNES = [
    "Aubeville",
    "Belcourt",
    "Champfleury",
    "Dormans-le-Bois",
    "Épinay-sur-Démo",
    "Fontaine",
    "Grandpré",
    "Hautvillers",
    "Istres-le-Haut",
    "Jouy",
    "Lisle",
    "Montclar",
    "Neuville",
    "Orbais",
    "Pontfaverger",
    "Queudes",
    "Rilly",
    "Sermiers",
    "Trépail",
    "Verzy",
]
FIRST = [
    "Marie",
    "Jean",
    "Claire",
    "Pierre",
    "Sophie",
    "Luc",
    "Anne",
    "Marc",
    "Julie",
    "Paul",
    "Léa",
    "Hugo",
    "Emma",
    "Louis",
    "Camille",
]
LAST = [
    "Martin",
    "Bernard",
    "Dubois",
    "Thomas",
    "Robert",
    "Richard",
    "Petit",
    "Durand",
    "Leroy",
    "Moreau",
    "Simon",
    "Laurent",
    "Lefebvre",
    "Michel",
    "Garcia",
]


def pdf(title, pages=1):
    from weasyprint import HTML

    body = "".join(
        f"<h1>{title}</h1><p>Page {i + 1}. Document de démonstration.</p>"
        + ("<p style='page-break-after: always'></p>" if i < pages - 1 else "")
        for i in range(pages)
    )
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def add(sitting, kind, title, name, pages=1):
    data = pdf(title, pages)
    return documents.add_file(
        sitting, kind=kind, title=title, fileobj=io.BytesIO(data), file_name=name, size=len(data)
    )


class Command(BaseCommand):
    help = "Load the councils demo (one EPCI, 20 communes, ~300 officials, two sittings)."

    def handle(self, *args, **options):
        modules.ensure_roles(["councils"])
        parent = Unit.objects.filter(parent__isnull=True).order_by("pk").first()
        unit, _c = Unit.objects.get_or_create(
            name=EPCI_NAME, defaults={"kind": "territory", "parent": parent}
        )
        clerk, _c = accounts.get_or_create(
            "greffe@demo.civitas.fr",
            "Greffe du Val de Démo",
            password=DEMO_PASSWORD,
            verified=True,
        )
        accounts.grant(clerk, Role.objects.get(code="council_clerk"), ("unit", unit.pk))
        elu_user, _c = accounts.get_or_create(
            "elu@demo.civitas.fr", "Élue de démonstration", password=DEMO_PASSWORD, verified=True
        )
        if EPCI.objects.filter(name=EPCI_NAME).exists():
            self.stdout.write("Councils demo already loaded.")
            return
        rng = random.Random(2026)
        with transaction.atomic():
            epci = EPCI.objects.create(unit=unit, name=EPCI_NAME, siren="200099999")
            n = 0
            for index, name in enumerate(COMMUNES):
                population = [350, 800, 1200, 2500, 5400, 14000][index % 6] + index * 13
                commune = Commune.objects.create(
                    epci=epci, insee_code=f"51{index + 100:03d}", name=name, population=population
                )
                for k in range(15):
                    n += 1
                    first, last = rng.choice(FIRST), rng.choice(LAST)
                    email = (
                        "elu@demo.civitas.fr"
                        if n == 1
                        else f"{first.lower()}.{last.lower()}.{n}@demo.civitas.fr".replace("é", "e")
                    )
                    Official.objects.create(
                        epci=epci,
                        commune=commune,
                        first_name=first,
                        last_name=last,
                        email=email,
                        mobile=f"+3361234{n:04d}",
                        address=f"{n} rue de la Mairie\n{name}",
                        mandates=["mayor"] if k == 0 else (["deputy"] if k < 3 else ["councillor"]),
                        sits_on_epci_council=k in (0, 1) and n != 1,
                        channel="paper" if k == 14 else "electronic",
                        user=elu_user if n == 1 else None,
                    )
            rlist = RecipientList.objects.create(
                epci=epci, name="Conseillers municipaux non communautaires", kind="non_members"
            )
        now = timezone.now()
        sent = Sitting.objects.create(
            epci=epci,
            title="Conseil communautaire",
            place="Hôtel communautaire, salle du conseil",
            date=(now + timedelta(days=8)).replace(hour=18, minute=30, second=0, microsecond=0),
            recipient_list=rlist,
            reminder_hours=48,
        )
        conv = add(sent, "convocation", "Convocation", "convocation.pdf")
        note = add(sent, "note", "Note explicative de synthèse", "note-explicative.pdf", 3)
        add(sent, "item", "Point 1 – Budget primitif", "budget-primitif.pdf", 2)
        sending_obj = sending.send(sent, Sending.Phase.BEFORE, user=clerk)
        for delivery in sending_obj.deliveries.filter(channel="electronic").order_by("pk"):
            roll = rng.random()
            if roll < 0.6 or delivery.email == "elu@demo.civitas.fr":
                sending.mark_opened(delivery, now - timedelta(hours=rng.randint(1, 20)))
                if roll < 0.4:
                    sending.record_download(delivery, conv)
                    sending.record_download(delivery, note)
                if roll < 0.3:
                    sending.acknowledge(delivery)
        for delivery in sending_obj.deliveries.filter(channel="paper")[:10]:
            sending.record_paper(delivery, user=clerk)
        proof.seal(sending_obj)
        prep = Sitting.objects.create(
            epci=epci,
            title="Bureau communautaire",
            body="bureau",
            place="Salle du bureau",
            date=(now + timedelta(days=21)).replace(hour=17, minute=0, second=0, microsecond=0),
            recipient_list=rlist,
        )
        add(prep, "convocation", "Convocation du bureau", "convocation-bureau.pdf")
        self.stdout.write(
            self.style.SUCCESS(
                f"Councils demo loaded: {Official.objects.filter(epci=epci).count()} officials."
            )
        )
