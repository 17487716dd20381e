import pytest
from django.core.management import call_command

from civitas.support.models import Ticket
from civitas.support.services import sla


@pytest.mark.django_db
def test_demo_is_idempotent_and_has_paused_clocks(org):
    call_command("load_support_demo")
    call_command("load_support_demo")
    assert Ticket.objects.count() == 6
    paused = Ticket.objects.get(subject="Signature électronique refusée")
    assert any(c.paused_since for c in sla.ticket_clocks(paused))
    assert Ticket.objects.filter(state__closed=True).exists()
