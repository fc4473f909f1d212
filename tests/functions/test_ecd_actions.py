"""`ecd actions list|add|edit|done` against the real admin_api, served on loopback over the
emulator (as under `make run`: --local, the development token)."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from functions import wiring
from functions.config import get_settings
from tests.functions.ecd_support import ecd_against, json_answer

NOW = datetime(2025, 4, 10, 9, 0, tzinfo=ZoneInfo("Africa/Johannesburg"))


@pytest.fixture
def ecd(project, monkeypatch):
    monkeypatch.setenv("LOCAL_DEV", "1")
    get_settings.cache_clear()
    monkeypatch.setattr(wiring, "utc_now", lambda: NOW)
    with ecd_against("admin_api") as run:
        yield run


def test_add_list_and_mark_done(ecd):
    assert "No action points for 2025-03." in ecd("actions", "list", "2025-03").output
    added = ecd("actions", "add", "2025-03", "Share the <b>menu</b>\nweekly",
                "--owner", "Lerato Molefe", "--due", "2025-04-01")  # fmt: skip
    assert added.exit_code == 0, added.output
    assert "due 2025-04-01, owner Lerato Molefe" in added.output
    listed = ecd("--json", "actions", "list", "2025-03")
    answer = json.JSONDecoder().raw_decode(listed.output[listed.output.index("{\n") :])[0]
    (point,) = answer["points"]
    assert point["text"] == "Share the <b>menu</b> weekly" and point["overdue"] is True
    assert "OVERDUE" in ecd("actions", "list", "2025-03").output
    done = ecd("actions", "done", point["point_id"])
    assert done.exit_code == 0 and f"{point['point_id']} is done." in done.output
    assert "is open." in ecd("actions", "done", point["point_id"], "--reopen").output
    refused = ecd("actions", "add", "2025-03", "x", "--owner", "L", "--due", "soon")
    assert refused.exit_code == 1 and "due" in refused.output
    assert ecd("actions", "done", "nope").exit_code == 1


def test_edit_changes_the_fields_named(ecd):
    ecd("actions", "add", "2025-03", "Share the menu", "--owner", "Lerato Molefe",
        "--due", "2025-04-01", "--email", "lerato@example.org", "--forum", "forum-1")  # fmt: skip
    (point,) = json_answer(ecd("--json", "actions", "list", "2025-03").output)["points"]
    edited = ecd("actions", "edit", point["point_id"], "--due", "2025-05-01",
                 "--text", "Share the <b>menu</b>\nweekly", "--email", "")  # fmt: skip
    assert edited.exit_code == 0, edited.output
    said = " ".join(edited.output.split())  # the console wraps at its width
    assert "due 2025-05-01, owner Lerato Molefe, open; Share the <b>menu</b> weekly" in said
    (now,) = json_answer(ecd("--json", "actions", "list", "2025-03").output)["points"]
    assert now["owner"] == {"name": "Lerato Molefe", "email": None}
    assert now["forum_id"] == "forum-1" and now["changes"] == 2
    # A done point stays done; an edit checked against an older reading is refused.
    ecd("actions", "done", point["point_id"])
    kept = json_answer(
        ecd("--json", "actions", "edit", point["point_id"], "--owner", "Sipho").output
    )
    assert kept["state"] == "done" and kept["owner"]["name"] == "Sipho"
    stale = ecd("actions", "edit", point["point_id"], "--owner", "Thandi",
                "--updated-at", now["updated_at"])  # fmt: skip
    assert stale.exit_code == 1 and "Conflict (HTTP 409)" in stale.output
    assert "changed after you read it" in " ".join(stale.output.split())
    fresh = ecd("actions", "edit", point["point_id"], "--owner", "Thandi",
                "--updated-at", kept["updated_at"])  # fmt: skip
    assert fresh.exit_code == 0 and "owner Thandi, done" in fresh.output
    assert ecd("actions", "edit", point["point_id"]).exit_code == 2  # nothing to change
    bad = ecd("actions", "edit", point["point_id"], "--due", "soon")
    assert bad.exit_code == 1 and "The action point was not changed" in bad.output
    assert ecd("actions", "edit", "no-such-point", "--due", "2025-05-01").exit_code == 1
