"""What an erasure does to the records that hold a person among others (no I/O), and what is
kept of it.

Cases and a forum's rows are de-identified by the retention rules (retention.py,
forum_rows.py): the figures stay. An advisory selection keeps its draw: each of the person's
keys (their participant key, their attendance rows' ids) gives way to a random one, so the
order, the seats and the history stay and nothing leads back to them (their draw number
stays as drawn; it can no longer be recomputed from a key nobody holds). An invitation
batch loses their entry. The record that an erasure ran holds when, which administrator
(their key) and counts, nothing of the person.
"""

from __future__ import annotations

from datetime import datetime

from functions.domain.privacy.forum_rows import new_key
from functions.domain.privacy.person import Person


def rekeyed(node, mapping: dict[str, str]):
    """`node` with every string in `mapping` (a value, or a map's key) replaced."""
    if isinstance(node, str):
        return mapping.get(node, node)
    if isinstance(node, dict):
        return {mapping.get(k, k): rekeyed(v, mapping) for k, v in node.items()}
    if isinstance(node, list):
        return [rekeyed(v, mapping) for v in node]
    return node


def new_keys(keys) -> dict[str, str]:
    """A random key in place of each of `keys`."""
    return {key: new_key() for key in keys if key}


def batch_without(doc: dict, person: Person) -> dict:
    """An invitation batch without the person among its recipients."""
    recipients = [r for r in doc.get("recipients") or []
                  if not (isinstance(r, dict) and person.is_address(r.get("email")))]  # fmt: skip
    return doc | {"recipients": recipients}


def needles(person: Person, names: set[str], references: set[str]) -> set[str]:
    """What marks a kept mail as theirs (the local mailbox): their address or number (a
    South African number as written at home too), their names, their case references."""
    found = {person.value, *names, *references}
    if person.kind == "phone" and person.value.startswith("+27"):
        found.add("0" + person.value[3:])
    return {n for n in found if isinstance(n, str) and len(n.strip()) >= 3}


def names_in(records: dict[str, list[dict]]) -> set[str]:
    """The names the person's records give them (a case's reporter, a registration, an
    attendance row, the name a survey answer was to be quoted with)."""
    names = set()
    for found in records.get("cases", []):
        names.add((found["record"].get("reporter") or {}).get("name"))
    for kind, field in (("registrations", "name"), ("attendance", "name"),
                        ("survey_responses", "quoted_as")):  # fmt: skip
        names.update(found["record"].get(field) for found in records.get(kind, []))
    return {n.strip() for n in names if isinstance(n, str) and n.strip()}


def record(by: str, started_at: datetime, counts: dict, finished: bool) -> dict:
    """What is kept of an erasure: when, by whom (an administrator's key), counts."""
    return {"by": by, "started_at": started_at, "counts": dict(counts), "finished": finished}
