"""Browser tests: Playwright (Python) driving Debian's Chromium against pytest-django's
live_server. Skipped, saying why, when /usr/bin/chromium or Playwright is missing."""

import os
from pathlib import Path

import pytest
from django.core.management import call_command

# The live server runs in a thread while Playwright's sync API runs an event loop in this one.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "artifacts" / "screenshots"
# axe-core from the npm registry (package.json; `make test` and .ci/run install it), never a CDN.
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"


def pytest_collection_modifyitems(items):
    # live_server empties the database after each test; run the browser tests last so the
    # seed trials are still there for every other test.
    items.sort(key=lambda item: "tests/browser/" in str(item.path).replace(os.sep, "/"))


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        if os.environ.get("REQUIRE_BROWSER_TOOLS"):
            pytest.fail(f"Debian's chromium is missing at {CHROMIUM}: .ci/run installs it")
        pytest.skip(f"Debian's chromium is not installed at {CHROMIUM} (apt-get install chromium)")
    sync_api = pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    # The first answer builds the compiled plan; give slow CI machines room.
    sync_api.expect.set_options(timeout=10_000)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def seeded_server(live_server):
    # Each live_server test ends with an emptied database: load the trials again.
    call_command("load_seed_trials", verbosity=0)
    return live_server


@pytest.fixture
def page(browser, seeded_server):
    context = browser.new_context(base_url=seeded_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def screenshot(page):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(name: str, full_page: bool = False) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=full_page)
        return path

    return take


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE.exists():
        if os.environ.get("REQUIRE_BROWSER_TOOLS"):
            pytest.fail(f"axe-core is missing at {AXE}: .ci/run installs it with npm ci")
        pytest.skip(f"axe-core is not installed at {AXE} (npm ci)")
    return AXE.read_text()


@pytest.fixture
def axe(page, axe_source):
    """`axe()` runs axe-core on the page as it is now and returns its violations, each as
    "rule-id: how many elements (first selectors)". Evaluated through the DevTools protocol, so
    the site's Content-Security-Policy (no inline scripts) needs no exception."""

    def violations() -> list[str]:
        if not page.evaluate("() => typeof window.axe !== 'undefined'"):
            page.evaluate(axe_source)
        found = page.evaluate(
            "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
            ".map(v => ({id: v.id, targets: v.nodes.map(n => n.target.join(' '))}))"
        )
        return [f"{v['id']}: {len(v['targets'])} element(s) ({'; '.join(v['targets'][:3])})" for v in found]

    return violations
