"""`ecd charters distribute` and `ecd charters status` against the real distribute_charters and
admin_api, served on loopback over the emulator (as under `make run`: --local, the development
token): the changed charters are sent once, and the status shows which centres display which
version."""

from __future__ import annotations

import pytest

from functions import wiring
from functions.config import get_settings
from tests.functions.charter_support import START, outbox, replay, save_centre
from tests.functions.ecd_support import ecd_against, json_answer


@pytest.fixture
def ecd(project, tasks, monkeypatch):
    monkeypatch.setenv("LOCAL_DEV", "1")
    get_settings.cache_clear()
    monkeypatch.setattr(wiring, "utc_now", lambda: START)
    with ecd_against("admin_api", "distribute_charters") as run:
        yield run


def test_distribute_sends_the_changed_charters_once_and_status_shows_them(ecd, client_for, tasks):
    first = ecd("charters", "distribute")
    assert first.exit_code == 0, first.output
    assert "5 active centre(s); 5 sent now" in first.output
    replay(client_for, tasks, "send_charter")
    assert len(outbox()) == 5
    again = ecd("--json", "charters", "distribute", "--region", "gauteng")
    assert again.exit_code == 0 and json_answer(again.output) == {
        "region_id": "gauteng",
        "centres": 2,
        "queued": 0,
        "unchanged": 2,
        "no_email": 0,
    }
    save_centre("sunflower-soweto", phone="+27115550100")
    status = ecd("--json", "charters", "status", "--region", "gauteng")
    assert status.exit_code == 0, status.output
    (region,) = json_answer(status.output)["regions"]
    states = {c["centre_id"]: c["to_send"] for c in region["centres"]}
    assert states == {"sunflower-soweto": True, "little-stars-tembisa": False}
    table = ecd("charters", "status")
    assert table.exit_code == 0 and "to send" in table.output
    assert "awaiting" in table.output and "Western Cape" in table.output
    assert ecd("charters", "distribute", "--region", "atlantis").exit_code != 0
