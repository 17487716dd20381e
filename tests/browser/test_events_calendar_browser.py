"""The calendar of events in Chromium at 360 px: the back-office screen (with its filters and
its previous / next period links) and the public agenda read without horizontal scrolling;
axe-core clean."""

import pytest

from tests.browser.conftest import axe_violations, screenshot
from tests.browser.test_support_journey import logged_in

pytestmark = pytest.mark.django_db(transaction=True)


def test_calendar_and_public_agenda_at_360_px(browser, live_server, page):
    from civitas.core.billing.models import Seller
    from civitas.events.models import Animation, EventPayment, Keyword
    from tests.conftest import make_user
    from tests.events.animation_helpers import at, make_animation
    from tests.events.conftest import make_event

    event = make_event("salon-calendrier-2027")
    seller = Seller.objects.create(
        name="CCI Paris Île-de-France", siret="13000293900015", address="1 rue",
        postcode="75001", city="Paris",
    )  # fmt: skip
    EventPayment.objects.create(event=event, seller=seller, providers=["demo"])
    Keyword.objects.create(event=event, label_fr="Industrie du futur")
    make_animation(event, "Atelier export vers l'Amérique du Nord et le Canada francophone")
    make_animation(
        event, "Conférence sur invitation", kind=Animation.Kind.CONFERENCE, public=False,
        start=at(14), end=at(15),
    )  # fmt: skip
    admin = make_user("calendar-admin@example.org", role_code="principal_admin")

    bo = logged_in(browser, live_server, admin, width=360)
    bo.goto("/backoffice/evenements/calendrier/?kind=party")
    assert bo.locator("[role=alert]").count() == 1  # the wrong filter is reported
    bo.goto("/backoffice/evenements/calendrier/")
    assert bo.locator(".calendar-item").count() == 3
    assert axe_violations(bo) == [], bo.url
    assert bo.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(bo, "events-calendar-mobile.png")
    # The next period (twelve months on) keeps the filter; the previous one comes back.
    bo.goto("/backoffice/evenements/calendrier/?kind=workshop")
    assert bo.locator(".calendar-item").count() == 1
    bo.get_by_role("link", name="Période suivante").click()
    bo.wait_for_url("**start=**")
    assert "kind=workshop" in bo.url
    assert bo.locator(".calendar-item").count() == 0
    assert axe_violations(bo) == [], bo.url
    bo.get_by_role("link", name="Période précédente").click()
    bo.wait_for_load_state()
    assert "kind=workshop" in bo.url
    assert bo.locator(".calendar-item").count() == 1
    assert bo.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")

    page.set_viewport_size({"width": 360, "height": 800})
    page.goto("/evenements/agenda/")
    assert page.locator(".calendar-item").count() == 2  # not the invitation-only conference
    assert axe_violations(page) == [], page.url
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
