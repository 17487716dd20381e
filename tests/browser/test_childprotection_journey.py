"""An agent records a report with two children, assigns it, generates a letter (Chromium,
axe-core on each page)."""

import importlib
import re

import pytest
from django.apps import apps

from tests.browser.conftest import axe_violations, screenshot
from tests.conftest import PASSWORD, TOTP_SECRET, add_totp, make_user, totp_code

pytestmark = pytest.mark.django_db(transaction=True)
DETAIL = re.compile(r"/protection-enfance/dossiers/\d+/$")


@pytest.fixture
def agent(db):
    from civitas.cms.setup import ensure_homepage
    from civitas.core import accounts, modules
    from civitas.core.models import Role, Unit

    ensure_homepage()
    # a transactional test flushes the rows of the data migrations: seed the tables again
    seed = importlib.import_module("civitas.childprotection.migrations.0002_reference_lists")
    seed.seed(apps, None)
    modules.ensure_roles(["childprotection"])
    north = Unit.objects.create(name="Territoire Nord", kind="territory")
    user = make_user("agent.nord@example.org")
    add_totp(user)
    accounts.grant(user, Role.objects.get(code="cp_agent"), ("unit", north.pk))
    return user


def test_agent_records_assigns_and_writes_a_letter(page, agent):
    page.goto("/accounts/login/")
    page.get_by_label("Courriel").fill("agent.nord@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/accounts/2fa/authenticate/")
    page.get_by_label("Code").fill(totp_code(TOTP_SECRET))
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/backoffice/")

    page.get_by_role("link", name="Dossiers", exact=True).click()
    page.wait_for_url("**/protection-enfance/dossiers/")
    assert axe_violations(page) == []
    page.get_by_role("link", name="Nouveau dossier").click()
    page.locator("#id_file-territory").select_option(label="Territoire Nord")
    page.locator("#id_file-channel").select_option(label="Téléphone")
    page.locator("#id_file-summary").fill("Appel de l'école : enfants seuls le soir.")
    for i, (first, sex, birth) in enumerate(
        [("Zoé", "F", "2016-04-03"), ("Hugo", "M", "2019-09-12")]
    ):
        page.locator(f"#id_children-{i}-sex").select_option(sex)
        page.locator(f"#id_children-{i}-last_name").fill("Lefèvre")
        page.locator(f"#id_children-{i}-first_name").fill(first)
        page.locator(f"#id_children-{i}-birth_date").fill(birth)
        page.locator(f"#id_children-{i}-mother_birth_name").fill("Martin")
    assert axe_violations(page) == []
    screenshot(page, "protection-enfance-saisie.png")
    page.get_by_role("button", name="Valider").click()
    page.wait_for_load_state()
    errors = page.locator(".error-text, .error-summary").all_inner_texts()
    assert DETAIL.search(page.url), errors
    assert "Zoé" in page.content() and "Hugo" in page.content()
    assert axe_violations(page) == []

    page.get_by_role("link", name="Affecter à un service").click()
    page.locator("#id_service").select_option(label="Aide sociale à l'enfance")
    page.locator("#id_task").fill("Évaluer la situation")
    page.locator("#id_assigned_on").fill("2026-12-07")
    assert axe_violations(page) == []
    page.get_by_role("button", name="Valider").click()
    page.wait_for_load_state()
    errors = page.locator(".error-text, .error-summary").all_inner_texts()
    assert DETAIL.search(page.url), errors
    assert "Évaluer la situation" in page.content()

    page.get_by_role("link", name="Courriers").click()
    page.get_by_label("Information des parents").check()
    assert axe_violations(page) == []
    page.get_by_role("button", name="Générer le courrier").click()
    page.wait_for_url("**/courriers/")
    assert page.get_by_role("link", name="Information des parents").count() == 1

    page.set_viewport_size({"width": 360, "height": 800})
    page.get_by_role("link", name="Information des parents").first.is_visible()
    assert axe_violations(page) == []
