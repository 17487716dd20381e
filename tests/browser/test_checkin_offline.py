"""Check-in on a 360 px phone in Chromium: three people through the hand-scanner field and
the search, two of them while the network is cut; the queue is shown, then sent when the
network is back, and every queued scan arrives exactly once. axe-core on the screen; the
barcode-detector polyfill decodes a QR code with its local WebAssembly file (no CDN)."""

import pytest
from django.conf import settings
from playwright.sync_api import expect

from tests.browser.conftest import axe_violations, screenshot
from tests.conftest import add_totp, make_user
from tests.events.conftest import make_company, make_event

pytestmark = pytest.mark.django_db(transaction=True)


def _phone(browser, live_server, bypass_csp):
    context = browser.new_context(
        base_url=live_server.url,
        bypass_csp=bypass_csp,
        locale="fr-FR",
        viewport={"width": 360, "height": 740},
        is_mobile=True,
        has_touch=True,
    )
    page = context.new_page()
    page.set_default_timeout(20000)
    return context, page


@pytest.fixture
def phone(browser, live_server):
    # bypass_csp only so that axe-core can be injected.
    context, page = _phone(browser, live_server, True)
    yield context, page
    context.close()


@pytest.fixture
def phone_with_csp(browser, live_server):
    context, page = _phone(browser, live_server, False)
    yield context, page
    context.close()


def log_in(context, live_server, user):
    """A session cookie from Django's test client (login with the second factor passed)."""
    from django.test import Client

    c = Client()
    c.force_login(user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": c.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )


def test_offline_scans_arrive_exactly_once(phone, live_server):
    from civitas.core import accounts, modules
    from civitas.core.models import Role
    from civitas.events.models import Checkin
    from civitas.events.services import checkin

    context, page = phone
    event = make_event("jour-j")
    checkin.ensure_lists(event)
    lst = event.checkin_lists.get(kind="event")
    reps = [make_company(event, name).representatives.first() for name in ("Alpha", "Beta")]
    gamma = make_company(event, "Gamma").representatives.first()
    modules.ensure_roles(["events"])
    user = make_user("accueil@example.org")
    add_totp(user)
    accounts.grant(user, Role.objects.get(code="event_reception"), ("event", event.pk))
    log_in(context, live_server, user)

    page.goto(f"/backoffice/evenements/{event.pk}/accueil/{lst.pk}/")
    expect(page.locator("#checkin-net")).to_have_class("checkin-net net-online")
    code = page.get_by_label("Code (lecteur ou saisie)")
    # Online: the hand scanner types the convocation's address and Enter.
    from civitas.events.services import convocation

    code.fill(convocation.qr_payload(reps[0]))
    code.press("Enter")
    expect(page.locator("#checkin-result")).to_contain_text("VALIDE")
    expect(page.locator("#checkin-result")).to_contain_text(reps[0].full_name)
    expect(page.locator("#checkin-queue-box")).to_be_hidden()
    assert axe_violations(page) == []
    screenshot(page, "checkin-phone.png")

    # The network drops: two more scans, answered by the device and queued.
    context.set_offline(True)
    code.fill(reps[1].checkin_token)
    code.press("Enter")
    expect(page.locator("#checkin-result")).to_contain_text(reps[1].full_name)
    page.get_by_label("Nom ou entreprise").fill("gamma")
    page.locator("#checkin-found").get_by_role("button", name="Enregistrer l'entrée").click()
    expect(page.locator("#checkin-result")).to_contain_text(gamma.full_name)
    expect(page.locator("#checkin-queue-count")).to_have_text("2")
    expect(page.locator("#checkin-net")).to_have_class("checkin-net net-offline")
    # Scanning the first person again offline: the device knows they are in.
    code.fill(reps[0].checkin_token)
    code.press("Enter")
    expect(page.locator("#checkin-result")).to_contain_text("DÉJÀ ENTRÉ")
    assert Checkin.objects.filter(checkin_list=lst).count() == 1
    screenshot(page, "checkin-offline-queue.png")

    # Back online: the queue empties, each scan is recorded once.
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#checkin-queue-box")).to_be_hidden()
    rows = Checkin.objects.filter(checkin_list=lst)
    assert sorted(rows.values_list("representative_id", flat=True)) == sorted(
        [reps[0].pk, reps[1].pk, gamma.pk]
    )
    assert len(set(rows.values_list("client_id", flat=True))) == 3
    # A second flush (e.g. after a reload) sends nothing more.
    page.reload()
    page.wait_for_timeout(1500)
    assert Checkin.objects.filter(checkin_list=lst).count() == 3
    assert (
        page.evaluate(
            f"JSON.parse(localStorage.getItem('civitas.checkin.queue.{lst.pk}') || '[]').length"
        )
        == 0
    )


def test_polyfill_decodes_a_qr_code_locally(phone_with_csp, live_server):
    """The camera path: the polyfill's BarcodeDetector reads a QR code image with the
    WebAssembly file served by the application (the CSP allows no CDN)."""
    import base64

    from civitas.core import accounts, modules
    from civitas.core.documents import qr
    from civitas.core.models import Role
    from civitas.events.services import checkin

    context, page = phone_with_csp
    event = make_event("camera")
    checkin.ensure_lists(event)
    lst = event.checkin_lists.get(kind="event")
    modules.ensure_roles(["events"])
    user = make_user("accueil@example.org")
    add_totp(user)
    accounts.grant(user, Role.objects.get(code="event_reception"), ("event", event.pk))
    log_in(context, live_server, user)
    external = []
    page.on(
        "request",
        lambda r: external.append(r.url) if not r.url.startswith(live_server.url) else None,
    )
    page.goto(f"/backoffice/evenements/{event.pk}/accueil/{lst.pk}/")
    png = base64.b64encode(qr.png("https://example.org/checkin/abcdefghijklmnopqrst/", 6, border=4))
    value = page.evaluate(
        """async (src) => {
             const img = new Image(); img.src = src; await img.decode();
             const codes = await new BarcodeDetector({formats: ['qr_code']}).detect(img);
             return codes.map(c => c.rawValue);
           }""",
        "data:image/png;base64," + png.decode("ascii"),
    )
    assert value == ["https://example.org/checkin/abcdefghijklmnopqrst/"]
    assert [u for u in external if not u.startswith("data:")] == []
    expect(page.locator("#checkin-camera-start")).to_be_visible()


def test_reopened_offline_with_its_queue(phone_with_csp, live_server):
    """The service worker (with the application's CSP): the screen once opened is reloaded
    without network, shows its cached copy with the queue, scans, and once back online every
    scan arrives once. Logging out forgets the copy."""
    from civitas.core import accounts, modules
    from civitas.core.models import Role
    from civitas.events.models import Checkin
    from civitas.events.services import checkin

    context, page = phone_with_csp
    event = make_event("hors-ligne")
    checkin.ensure_lists(event)
    lst = event.checkin_lists.get(kind="event")
    alpha, beta = (make_company(event, n).representatives.first() for n in ("Alpha", "Beta"))
    modules.ensure_roles(["events"])
    user = make_user("accueil@example.org")
    add_totp(user)
    accounts.grant(user, Role.objects.get(code="event_reception"), ("event", event.pk))
    log_in(context, live_server, user)
    errors = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    screen = f"/backoffice/evenements/{event.pk}/accueil/{lst.pk}/"
    page.goto(screen)
    expect(page.locator("#checkin-net")).to_have_class("checkin-net net-online")
    expect(page.locator("#checkin[data-offline-ready=true]")).to_have_count(1)
    scope = page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.scope)")
    assert scope == f"{live_server.url}/backoffice/evenements/{event.pk}/accueil/"
    # What the copy holds: the screen and static files; never the list (personal data).
    kept = page.evaluate(
        f"caches.open('civitas-offline-checkin-{event.pk}').then(c => c.keys())"
        ".then(ks => ks.map(k => new URL(k.url).pathname))"
    )
    assert screen in kept
    assert any(k.endswith("checkin.js") for k in kept), kept
    assert any(k.endswith(".wasm") for k in kept), kept
    assert not [k for k in kept if k.endswith(".json")], kept

    # Offline: a scan is queued, then the page is reloaded.
    context.set_offline(True)
    code = page.get_by_label("Code (lecteur ou saisie)")
    code.fill(alpha.checkin_token)
    code.press("Enter")
    expect(page.locator("#checkin-queue-count")).to_have_text("1")
    # A change the server would show: the reloaded page must be the device's copy.
    type(lst).objects.filter(pk=lst.pk).update(name="Renamed while offline")
    page.reload()
    expect(page.locator(".checkin-where")).not_to_contain_text("Renamed")
    expect(page.locator("#checkin-net")).to_have_class("checkin-net net-offline")
    expect(page.locator("#checkin-queue-box")).to_be_visible()
    expect(page.locator("#checkin-queue")).to_contain_text(alpha.full_name)
    page.get_by_label("Nom ou entreprise").fill("beta")
    page.locator("#checkin-found").get_by_role("button", name="Enregistrer l'entrée").click()
    expect(page.locator("#checkin-result")).to_contain_text(beta.full_name)
    expect(page.locator("#checkin-queue-count")).to_have_text("2")
    assert Checkin.objects.filter(checkin_list=lst).count() == 0

    # Back online: each scan recorded once.
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#checkin-queue-box")).to_be_hidden()
    rows = Checkin.objects.filter(checkin_list=lst)
    assert sorted(rows.values_list("representative_id", flat=True)) == sorted([alpha.pk, beta.pk])
    page.reload()
    expect(page.locator(".checkin-where")).to_contain_text("Renamed while offline")
    page.wait_for_timeout(1000)
    assert Checkin.objects.filter(checkin_list=lst).count() == 2
    assert not [e for e in errors if "Content Security Policy" in e], errors

    # Logging out forgets the copy and the service worker.
    page.goto("/accounts/logout/")
    page.locator("main form[method=post] button[type=submit]").click()
    page.wait_for_function(
        "caches.keys().then(ks => !ks.some(k => k.startsWith('civitas-offline-')))"
    )
    page.wait_for_function("navigator.serviceWorker.getRegistrations().then(rs => rs.length === 0)")


def test_offline_animation_list_and_unpaid_refusal(phone, live_server):
    """Offline, the device answers as the server would on an animation's list: a booked
    person is valid (queued), a person not booked is "not registered for this animation",
    an unpaid one is refused with the server's message; neither of those is queued."""
    from decimal import Decimal

    from civitas.core import accounts, modules
    from civitas.core.billing.models import Seller
    from civitas.core.models import Role
    from civitas.events.models import Checkin, CheckinList, EventPayment, PriceCategory
    from civitas.events.services import animations, checkin, checkout
    from tests.events.animation_helpers import make_animation

    context, page = phone
    event = make_event("atelier")
    workshop = make_animation(event, "Atelier export", capacity=10)
    checkin.ensure_lists(event)
    lst = CheckinList.objects.get(target_type="animation", target_id=workshop.pk)
    seller = Seller.objects.create(
        name="CCI Test",
        legal_form="Établissement public",
        siret="13000293900015",
        vat_number="FR40303265045",
        address="1 place de la Bourse",
        postcode="75002",
        city="Paris",
        iban="FR7630001007941234567890185",
    )
    EventPayment.objects.create(event=event, seller=seller, providers=["transfer"])
    price = PriceCategory.objects.create(event=event, name="Entreprise", amount=Decimal("100"))
    booked = make_company(event, "Alpha").representatives.first()
    absent = make_company(event, "Beta").representatives.first()
    debtor_company = make_company(event, "Gamma")
    checkout.open_order(debtor_company, price)
    debtor = debtor_company.representatives.first()
    for rep in (booked, debtor):
        animations.register(workshop, rep)
    modules.ensure_roles(["events"])
    user = make_user("accueil@example.org")
    add_totp(user)
    accounts.grant(user, Role.objects.get(code="event_reception"), ("event", event.pk))
    log_in(context, live_server, user)

    page.goto(f"/backoffice/evenements/{event.pk}/accueil/{lst.pk}/")
    expect(page.locator("#checkin-net")).to_have_class("checkin-net net-online")
    page.wait_for_function(
        f"(JSON.parse(localStorage.getItem('civitas.checkin.list.{lst.pk}') || '{{}}')"
        ".people || []).length === 3"
    )
    context.set_offline(True)
    code = page.get_by_label("Code (lecteur ou saisie)")
    result = page.locator("#checkin-result")
    code.fill(absent.checkin_token)
    code.press("Enter")
    expect(result).to_contain_text("NON INSCRIT")
    expect(result).to_contain_text("Non inscrit à cette animation (Atelier export")
    code.fill(debtor.checkin_token)
    code.press("Enter")
    expect(result).to_contain_text("REFUSÉ")
    expect(result).to_contain_text("Inscription non payée : voir l'accueil")
    expect(result).to_have_class("checkin-result result-refused")
    assert axe_violations(page) == []
    code.fill(booked.checkin_token)
    code.press("Enter")
    expect(result).to_contain_text("VALIDE")
    expect(page.locator("#checkin-queue-count")).to_have_text("1")

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#checkin-queue-box")).to_be_hidden()
    assert list(
        Checkin.objects.filter(checkin_list=lst).values_list("representative_id", flat=True)
    ) == [booked.pk]
