"""De-identify one forum's rows (services/privacy/retention.py walks the forums): its
attendance rows, each with the registration it matched and its survey answer, then the
registrations and answers left (no-shows, cancellations), a page a commit, each record moved
to a new random id as the domain keeps it (domain/privacy/forum_rows.py).

Rows already de-identified (those moved, found again under their new ids) are passed over,
so a run stopped part-way, or repeated, changes nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable

from functions.domain.privacy import forum_rows as rules
from functions.domain.privacy.retention import deidentified
from functions.services.ports import Dependencies


def deidentify(deps: Dependencies, forum_id: str, start: dict, now, size: int,
               in_time: Callable[[], bool], counts: dict) -> dict | None:  # fmt: skip
    """Every row of the forum done (None), from `start` (where a run stopped in it), or
    where this run stopped, out of time: {"forum_id", "kind", "after"}. Adds to `counts`."""
    kinds = rules.FORUM_KINDS
    first = kinds.index(start["kind"]) if start.get("kind") in kinds else 0
    for kind in kinds[first:]:
        after_id = start.get("after") if kind == start.get("kind") else None
        # An attendee moves with their registration and answer: up to six writes each.
        page = max(1, size // 3) if kind == "attendance" else size
        while True:
            if not in_time():
                return {"forum_id": forum_id, "kind": kind, "after": after_id}
            done, unreadable, last, read = _page(deps, kind, forum_id, after_id, page, now)
            counts["unreadable"] += unreadable
            for counted, n in done.items():
                counts[counted] += n
            after_id = last or after_id
            if read < page:
                break
    return None


def _page(deps: Dependencies, kind: str, forum_id: str, after_id: str | None, size: int, now):
    """A page of the forum's rows of `kind` in one commit: ({kind: de-identified},
    unreadable, last id read, rows read). A person's rows no model reads are left."""

    def work(uow):
        records = deps.retention.records(uow)
        rows = records.forum_rows(kind, forum_id, after_id, size)
        done, unreadable = move(records, kind, rows, now)
        return done, unreadable, (rows[-1][0] if rows else None), len(rows)

    return deps.transactions.run(work)[0]


def move(records, kind: str, rows, now) -> tuple[dict, int]:
    """Move each (id, document) row of `kind` not yet de-identified to its random id, an
    attendee with their registration and survey answer, within the caller's unit of work
    (`records`: row() and move_rows()): ({kind: moved}, rows no model reads, left)."""
    done, unreadable = dict.fromkeys(rules.FORUM_KINDS, 0), 0
    taken: set[str] = set()  # registrations moved in this unit (one per attendee)
    for row_id, doc in rows:
        if not doc or deidentified(doc):
            continue
        if kind == "attendance":
            registration_id = doc.get("registration_id")
            registration = (None if registration_id in taken
                            else records.row("registrations", registration_id))  # fmt: skip
            answer = records.row("survey_responses", row_id)
            moves = rules.person(row_id, doc, registration, answer, now)
            taken.add(registration_id)
        else:
            moves = rules.alone(kind, row_id, doc, now)
        try:
            records.move_rows(moves)
        except ValueError:
            unreadable += 1
            continue
        for moved, *_ in moves:
            done[moved] += 1
    return done, unreadable
