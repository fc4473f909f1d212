"""Action points over the emulator (issue 11): added to a scope's month, edited, marked done
and reopened (each change in the history, the same change twice a no-op), overdue against
the clock, and a regional administrator kept to their region (services/reports/
action_points.py). Edits: only the fields given, a done point stays done, a stale edit
(sent with an updated_at the point no longer has) refused, concurrent edits."""

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


def test_an_edit_changes_what_is_given_and_keeps_the_rest(clock):
    point = service.add_point(deps(), NETWORK, None, "2025-03", GIVEN | {"forum_id": "f-1"})
    edited = service.edit_point(deps(), NETWORK, point.point_id, {"due": "2025-06-01"})
    assert edited.due == date(2025, 6, 1) and edited.text == point.text
    assert edited.owner == point.owner and edited.forum_id == "f-1"
    assert edited.history[-1].fields == ["due"]
    emptied = {"owner_email": "", "forum_id": "", "text": "Call\nback"}
    cleared = service.edit_point(deps(), NETWORK, point.point_id, emptied)
    assert cleared.owner.email is None and cleared.forum_id is None and cleared.text == "Call back"
    with pytest.raises(service.BadPoint) as nothing:
        service.edit_point(deps(), NETWORK, point.point_id, {"state": "done"})
    assert nothing.value.errors[0].field == "fields"
    with pytest.raises(service.BadPoint):
        service.edit_point(deps(), NETWORK, point.point_id, {"due": "2025-02-30"})
    (stored,) = deps().action_points.action_points(None, "2025-03")
    assert stored == cleared


def test_a_done_point_can_be_edited_and_stays_done(clock):
    point = service.add_point(deps(), NETWORK, None, "2025-03", GIVEN)
    done = service.mark_point(deps(), NETWORK, point.point_id, True)
    edited = service.edit_point(deps(), NETWORK, point.point_id, {"owner_name": "Zanele Khumalo"})
    assert edited.state == PointState.DONE and edited.done_at == done.done_at
    assert edited.owner.name == "Zanele Khumalo"
    assert [c.what for c in edited.history] == ["added", "done", "edited"]


def test_every_change_moves_updated_at_on_even_when_the_clock_stands_still(clock):
    point = service.add_point(deps(), NETWORK, None, "2025-03", GIVEN)
    edited = service.edit_point(deps(), NETWORK, point.point_id, {"due": "2025-05-01"})
    done = service.mark_point(deps(), NETWORK, point.point_id, True)
    assert point.updated_at < edited.updated_at < done.updated_at  # the clock did not move
    clock["at"] = NOW.replace(year=2024)  # another instance's clock, behind
    reopened = service.mark_point(deps(), NETWORK, point.point_id, False)
    assert reopened.updated_at > done.updated_at


def test_a_stale_edit_is_refused_and_changes_nothing(clock):
    point = service.add_point(deps(), NETWORK, None, "2025-03", GIVEN)
    read = deps().action_points.action_points(None, "2025-03")[0].updated_at  # as a form has it
    clock["at"] = NOW.replace(hour=10)
    theirs = service.edit_point(deps(), NETWORK, point.point_id,
                                {"due": "2025-05-01"}, read)  # fmt: skip
    with pytest.raises(service.StalePoint) as stale:
        service.edit_point(deps(), NETWORK, point.point_id, {"text": "Mine"}, read)
    assert stale.value.point == theirs
    (stored,) = deps().action_points.action_points(None, "2025-03")
    assert stored == theirs and stored.text == point.text
    # Marked done since it was read: stale too.
    service.mark_point(deps(), NETWORK, point.point_id, True)
    with pytest.raises(service.StalePoint):
        service.edit_point(deps(), NETWORK, point.point_id, {"text": "Mine"}, theirs.updated_at)
    # The same values as it stands change nothing, so nothing is refused.
    same = service.edit_point(deps(), NETWORK, point.point_id, {"due": "2025-05-01"}, read)
    assert same.state == PointState.DONE
    # Read again, it applies; without updated_at the last write wins.
    now = deps().action_points.action_points(None, "2025-03")[0].updated_at
    mine = service.edit_point(deps(), NETWORK, point.point_id, {"text": "Mine"}, now)
    assert mine.text == "Mine"
    last = service.edit_point(deps(), NETWORK, point.point_id, {"text": "Last"})
    assert last.text == "Last"


@pytest.mark.parametrize("text", ["yesterday", "2025-04-10T09:00:00", "9" * 70, "\ud800"])
def test_an_updated_at_that_is_not_a_time_with_its_offset_is_refused(text):
    with pytest.raises(service.BadPoint) as refused:
        service.read_seen(text)
    assert refused.value.errors[0].field == "updated_at"
    assert service.read_seen("") is None and service.read_seen(None) is None
    seen = service.read_seen("2025-04-10T07:00:00.000001+00:00")
    assert seen == datetime(2025, 4, 10, 9, 0, 0, 1, tzinfo=SAST)


def test_concurrent_edits_of_one_point(project):
    """Two administrators at once: edits of different fields both land (each unit of work
    reads the point as the other left it); two edits from the same reading, one lands and
    the other is told the point changed."""
    from concurrent.futures import ThreadPoolExecutor

    point = service.add_point(deps(), NETWORK, None, "2025-03", GIVEN)
    edits = [{"text": "Both texts"}, {"due": "2025-07-01"}, {"owner_name": "Both owners"}]
    with ThreadPoolExecutor(3) as pool:
        list(pool.map(lambda e: service.edit_point(deps(), NETWORK, point.point_id, e), edits))
    (stored,) = deps().action_points.action_points(None, "2025-03")
    assert (stored.text, stored.due, stored.owner.name) == (
        "Both texts", date(2025, 7, 1), "Both owners")  # fmt: skip
    assert len(stored.history) == 4

    def from_the_same_reading(text: str):
        try:
            return service.edit_point(deps(), NETWORK, point.point_id, {"text": text},
                                      stored.updated_at)  # fmt: skip
        except service.StalePoint:
            return None

    with ThreadPoolExecutor(4) as pool:
        landed = [p for p in pool.map(from_the_same_reading, ["A", "B", "C", "D"]) if p]
    assert len(landed) == 1
    (final,) = deps().action_points.action_points(None, "2025-03")
    assert final.text == landed[0].text and len(final.history) == 5
