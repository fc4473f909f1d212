"""Entry points driven through functions_framework.create_app(...).test_client(), over the
real Firestore emulator, each test in a project of its own seeded with the demo data."""

from __future__ import annotations

import functools
import uuid

import pytest
from functions_framework import create_app

from functions import wiring
from functions.adapters.tasks import CloudTasksQueue
from functions.config import get_settings
from functions.devtools.seed import seed_demo_data
from tests import oidc
from tests.fakes import FakeTasksClient

MAIN = "main.py"


@functools.cache
def _app(target: str):
    return create_app(target, MAIN)


@pytest.fixture
def tasks(monkeypatch) -> FakeTasksClient:
    """The Cloud Tasks client the entry points enqueue deliveries with (a recording fake;
    tests/integration drives the real emulator). tasks.take() gives what would be POSTed."""
    client = FakeTasksClient()
    queue = CloudTasksQueue(client, "projects/p/locations/l/queues/deferred",
                            lambda handler: f"http://127.0.0.1:8080/{handler}", None)  # fmt: skip
    monkeypatch.setattr(wiring, "task_queue", lambda: queue)
    return client


@pytest.fixture
def project(firestore_emulator, tasks, google_idp, monkeypatch, tmp_path) -> str:
    """A fresh Firestore project holding the demo regions, centres, administrators and form
    mappings; mail goes to a local mailbox in a temporary directory. Google's ID tokens are
    the test key's (tests/oidc.py), for the scheduler's and tasks' accounts named there."""
    project_id = f"demo-test-{uuid.uuid4().hex[:12]}"
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", project_id)
    monkeypatch.delenv("PUBLIC_BASE_URL", raising=False)
    monkeypatch.setenv("GOOGLE_CERTS_URL", google_idp.url)
    monkeypatch.setenv("SCHEDULER_INVOKER_EMAIL", oidc.SCHEDULER_ACCOUNT)
    monkeypatch.setenv("TASKS_INVOKER_EMAIL", oidc.TASKS_ACCOUNT)
    monkeypatch.setenv("GOOGLE_OAUTH_CLIENT_ID", oidc.OAUTH_CLIENT_ID)
    monkeypatch.setenv("MAIL_TRANSPORT", "local")
    monkeypatch.setenv("LOCAL_MAILBOX_DIR", str(tmp_path / "mailbox"))
    wiring.reset()
    seed_demo_data()
    yield project_id
    wiring.reset()


@pytest.fixture
def client_for(project, google_idp):
    """client_for("submit_feedback") → a Flask test client of that deployed function. A job's
    or task handler's client sends, as Cloud Scheduler and Cloud Tasks do, a real ID token of
    the right service account for that function's URL (verified as in production); a header
    given to a request replaces it. `signed=False`: a client that sends none."""

    def build(target: str, *, signed: bool = True):
        client = _app(target).test_client()
        if signed and target in oidc.INVOKERS:
            audience = get_settings().url_for(target)
            token = google_idp.mint(oidc.INVOKERS[target], audience)
            client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        return client

    return build


@pytest.fixture
def local_dev(project, monkeypatch):
    """As under `make run` (LOCAL_DEV): the development token (local_support.LOCAL), the
    local clock (`?now=`), jobs and tasks without a token."""
    monkeypatch.setenv("LOCAL_DEV", "1")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()
