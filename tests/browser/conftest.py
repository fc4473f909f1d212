"""A real browser (Debian's Chromium through Playwright) against the dev server on loopback."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from functions import wiring
from functions.devtools.emulators import free_port
from functions.devtools.seed import seed_demo_data
from functions.devtools.serve import build_dev_app

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]  # fmt: skip
SCREENSHOTS = Path(__file__).parents[2] / "build" / "screenshots"


@pytest.fixture(scope="module")
def site(firestore_emulator):
    """Every entry point served over HTTP on loopback, over a freshly seeded project."""
    port = free_port()
    with pytest.MonkeyPatch.context() as env:
        env.setenv("GOOGLE_CLOUD_PROJECT", f"demo-browser-{uuid.uuid4().hex[:8]}")
        env.setenv("PUBLIC_BASE_URL", f"http://127.0.0.1:{port}")
        wiring.reset()
        seed_demo_data()
        server = make_server("127.0.0.1", port, build_dev_app("main.py"), threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{port}"
        server.shutdown()
        wiring.reset()


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: `make setup` installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def phone(browser):
    """A small phone's screen, with JavaScript off: every page must work without it."""
    context = browser.new_context(
        viewport={"width": 360, "height": 740}, java_script_enabled=False, locale="en-ZA"
    )
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def screenshot():
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    def take(page, name: str) -> Path:
        path = SCREENSHOTS / f"{name}.png"
        page.screenshot(path=str(path), full_page=True)
        return path

    return take
