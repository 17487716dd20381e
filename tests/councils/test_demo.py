import pytest
from django.core.management import call_command

from civitas.councils.models import EPCI, Delivery, Official, Sitting


@pytest.mark.django_db
def test_demo_is_complete_and_idempotent(org):
    call_command("load_councils_demo")
    call_command("load_councils_demo")
    assert EPCI.objects.count() == 1
    epci = EPCI.objects.get()
    assert epci.communes.count() == 20
    assert 280 <= Official.objects.count() <= 320
    assert Sitting.objects.filter(sendings__isnull=False).distinct().count() == 1
    assert Sitting.objects.filter(sendings__isnull=True).count() == 1
    assert Delivery.objects.filter(acknowledged_at__isnull=False).exists()
    assert Delivery.objects.filter(first_opened_at__isnull=False).exists()
    assert Delivery.objects.filter(official__email="elu@demo.civitas.fr").exists()
    from civitas.core import permissions
    from civitas.core.models import User

    clerk = User.objects.get(email="greffe@demo.civitas.fr")
    assert permissions.has_perm(clerk, "councils.send_documents", epci)
