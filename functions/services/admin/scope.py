"""What an administrator may see and change: the whole network, or one region."""

from __future__ import annotations

from functions.domain.directory.administrators import Administrator
from functions.domain.directory.models import Centre
from functions.services.errors import ServiceError
from functions.services.ports import Dependencies


class OutOfScope(ServiceError):
    """Outside the caller's region: nothing was read or changed for them (403)."""


class UnknownRegion(ServiceError):
    """No region has this id."""


def centres_in_scope(caller: Administrator, deps: Dependencies) -> list[Centre]:
    """The active centres the caller may place cases at, by region then name."""
    centres = [c for c in deps.directory.list_centres() if caller.sees(c.region_id)]
    return sorted(centres, key=lambda c: (c.region_id, c.name.casefold()))


def regions_in_scope(caller: Administrator, deps: Dependencies,
                     region_id: str | None = None) -> list:  # fmt: skip
    """The regions the caller sees, by name; only `region_id` when given (OutOfScope when
    the caller does not see it, UnknownRegion when there is no such region)."""
    if region_id is not None and not caller.sees(region_id):
        raise OutOfScope("region")
    regions = [r for r in deps.directory.list_regions() if caller.sees(r.region_id)
               and region_id in (None, r.region_id)]  # fmt: skip
    if region_id is not None and not regions:
        raise UnknownRegion(region_id)
    return sorted(regions, key=lambda r: r.name.casefold())
