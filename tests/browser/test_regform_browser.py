"""The sector-specific questions of the registration form in Chromium: HTMX shows those of
the sector chosen, keeps what was typed, and the page stays accessible."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations
from tests.events.conftest import make_event

pytestmark = pytest.mark.django_db(transaction=True)


def test_sector_questions_follow_the_sector_chosen(page):
    from civitas.events.models import ExtraField
    from civitas.events.services import regform

    event = make_event("salon-secteurs")
    agri = event.sectors.get(code="A")
    industry = event.sectors.get(code="C")
    organic = ExtraField(event=event, key="organic", label_fr="Production bio", kind="text")
    regform.save_field(organic, sectors=[agri])
    machines = ExtraField(event=event, key="machines", label_fr="Parc de machines", kind="text")
    regform.save_field(machines, sectors=[industry])

    page.goto(f"/evenements/{event.slug}/inscription/")
    # No sector chosen yet: HTMX removes the questions meant for particular sectors.
    expect(page.locator("[name='company-x_organic']")).to_have_count(0)
    expect(page.locator("[name='company-x_machines']")).to_have_count(0)

    page.locator("#id_company-sector").select_option(str(agri.pk))
    expect(page.get_by_label("Production bio")).to_be_visible()
    expect(page.locator("[name='company-x_machines']")).to_have_count(0)
    page.get_by_label("Production bio").fill("Bio depuis 2001")

    page.locator("#id_company-sector").select_option(str(industry.pk))
    expect(page.get_by_label("Parc de machines")).to_be_visible()
    expect(page.locator("[name='company-x_organic']")).to_have_count(0)

    page.locator("#id_company-sector").select_option(str(agri.pk))
    # Back to the first sector: the question is there again (typed text travels with
    # the request only while the field is on the page).
    expect(page.get_by_label("Production bio")).to_be_visible()
    page.get_by_label("Production bio").fill("Bio depuis 2001")
    assert axe_violations(page) == []
