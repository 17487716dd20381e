"""Private messages and mailings in Chromium: the HTMX thread form (error keeps the page,
success appends the message), the unread badge, the live mailing preview; axe-core on
each page."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations
from tests.browser.test_events_journey import REP_PASSWORD, give_password, log_in
from tests.conftest import PASSWORD, make_user
from tests.events.conftest import make_company, make_event

pytestmark = pytest.mark.django_db(transaction=True)

SEND = re.compile(r"^(Send|Envoyer)$")


def assert_accessible(page):
    assert axe_violations(page) == [], page.url


def test_thread_badge_and_mailing_preview(page, browser, live_server):
    from civitas.events.services import meetings

    event = make_event("messages-2027")
    make_user("principal@example.org", role_code="principal_admin")
    alice = make_company(event, "Atelier Soleil").representatives.get()
    bruno = make_company(event, "Brasserie Nord", country="DE").representatives.get()
    req = meetings.send_request(alice, bruno)
    meetings.accept_request(req, bruno)
    give_password(alice.email)
    give_password(bruno.email)

    # Alice writes to Bruno: an empty message is refused in place, then one is sent.
    thread = f"/espace/evenements/{event.slug}/messages/demande/{req.pk}/"
    log_in(page, alice.email, REP_PASSWORD, thread)
    assert_accessible(page)
    page.get_by_role("button", name=SEND).click()
    expect(page.locator(".error-summary")).to_be_visible()
    assert page.url.endswith(thread)
    body = page.locator("textarea[name=body]")
    body.fill("Bonjour Bruno,\nà mardi <b>sans faute</b> !")
    page.get_by_role("button", name=SEND).click()
    expect(page.locator(".thread-message")).to_have_count(1)
    expect(page.locator(".thread-body")).to_contain_text("à mardi <b>sans faute</b> !")
    expect(page.locator("textarea[name=body]")).to_have_value("")
    expect(page.locator(".error-summary")).to_have_count(0)
    assert_accessible(page)

    # Bruno sees the unread badge, the inbox, then the conversation.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="fr-FR")
    other = context.new_page()
    home = f"/espace/evenements/{event.slug}/"
    log_in(other, bruno.email, REP_PASSWORD, home)
    expect(other.locator(".area-nav .badge")).to_contain_text("1")
    other.locator(".area-nav").get_by_role("link", name=re.compile("Messages")).click()
    assert_accessible(other)
    other.get_by_role("link", name=re.compile("Alice|P0 Atelier")).first.click()
    expect(other.locator(".thread-body")).to_contain_text("sans faute")
    other.goto(home)
    expect(other.locator(".area-nav .badge")).to_have_count(0)
    context.close()

    # The organiser prepares a mailing: the count follows the filters live.
    admin = browser.new_context(base_url=live_server.url, bypass_csp=True, locale="fr-FR")
    admin_page = admin.new_page()
    url = f"/backoffice/evenements/{event.pk}/publipostage/nouveau/"
    log_in(admin_page, "principal@example.org", PASSWORD, url, totp=True)
    preview = admin_page.locator("#mailing-preview")
    expect(preview).to_contain_text("2")
    assert_accessible(admin_page)
    admin_page.get_by_role("checkbox", name=re.compile(r"^(Allemagne|Germany)$")).check()
    expect(preview).to_contain_text("Brasserie Nord")
    expect(preview).not_to_contain_text("Atelier Soleil")
    admin_page.locator("textarea[name=body]").fill("Bonjour {first_name} de {company}")
    expect(preview).to_contain_text("Bonjour P0 de Brasserie Nord")
    admin.close()
