"""What the directory's use cases need beyond functions/services/ports.py: the directory's
administration side (FirestoreCentreDirectory implements it) and the allow-list's."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from functions.domain.directory.administrators import Administrator
    from functions.domain.directory.models import Centre, Region


class DirectoryAdministration(Protocol):
    def all_centres(self, region_id: str | None = None) -> list[Centre]:
        """Every centre, closed ones too, read now (never from a cache)."""

    def read_centre(self, centre_id: str) -> Centre | None:
        """One centre as stored now (never from a cache)."""

    def all_regions(self) -> list[Region]: ...

    def write_all(
        self, regions: list[Region], centres: list[Centre], administrators: list[Administrator]
    ) -> int:
        """Set each whole, in batches of at most 500 writes; returns the batches."""

    def open_cases_held(self, person_keys: list[str]) -> list[tuple[str, str, str | None]]:
        """(reference, person key, centre id) of the open cases assigned to these people."""


class AdministratorList(Protocol):
    def list(self) -> list[Administrator]:
        """Every administrator, inactive ones too."""
