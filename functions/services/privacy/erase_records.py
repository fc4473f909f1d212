"""What an erasure does to one unit of work's records (erase_steps.py walks them): a case and
its history de-identified by the retention rules, whatever the case's state; a page of forum
rows moved to random ids as retention moves them; an advisory selection re-keyed."""

from __future__ import annotations

from functions.domain.privacy import erasure as rules
from functions.domain.privacy import forum_rows
from functions.domain.privacy import retention as retention_rules

EVENTS_A_COMMIT = 400  # a case's history lines rewritten in one commit, the case in the last


def case(store, reference: str, now) -> tuple[str, int]:
    """("cases" | "unreadable" | "done" (nothing to do) | "partial" (more history to go),
    history lines rewritten)."""
    doc = store.case(reference)
    if not doc or retention_rules.deidentified(doc):
        return "done", 0
    changed = [(event_id, new) for event_id, old in store.events(reference)
               if (new := retention_rules.event(old)) is not None]  # fmt: skip
    for event_id, new in changed[:EVENTS_A_COMMIT]:
        store.save_event(reference, event_id, new)
    if len(changed) > EVENTS_A_COMMIT:
        return "partial", EVENTS_A_COMMIT
    try:
        store.save_case(reference, retention_rules.case(doc, now))
    except ValueError:  # no model reads it: its tallies could not be kept
        return "unreadable", len(changed)
    return "cases", len(changed)


def move(store, kind: str, ids: list[str], now) -> dict:
    done = {"attendance": 0, "registrations": 0, "survey_responses": 0, "unreadable": 0}
    taken: set[str] = set()
    for row_id in ids:
        doc = store.row(kind, row_id)
        if not doc or retention_rules.deidentified(doc):
            continue
        if kind == "attendance":
            registration_id = doc.get("registration_id")
            registration = (None if registration_id in taken
                            else store.row("registrations", registration_id))  # fmt: skip
            moves = forum_rows.person(row_id, doc, registration,
                                      store.row("survey_responses", row_id), now)  # fmt: skip
            taken.add(registration_id)
        else:
            moves = forum_rows.alone(kind, row_id, doc, now)
        try:
            store.move_rows(moves)
        except ValueError:
            done["unreadable"] += 1
            continue
        for moved, *_ in moves:
            done[moved] += 1
    return done


def rekey(store, paths: list[str], keys: set[str]) -> None:
    """A selection's head and parts with random keys in place of the person's: one random
    key for each of theirs throughout (the head's states name the parts' entries)."""
    mapping = rules.new_keys(sorted(keys))
    for path in paths:
        doc = store.read(path)
        if doc is not None and (new := rules.rekeyed(doc, mapping)) != doc:
            store.rewrite(path, new)
