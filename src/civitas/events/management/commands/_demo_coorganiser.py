"""Demo of the co-organisers (called by load_events_demo through add_features): a CCI
following the German companies of the demo event (one rule, applied through the service),
one German registration awaiting validation, and the demo co-organiser account
(coorganisateur@demo.civitas.fr) holding the "Co-organiser" role on that CCI only."""

from __future__ import annotations

from civitas.core import accounts, modules
from civitas.core.models import Role
from civitas.events.models import (
    SCOPE_COORGANISER,
    Company,
    CoOrganiser,
    CoOrganiserRule,
    Event,
    Representative,
)
from civitas.events.services import coorganisers

COORGANISER_EMAIL = "coorganisateur@demo.civitas.fr"
CO_NAME = "CCI Grand Est – Enterprise Europe Network"


def add_coorganiser(event: Event, done: list[str]) -> None:
    co = CoOrganiser.objects.filter(event=event, name=CO_NAME).first()
    if co is None:
        co = coorganisers.save_co_organiser(
            CoOrganiser(
                event=event,
                name=CO_NAME,
                role_fr="Accompagne les entreprises allemandes",
                role_en="Supports the German companies",
                website="https://www.grandest.cci.fr",
            )
        )
        coorganisers.save_rule(CoOrganiserRule(co_organiser=co, country="DE"))
        Company.objects.create(
            event=event,
            name="Schneider Feinmechanik GmbH",
            country="DE",
            city="München",  # a city of the demo catalogue's Germany
            postcode="80331",
            sector=event.sectors.filter(code="C").first(),  # manufacturing
            email="kontakt@schneider-feinmechanik.example",
            description="Précision mécanique pour l’industrie automobile.",
            status=Company.Status.REGISTERED,
        )
        Representative.objects.create(
            company=Company.objects.get(event=event, name="Schneider Feinmechanik GmbH"),
            first_name="Jonas",
            last_name="Schneider",
            email="jonas@schneider-feinmechanik.example",
        )
        coorganisers.apply_rules(event)
        done.append("co-organiser")
    from civitas.core.management.commands.load_demo import DEMO_PASSWORD

    user, _created = accounts.get_or_create(
        COORGANISER_EMAIL, "Claire Weber", password=DEMO_PASSWORD, verified=True
    )
    modules.ensure_roles(["events"])
    role = Role.objects.filter(code="event_coorganiser").first()
    if role is not None:
        _assignment, created = accounts.grant(user, role, (SCOPE_COORGANISER, co.pk))
        if created:
            done.append("co-organiser account")
