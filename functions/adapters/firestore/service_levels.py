"""The service-level policy in Firestore (one document), as every intake and nudge reads it.

Kept by each instance like the directory (a minute), so a warm intake reads nothing for it.
Until an administrator loads one (the seed does: infra/service_levels.json), the policy in
that file applies, so a new deployment never runs without deadlines. Loading it adds the
public holidays of the years around now (domain/shared/calendar.py: why).
"""

from __future__ import annotations

from pathlib import Path

from functions.adapters.firestore.base import dump
from functions.adapters.firestore.settings_document import INFRA, SettingsDocument
from functions.domain.cases.service_levels import KnownHolidays, ServiceLevelPolicy
from functions.domain.shared.calendar import remember_holidays

POLICY_FILE = INFRA / "service_levels.json"


def policy_from_file(path: Path = POLICY_FILE) -> ServiceLevelPolicy:
    return FirestoreServiceLevels.from_file(path)


class FirestoreServiceLevels(SettingsDocument[ServiceLevelPolicy]):
    DOCUMENT, MODEL, FILE = "service_levels", ServiceLevelPolicy, POLICY_FILE

    def _loaded(self, policy: ServiceLevelPolicy) -> None:
        if policy.holidays is not None:
            remember_holidays(policy.holidays.country, policy.holidays.by_year())

    def save(self, policy: ServiceLevelPolicy, now_year: int) -> ServiceLevelPolicy:
        """Store the policy with the public holidays of last year to four years ahead (so a
        deadline counted late in December, or a year-old case's figures, need no import)."""
        years = range(now_year - 1, now_year + 5)
        policy = policy.model_copy(update={"holidays": KnownHolidays.work_out(years)})
        return self._store(policy, dump(policy))
