"""Support settings in Chromium (1280 and 360 px), axe-core clean on each page: a support
administrator goes from the back-office home to the settings through the menu, edits a
ticket state, adds an SLA table with a target (a second target on the same level and clock
is refused on its row, what was typed kept) and closes a day on a business calendar."""

import pytest

from tests.browser.conftest import axe_violations, screenshot
from tests.browser.test_support_journey import logged_in
from tests.support.conftest import desk, role  # noqa: F401 - fixture

pytestmark = pytest.mark.django_db(transaction=True)


def _check(page, width):
    assert axe_violations(page) == [], page.url
    scroll = page.evaluate("document.documentElement.scrollWidth")
    assert scroll <= width + 1, f"{page.url}: {scroll} px wide at {width} px"


def _open_settings(page, width):
    page.goto("/backoffice/")
    _check(page, width)
    menu = page.locator("#bo-nav")
    if width < 800:
        menu.locator("summary").click()  # on a phone the menu is folded
    menu.get_by_role("link", name="Paramètres").click()
    page.wait_for_url("**/backoffice/support/reglages/")
    assert page.get_by_role("heading", level=1).inner_text() == "Réglages de l’assistance"
    _check(page, width)


def _saved(page):
    page.wait_for_load_state()
    assert "Les modifications sont enregistrées." in page.content(), page.url


@pytest.mark.parametrize("width", [1280, 360])
def test_support_settings_through_the_pages(browser, live_server, desk, width):  # noqa: F811
    from civitas.support.models import SlaTable, SupportCalendar, TicketState
    from tests.conftest import make_user

    role("support_settings_admin", ["core.access_backoffice", "support.configure"])
    admin = make_user("reglages@support.example", role_code="support_settings_admin")
    page = logged_in(browser, live_server, admin, width=width)
    _open_settings(page, width)

    # A ticket state: its label changed.
    page.get_by_role("link", name="États des demandes").click()
    _check(page, width)
    state = TicketState.objects.get(code="to_qualify_customer")
    page.get_by_role("link", name=str(state.order), exact=True).click()
    _check(page, width)
    page.locator("#id_label").fill("À compléter par le client")
    page.get_by_role("button", name="Enregistrer").click()
    _saved(page)
    _check(page, width)
    state.refresh_from_db()
    assert state.label == "À compléter par le client"

    # An SLA table with one target, then the same level and clock once more.
    _open_settings(page, width)
    page.get_by_role("link", name="Tables de délais").click()
    page.get_by_role("link", name="Ajouter").click()
    _check(page, width)
    page.locator("#id_code").fill("contrat-test")
    page.locator("#id_name").fill("Contrat de test")
    page.locator("#id_targets-0-level").select_option(value="1")
    page.locator("#id_targets-0-clock").select_option(index=1)
    clock = page.locator("#id_targets-0-clock").input_value()
    page.locator("#id_targets-0-amount").fill("8")
    page.get_by_role("button", name="Enregistrer").click()
    _saved(page)
    table = SlaTable.objects.get(code="contrat-test")
    assert [(t.level, t.clock, t.amount) for t in table.targets.all()] == [(1, clock, 8)]

    page.get_by_role("link", name="Contrat de test").click()
    _check(page, width)
    page.locator("#id_targets-1-level").select_option(value="1")
    page.locator("#id_targets-1-clock").select_option(value=clock)
    page.locator("#id_targets-1-amount").fill("5.5")
    page.get_by_role("button", name="Enregistrer").click()
    page.wait_for_load_state()
    # The message is on the faulty row, what was typed is kept; nothing was saved.
    error = page.locator("#id_targets-1-clock_error")
    assert error.inner_text().strip() == "Ce niveau a déjà une cible pour cette horloge."
    assert page.locator("#id_targets-1-level").input_value() == "1"
    assert page.locator("#id_targets-1-clock").input_value() == clock
    assert page.locator("#id_targets-1-amount").input_value() == "5.5"
    _check(page, width)
    screenshot(page, f"support-reglages-sla-doublon-{width}.png")
    assert table.targets.count() == 1

    # A business calendar: one closed day.
    _open_settings(page, width)
    page.get_by_role("link", name="Calendriers ouvrés").click()
    _check(page, width)
    calendar = desk["calendar"]
    page.get_by_role("link", name=calendar.name).click()
    _check(page, width)
    closures = page.locator("#id_closures_text")
    closures.fill((closures.input_value() + "\n2027-12-24").strip())
    page.get_by_role("button", name="Enregistrer").click()
    _saved(page)
    calendar = SupportCalendar.objects.get(pk=calendar.pk)
    assert ["2027-12-24", "2027-12-24"] in calendar.closures
