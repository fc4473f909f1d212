"""`ecd advisory select` against the real select_advisory_network, served on loopback over the
emulator (as under `make run`: --local, the development token): the recorded order and the
same selection again without a second email."""

from __future__ import annotations

import json
import threading
from datetime import UTC, datetime

import pytest
from functions_framework import create_app
from typer.testing import CliRunner
from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import make_server

from functions import wiring
from functions.cli.app import app
from functions.config import get_settings
from tests.functions.advisory_support import advisory_mail, gauteng_month

NOW = datetime(2025, 4, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def ecd(project, tasks, monkeypatch):
    monkeypatch.setenv("LOCAL_DEV", "1")
    get_settings.cache_clear()
    monkeypatch.setattr(wiring, "utc_now", lambda: NOW)
    from functions.devtools.serve import _at_root

    apps = {f"/{name}": _at_root(create_app(name, "main.py"))
            for name in ("admin_api", "select_advisory_network")}  # fmt: skip
    server = make_server("127.0.0.1", 0, DispatcherMiddleware(NotFound(), apps), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"

    def run(*args: str):
        return CliRunner().invoke(app, ["--local", "--url", url, *args])

    yield run
    server.shutdown()


def test_select_prints_the_order_and_runs_once(ecd):
    gauteng_month()
    args = ("advisory", "select", "gauteng", "--parents", "3", "--staff", "2", "--seed", "s1",
            "--from", "2025-03", "--to", "2025-03")  # fmt: skip
    first = ecd(*args)
    assert first.exit_code == 0, first.output
    assert "run now, 14 nominee(s) emailed" in first.output
    assert "first from centre" in first.output and "admin?page=advisory&id=" in first.output
    again = ecd("--json", *args)
    assert again.exit_code == 0, again.output
    # The tool's --json answer (indented), among the served app's one-line JSON log lines.
    answer = json.JSONDecoder().raw_decode(again.output[again.output.index("{\n") :])[0]
    assert answer["created"] is False and len(advisory_mail()) == 14
    refused = ecd("advisory", "select", "atlantis", "--seed", "s1")
    assert refused.exit_code == 1 and "404" in refused.output
