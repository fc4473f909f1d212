"""What access and erasure need from storage (adapters/firestore/person_records.py and
person_erasure.py)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Protocol

from functions.domain.privacy.person import Person
from functions.services.privacy.ports import RetentionStore

Found = tuple[str, dict]  # (the record's path, the record as stored)


class PersonRecords(Protocol):
    def pages(self, kind: str, person: Person, size: int = 100,
              within: tuple[str, ...] = ()) -> Iterator[list[Found]]:  # fmt: skip
        """`kind`'s records of `person`, a page at a time; `within`: the ids a dependent kind
        is found by (survey responses: attendance ids; outbox: case references;
        advisory selections: attendee ids)."""

    def events(self, case_path: str, size: int = 100) -> Iterator[list[Found]]: ...

    def advisory_parts(self, selection_path: str) -> list[Found]: ...
    def summary_versions(self, summary_path: str, size: int = 10) -> Iterator[list[Found]]: ...


class ErasureStore(RetentionStore, Protocol):
    def read(self, path: str) -> dict | None: ...
    def delete(self, path: str) -> bool: ...
    def rewrite(self, path: str, doc: dict) -> None: ...


class Erasures(Protocol):
    def records(self, uow) -> ErasureStore: ...
    def record(self, erasure_id: str | None, record: dict, now: datetime) -> str: ...
