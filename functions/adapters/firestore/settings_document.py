"""A network-wide setting kept as one Firestore document, with its file in infra/ as default.

The service levels and the standing forum plan are each one document under `settings`. Until
an administrator loads one (the seed does, and `python -m functions.devtools.seed --…-only` in
production) the file applies, so a new deployment never runs without it. Each instance keeps
what it read for `cache_seconds`, so a warm function reads nothing for it.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path
from typing import Any, ClassVar, Generic, TypeVar

from pydantic import BaseModel

from functions.adapters.firestore.base import SETTINGS, FirestoreAdapter, storage_errors

M = TypeVar("M", bound=BaseModel)
INFRA = Path(__file__).resolve().parents[3] / "infra"


class SettingsDocument(FirestoreAdapter, Generic[M]):
    """`settings/<DOCUMENT>` read as MODEL, else FILE's content; kept briefly per instance."""

    DOCUMENT: ClassVar[str]
    MODEL: ClassVar[type[BaseModel]]
    FILE: ClassVar[Path]

    def __init__(self, client, timeout: float = 10.0, cache_seconds: float = 60.0,
                 admin_client=None):  # fmt: skip
        super().__init__(client, timeout, admin_client)
        self._cache_seconds = cache_seconds
        self._kept: tuple[float, M] | None = None
        self._lock = threading.Lock()

    @classmethod
    def from_file(cls, path: Path | None = None) -> M:
        return cls.MODEL.model_validate_json((path or cls.FILE).read_text(encoding="utf-8"))

    def _ref(self):
        return self._db.collection(SETTINGS).document(self.DOCUMENT)

    def current(self) -> M:
        """The setting in force: the stored one, else the file's."""
        with self._lock:
            kept = self._kept
        if kept is not None and time.monotonic() - kept[0] < self._cache_seconds:
            return kept[1]
        with storage_errors():
            snapshot = self._ref().get(**self._t)
        value = (self.MODEL.model_validate(snapshot.to_dict()) if snapshot.exists
                 else self.from_file())  # fmt: skip
        self._loaded(value)
        return self._keep(value)

    def _store(self, value: M, data: dict[str, Any]) -> M:
        """Write `data` (the stored form of `value`) as the setting in force."""
        with storage_errors():
            self._ref().set(data, **self._t)
        self._loaded(value)
        return self._keep(value)

    def _loaded(self, value: M) -> None:
        """What a subclass does with a value it read or wrote (nothing by default)."""

    def _keep(self, value: M) -> M:
        with self._lock:
            self._kept = (time.monotonic(), value)
        return value
