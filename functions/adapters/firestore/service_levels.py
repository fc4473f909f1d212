"""The service-level policy in Firestore (one document), as every intake and nudge reads it.

Kept by each instance like the directory (a minute), so a warm intake reads nothing for it.
Until an administrator loads one (the seed does: infra/service_levels.json), the policy in
that file applies, so a new deployment never runs without deadlines. Loading it adds the
public holidays of the years around now (domain/shared/calendar.py: why).
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from functions.adapters.firestore.base import SETTINGS, FirestoreAdapter, dump, storage_errors
from functions.domain.cases.service_levels import KnownHolidays, ServiceLevelPolicy
from functions.domain.shared.calendar import remember_holidays

POLICY_FILE = Path(__file__).resolve().parents[3] / "infra" / "service_levels.json"
_DOCUMENT = "service_levels"


def policy_from_file(path: Path = POLICY_FILE) -> ServiceLevelPolicy:
    return ServiceLevelPolicy.model_validate_json(path.read_text(encoding="utf-8"))


class FirestoreServiceLevels(FirestoreAdapter):
    def __init__(self, client, timeout: float = 10.0, cache_seconds: float = 60.0):
        super().__init__(client, timeout)
        self._cache_seconds = cache_seconds
        self._kept: tuple[float, ServiceLevelPolicy] | None = None
        self._lock = threading.Lock()

    def _ref(self):
        return self._db.collection(SETTINGS).document(_DOCUMENT)

    def current(self) -> ServiceLevelPolicy:
        with self._lock:
            kept = self._kept
        if kept is not None and time.monotonic() - kept[0] < self._cache_seconds:
            return kept[1]
        with storage_errors():
            snapshot = self._ref().get(**self._t)
        policy = (ServiceLevelPolicy.model_validate(snapshot.to_dict()) if snapshot.exists
                  else policy_from_file())  # fmt: skip
        if policy.holidays is not None:
            remember_holidays(policy.holidays.country, policy.holidays.by_year())
        with self._lock:
            self._kept = (time.monotonic(), policy)
        return policy

    def save(self, policy: ServiceLevelPolicy, now_year: int) -> ServiceLevelPolicy:
        """Store the policy with the public holidays of last year to four years ahead (so a
        deadline counted late in December, or a year-old case's figures, need no import)."""
        years = range(now_year - 1, now_year + 5)
        policy = policy.model_copy(update={"holidays": KnownHolidays.work_out(years)})
        with storage_errors():
            self._ref().set(dump(policy), **self._t)
        remember_holidays(policy.holidays.country, policy.holidays.by_year())
        with self._lock:
            self._kept = (time.monotonic(), policy)
        return policy
