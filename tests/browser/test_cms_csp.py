"""The Wagtail admin works under the site's Content Security Policy (issue 31, item 10):
no blanket exclusion of /cms/, and no CSP violation while an editor opens the page editor."""

import pytest

from tests.conftest import PASSWORD, TOTP_SECRET, make_user, totp_code

pytestmark = pytest.mark.django_db(transaction=True)

RECORD_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline')
    + ' ' + (e.sourceFile || '') + ':' + e.lineNumber);
});
"""


@pytest.fixture
def editor_page(browser, live_server):
    from civitas.cms.setup import ensure_homepage
    from civitas.core.models import Role

    home = ensure_homepage()
    if not Role.objects.filter(code="principal_admin").exists():
        Role.objects.create(code="principal_admin", name="Admin", is_system=True)
    make_user("cms-editor@example.org", role_code="principal_admin", is_superuser=True)
    # No bypass_csp: the browser enforces the policy the server sends.
    context = browser.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    context.add_init_script(RECORD_VIOLATIONS)
    page = context.new_page()
    page.set_default_timeout(20000)
    console = []
    page.on(
        "console",
        lambda msg: console.append(msg.text) if "Content Security Policy" in msg.text else None,
    )
    yield page, home, console
    context.close()


def violations(page, console):
    return page.evaluate("window.__cspViolations || []") + console


def test_wagtail_page_editor_loads_without_csp_violations(editor_page):
    page, home, console = editor_page
    page.goto("/accounts/login/?next=/cms/")
    page.get_by_label("Courriel").fill("cms-editor@example.org")
    page.get_by_label("Mot de passe").fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/accounts/2fa/authenticate/**")
    page.get_by_label("Code").fill(totp_code(TOTP_SECRET))
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url("**/cms/")

    response = page.goto(f"/cms/pages/{home.pk}/edit/")
    policy = response.headers.get("content-security-policy", "")
    assert "script-src" in policy and "default-src 'self'" in policy
    assert "'unsafe-eval'" not in policy
    # The editor is built by Wagtail's JavaScript: its rich-text editor appears only if the
    # scripts ran under the policy.
    page.locator("form#page-edit-form").wait_for()
    page.locator(".Draftail-Editor").first.wait_for()
    page.wait_for_load_state("networkidle")
    found = violations(page, console)
    assert found == [], "\n".join(found)

    page.goto(f"/cms/pages/{home.pk}/")  # the explorer
    page.wait_for_load_state("networkidle")
    page.goto(f"/cms/pages/add/cms/contentpage/{home.pk}/")
    page.locator(".Draftail-Editor").first.wait_for()
    page.wait_for_load_state("networkidle")
    found = violations(page, console)
    assert found == [], "\n".join(found)
