"""A forum's places and waiting list: who gets a place, who waits, who is promoted, and when
administrators hear that a forum is filling up.

Every function takes the forum as read in a unit of work and returns it changed: the counters
on the forum are the truth that keeps capacity exact (domain/forums/models.py).
"""

from __future__ import annotations

from datetime import datetime

from functions.domain.forums.models import Forum, Registration, RegistrationState

ALERT_PERCENTAGES = (80, 100)


def place_or_waitlist(forum: Forum, now: datetime) -> tuple[Forum, RegistrationState, int | None]:
    """A new (or returning) registration's state and waitlist position, and the forum with
    its counters moved: a place while any is left, else the end of the waiting list."""
    if forum.places_left > 0:
        changed = forum.model_copy(update={"places_taken": forum.places_taken + 1,
                                           "updated_at": now})  # fmt: skip
        return changed, RegistrationState.REGISTERED, None
    position = forum.waitlist_counter + 1
    changed = forum.model_copy(
        update={"waitlisted": forum.waitlisted + 1, "waitlist_counter": position, "updated_at": now}
    )
    return changed, RegistrationState.WAITLISTED, position


def release(forum: Forum, registration: Registration, now: datetime) -> Forum:
    """The forum once this registration (registered or waitlisted) is cancelled."""
    if registration.state == RegistrationState.REGISTERED:
        return forum.model_copy(update={"places_taken": max(0, forum.places_taken - 1),
                                        "updated_at": now})  # fmt: skip
    if registration.state == RegistrationState.WAITLISTED:
        return forum.model_copy(update={"waitlisted": max(0, forum.waitlisted - 1),
                                        "updated_at": now})  # fmt: skip
    return forum


def promote(forum: Forum, waiting: Registration, now: datetime) -> tuple[Forum, Registration]:
    """The longest-waiting person takes the place that was freed."""
    forum = forum.model_copy(update={"places_taken": forum.places_taken + 1,
                                     "waitlisted": max(0, forum.waitlisted - 1),
                                     "updated_at": now})  # fmt: skip
    promoted = waiting.model_copy(update={
        "state": RegistrationState.REGISTERED, "waitlist_position": None,
        "sequence": waiting.sequence + 1, "promoted_at": now, "updated_at": now,
    })  # fmt: skip
    return forum, promoted


def new_alerts(before: Forum, after: Forum) -> tuple[Forum, list[int]]:
    """The percentages the forum reached with this change for the first time (each is told
    once: recorded on the forum), and the forum recording them."""
    reached = [
        percent
        for percent in ALERT_PERCENTAGES
        if after.places_taken * 100 >= percent * after.capacity
        and percent not in before.capacity_alerts
    ]
    if not reached:
        return after, []
    alerts = sorted({*after.capacity_alerts, *reached})
    return after.model_copy(update={"capacity_alerts": alerts}), reached
