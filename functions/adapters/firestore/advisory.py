"""Advisory network selections in Firestore, inside a unit of work.

advisory_selections/<selection id>: one AdvisorySelection (domain/advisory/record.py), its
long lists kept apart: a selection of 2,000 nominees is about 1.4 MB, over Firestore's 1 MiB
a document. The head holds the seed, the rules, the seats, where everyone stands and the
history; the nominees, each seat type's order and the ineligible are cut into parts of
PART_SIZE entries, advisory_selections/<id>/parts/<list>-<n>, about 250 KB each at most, and
the head lists the parts' names. All of them are created in the record's one commit. The
parts never change after that (an answer changes the head only), so saving writes the head
alone. A record stored whole (before the parts) reads as it was.
"""

from __future__ import annotations

from typing import Any

from functions.adapters.firestore.base import ADVISORY_SELECTIONS, dump, valid_id
from functions.domain.advisory.record import AdvisorySelection, SeatState

ADVISORY_PARTS = "parts"  # the sub-collection of a selection's parts
PART_SIZE = 500  # entries a part: a Drawn entry is about 450 bytes stored


class AdvisoryStore:
    def __init__(self, unit):
        self._unit = unit

    def _ref(self, selection_id: str):
        return self._unit._db.collection(ADVISORY_SELECTIONS).document(selection_id)

    def get(self, selection_id: str) -> AdvisorySelection | None:
        if not isinstance(selection_id, str) or not valid_id(selection_id):
            return None
        ref = self._ref(selection_id)
        data = self._unit.read(ref)
        if not data:
            return None
        parts = data.pop("parts", None)
        if parts is not None:
            lists: dict[str, list] = {}
            for name in parts:
                part = self._unit.read(ref.collection(ADVISORY_PARTS).document(name)) or {}
                lists.setdefault(name.rpartition("-")[0], []).extend(part.get("items", []))
            _join(data, lists)
        return AdvisorySelection.model_validate(data)

    def standing(self, selection_id: str) -> dict[str, SeatState] | None:
        """Where everyone stands now (the head alone: none of the parts is read)."""
        if not isinstance(selection_id, str) or not valid_id(selection_id):
            return None
        data = self._unit.read(self._ref(selection_id))
        return {k: SeatState(v) for k, v in data.get("states", {}).items()} if data else None

    def add(self, record: AdvisorySelection) -> None:
        """A new selection (the commit fails if its id is taken: run twice, made once)."""
        ref = self._ref(record.selection_id)
        head, lists = _split(dump(record))
        parts = {f"{name}-{n}": items[start : start + PART_SIZE]
                 for name, items in lists.items()
                 for n, start in enumerate(range(0, len(items), PART_SIZE))}  # fmt: skip
        # The head first: a commit whose answer was lost is recognised by its first create.
        self._unit.create(ref, head | {"parts": list(parts)})
        for name, items in parts.items():
            self._unit.create(ref.collection(ADVISORY_PARTS).document(name), {"items": items})

    def save(self, record: AdvisorySelection) -> None:
        """The selection read in this unit, its answers changed (unchanged by anyone since)."""
        ref = self._ref(record.selection_id)
        data = dump(record)
        if self._unit.versions.get(ref.path) is not None and _was_split(self._unit, ref):
            head, _ = _split(data)
            data = head | {"parts": self._parts_read(ref)}
        self._unit.update(ref, data)

    def _parts_read(self, ref) -> list[str]:
        prefix = f"{ref.path}/{ADVISORY_PARTS}/"
        return sorted((p[len(prefix) :] for p in self._unit.versions if p.startswith(prefix)),
                      key=_part_order)  # fmt: skip


# (list name, where it sits in the dumped record)
_LISTS = (("nominees", ()), ("parents", ("selection", "order")),
          ("staff", ("selection", "order")), ("ineligible", ("selection",)))  # fmt: skip


def _split(data: dict[str, Any]) -> tuple[dict[str, Any], dict[str, list]]:
    head = dict(data)
    head["selection"] = dict(data["selection"])
    head["selection"]["order"] = dict(data["selection"].get("order", {}))
    lists = {}
    for name, path in _LISTS:
        holder = _at(head, path)
        lists[name] = holder.pop(name, []) or []
    return head, lists


def _join(head: dict[str, Any], lists: dict[str, list]) -> None:
    head.setdefault("selection", {}).setdefault("order", {})
    for name, path in _LISTS:
        _at(head, path)[name] = lists.get(name, [])


def _at(data: dict[str, Any], path: tuple[str, ...]) -> dict[str, Any]:
    for key in path:
        data = data.setdefault(key, {})
    return data


def _was_split(unit, ref) -> bool:
    return any(p.startswith(f"{ref.path}/{ADVISORY_PARTS}/") for p in unit.versions)


def _part_order(name: str) -> tuple[str, int]:
    list_name, _, n = name.rpartition("-")
    return list_name, int(n) if n.isdigit() else 0
