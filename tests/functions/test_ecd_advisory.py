"""`ecd advisory select` against the real select_advisory_network, served on loopback over the
emulator (as under `make run`: --local, the development token): the recorded order and the
same selection again without a second email."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from functions import wiring
from functions.config import get_settings
from tests.functions.advisory_support import advisory_mail, gauteng_month
from tests.functions.ecd_support import ecd_against

NOW = datetime(2025, 4, 2, 9, 0, tzinfo=UTC)


@pytest.fixture
def ecd(project, tasks, monkeypatch):
    monkeypatch.setenv("LOCAL_DEV", "1")
    get_settings.cache_clear()
    monkeypatch.setattr(wiring, "utc_now", lambda: NOW)
    with ecd_against("admin_api", "select_advisory_network") as run:
        yield run


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
