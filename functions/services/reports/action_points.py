"""Action points: an administrator adds them to a scope's month, edits them, marks them done
or reopens them; a regional administrator only their region's (services/admin/scope.py).

Fields come as text (a form, a JSON body) and are read here once for both: the text one
paragraph of at most TEXT_MAX characters, the owner's name one line, their address optional
and valid, the due date YYYY-MM-DD. Each change is one unit of work (read, then write on what
was read), so two administrators changing a point at once both land, one after the other.

Editing changes what is given (text, owner_name, owner_email, due, forum_id) and keeps the
rest; an empty owner_email or forum_id removes it. A done point may be edited and stays done
(a board asks what was done, by whom, by when, and the record may need correcting after).
A stale edit is refused: the page's form always, the API and `ecd actions edit
--updated-at` when asked, send the point's `updated_at` as it was read (every change moves it
on: domain/reports/action_points.py), and when the point has changed since (edited, done
or reopened by someone else) StalePoint says so with the point as it stands, and nothing is
changed. An edit sent without `updated_at` (a script that does not read first) is applied
to the point as it stands: the last write wins.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime

from functions.domain.directory.administrators import Administrator
from functions.domain.reports import action_points as points
from functions.domain.reports.action_points import ActionPoint, Owner
from functions.domain.shared.contact import normalise_email
from functions.domain.shared.validation import FieldError
from functions.services.admin.scope import OutOfScope, UnknownRegion
from functions.services.errors import ServiceError
from functions.services.ports import Dependencies

EDITABLE = ("text", "owner_name", "owner_email", "due", "forum_id")


class UnknownPoint(ServiceError):
    """No action point has this id (or it is in a scope the caller does not see: 404)."""


class StalePoint(ServiceError):
    """The point changed after the edit's sender read it: nothing was changed (409)."""

    def __init__(self, point: ActionPoint):
        super().__init__("action point changed since it was read")
        self.point = point


class BadPoint(ServiceError):
    """The fields given were not valid: nothing was changed (`errors` says which)."""

    def __init__(self, errors: list[FieldError]):
        super().__init__("invalid action point")
        self.errors = errors


def valid_month(month: str) -> bool:
    return bool(points.MONTH.fullmatch(month or ""))


def read_fields(given: Mapping[str, object]) -> dict:
    """The point's fields from text: {"text", "owner", "due", "forum_id"}; BadPoint if any
    is not valid (every error at once)."""
    errors, text = [], points.paragraph(str(given.get("text") or ""))
    if not text:
        errors.append(FieldError("text", "Say what is to be done."))
    elif len(text) > points.TEXT_MAX:
        errors.append(FieldError("text", f"Use at most {points.TEXT_MAX} characters."))
    name = points.paragraph(str(given.get("owner_name") or ""))
    if not name:
        errors.append(FieldError("owner_name", "Give the owner's name."))
    elif len(name) > points.NAME_MAX:
        errors.append(FieldError("owner_name", f"Use at most {points.NAME_MAX} characters."))
    email = str(given.get("owner_email") or "").strip()[:320] or None
    if email:
        try:
            email = normalise_email(email)
        except ValueError:
            errors.append(FieldError("owner_email", "The owner's email address is not valid."))
    due = None
    try:
        due = date.fromisoformat(str(given.get("due") or "").strip()[:10])
    except ValueError:
        errors.append(FieldError("due", "Give the due date as YYYY-MM-DD."))
    forum_id = points.paragraph(str(given.get("forum_id") or ""), 100)[:100] or None
    if errors:
        raise BadPoint(errors)
    return {"text": text, "owner": Owner(name=name, email=email), "due": due,
            "forum_id": forum_id}  # fmt: skip


def list_points(deps: Dependencies, caller: Administrator, scope: str | None,
                month: str) -> list[ActionPoint]:  # fmt: skip
    if not caller.sees(scope):
        raise OutOfScope(scope or "network")
    return deps.action_points.action_points(scope, month)


def add_point(deps: Dependencies, caller: Administrator, scope: str | None, month: str,
              given: Mapping[str, object]) -> ActionPoint:  # fmt: skip
    if not caller.sees(scope):
        raise OutOfScope(scope or "network")
    if not valid_month(month):
        raise BadPoint([FieldError("month", "Give the month as YYYY-MM.")])
    if scope is not None and deps.directory.get_region(scope) is None:
        raise UnknownRegion(scope)
    point = points.added(scope=scope, month=month, by=caller.key, now=deps.clock(),
                         **read_fields(given))  # fmt: skip

    def work(uow):
        uow.action_points.add(point)
        return point

    return deps.transactions.run(work)[0]


def read_seen(value: object) -> datetime | None:
    """The `updated_at` an edit was read with (ISO 8601 with its offset), None when not
    given; BadPoint when it is not such a time."""
    text = str(value or "").strip()[:64]
    if not text:
        return None
    try:
        seen = datetime.fromisoformat(text)
    except ValueError:
        seen = None
    if seen is None or seen.tzinfo is None:
        message = "Give updated_at as the point was read (ISO 8601 with its offset)."
        raise BadPoint([FieldError("updated_at", message)])
    return seen


def current_fields(point: ActionPoint) -> dict[str, str]:
    """The point's editable fields as text, as a form or a body gives them."""
    return {"text": point.text, "owner_name": point.owner.name,
            "owner_email": point.owner.email or "", "due": point.due.isoformat(),
            "forum_id": point.forum_id or ""}  # fmt: skip


def edit_point(deps: Dependencies, caller: Administrator, point_id: str,
               given: Mapping[str, object],
               seen: datetime | None = None) -> ActionPoint:  # fmt: skip
    """The point with the fields given changed (the others kept); the same point when
    nothing differs. UnknownPoint, BadPoint (nothing given, or not valid), StalePoint (it
    changed after `seen`, its updated_at as the sender read it)."""
    given = {k: v for k, v in given.items() if k in EDITABLE and v is not None}
    if not given:
        raise BadPoint([FieldError("fields", f"Give at least one of {', '.join(EDITABLE)}.")])

    def change(point: ActionPoint, now: datetime) -> ActionPoint:
        fields = read_fields(current_fields(point) | given)
        changed = points.edited(point, caller.key, now, **fields)
        if changed is not point and seen is not None and point.updated_at != seen:
            raise StalePoint(point)
        return changed

    return _change(deps, caller, point_id, change)


def mark_point(deps: Dependencies, caller: Administrator, point_id: str,
               done: bool) -> ActionPoint:  # fmt: skip
    return _change(deps, caller, point_id,
                   lambda p, now: points.marked(p, done, caller.key, now))  # fmt: skip


def _change(deps: Dependencies, caller: Administrator, point_id: str, change) -> ActionPoint:
    now = deps.clock()

    def work(uow):
        point = uow.action_points.get(point_id)
        if point is None or not caller.sees(point.scope):
            raise UnknownPoint(point_id)
        changed = change(point, now)
        if changed is not point:
            uow.action_points.save(changed)
        return changed

    return deps.transactions.run(work)[0]
