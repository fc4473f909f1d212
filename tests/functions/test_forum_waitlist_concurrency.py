"""Capacity under concurrency, over the real Firestore emulator: many people racing for a
forum's last places, the same person many times at once, cancellations racing registrations."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest

from functions import wiring
from functions.domain.forums.models import RegistrationState
from functions.services.forums.cancelling import cancel_registration
from functions.services.forums.registering import Outcome, register
from tests.forum_builders import form, forum, store

NOW = datetime(2030, 2, 1, 8, 0, tzinfo=UTC)


def _outbox_templates(project_deps, forum_id):
    db = wiring.firestore_client()
    return [d.to_dict() for d in db.collection("outbox").stream()
            if d.to_dict().get("data", {}).get("forum_id") == forum_id]  # fmt: skip


def _check_counters(deps, forum_id):
    stored = deps.forums.get(forum_id)
    registrations = deps.forums.registrations(forum_id)
    placed = [r for r in registrations if r.state == RegistrationState.REGISTERED]
    waiting = [r for r in registrations if r.state == RegistrationState.WAITLISTED]
    assert stored.places_taken == len(placed)
    assert stored.waitlisted == len(waiting)
    return stored, placed, waiting


@pytest.mark.parametrize("run", range(3))
def test_fifty_people_for_the_last_ten_places(project, run):
    deps = wiring.dependencies()
    event = forum(capacity=30)
    store(deps, event)
    early = [form(event.forum_id) for _ in range(20)]
    assert {register(deps, f, "web_form", NOW).outcome for f in early} == {Outcome.REGISTERED}
    forms = [form(event.forum_id) for _ in range(50)]
    with ThreadPoolExecutor(max_workers=50) as pool:
        results = list(pool.map(lambda f: register(deps, f, "web_form", NOW), forms))
    outcomes = [r.outcome for r in results]
    assert outcomes.count(Outcome.REGISTERED) == 10
    assert outcomes.count(Outcome.WAITLISTED) == 40
    stored, placed, waiting = _check_counters(deps, event.forum_id)
    assert len(placed) == 30 and stored.places_taken == 30 and stored.waitlist_counter == 40
    assert sorted(r.waitlist_position for r in waiting) == list(range(1, 41))
    # One confirmation each; the 80% and 100% alerts each told once to each administrator.
    mails = _outbox_templates(deps, event.forum_id)
    confirmations = [m for m in mails if m["template"] == "forum_registration"]
    assert len(confirmations) == 70
    assert {m["to"] for m in confirmations} == {f.email for f in early + forms}
    alerts = [m for m in mails if m["template"] == "forum_capacity_alert"]
    told = [(m["to"], m["data"]["percent"]) for m in alerts]
    assert alerts and len(told) == len(set(told))
    assert {percent for _, percent in told} == {80, 100}
    assert stored.capacity_alerts == [80, 100]


def test_the_same_person_twenty_times_at_once(project):
    deps = wiring.dependencies()
    event = forum(capacity=5)
    store(deps, event)
    same = form(event.forum_id)
    with ThreadPoolExecutor(max_workers=20) as pool:
        results = list(pool.map(lambda _: register(deps, same, "web_form", NOW), range(20)))
    outcomes = [r.outcome for r in results]
    assert outcomes.count(Outcome.REGISTERED) == 1
    assert outcomes.count(Outcome.ALREADY_REGISTERED) == 19
    stored, placed, waiting = _check_counters(deps, event.forum_id)
    assert len(placed) == 1 and not waiting
    assert len(_outbox_templates(deps, event.forum_id)) == 1


def test_cancellations_racing_registrations_keep_the_counters_exact(project):
    deps = wiring.dependencies()
    event = forum(capacity=10)
    store(deps, event)
    first = [register(deps, form(event.forum_id), "web_form", NOW) for _ in range(15)]
    assert [r.outcome for r in first].count(Outcome.WAITLISTED) == 5
    leaving = [r.registration.registration_id for r in first[:8]]  # 8 places given back
    newcomers = [form(event.forum_id) for _ in range(12)]
    jobs = [("cancel", reg_id) for reg_id in leaving] + [("register", f) for f in newcomers]

    def run(job):
        kind, what = job
        if kind == "cancel":
            return cancel_registration(deps, what, NOW)
        return register(deps, what, "web_form", NOW)

    with ThreadPoolExecutor(max_workers=len(jobs)) as pool:
        list(pool.map(run, jobs))
    stored, placed, waiting = _check_counters(deps, event.forum_id)
    assert stored.places_taken == len(placed) == 10  # 15 + 12 - 8 = 19 people for 10 places
    assert len(waiting) == 9
    positions = [r.waitlist_position for r in waiting]
    assert len(set(positions)) == len(positions)
    # Nobody waits while a place is free, and the first five waiting were promoted in order.
    promoted = {r.registration.registration_id for r in first[10:15]}
    assert promoted <= {r.registration_id for r in placed}
