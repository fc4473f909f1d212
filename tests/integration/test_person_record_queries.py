"""The queries that find a person's records (adapters/firestore/person_records.py) are each
served by a single-field index in production: no field they filter on is exempted from
indexing, by itself or by the map holding it (a case's `reporter` is exempted as a whole;
its `email` and `phone` are indexed again by overrides of their own). The emulator serves
any query, so this reads infra/firestore.indexes.json as Firestore applies it: the most
specific override of a field's path wins."""

from __future__ import annotations

import json
import uuid
from pathlib import Path

from google.cloud import firestore

from functions.adapters.firestore import base, person_records
from functions.domain.privacy.person import identify
from functions.services.privacy.export import KINDS

INDEXES = json.loads((Path(__file__).parents[2] / "infra/firestore.indexes.json").read_text())


def indexed(collection: str, field: str) -> bool:
    """Whether Firestore keeps a single-field index of `field` (the override of the longest
    path holding it decides; none: the automatic indexes)."""
    overrides = {o["fieldPath"]: o for o in INDEXES["fieldOverrides"]
                 if o["collectionGroup"] == collection}  # fmt: skip
    parts = field.split(".")
    for n in range(len(parts), 0, -1):
        override = overrides.get(".".join(parts[:n]))
        if override is not None:
            return override["indexes"] != []
    return True


def test_every_field_a_person_is_found_by_is_indexed(firestore_emulator, monkeypatch):
    shapes = []

    def recorded(collection, name, filters, order_by=(), ranges=None):
        shapes.append((name, tuple(filters), tuple(order_by), ranges))
        return base.query(collection, name, filters, order_by, ranges)

    monkeypatch.setattr(person_records, "query", recorded)
    client = firestore.Client(project=f"demo-person-{uuid.uuid4().hex[:8]}")
    records = person_records.FirestorePersonRecords(client)
    for who in ("thandi@example.org", "082 555 1234"):
        for kind in (*KINDS, "case_mail"):
            for _ in records.pages(kind, identify(who), within=("FB-AAAA-BBB",)):
                pass
    fields = {(name, f) for name, filters, _, _ in shapes for f in filters}
    assert ("cases", "reporter.email") in fields and ("outbox", "to") in fields
    for _, filters, order, ranges in shapes:
        assert len(filters) == 1 and not order and not ranges, "one equality: no composite index"
    for collection, field in fields:
        assert indexed(collection, field), f"{collection}.{field} is not indexed"
    assert not indexed("cases", "reporter.name") and not indexed("cases", "description")
