"""Action points: what the administrators agreed to do after a month's forums, each with an
owner and a due date, tracked until done (issue 11).

A point belongs to a scope (a region, or None: the whole network) and a month "YYYY-MM",
optionally to one forum of it. Its text is one paragraph (every line break a space),
bounded; its owner a name with an optional address. It is open until an administrator marks
it done (done_at kept), and may be reopened. Every change is kept in its history (who, when,
what), the last HISTORY_KEPT of them, so that a point's record stays small.

Overdue: open, and its due day has passed in the network's time zone (due on the 5th, it is
overdue from the 6th at midnight there).

`updated_at` is also the point's version: every change sets it later than the last one
(the clock's time, or a microsecond after the last change when two instances' clocks
disagree or a test's clock stands still), so an edit sent with the updated_at it was read
with can tell that the point changed since (services/reports/action_points.py).
"""

from __future__ import annotations

import re
import secrets
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import Field, StringConstraints

from functions.domain.shared.calendar import DEFAULT_TIMEZONE
from functions.domain.shared.records import Record
from functions.domain.shared.text import one_line

TEXT_MAX = 1_000  # characters: one paragraph
NAME_MAX = 200
HISTORY_KEPT = 50
MONTH = re.compile(r"(20[0-9]{2})-(0[1-9]|1[0-2])")
_SURROGATE = re.compile(r"[\ud800-\udfff]")


class PointState(StrEnum):
    OPEN = "open"
    DONE = "done"


class Owner(Record):
    name: Annotated[str, StringConstraints(min_length=1, max_length=NAME_MAX)]
    email: str | None = None


class Change(Record):
    """One line of a point's history: what was done to it, by which administrator (key)."""

    at: datetime
    by: str
    what: str  # "added", "edited", "done", "reopened"
    fields: list[str] = Field(default_factory=list)  # edited: which fields changed


class ActionPoint(Record):
    point_id: str
    scope: str | None  # a region id; None: the whole network
    month: Annotated[str, StringConstraints(pattern=MONTH.pattern)]
    forum_id: str | None = None
    text: Annotated[str, StringConstraints(min_length=1, max_length=TEXT_MAX)]
    owner: Owner
    due: date
    state: PointState = PointState.OPEN
    done_at: datetime | None = None
    created_by: str
    updated_by: str
    created_at: datetime
    updated_at: datetime
    history: list[Change] = Field(default_factory=list)

    @property
    def scope_key(self) -> str:
        """What the store queries by: the region id, or "network"."""
        return scope_key(self.scope)

    def overdue(self, now: datetime, zone: str = DEFAULT_TIMEZONE) -> bool:
        return self.state == PointState.OPEN and self.due < now.astimezone(ZoneInfo(zone)).date()


def scope_key(scope: str | None) -> str:
    return "network" if scope is None else f"region:{scope}"


def paragraph(value: str, limit: int = TEXT_MAX) -> str:
    """Text as one paragraph: half a surrogate pair as U+FFFD (no store can hold it), every
    line break and control a space, at most `limit` characters (a longer one is refused by
    the caller, not cut: an administrator should see what was kept)."""
    return one_line(_SURROGATE.sub("\ufffd", value))


def new_point_id() -> str:
    return secrets.token_hex(10)


def _stamped(point: ActionPoint, now: datetime) -> datetime:
    """The changed point's updated_at: now, and always after its last change."""
    return max(now, point.updated_at + timedelta(microseconds=1))


def _history(point: ActionPoint, change: Change) -> list[Change]:
    return [*point.history, change][-HISTORY_KEPT:]


def added(*, scope: str | None, month: str, forum_id: str | None, text: str, owner: Owner,
          due: date, by: str, now: datetime) -> ActionPoint:  # fmt: skip
    return ActionPoint(
        point_id=new_point_id(), scope=scope, month=month, forum_id=forum_id, text=text,
        owner=owner, due=due, created_by=by, updated_by=by, created_at=now, updated_at=now,
        history=[Change(at=now, by=by, what="added")],
    )  # fmt: skip


def edited(point: ActionPoint, by: str, now: datetime, **changes) -> ActionPoint:
    """The point with `changes` (text, owner, due, forum_id); unchanged fields are not
    recorded, and nothing changed is the same point."""
    fields = sorted(k for k, v in changes.items() if getattr(point, k) != v)
    if not fields:
        return point
    change = Change(at=now, by=by, what="edited", fields=fields)
    update = {k: changes[k] for k in fields}
    update |= {"updated_by": by, "updated_at": _stamped(point, now),
               "history": _history(point, change)}  # fmt: skip
    return point.model_copy(update=update)


def marked(point: ActionPoint, done: bool, by: str, now: datetime) -> ActionPoint:
    """Done (with when) or reopened; the same point when it is already so."""
    state = PointState.DONE if done else PointState.OPEN
    if point.state == state:
        return point
    change = Change(at=now, by=by, what="done" if done else "reopened")
    return point.model_copy(update={
        "state": state, "done_at": now if done else None, "updated_by": by,
        "updated_at": _stamped(point, now), "history": _history(point, change),
    })  # fmt: skip
