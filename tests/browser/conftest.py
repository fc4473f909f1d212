"""A real browser (Debian's Chromium through Playwright) against the dev server on loopback."""

from __future__ import annotations

import threading
import uuid
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from functions import wiring
from functions.adapters.tasks import tasks_client
from functions.config import get_settings
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
def site(firestore_emulator, tasks_emulator, tmp_path_factory):
    """Every entry point served over HTTP on loopback, as `make run` does: a freshly seeded
    project, mail queued in the real Cloud Tasks emulator, which calls deliver_email back,
    and delivered into a local mailbox shown by dev_mailbox."""
    port = free_port()
    project = f"demo-browser-{uuid.uuid4().hex[:8]}"
    with pytest.MonkeyPatch.context() as env:
        env.setenv("GOOGLE_CLOUD_PROJECT", project)
        env.setenv("PUBLIC_BASE_URL", f"http://127.0.0.1:{port}")
        env.setenv("LOCAL_DEV", "1")
        env.setenv("MAIL_TRANSPORT", "local")
        env.setenv("LOCAL_MAILBOX_DIR", str(tmp_path_factory.mktemp("mailbox")))
        wiring.reset()
        settings = get_settings()
        create_queue(tasks_emulator.host, settings.queue_path(settings.task_queue))
        seed_demo_data()
        server = make_server("127.0.0.1", port, build_dev_app("main.py"), threaded=True)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        yield f"http://127.0.0.1:{port}"
        server.shutdown()
        wiring.reset()


def create_queue(emulator_host: str, queue_path: str) -> None:
    parent = queue_path.rsplit("/queues/", 1)[0]
    tasks_client(emulator_host).create_queue(parent=parent, queue={"name": queue_path})


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
