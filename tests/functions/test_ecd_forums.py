"""`ecd forums ...` against the real admin_api, served on loopback over the emulator (as
under `make run`: --local, the development token), and the personal invitation link that
the registration page reads (invitee_for_token)."""

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
from functions.domain.forums.invitations import invitation_id
from functions.domain.shared.signing import Purpose
from functions.services.forums.invitations import invitee_for_token

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
DRAFT = {"title": "Partners' forum", "format": "in_person",
         "starts_at": "2026-12-09T10:00:00+02:00", "ends_at": "2026-12-09T12:00:00+02:00",
         "capacity": 40, "audiences": ["service_partners"]}  # fmt: skip


@pytest.fixture
def ecd(project, tasks, monkeypatch):
    monkeypatch.setenv("LOCAL_DEV", "1")
    get_settings.cache_clear()
    monkeypatch.setattr(wiring, "utc_now", lambda: NOW)
    # Mounted at /admin_api, as Cloud Functions and `make run` serve it.
    mounted = DispatcherMiddleware(NotFound(), {"/admin_api": create_app("admin_api", "main.py")})
    server = make_server("127.0.0.1", 0, mounted, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.server_port}"

    def run(*args: str):
        return CliRunner().invoke(app, ["--local", "--url", url, *args])

    yield run
    server.shutdown()


def answer(output: str) -> dict:
    """The tool's --json answer (indented), among the app's own log lines (one-line JSON: the
    served app shares this process's stdout)."""
    return json.JSONDecoder().raw_decode(output[output.index("{\n") :])[0]


def test_setup_list_show_create_and_a_second_setup_changes_nothing(ecd):
    first = ecd("forums", "setup", "2026-12")
    assert first.exit_code == 0, first.output
    assert "3 forum(s) created" in first.output
    again = ecd("forums", "setup", "2026-12")
    assert again.exit_code == 0 and "nothing changed" in again.output
    created = ecd("--json", "forums", "create", json.dumps(DRAFT))
    assert created.exit_code == 0, created.output
    forum_id = answer(created.output)["forum_id"]
    listed = ecd("forums", "list", "2026-12")
    assert listed.exit_code == 0 and "Forums of 2026-12" in listed.output
    titles = [
        f["title"] for f in answer(ecd("--json", "forums", "list", "2026-12").output)["forums"]
    ]
    assert len(titles) == 4 and "Partners' forum" in titles
    assert "Invitations: queued" in listed.output
    shown = ecd("--json", "forums", "show", forum_id)
    assert answer(shown.output)["capacity"] == 40


def test_refusals_exit_with_their_codes(ecd):
    past = ecd("forums", "setup", "2026-01")
    assert past.exit_code == 1 and "in the past" in past.output
    assert ecd("forums", "show", "nope").exit_code == 1
    bad = ecd("forums", "create", "{not json")
    assert bad.exit_code == 2


def test_an_invitation_link_names_its_invitee_and_nothing_else_does(ecd, client_for):
    ecd("forums", "setup", "2026-12")
    deps = wiring.dependencies()
    batch = next(d.id for d in wiring.firestore_client().collection("forum_invitation_batches")
                 .stream())  # fmt: skip
    from functions.services.forums.invitations import invite_batch

    invite_batch(deps, batch, NOW)
    address = "lerato@sunflower.example.org"
    token = deps.signer.sign(Purpose.FORUM_INVITATION, invitation_id("2026-12", address))
    invitee = invitee_for_token(deps, token)
    assert invitee is not None and invitee.email == address and invitee.role == "staff"
    assert invitee.month == "2026-12" and invitee.centre_id == "sunflower-soweto"
    other_purpose = deps.signer.sign(Purpose.FORUM_CANCEL, invitation_id("2026-12", address))
    assert invitee_for_token(deps, other_purpose) is None
    assert invitee_for_token(deps, token + "x") is None
    assert invitee_for_token(deps, "\ud800") is None
    not_invited = deps.signer.sign(Purpose.FORUM_INVITATION, invitation_id("2026-12", "x@y.z"))
    assert invitee_for_token(deps, not_invited) is None
