"""Erasure of a representative through the GDPR tools keeps the event's records."""

import pytest

from civitas.core.gdpr.services import Subject, erase
from civitas.events.models import Company, Representative
from tests.events.conftest import make_company

pytestmark = pytest.mark.django_db


def test_erasing_a_representative_anonymises_and_keeps_the_company(event):
    company = make_company(event, "Dupont SA", reps=2)
    rep = company.representatives.order_by("pk").first()
    other = company.representatives.order_by("pk").last()
    email = rep.email
    erase(Subject.find(email))
    rep.refresh_from_db()
    assert rep.email != email and rep.email.endswith("@invalid.invalid")
    assert (rep.first_name, rep.last_name, rep.phone) == ("Anonyme", "", "")
    assert rep.user_id is None
    # Nothing else is touched.
    other.refresh_from_db()
    assert other.email != rep.email and other.first_name != "Anonyme"
    assert Company.objects.filter(pk=company.pk, name="Dupont SA").exists()
    assert not Representative.objects.filter(email__iexact=email).exists()
