"""`ecd charters commitments` against the real admin_api, served on loopback over the emulator
(as under `make run`: --local, the development token)."""

from __future__ import annotations

import json
import threading
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from functions_framework import create_app
from typer.testing import CliRunner
from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import make_server

from functions import wiring
from functions.cli.app import app
from functions.config import get_settings
from functions.services.charters.commitments import commitments_of

NOW = datetime(2026, 12, 10, 9, 0, tzinfo=ZoneInfo("Africa/Johannesburg"))
CENTRE = "sunflower-soweto"


@pytest.fixture
def ecd(project, monkeypatch):
    monkeypatch.setenv("LOCAL_DEV", "1")
    get_settings.cache_clear()
    monkeypatch.setattr(wiring, "utc_now", lambda: NOW)
    from functions.devtools.serve import _at_root

    apps = {"/admin_api": _at_root(create_app("admin_api", "main.py"))}
    server = make_server("127.0.0.1", 0, DispatcherMiddleware(NotFound(), apps), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"

    def run(*args: str):
        return CliRunner().invoke(app, ["--local", "--url", url, *args])

    yield run
    server.shutdown()


def _json(result) -> dict:
    """The --json answer among the served app's log lines."""
    return json.JSONDecoder().raw_decode(result.output[result.output.index("{\n") :])[0]


def test_list_add_and_remove(ecd):
    empty = ecd("charters", "commitments", CENTRE)
    assert empty.exit_code == 0, empty.output
    assert "Sunflower Educare, Soweto: 0 local commitment(s)" in empty.output
    first = _json(ecd("--json", "charters", "commitments", CENTRE, "--list"))["version"]
    added = ecd("charters", "commitments", CENTRE, "--add", "We greet <b>every</b>\nchild")
    assert added.exit_code == 0, added.output
    assert "1. We greet <b>every</b> child" in added.output  # as typed, on one line
    ecd("charters", "commitments", CENTRE, "--add", "Calls answered in isiZulu")
    shown = _json(ecd("--json", "charters", "commitments", CENTRE))
    assert shown["commitments"] == ["We greet <b>every</b> child", "Calls answered in isiZulu"]
    assert shown["version"] != first
    removed = ecd("charters", "commitments", CENTRE, "--remove", "1")
    assert removed.exit_code == 0 and "1. Calls answered in isiZulu" in removed.output
    assert commitments_of(wiring.dependencies(), CENTRE) == ["Calls answered in isiZulu"]


def test_refusals_exit_with_their_codes(ecd):
    too_long = ecd("charters", "commitments", CENTRE, "--add", "x" * 301)
    assert too_long.exit_code == 1 and "300" in too_long.output
    assert ecd("charters", "commitments", CENTRE, "--remove", "3").exit_code == 1
    assert ecd("charters", "commitments", "nowhere").exit_code == 1
    assert ecd("charters", "commitments", CENTRE, "--add", "x", "--remove", "1").exit_code == 2
    assert ecd("charters", "commitments", CENTRE, "--remove", "0").exit_code == 2
    assert commitments_of(wiring.dependencies(), CENTRE) == []
