"""Playwright driving Debian's Chromium (/usr/bin/chromium); never a downloaded browser."""

import json
import os
import shutil
from pathlib import Path

import pytest

CHROMIUM = os.environ.get("CIVITAS_CHROMIUM", "/usr/bin/chromium")
ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
IMG = ROOT / "docs" / "img"


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.engine_agnostic)
            item.add_marker(pytest.mark.xdist_group("browser"))


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: run scripts/sysdeps.sh test")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    # bypass_csp only so that the test can inject axe-core; the app's CSP stays as is.
    context = browser.new_context(
        base_url=live_server.url,
        bypass_csp=True,
        locale="fr-FR",
        viewport={"width": 1280, "height": 900},
    )
    page = context.new_page()
    page.set_default_timeout(15000)
    yield page
    context.close()


def axe_violations(page, serious_only=True):
    """Run axe-core (WCAG 2.1 A/AA rules) on the page; return serious/critical violations."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        """async () => await axe.run(document, {runOnly: {type: 'tag',
             values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"""
    )
    violations = result["violations"]
    if serious_only:
        violations = [v for v in violations if v["impact"] in ("serious", "critical")]
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + json.dumps([n["target"] for n in v["nodes"]][:5])
        for v in violations
    ]


def screenshot(page, name):
    """Screenshots for the manual: written to docs/img when CIVITAS_SCREENSHOTS=1."""
    target = IMG if os.environ.get("CIVITAS_SCREENSHOTS") == "1" else ROOT / "var" / "screenshots"
    target.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(target / name), full_page=True)
