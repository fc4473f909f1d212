"""`ecd charters commitments` against the real admin_api, served on loopback over the emulator
(as under `make run`: --local, the development token)."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest

from functions import wiring
from functions.config import get_settings
from functions.services.charters.commitments import commitments_of
from tests.functions.ecd_support import ecd_against, json_answer

NOW = datetime(2026, 12, 10, 9, 0, tzinfo=ZoneInfo("Africa/Johannesburg"))
CENTRE = "sunflower-soweto"


@pytest.fixture
def ecd(project, monkeypatch):
    monkeypatch.setenv("LOCAL_DEV", "1")
    get_settings.cache_clear()
    monkeypatch.setattr(wiring, "utc_now", lambda: NOW)
    with ecd_against("admin_api") as run:
        yield run


def test_list_add_and_remove(ecd):
    empty = ecd("charters", "commitments", CENTRE)
    assert empty.exit_code == 0, empty.output
    assert "Sunflower Educare, Soweto: 0 local commitment(s)" in empty.output
    first = json_answer(ecd("--json", "charters", "commitments", CENTRE, "--list").output)[
        "version"
    ]
    added = ecd("charters", "commitments", CENTRE, "--add", "We greet <b>every</b>\nchild")
    assert added.exit_code == 0, added.output
    assert "1. We greet <b>every</b> child" in added.output  # as typed, on one line
    ecd("charters", "commitments", CENTRE, "--add", "Calls answered in isiZulu")
    shown = json_answer(ecd("--json", "charters", "commitments", CENTRE).output)
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
