"""The survey responses' raw read (functions/adapters/firestore/raw_reads.py) gives what the
client library's stream() and to_dict() give, for every kind of value this system stores,
in the query's order; an outage is StorageUnavailable, as every other read."""

import uuid
from datetime import UTC, datetime

import pytest
from google.cloud import firestore

from functions.adapters.firestore.base import call_options
from functions.adapters.firestore.raw_reads import documents
from functions.services.errors import StorageUnavailable

VALUES = {
    "text": "Molo \u2028 <b>markup</b> 🙂 " + "x" * 5000,
    "empty": "", "none": None, "yes": True, "no": False, "count": -(2**62), "share": 0.875,
    "when": datetime(2025, 3, 5, 17, 30, 12, 345678, tzinfo=UTC),
    "raw": b"\x00\xff", "list": [1, "two", None, {"in": [datetime(2025, 1, 1, tzinfo=UTC)]}],
    "map": {"a": {"b": {"c": 1}}, "empty": {}}, "place": firestore.GeoPoint(-26.2, 28.04),
}  # fmt: skip


@pytest.fixture
def client(firestore_emulator):
    return firestore.Client(project=f"demo-raw-{uuid.uuid4().hex[:8]}")


def test_the_raw_read_gives_what_stream_and_to_dict_give(client):
    rows = client.collection("rows")
    for n in range(30):
        rows.document(f"r{n:02d}").set(VALUES | {"n": n, "forum_id": "f" if n % 3 else "g"})
    found = rows.where(filter=firestore.FieldFilter("forum_id", "==", "f")).order_by("n")
    raw = documents(found, call_options(10))
    assert raw == [snapshot.to_dict() for snapshot in found.stream()]
    assert [row["n"] for row in raw] == [n for n in range(30) if n % 3]
    assert raw[0]["when"] == VALUES["when"] and raw[0]["when"].tzinfo is not None
    assert documents(rows.where(filter=firestore.FieldFilter("forum_id", "==", "h")),
                     call_options(10)) == []  # fmt: skip


def test_an_outage_is_storage_unavailable(monkeypatch, firestore_emulator):
    import socket

    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    monkeypatch.setenv("FIRESTORE_EMULATOR_HOST", f"127.0.0.1:{port}")
    client = firestore.Client(project="demo-raw-outage")
    with pytest.raises(StorageUnavailable):
        documents(client.collection("rows").where(filter=firestore.FieldFilter("n", "==", 1)),
                  call_options(1.5))  # fmt: skip
