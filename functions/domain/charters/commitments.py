"""A centre's local commitments: what its administrator adds to the centre's charter (issue 12).

The charter's promises come from the directory and the service-level policy; a local
commitment is the one thing typed by hand ("We answer calls in isiZulu and English", "A
teacher greets every child by name at the gate"). So each is plain text, one paragraph of at
most ITEM_MAX characters, and a centre has at most MAX_ITEMS: a charter on a notice board
holds a handful of lines, not an essay.

Text is kept as the administrator gave it, but for what no page or PDF can show: line breaks
and controls become a space (a commitment is one paragraph) and half a surrogate pair U+FFFD.
Markup is kept as typed: every template escapes it, and the PDF draws it as text. An empty
item is dropped; a repeated one is kept once (the first). Too long or too many is refused
with what to change, never cut: an administrator should see on the charter what they typed.

`updated_at` is the record's version: every change moves it on (a microsecond past the last
change when clocks stand still), so an edit sent with the updated_at it was read with can be
refused when someone changed the commitments since.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import datetime, timedelta
from typing import Annotated

from pydantic import Field, StringConstraints

from functions.domain.shared.records import Record
from functions.domain.shared.text import one_line

MAX_ITEMS = 10
ITEM_MAX = 300  # characters
HISTORY_KEPT = 20
_SURROGATE = re.compile(r"[\ud800-\udfff]")

Item = Annotated[str, StringConstraints(min_length=1, max_length=ITEM_MAX)]


class CommitmentsRefused(ValueError):
    """The commitments given cannot be kept as they are; the text says what to change."""


class Change(Record):
    """One line of the record's history: who (administrator key) changed it, when, how many."""

    at: datetime
    by: str
    count: int


class CentreCommitments(Record):
    """The local commitments of one centre (stored with the centre's region for scope)."""

    centre_id: str
    region_id: str
    items: list[Item] = Field(default_factory=list, max_length=MAX_ITEMS)
    updated_at: datetime
    updated_by: str
    history: list[Change] = Field(default_factory=list)


def clean_item(value: str) -> str:
    """One commitment as it is kept: one paragraph, no half surrogates, no surrounding space."""
    return one_line(_SURROGATE.sub("\ufffd", value))


def cleaned(values: Iterable[str]) -> list[str]:
    """The commitments as kept, in order: empties dropped, repeats kept once; refused
    (CommitmentsRefused) when one is longer than ITEM_MAX or there are more than MAX_ITEMS."""
    items: list[str] = []
    for position, value in enumerate(values, start=1):
        item = clean_item(value)
        if not item or item in items:
            continue
        if len(item) > ITEM_MAX:
            raise CommitmentsRefused(
                f"Commitment {position} has {len(item)} characters: use at most {ITEM_MAX}."
            )
        items.append(item)
    if len(items) > MAX_ITEMS:
        raise CommitmentsRefused(
            f"{len(items)} commitments given: a charter holds at most {MAX_ITEMS}."
        )
    return items


def changed(current: CentreCommitments | None, *, centre_id: str, region_id: str,
            items: list[str], by: str, now: datetime) -> CentreCommitments | None:  # fmt: skip
    """The record with `items` (already cleaned); None when nothing differs (nothing to
    write: the charter's version stays)."""
    if current is not None and current.items == items and current.region_id == region_id:
        return None
    if current is None and not items:
        return None
    stamp = now if current is None else max(now, current.updated_at + timedelta(microseconds=1))
    history = [] if current is None else current.history
    change = Change(at=stamp, by=by, count=len(items))
    return CentreCommitments(
        centre_id=centre_id, region_id=region_id, items=items, updated_at=stamp,
        updated_by=by, history=[*history, change][-HISTORY_KEPT:],
    )  # fmt: skip
