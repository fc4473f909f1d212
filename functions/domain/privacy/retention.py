"""What a record keeps once its retention period is over (no I/O).

A closed case, and a forum's registrations, attendance rows and survey responses, are kept
whole for DEFAULT_RETENTION_MONTHS (RECORD_RETENTION_MONTHS sets it) after the case's last
change or the forum's end; then they are de-identified, not deleted: the figures the network
reports (categories, centres, regions, kinds, dates, outcomes, rating scores, roles, states,
satisfaction, wants_monthly, pain point categories) stay, so every tally and summary stays
true, and everything that names or describes a person goes.

Each rule works on the stored document (a dict), keeping what it knows is not personal and
emptying the rest, so a field added later to a model is dropped unless it is listed here
(a forum's rows: domain/privacy/forum_rows.py).
A compiled forum summary keeps its figures and loses its quotes once it was last compiled
that long ago. A de-identified record carries DEIDENTIFIED_AT; the rules leave it alone.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

DEFAULT_RETENTION_MONTHS = 24
DEIDENTIFIED_AT = "deidentified_at"

Doc = dict[str, Any]

# Cases: every field not listed is dropped; those in _CASE_EMPTIED are kept empty (the model
# requires them). Staff (assignee, the people a history names) stay: their work record.
_CASE_KEPT = frozenset({
    "reference", "source", "centre_id", "centre_name", "region_id", "kind", "category",
    "urgent", "anonymous", "status", "created_at", "updated_at", "respond_by", "resolve_by",
    "open", "clock", "next_nudge_at", "assignee", "outcome", "resolved_at", "replies_on",
    "replies_that_day", "policy_version", "consent",
})  # fmt: skip
_CASE_EMPTIED = {"description": "", "resolution": None}
_REPORTER_KEPT = frozenset({"role", "preferred_language"})
_CHILD_KEPT = frozenset({"age_group"})
_TRIAGE_KEPT = frozenset({"reasons", "resolved"})
_RATING_KEPT = frozenset({"score", "at"})
# A history line: every field not listed is dropped, its free text (a note, a reply, a
# resolution, a rating's comment) emptied, and the parent's name where one was recorded goes;
# the staff member's stays (the actor, and `to`: whom it was reassigned or escalated to).
_EVENT_KEPT = frozenset({"event_id", "type", "at", "actor", "public", "status", "clock", "to",
                         "level", "score"})  # fmt: skip
_STAFF_ROLES = ("staff", "administrator", "system")


def deidentified(doc: Doc | None) -> bool:
    return bool(doc) and doc.get(DEIDENTIFIED_AT) is not None


def case_due(doc: Doc | None, cutoff: datetime) -> bool:
    """A case is de-identified once nothing is owed on it (not open: resolved, closed, or a
    compliment) and it has not changed since `cutoff`."""
    if not doc or deidentified(doc) or doc.get("open", True):
        return False
    changed = doc.get("updated_at")
    return isinstance(changed, datetime) and changed < cutoff


def case(doc: Doc, now: datetime) -> Doc:
    """The case as kept after its retention period."""
    kept = {key: value for key, value in doc.items() if key in _CASE_KEPT} | _CASE_EMPTIED
    kept["reporter"] = _only(doc.get("reporter"), _REPORTER_KEPT) or {}
    kept["child"] = _only(doc.get("child"), _CHILD_KEPT)
    triage = _only(doc.get("triage"), _TRIAGE_KEPT)
    kept["triage"] = triage | {"given": {}} if triage is not None else None
    kept["rating"] = _only(doc.get("rating"), _RATING_KEPT)
    return kept | {DEIDENTIFIED_AT: now}


def event(doc: Doc) -> Doc | None:
    """A history line as kept, or None when it holds nothing to remove."""
    kept = {key: value for key, value in doc.items() if key in _EVENT_KEPT}
    if "summary" in doc:
        kept["summary"] = None
    actor = doc.get("actor")
    if _names_a_parent(actor):
        kept["actor"] = {"role": actor.get("role") or "parent"}
    return kept if kept != doc else None


def summary(doc: Doc, now: datetime) -> Doc:
    """A compiled forum summary (or one of its versions) as kept: every figure stays; the
    respondents' words and the names they agreed to be quoted with go (the quotes, the
    promising practices, the "other" pain points), the counts of them stay."""
    import json

    body = json.loads(doc["body"]) if isinstance(doc.get("body"), str) else dict(doc)
    body["recommendations"] = [group | {"quotes": []}
                               for group in body.get("recommendations") or []
                               if isinstance(group, dict)]  # fmt: skip
    body["practices"], body["pain_points_other"] = [], []
    if isinstance(doc.get("body"), str):
        return doc | {"body": json.dumps(body, ensure_ascii=False), DEIDENTIFIED_AT: now}
    return body | {DEIDENTIFIED_AT: now}


def cutoff(now: datetime, months: int) -> datetime:
    """`months` calendar months before `now` (the 31st falls back to the month's last day)."""
    import calendar

    total = now.year * 12 + (now.month - 1) - months
    year, month = divmod(total, 12)
    day = min(now.day, calendar.monthrange(year, month + 1)[1])
    return now.replace(year=year, month=month + 1, day=day)


def _names_a_parent(actor) -> bool:
    """A history line's actor who is not staff (a parent), where a name or key was kept."""
    return (isinstance(actor, dict) and actor.get("role") not in _STAFF_ROLES
            and bool(actor.get("display_name") or actor.get("key")))  # fmt: skip


def _only(value: Any, fields: frozenset[str]) -> Doc | None:
    return {k: v for k, v in value.items() if k in fields} if isinstance(value, dict) else None
