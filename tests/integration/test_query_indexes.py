"""Every query the code issues is served by an index declared in infra/firestore.indexes.json.

The emulator does not enforce composite indexes, so this test does: the adapters record the
shape of each query they issue (functions.adapters.firestore.base.QUERY_SHAPES). This module runs
after the entry-point tests in a full run, so their queries count too; it also issues each
adapter query itself so that it holds when run alone.
"""

import json
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

from google.cloud import firestore

from functions.adapters.firestore.base import QUERY_SHAPES
from functions.adapters.firestore.cases import FirestoreCaseReader
from functions.adapters.firestore.directory import FirestoreCentreDirectory
from functions.adapters.firestore.outbox import FirestoreOutbox

INDEXES = json.loads((Path(__file__).parents[2] / "infra/firestore.indexes.json").read_text())


def composite_indexes() -> set[tuple[str, tuple[str, ...]]]:
    return {
        (index["collectionGroup"], tuple(field["fieldPath"] for field in index["fields"]))
        for index in INDEXES["indexes"]
    }


def exempted_fields() -> set[tuple[str, str]]:
    return {
        (override["collectionGroup"], override["fieldPath"])
        for override in INDEXES["fieldOverrides"]
        if override.get("indexes") == []
    }


def test_every_query_shape_has_its_index(firestore_emulator):
    client = firestore.Client(project=f"demo-indexes-{uuid.uuid4().hex[:8]}")
    directory, cases = FirestoreCentreDirectory(client), FirestoreCaseReader(client)
    directory.list_centres()
    directory.list_regions()
    cases.list_events("FB-AAAA-BBB")
    cases.open_at_centre("c1")
    cases.compliments_since("c1", datetime(2026, 1, 1, tzinfo=UTC))
    cases.digest_summaries("r1", date(2026, 12, 15))
    cases.received_between("c1", datetime(2026, 1, 1, tzinfo=UTC), datetime.now(UTC))
    for region_id in ("r1", None):  # the forum summaries' month: a region's, or the network's
        cases.month_tallies("2026-01", region_id)
    FirestoreOutbox(client).list_stuck(datetime.now(UTC), timedelta(minutes=10), 10)
    for region_id in ("r1", None):  # the admin home: a region's, or the network's
        cases.open_cases(region_id, 10)
        cases.waiting_for_triage(region_id, 10)
    cases.regions_of(["FB-AAAA-BBB"])
    FirestoreOutbox(client).newest_failed(5)
    FirestoreOutbox(client).count_failed()
    directory.all_centres()  # the directory's import and pages (services/directory)
    directory.all_centres("r1")
    directory.open_cases_held(["a" * 20])
    assert QUERY_SHAPES, "the adapters recorded no query"
    for collection, filters, order in QUERY_SHAPES:
        fields = (*filters, *(f for f in order if f not in filters))
        for field in fields:
            assert (collection, field) not in exempted_fields(), (collection, field)
        if len(fields) > 1:
            assert (collection, fields) in composite_indexes(), (collection, fields)
