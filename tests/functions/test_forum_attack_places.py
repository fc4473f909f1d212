"""Attack: capacity games and stale links over the emulator. A capacity edited down below the
places taken: the people holding places keep them, no count goes negative, and a cancel then
frees a place that no longer exists, so nobody waiting is promoted into it; the cancel link
replayed after the forum ended or on a cancelled forum changes nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from functions import wiring
from functions.domain.forums.changes import ForumChanges
from functions.domain.forums.models import RegistrationState
from functions.services.forums.cancelling import cancel_registration
from functions.services.forums.changes import change_forum
from functions.services.forums.errors import ForumClosed
from functions.services.forums.registering import Outcome, register
from tests.forum_builders import form, forum, store

NOW = datetime(2030, 2, 1, 8, 0, tzinfo=UTC)


@pytest.fixture
def deps(project, monkeypatch):
    monkeypatch.setattr(wiring, "utc_now", lambda: NOW)
    return wiring.dependencies()


def _states(deps, forum_id):
    found = deps.forums.registrations(forum_id)
    return {state: [r for r in found if r.state == state] for state in RegistrationState}


def test_capacity_cut_below_places_taken_keeps_places_and_promotes_no_one(deps):
    event = forum(capacity=4)
    store(deps, event)
    done = [register(deps, form(event.forum_id), "web_form", NOW) for _ in range(6)]
    assert [d.outcome for d in done].count(Outcome.REGISTERED) == 4
    change_forum(deps, event.forum_id, ForumChanges(capacity=2), NOW)
    cut = deps.forums.get(event.forum_id)
    assert cut.places_taken == 4 and cut.places_left == 0  # nobody loses a place
    # One holder cancels: 3 people still hold places for 2, so the first in line waits on.
    holder = next(d.registration for d in done if d.outcome == Outcome.REGISTERED)
    cancelled = cancel_registration(deps, holder.registration_id, NOW)
    assert cancelled.promoted is None
    after = deps.forums.get(event.forum_id)
    assert (after.places_taken, after.waitlisted) == (3, 2)
    states = _states(deps, event.forum_id)
    assert len(states[RegistrationState.REGISTERED]) == 3
    assert len(states[RegistrationState.WAITLISTED]) == 2
    # A newcomer waits too; counts stay true.
    late = register(deps, form(event.forum_id), "web_form", NOW)
    assert late.outcome == Outcome.WAITLISTED
    # Two more cancel: 1 holds a place for 2, so exactly one person is promoted.
    holders = _states(deps, event.forum_id)[RegistrationState.REGISTERED]
    promoted = [cancel_registration(deps, r.registration_id, NOW).promoted for r in holders[:2]]
    assert promoted[0] is None and promoted[1] is not None
    final = deps.forums.get(event.forum_id)
    assert (final.places_taken, final.waitlisted) == (2, 2)


def test_a_cancel_link_after_the_forum_ended_or_was_cancelled_changes_nothing(deps):
    event = forum(capacity=1)
    store(deps, event)
    first = register(deps, form(event.forum_id), "web_form", NOW).registration
    waiting = register(deps, form(event.forum_id), "web_form", NOW).registration
    later = event.ends_at + timedelta(minutes=1)
    with pytest.raises(ForumClosed):
        cancel_registration(deps, first.registration_id, later)
    assert deps.forums.registration(first.registration_id).state == RegistrationState.REGISTERED
    assert deps.forums.registration(waiting.registration_id).state == (RegistrationState.WAITLISTED)
