"""A month's cases for a report: read as rows of a few fields, a page at a time, all of them,
oldest first, and only the month's."""

import uuid
from datetime import UTC, datetime, timedelta

from google.cloud import firestore

from functions.adapters.firestore import cases as cases_module
from functions.adapters.firestore.cases import FirestoreCaseReader

START = datetime(2027, 3, 1, tzinfo=UTC)


def test_a_months_cases_come_back_whole_across_pages(firestore_emulator, monkeypatch):
    client = firestore.Client(project=f"demo-rows-{uuid.uuid4().hex[:8]}")
    for n in range(8):  # seven before the end of the period, one after it
        client.collection("cases").document(f"FB-TEST-{n:03d}").set({
            "reference": f"FB-TEST-{n:03d}", "centre_id": f"c{n % 3}", "centre_name": "A",
            "region_id": "gauteng", "kind": "complaint", "category": "facilities",
            "urgent": n == 2, "created_at": START + timedelta(days=4 * n),
            "description": "x" * 5000, "outcome": {"resolved_in_time": n % 2 == 0},
            "rating": {"score": 5, "at": START} if n == 1 else None,
        })  # fmt: skip
    monkeypatch.setattr(cases_module, "_PAGE", 3)  # seven rows: three pages
    rows = FirestoreCaseReader(client).received_in("gauteng", START, START + timedelta(days=28))
    assert [row.created_at for row in rows] == [START + timedelta(days=4 * n) for n in range(7)]
    assert [row.outcome.resolved_in_time for row in rows][:3] == [True, False, True]
    assert rows[1].rating.score == 5 and rows[2].urgent
    assert not hasattr(rows[0], "description")  # only the report's fields were read
    network = FirestoreCaseReader(client).received_in(None, START, START + timedelta(days=28))
    assert len(network) == 7
