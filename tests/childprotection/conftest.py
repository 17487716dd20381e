"""Child protection fixtures: two territories, a service in each, agents, CRIP, DPO."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.conftest import add_totp, make_user


@pytest.fixture
def cp(db, org, users):
    from civitas.childprotection.models import File, Service
    from civitas.core import accounts, modules
    from civitas.core.models import Role, Unit

    modules.ensure_roles(["childprotection"])
    root = Unit.objects.create(name="Département")
    north = Unit.objects.create(name="Territoire Nord", kind="territory", parent=root)
    south = Unit.objects.create(name="Territoire Sud", kind="territory", parent=root)
    north_service = Unit.objects.create(name="ASE Nord", kind="service", parent=north)
    svc_north = Service.objects.create(code="ASEN", label="ASE Nord", unit=north_service)
    svc_south_unit = Unit.objects.create(name="ASE Sud", kind="service", parent=south)
    svc_south = Service.objects.create(code="ASES", label="ASE Sud", unit=svc_south_unit)

    def grant(email, code, scope):
        user = make_user(email)
        add_totp(user)
        accounts.grant(user, Role.objects.get(code=code), scope)
        return user

    people = {
        "crip": grant("crip@example.org", "cp_crip", ("organisation", org.pk)),
        "north": grant("agent.nord@example.org", "cp_agent", ("unit", north.pk)),
        "south": grant("agent.sud@example.org", "cp_agent", ("unit", south.pk)),
        "dpo": grant("dpo@example.org", "cp_dpo", ("organisation", org.pk)),
    }
    received = timezone.make_aware(dt.datetime(2026, 3, 2, 10, 0))
    north_file = File.objects.create(
        number="IP-2026-000001", received_at=received, territory=north, summary="Nord secret"
    )
    south_file = File.objects.create(
        number="IP-2026-000002", received_at=received, territory=south, summary="Sud secret"
    )
    return {
        "org": org,
        "north": north,
        "south": south,
        "svc_north": svc_north,
        "svc_south": svc_south,
        "users": people,
        "north_file": north_file,
        "south_file": south_file,
    }


@pytest.fixture
def cp_client(cp):
    from django.test import Client

    def make(who, lang="en"):
        c = Client()
        c.force_login(cp["users"][who])
        c.cookies["django_language"] = lang
        return c

    return make
