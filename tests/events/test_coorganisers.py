"""Co-organisers (seed 003 §16.2): the assignment rules in order, the hand assignment that
the rules never override, the back-office tab and its scope, the mini-site block, the copy
of the registration mail and the export column."""

import pytest

from civitas.events.models import Company, CoOrganiser, CoOrganiserRule, Sector

from .conftest import make_company, make_event

pytestmark = pytest.mark.django_db


def _co(event, name, position=0, **kw):
    return CoOrganiser.objects.create(event=event, name=name, position=position, **kw)


def _rule(co, position, **kw):
    return CoOrganiserRule.objects.create(co_organiser=co, position=position, **kw)


@pytest.fixture
def setup_rules(event):
    """Rules tried in order: Paris postcodes, then sector Agri, then Germany, then France."""
    agri = Sector.objects.create(event=event, label_fr="Agriculture", code="A")
    paris = _co(event, "CCI Paris", contact_email="een@cci-paris.example")
    agri_co = _co(event, "Chambre d'agriculture", 1, kind="partner")
    de = _co(event, "IHK Berlin", 2)
    fr = _co(event, "CCI France", 3)
    _rule(fr, 40, country="FR")
    _rule(de, 30, country="DE")
    _rule(agri_co, 20, sector=agri)
    _rule(paris, 10, country="FR", postcode_prefix="75")
    return {"agri": agri, "paris": paris, "agri_co": agri_co, "de": de, "fr": fr}


def _company(event, name, **kw):
    return Company(event=event, name=name, **kw)


def test_rules_by_postcode_sector_country_first_match_wins(event, setup_rules):
    from civitas.events.services import coorganisers

    r = setup_rules
    # Paris postcode (spaces ignored) comes before the France rule.
    assert (
        coorganisers.rule_for(_company(event, "A", country="FR", postcode="75 008")).co_organiser
        == r["paris"]
    )
    # A Paris company of the agriculture sector: the Paris rule is first in order.
    assert (
        coorganisers.rule_for(
            _company(event, "B", country="FR", postcode="75001", sector=r["agri"])
        ).co_organiser
        == r["paris"]
    )
    # Lyon, agriculture: the sector rule (20) before the France one (40).
    assert (
        coorganisers.rule_for(
            _company(event, "C", country="FR", postcode="69001", sector=r["agri"])
        ).co_organiser
        == r["agri_co"]
    )
    assert (
        coorganisers.rule_for(_company(event, "D", country="DE", postcode="75001")).co_organiser
        == r["de"]
    )
    assert (
        coorganisers.rule_for(_company(event, "E", country="FR", postcode="13001")).co_organiser
        == r["fr"]
    )
    assert coorganisers.rule_for(_company(event, "F", country="IT")) is None
    # Changing the order changes the winner.
    CoOrganiserRule.objects.filter(co_organiser=r["fr"]).update(position=1)
    assert (
        coorganisers.rule_for(_company(event, "A", country="FR", postcode="75008")).co_organiser
        == r["fr"]
    )


def test_registration_assigns_and_hand_assignment_survives(event, setup_rules):
    from civitas.events.services import coorganisers

    r = setup_rules
    company = make_company(event, "Berlin GmbH", country="DE")
    assert company.co_organiser == r["de"] and not company.co_organiser_by_hand
    coorganisers.assign_by_hand(company, r["paris"])
    company.refresh_from_db()
    assert company.co_organiser == r["paris"] and company.co_organiser_by_hand
    # Neither the rules applied again nor the bulk application change a hand choice.
    assert coorganisers.assign(company) == r["paris"]
    coorganisers.assign_by_hand(company, None)  # "none" by hand is a choice too
    coorganisers.apply_rules(event)
    company.refresh_from_db()
    assert company.co_organiser is None and company.co_organiser_by_hand
    # Given back to the rules: the rules decide again.
    coorganisers.release_to_rules(company)
    company.refresh_from_db()
    assert company.co_organiser == r["de"] and not company.co_organiser_by_hand


def test_bulk_application_assigns_the_unassigned_only(event):
    from civitas.events.services import coorganisers

    early = make_company(event, "Early SARL", country="FR")
    assert early.co_organiser is None  # no rule yet
    fr = _co(event, "CCI France")
    _rule(fr, 1, country="FR")
    it = make_company(event, "Roma Srl", country="IT")
    assert coorganisers.apply_rules(event) == 1
    early.refresh_from_db()
    it.refresh_from_db()
    assert early.co_organiser == fr and it.co_organiser is None


def test_hand_assignment_refuses_another_events_co_organiser(event):
    from civitas.events.services import ServiceError, coorganisers

    other = make_event("autre")
    foreign = _co(other, "CCI Autre")
    company = make_company(event, "Alpha")
    with pytest.raises(ServiceError):
        coorganisers.assign_by_hand(company, foreign)
    company.refresh_from_db()
    assert company.co_organiser is None and not company.co_organiser_by_hand


def test_deleting_a_co_organiser_gives_its_companies_back_to_the_rules(event):
    from civitas.events.services import coorganisers

    a, b = _co(event, "A"), _co(event, "B", 1)
    _rule(b, 1, country="FR")
    company = make_company(event, "Alpha")
    coorganisers.assign_by_hand(company, a)
    coorganisers.delete_co_organiser(a)
    company.refresh_from_db()
    assert company.co_organiser is None and not company.co_organiser_by_hand
    coorganisers.apply_rules(event)
    company.refresh_from_db()
    assert company.co_organiser == b
