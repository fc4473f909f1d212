"""What an erasure does to one unit of work's records (erase_steps.py walks them): a case and
its history de-identified by the retention rules, whatever the case's state; a page of forum
rows moved to random ids as retention moves them; an advisory selection re-keyed."""

from __future__ import annotations

from functions.domain.privacy import erasure as rules
from functions.domain.privacy import retention as retention_rules
from functions.services.privacy import forum_rows as forum_row_moves

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
    """The person's forum rows of `kind` moved to random ids as retention moves them."""
    rows = [(row_id, store.row(kind, row_id)) for row_id in ids]
    done, unreadable = forum_row_moves.move(store, kind, rows, now)
    return {**done, "unreadable": unreadable}


def rekey(store, paths: list[str], keys: set[str]) -> None:
    """A selection's head and parts with random keys in place of the person's: one random
    key for each of theirs throughout (the head's states name the parts' entries)."""
    mapping = rules.new_keys(sorted(keys))
    for path in paths:
        doc = store.read(path)
        if doc is not None and (new := rules.rekeyed(doc, mapping)) != doc:
            store.rewrite(path, new)
