"""The lines of a dry run: what is added, changed or deactivated, field by field."""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

from functions.domain.directory.importing.columns import RowKind


class Action(StrEnum):
    ADD = "add"
    CHANGE = "change"
    DEACTIVATE = "deactivate"


class FieldChange(NamedTuple):
    column: str  # as the file names it
    before: str  # as the file writes it
    after: str


class Entry(NamedTuple):
    """One line of the dry run."""

    action: Action
    kind: RowKind
    id: str  # a region's or centre's id; a person's or administrator's email
    name: str
    where: str  # a person's centre, a centre's region, an administrator's region ("" all)
    changes: tuple[FieldChange, ...] = ()

    def as_dict(self) -> dict:
        return {
            "action": self.action.value,
            "kind": self.kind.value,
            "id": self.id,
            "name": self.name,
            "where": self.where,
            "changes": [c._asdict() for c in self.changes],
        }


def entry(
    kind: RowKind,
    id_: str,
    name: str,
    where: str,
    before: dict[str, str] | None,
    after: dict[str, str],
    deactivates: bool,
) -> Entry | None:
    """The line for one thing, or None when nothing changes. `before` (None: new) and `after`
    are column -> text; `deactivates`: it was active and will not be."""
    if before is None:
        return Entry(Action.ADD, kind, id_, name, where)
    changes = tuple(
        FieldChange(column, before.get(column, ""), text)
        for column, text in after.items()
        if before.get(column, "") != text
    )
    if not changes:
        return None
    action = Action.DEACTIVATE if deactivates else Action.CHANGE
    return Entry(action, kind, id_, name, where, changes)
