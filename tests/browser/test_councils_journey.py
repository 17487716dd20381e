"""Councils journey in Chromium: the clerk uploads (chunked), sends; an official opens the
personal link on a 360 px phone and acknowledges; the clerk sees it and exports the traces.
axe-core on every page."""

import datetime as dt

import pytest
from django.utils import timezone

from tests.browser.conftest import axe_violations
from tests.conftest import PASSWORD, TOTP_SECRET, add_totp, make_user, totp_code

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.7\n" + b"1 0 obj << >> endobj\n" * 2000 + b"\n%%EOF\n"


@pytest.fixture
def council(db, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.CIVITAS_COUNCILS_MAX_CHUNK_BYTES = 16 * 1024  # several chunks for a small file
    from civitas.cms.setup import ensure_homepage
    from civitas.core import accounts
    from civitas.core.models import Role, Unit
    from civitas.councils.models import EPCI, Commune, Official, RecipientList, Sitting

    ensure_homepage()
    unit = Unit.objects.create(name="CA Test")
    epci = EPCI.objects.create(unit=unit, name="CA Test")
    commune = Commune.objects.create(
        epci=epci, insee_code="67001", name="Petiteville", population=400
    )
    Official.objects.create(
        epci=epci,
        commune=commune,
        first_name="Anne",
        last_name="Martin",
        email="anne@petiteville.fr",
    )
    Official.objects.create(
        epci=epci,
        commune=commune,
        first_name="Paul",
        last_name="Durand",
        email="paul@petiteville.fr",
        channel="paper",
    )
    rlist = RecipientList.objects.create(epci=epci, name="Non-membres", kind="non_members")
    sitting = Sitting.objects.create(
        epci=epci,
        title="Conseil de printemps",
        place="Salle",
        date=timezone.now() + dt.timedelta(days=12),
        recipient_list=rlist,
    )
    role = Role.objects.create(
        code="greffe",
        name="Greffe",
        permissions=[
            "core.access_backoffice",
            "councils.view_sittings",
            "councils.send_documents",
            "councils.manage_officials",
        ],
    )
    clerk = make_user("greffe@example.org")
    accounts.grant(clerk, role, ("unit", unit.pk))
    add_totp(clerk)
    return sitting


def login(page):
    page.goto("/accounts/login/")
    page.get_by_label("Courriel").fill("greffe@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.get_by_label("Code").fill(totp_code(TOTP_SECRET))
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/backoffice/")


def test_clerk_sends_official_acknowledges_on_a_phone(page, browser, live_server, council):
    from civitas.councils.models import Delivery, Document
    from civitas.councils.services import sending

    sitting = council
    login(page)
    page.goto("/backoffice/conseils/")
    assert axe_violations(page) == []
    page.get_by_role("link", name=sitting.title).first.click()
    page.wait_for_url(f"**/backoffice/conseils/seances/{sitting.pk}/")
    assert axe_violations(page) == []
    form = page.locator("form.upload-form")
    form.locator("select[name=kind]").select_option("convocation")
    form.locator("input[name=title]").fill("Convocation")
    form.locator("input[type=file]").set_input_files(
        {"name": "convocation.pdf", "mimeType": "application/pdf", "buffer": PDF}
    )
    form.locator("button[type=submit]").click()
    page.wait_for_function("document.querySelector('table code.hash') !== null")
    document = Document.objects.get()
    assert document.size == len(PDF)
    page.locator("form:has(input[name=phase][value=before]) button[type=submit]").click()
    page.wait_for_selector("a[href$='attestation.pdf']")
    delivery = Delivery.objects.get(official__email="anne@petiteville.fr")
    assert delivery.message_id is not None
    assert axe_violations(page) == []

    phone = browser.new_context(
        base_url=live_server.url,
        bypass_csp=True,
        locale="fr-FR",
        viewport={"width": 360, "height": 740},
    )
    official = phone.new_page()
    official.goto(f"/conseils/s/{sending.make_token(delivery)}/")
    assert "Convocation" in official.content()
    assert official.evaluate("document.documentElement.scrollWidth") <= 360
    assert axe_violations(official) == []
    official.locator("form[action$='/accuse-reception/'] button").click()
    official.wait_for_load_state()
    assert Delivery.objects.get(pk=delivery.pk).acknowledged_at is not None
    assert official.locator("form[action$='/accuse-reception/']").count() == 0
    phone.close()

    page.goto(f"/backoffice/conseils/seances/{sitting.pk}/")
    acknowledged = Delivery.objects.get(pk=delivery.pk).acknowledged_at
    assert timezone.localtime(acknowledged).strftime("%d/%m/%Y %H:%M") in page.content()
    csv_text = page.request.get(f"/backoffice/conseils/seances/{sitting.pk}/traces.csv").text()
    assert "anne@petiteville.fr" in csv_text
