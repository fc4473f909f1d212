"""Writing demo and benchmark records as the system writes them: through the unit of work,
a few hundred a commit, so that the tallies the writes keep (functions/adapters/firestore/
tallies.py) are kept for them too, as they would be for records that came in one by one."""

from __future__ import annotations

from collections.abc import Iterable
from itertools import islice

from functions.adapters.firestore.base import dump
from functions.adapters.firestore.unit_of_work import FirestoreTransactions

CHUNK = 200  # records a commit: with their tallies, well inside Firestore's 500 writes


def create_all(db, records: Iterable[tuple[str, str, object]], timeout: float = 60.0) -> int:
    """Create each (collection, document id, record); returns how many. A record already
    there fails its chunk's commit: callers leave out what exists."""
    transactions, written, records = FirestoreTransactions(db, timeout), 0, iter(records)
    while chunk := list(islice(records, CHUNK)):
        refs = [(db.collection(collection).document(doc_id), dump(record))
                for collection, doc_id, record in chunk]  # fmt: skip

        def create(unit, refs=refs) -> None:
            for ref, data in refs:
                unit.create(ref, data)

        transactions.run(create, attempts=1)
        written += len(chunk)
    return written
