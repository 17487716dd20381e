"""The platform's main journey in Chromium, with axe-core on each page."""

import pytest

from tests.browser.conftest import axe_violations, screenshot
from tests.conftest import PASSWORD, TOTP_SECRET, totp_code

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def site(db):
    from civitas.cms.setup import ensure_homepage

    ensure_homepage()


def test_public_home_and_login_page_are_accessible(page, site):
    page.goto("/")
    assert page.locator("h1").inner_text() == "Accueil"
    assert axe_violations(page) == []
    screenshot(page, "accueil.png")
    page.goto("/accounts/login/")
    assert axe_violations(page) == []
    screenshot(page, "connexion.png")


def test_admin_logs_in_with_mfa_reaches_back_office_and_switches_language(page, site, users):
    page.goto("/accounts/login/")
    page.get_by_label("Courriel").fill("principal@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.get_by_label("Code").fill(totp_code(TOTP_SECRET))
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/backoffice/")
    assert "Back-office" in page.locator("h1").inner_text()
    assert axe_violations(page) == []
    screenshot(page, "backoffice.png")

    page.get_by_label("Langue").select_option("en")
    page.get_by_role("button", name="Changer de langue").click()
    page.wait_for_url("**/backoffice/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.get_by_role("navigation", name="Back-office menu").is_visible()
    assert page.get_by_role("link", name="Action journal").is_visible()
    assert axe_violations(page) == []
    screenshot(page, "backoffice-en.png")


def test_skip_link_and_small_screens(page, site):
    page.set_viewport_size({"width": 360, "height": 740})
    page.goto("/accounts/login/")
    page.keyboard.press("Tab")
    skip = page.locator(".skip-link")
    assert skip.evaluate("el => el === document.activeElement")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"horizontal scroll at 360 px ({width}px)"
    screenshot(page, "connexion-mobile.png")


def test_login_errors_are_announced_and_keep_the_input(page, site, users):
    page.goto("/accounts/login/")
    page.get_by_label("Courriel").fill("participant@example.org")
    page.get_by_label("Mot de passe").fill("not-the-password")
    page.get_by_role("button", name="Connexion").click()
    alert = page.get_by_role("alert").first
    assert alert.is_visible()
    assert page.get_by_label("Courriel").input_value() == "participant@example.org"
    assert axe_violations(page) == []
