"""The VAT decision (one function) and VIES checks against a local SOAP server."""

from decimal import Decimal

import pytest

from civitas.core.billing import vat
from civitas.core.billing import vies as vies_service
from civitas.core.billing.models import VatCheck
from civitas.core.billing.signals import vat_check_resolved


def test_french_buyer_pays_the_rate_of_the_price():
    d = vat.decide(vat.Buyer("Dupont SA", "FR", vat_number="FR40303265045"))
    assert d.treatment == vat.Treatment.DOMESTIC and d.mention == ""
    assert d.rate(None) == Decimal("20.00")
    assert d.rate(Decimal("5.50")) == Decimal("5.50")


def test_non_eu_buyer_is_exempt_with_the_mention():
    d = vat.decide(vat.Buyer("Acme Inc", "US"))
    assert d.treatment == vat.Treatment.EXPORT
    assert d.rate(Decimal("20")) == 0
    assert d.mention == "Exonération de TVA, article 259-1° du CGI"


def test_eu_private_person_or_bad_number_pays_french_vat():
    assert vat.decide(vat.Buyer("Hans", "DE", is_business=False)).rate() == Decimal("20.00")
    # A number with a wrong check digit never leads to reverse charge.
    assert vat.decide(vat.Buyer("X GmbH", "DE", vat_number="DE123456789")).rate() == 20


def test_eu_business_needs_a_valid_vies_answer():
    buyer = vat.Buyer("ACME GmbH", "DE", vat_number="DE 136 695 976")
    assert vat.needs_vies(buyer)
    assert vat.decide(buyer, None).pending
    valid = VatCheck(vat_number="DE136695976", country="DE", status="valid")
    d = vat.decide(buyer, valid)
    assert d.treatment == vat.Treatment.REVERSE_CHARGE
    assert d.mention == "Autoliquidation" and d.vat_number == "DE136695976"
    assert d.rate(Decimal("20")) == 0
    # A check of another number does not count.
    other = VatCheck(vat_number="BE0403170701", country="BE", status="valid")
    assert vat.decide(buyer, other).pending
    invalid = VatCheck(vat_number="DE136695976", country="DE", status="invalid")
    assert vat.decide(buyer, invalid).rate() == 20


def test_format_check_explains():
    assert vat.check_format("be 0403.170.701", "BE") == "BE0403170701"
    with pytest.raises(ValueError, match="starts with EL"):
        vat.check_format("DE136695976", "GR")
    with pytest.raises(ValueError, match="not valid"):
        vat.check_format("DE123456789", "DE")


def test_rounding_per_line():
    assert vat.line_amounts(3, Decimal("33.333"), Decimal("20")) == (
        Decimal("100.00"),
        Decimal("20.00"),
        Decimal("120.00"),
    )
    assert vat.line_amounts(1, Decimal("0.125"), Decimal("20"))[0] == Decimal("0.13")


@pytest.mark.django_db
def test_vies_check_stores_request_answer_and_consultation_number(vies):
    check = vies_service.check("DE 136695976", "DE")
    assert check.status == VatCheck.Status.VALID
    assert check.consultation_number == "WAPIAAAAW115976"
    assert check.trader_name == "ACME GMBH"
    assert check.checked_at is not None
    assert "checkVatApprox" in check.request and "136695976" in check.request
    assert "requesterVatNumber" in check.request and "303265045" in check.request
    assert "WAPIAAAAW115976" in check.answer
    assert len(vies.calls) == 1


@pytest.mark.django_db
def test_vies_invalid_and_bad_format(vies):
    check = vies_service.check("BE0403170701", "BE")
    assert check.status == "valid"
    check = vies_service.check("NL004495445B01", "NL")
    assert check.status == VatCheck.Status.INVALID and check.consultation_number
    before = len(vies.calls)
    check = vies_service.check("DE123456789", "DE")
    assert check.status == "invalid" and "not valid" in check.error
    assert len(vies.calls) == before  # format errors never reach VIES


@pytest.mark.django_db
def test_vies_down_leaves_the_check_pending_until_the_periodic_job(vies):
    # A member state's fault is "ask later" too.
    fault = vies_service.check("IT00743110157", "IT")
    assert fault.status == "pending" and fault.error == "MS_UNAVAILABLE"
    vies.down = True
    check = vies_service.check("DE136695976", "DE")
    assert check.status == VatCheck.Status.PENDING and check.error
    buyer = vat.Buyer("ACME GmbH", "DE", vat_number="DE136695976")
    assert vat.decide(buyer, check).pending  # no VAT charged, nothing decided yet

    seen = []
    vat_check_resolved.connect(
        lambda sender, check, **kw: seen.append(check.pk), weak=False, dispatch_uid="test.seen"
    )
    try:
        assert vies_service.recheck_pending() == 0  # still down
        vies.down = False
        assert vies_service.recheck_pending() == 1  # DE answered, IT still unavailable
    finally:
        vat_check_resolved.disconnect(dispatch_uid="test.seen")
    check.refresh_from_db()
    assert check.status == "valid" and check.attempts == 3 and check.consultation_number
    assert seen == [check.pk]
    assert vat.decide(buyer, check).treatment == vat.Treatment.REVERSE_CHARGE


@pytest.mark.django_db
def test_periodic_job_is_registered():
    from civitas.core import periodic

    assert "billing.recheck_vat" in {j.name for j in periodic.jobs()}
