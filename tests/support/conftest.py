import pytest

from tests.conftest import make_user


def role(code, perms):
    from civitas.core.models import Role

    obj, _ = Role.objects.get_or_create(code=code, defaults={"name": code, "permissions": perms})
    return obj


def ensure_seed():
    """Transactional tests flush the rows of data migrations: put the seed back."""
    import importlib

    from django.apps import apps

    from civitas.support.models import TicketState

    if not TicketState.objects.exists():
        seed = importlib.import_module("civitas.support.migrations.0002_seed_states_and_presets")
        seed.seed(apps, None)
        english = importlib.import_module("civitas.support.migrations.0008_ticket_state_label_en")
        english.fill(apps, None)


@pytest.fixture
def desk(db, unit_tree):
    """A customer structure (unit "Territoire Nord") with a référent, a simple user, an
    agent, a product and the 004 §4.3 table on the 004 calendar."""
    from civitas.support.models import (
        Correspondent,
        Product,
        Queue,
        SlaTable,
        Structure,
        SupportCalendar,
        Version,
    )

    ensure_seed()
    role("support_user", ["support.open_tickets"])
    role("support_referent", ["support.open_tickets", "support.request_users"])
    role(
        "support_agent",
        [
            "core.access_backoffice",
            "support.handle_tickets",
            "support.view_reports",
            "support.configure",
        ],
    )
    calendar = SupportCalendar.objects.get(name__startswith="Métropole, lun.-ven. 9h")
    table = SlaTable.objects.get(code="004-4-3")
    structure = Structure.objects.create(
        name="Commune de Nord", unit=unit_tree["north"], calendar=calendar, sla_table=table
    )
    other = Structure.objects.create(
        name="Commune de Sud", unit=unit_tree["south"], calendar=calendar, sla_table=table
    )
    unit = ("unit", unit_tree["north"].pk)
    referent = make_user("referent@nord.example", role_code="support_referent", scope=unit)
    user = make_user("user@nord.example", role_code="support_user", scope=unit, mfa=False)
    outsider = make_user(
        "user@sud.example",
        role_code="support_user",
        scope=("unit", unit_tree["south"].pk),
        mfa=False,
    )
    agent = make_user("agent@support.example", role_code="support_agent")
    Correspondent.objects.create(structure=structure, user=referent, kind="referent")
    Correspondent.objects.create(structure=structure, user=user)
    Correspondent.objects.create(structure=other, user=outsider)
    product = Product.objects.create(name="Civitas Actes")
    version = Version.objects.create(product=product, number="4.2")
    queue = Queue.objects.create(name="Niveau 1")
    return {
        "structure": structure,
        "other": other,
        "referent": referent,
        "user": user,
        "outsider": outsider,
        "agent": agent,
        "product": product,
        "version": version,
        "queue": queue,
        "calendar": calendar,
        "table": table,
    }


@pytest.fixture
def open_ticket(desk):
    from civitas.support.services import tickets

    def make(level=1, now=None, user=None, structure=None, subject="Erreur à la signature"):
        return tickets.open_ticket(
            structure=structure or desk["structure"],
            requester=user or desk["user"],
            product=desk["product"],
            version=desk["version"],
            service="application_bug",
            level=level,
            subject=subject,
            text="Message : « Erreur 500 »",
            queue=desk["queue"],
            now=now,
        )

    return make
