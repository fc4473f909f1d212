"""Action points over the emulator (issue 11): added to a scope's month, edited, marked done
and reopened (each change in the history, the same change twice a no-op), overdue against
the clock, and a regional administrator kept to their region (services/reports/
action_points.py)."""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from functions import wiring
from functions.domain.directory.administrators import Administrator
from functions.domain.reports.action_points import TEXT_MAX, PointState
from functions.services.admin.scope import OutOfScope, UnknownRegion
from functions.services.reports import action_points as service

SAST = ZoneInfo("Africa/Johannesburg")
NOW = datetime(2025, 4, 10, 9, 0, tzinfo=SAST)
NETWORK = Administrator(email="admin@ecd.example.org", name="Network")
GAUTENG = Administrator(email="admin.gauteng@ecd.example.org", name="Nomsa", region_id="gauteng")
GIVEN = {"text": "Publish the fee schedule\r\nfor every centre.", "owner_name": "Sipho Ndlovu",
         "owner_email": "Sipho@Example.ORG", "due": "2025-04-30"}  # fmt: skip


@pytest.fixture
def clock(project, monkeypatch):
    now = {"at": NOW}
    monkeypatch.setattr(wiring, "utc_now", lambda: now["at"])
    return now


def deps():
    return wiring.dependencies()


def test_added_edited_done_and_reopened_with_their_history(clock):
    point = service.add_point(deps(), NETWORK, None, "2025-03", GIVEN)
    assert point.text == "Publish the fee schedule for every centre."  # one paragraph
    assert (point.owner.name, point.owner.email) == ("Sipho Ndlovu", "Sipho@example.org")
    assert point.due == date(2025, 4, 30) and point.state == PointState.OPEN
    assert point.created_by == NETWORK.key and point.scope is None
    (stored,) = deps().action_points.action_points(None, "2025-03")
    assert stored == point

    clock["at"] = NOW.replace(day=11)
    edited = service.edit_point(deps(), NETWORK, point.point_id,
                                GIVEN | {"due": "2025-05-05", "owner_email": ""})  # fmt: skip
    assert edited.due == date(2025, 5, 5) and edited.owner.email is None
    assert edited.history[-1].what == "edited" and edited.history[-1].fields == ["due", "owner"]
    same = service.edit_point(deps(), NETWORK, point.point_id,
                              GIVEN | {"due": "2025-05-05", "owner_email": ""})  # fmt: skip
    assert len(same.history) == 2  # nothing changed, nothing recorded

    done = service.mark_point(deps(), NETWORK, point.point_id, True)
    assert done.state == PointState.DONE and done.done_at == clock["at"]
    assert len(service.mark_point(deps(), NETWORK, point.point_id, True).history) == 3
    reopened = service.mark_point(deps(), NETWORK, point.point_id, False)
    assert reopened.state == PointState.OPEN and reopened.done_at is None
    assert [c.what for c in reopened.history] == ["added", "edited", "done", "reopened"]
    (stored,) = deps().action_points.action_points(None, "2025-03")
    assert stored == reopened


def test_overdue_is_open_past_its_due_day_in_the_networks_zone(clock):
    point = service.add_point(deps(), NETWORK, None, "2025-03", GIVEN | {"due": "2025-04-10"})
    assert not point.overdue(NOW.replace(hour=23, minute=59))  # still the due day
    assert point.overdue(datetime(2025, 4, 11, 0, 0, tzinfo=SAST))
    assert not point.overdue(datetime(2025, 4, 10, 21, 59, tzinfo=ZoneInfo("UTC")))
    done = service.mark_point(deps(), NETWORK, point.point_id, True)
    assert not done.overdue(datetime(2025, 6, 1, tzinfo=SAST))


def test_fields_that_are_not_right_change_nothing(clock):
    bad = {"text": " \u2028 ", "owner_name": "", "owner_email": "not an address",
           "due": "30/04/2025"}  # fmt: skip
    with pytest.raises(service.BadPoint) as refused:
        service.add_point(deps(), NETWORK, None, "2025-03", bad)
    assert [e.field for e in refused.value.errors] == ["text", "owner_name", "owner_email", "due"]
    with pytest.raises(service.BadPoint):
        service.add_point(deps(), NETWORK, None, "2025-03", GIVEN | {"text": "x" * (TEXT_MAX + 1)})
    with pytest.raises(service.BadPoint):
        service.add_point(deps(), NETWORK, None, "2025-13", GIVEN)
    assert deps().action_points.action_points(None, "2025-03") == []


def test_a_regional_administrator_keeps_to_their_region(clock):
    theirs = service.add_point(deps(), NETWORK, "western-cape", "2025-03", GIVEN)
    network = service.add_point(deps(), NETWORK, None, "2025-03", GIVEN)
    mine = service.add_point(deps(), GAUTENG, "gauteng", "2025-03", GIVEN)
    assert mine.scope == "gauteng"
    for scope in ("western-cape", None):
        with pytest.raises(OutOfScope):
            service.add_point(deps(), GAUTENG, scope, "2025-03", GIVEN)
        with pytest.raises(OutOfScope):
            service.list_points(deps(), GAUTENG, scope, "2025-03")
    for point in (theirs, network):
        with pytest.raises(service.UnknownPoint):
            service.mark_point(deps(), GAUTENG, point.point_id, True)
        with pytest.raises(service.UnknownPoint):
            service.edit_point(deps(), GAUTENG, point.point_id, GIVEN)
    assert [p.point_id for p in service.list_points(deps(), GAUTENG, "gauteng", "2025-03")] == [
        mine.point_id
    ]
    # Each scope's month is its own: the network's list holds the network's point only.
    assert [p.point_id for p in deps().action_points.action_points(None, "2025-03")] == [
        network.point_id
    ]
    assert deps().action_points.action_points("gauteng", "2025-04") == []
    with pytest.raises(UnknownRegion):
        service.add_point(deps(), NETWORK, "atlantis", "2025-03", GIVEN)
    with pytest.raises(service.UnknownPoint):
        service.mark_point(deps(), NETWORK, "../forums", True)
