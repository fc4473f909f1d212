"""A forum change's notices survive a crash after its commit: the task queued before the
commit (tell_forum_change) tells the promoted and the registered once each, whoever told
them first; it waits for a commit not there yet, and a queue that cannot take it refuses the
change. Over the emulator, the task replayed through its entry point."""

from __future__ import annotations

from datetime import timedelta

import pytest

from functions import wiring
from functions.domain.forums.changes import ForumChanges
from functions.services.errors import QueueUnavailable
from functions.services.forums import changes as changes_module
from functions.services.forums.changes import change_forum
from functions.services.forums.registering import register
from tests.forum_builders import START, form, forum, store

NOW = START - timedelta(days=10)


@pytest.fixture
def clock(monkeypatch):
    monkeypatch.setattr(wiring, "utc_now", lambda: NOW)
    return NOW


def _told(forum_id, moment):
    db = wiring.firestore_client()
    found = [d.to_dict() for d in db.collection("outbox").stream()]
    return sorted(m["to"] for m in found if m["template"] == "forum_registration"
                  and m["data"].get("forum_id") == forum_id
                  and m["data"].get("moment") == moment)  # fmt: skip


def _notices(tasks):
    return [t for t in tasks.take() if set(t) >= {"sequence", "at", "changed"}]


@pytest.fixture
def full_forum(client_for, clock, tasks):
    deps = wiring.dependencies()
    event = forum(capacity=1)
    store(deps, event)
    people = [register(deps, form(event.forum_id, name=n), "web_form", clock).registration
              for n in ("Thandi", "Sipho", "Lerato")]  # fmt: skip
    tasks.take()
    return event, people


class Crash(Exception):
    pass


def test_a_crash_after_the_commit_is_finished_by_the_task(client_for, clock, tasks,
                                                          full_forum, monkeypatch):  # fmt: skip
    event, (placed, first, second) = full_forum
    deps = wiring.dependencies()

    def crash(*args, **kwargs):
        raise Crash()

    monkeypatch.setattr(changes_module, "tell_change", crash)
    with pytest.raises(Crash):
        change_forum(deps, event.forum_id, ForumChanges(title="Moved to the hall", capacity=2),
                     clock)  # fmt: skip
    changed = deps.forums.get(event.forum_id)
    assert (changed.title, changed.sequence, changed.places_taken) == ("Moved to the hall", 1, 2)
    assert _told(event.forum_id, "promoted") == [] and _told(event.forum_id, "changed") == []
    (notice,) = _notices(tasks)
    assert notice == {"forum_id": event.forum_id, "sequence": 1, "at": clock.isoformat(),
                      "changed": True}  # ids and times only  # fmt: skip

    handler = client_for("tell_forum_change")
    answer = handler.post("/", json=notice)
    assert answer.status_code == 200
    assert answer.get_json() == {"promoted": 1, "changed": 1, "stale": False}
    assert _told(event.forum_id, "promoted") == [first.email]
    assert _told(event.forum_id, "changed") == [placed.email]
    # Cloud Tasks delivers at least once: again, nobody is told twice.
    assert handler.post("/", json=notice).get_json() == {"promoted": 0, "changed": 0,
                                                         "stale": False}  # fmt: skip
    assert len(_told(event.forum_id, "promoted") + _told(event.forum_id, "changed")) == 2
    assert second.email not in _told(event.forum_id, "changed")  # still waiting: no calendar


def test_without_a_crash_the_task_finds_everyone_told(client_for, clock, tasks, full_forum):
    event, (placed, first, _) = full_forum
    deps = wiring.dependencies()
    change_forum(deps, event.forum_id, ForumChanges(title="New title", capacity=2), clock)
    assert _told(event.forum_id, "promoted") == [first.email]
    assert _told(event.forum_id, "changed") == [placed.email]
    (notice,) = _notices(tasks)
    answer = client_for("tell_forum_change").post("/", json=notice)
    assert answer.get_json() == {"promoted": 0, "changed": 0, "stale": False}
    # A later change tells the newest details; the earlier change's task tells nothing more.
    change_forum(deps, event.forum_id, ForumChanges(title="Newer title"),
                 clock + timedelta(minutes=1))  # fmt: skip
    (later,) = _notices(tasks)
    assert later["sequence"] == 2
    assert client_for("tell_forum_change").post("/", json=notice).get_json()["changed"] == 0
    assert _told(event.forum_id, "changed") == sorted([first.email, placed.email, placed.email])


def test_nothing_to_tell_queues_no_task(clock, tasks, full_forum):
    event, _ = full_forum
    change_forum(wiring.dependencies(), event.forum_id, ForumChanges(title=event.title), clock)
    assert _notices(tasks) == []


def test_a_task_waits_for_its_commit_then_gives_up(client_for, clock, full_forum):
    event, _ = full_forum
    handler = client_for("tell_forum_change")
    early = {"forum_id": event.forum_id, "sequence": 7, "at": clock.isoformat(), "changed": True}
    waiting = handler.post("/", json=early)
    assert waiting.status_code == 503 and waiting.headers["Retry-After"]
    late = early | {"at": (clock - timedelta(hours=1)).isoformat()}
    assert handler.post("/", json=late).get_json() == {"promoted": 0, "changed": 0,
                                                       "stale": True}  # fmt: skip
    unknown = early | {"forum_id": "no-such-forum"}
    assert handler.post("/", json=unknown).get_json()["stale"] is True
    for hostile in (
        {"forum_id": "x" * 65, "sequence": 1, "at": clock.isoformat(), "changed": True},
        early | {"email": "a@b.c"},
        early | {"at": "yesterday"},
    ):
        assert handler.post("/", json=hostile).status_code == 422  # fmt: skip


def test_a_queue_outage_refuses_the_change(clock, tasks, full_forum):
    event, _ = full_forum
    deps = wiring.dependencies()
    tasks.unavailable = True
    with pytest.raises(QueueUnavailable):
        change_forum(deps, event.forum_id, ForumChanges(title="Not now", capacity=3), clock)
    unchanged = deps.forums.get(event.forum_id)
    assert (unchanged.title, unchanged.sequence, unchanged.places_taken) == (event.title, 0, 1)
    assert _told(event.forum_id, "promoted") == []
