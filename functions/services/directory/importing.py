"""Importing a directory file: the dry run (every row checked, then what would change) and
applying it (the same plan, recomputed on what is stored now, written in batches, then the
leavers' open cases handed back to their centres).

All or nothing: any error in any row, or in the directory the file would make, and nothing
is written. Applying with the fingerprint of the dry run the administrator saw writes only
if the plan is still that one (someone else may have changed the directory since).
"""

from __future__ import annotations

from typing import NamedTuple

from functions.domain.directory.administrators import Administrator
from functions.domain.directory.changes import Action, Plan, plan
from functions.domain.directory.importing.columns import RowError
from functions.domain.directory.importing.reading import Table, read_table
from functions.domain.directory.importing.rows import read_file
from functions.domain.directory.importing.snapshot import Directory
from functions.services.directory.leavers import hand_back, held_by


class Planned(NamedTuple):
    """A dry run: the plan (None with errors), and how many open cases each leaver holds
    at the centre they leave (what applying hands back)."""

    plan: Plan | None
    errors: list[RowError]
    held: dict[str, int]

    @property
    def cases_to_hand_back(self) -> int:
        return sum(self.held.values())


class Applied(NamedTuple):
    planned: Planned
    written: bool  # False: errors, or the plan was no longer the one seen (stale)
    stale: bool
    cases_returned: int
    batches: int


def current_directory(caller: Administrator, deps) -> Directory:
    """What is stored, read now: every region, centre and administrator (a person is known
    network-wide by their address; the plan changes only what the caller administers)."""
    directory = deps.directory
    return Directory(directory.all_regions(), directory.all_centres(), deps.administrators.list())


def plan_rows(table: Table, caller: Administrator, deps, full: bool) -> Planned:
    """The plan of rows already read (a file's, or an admin page's form as rows)."""
    current = current_directory(caller, deps)
    found, errors = read_file(table, current, caller)
    if errors:
        return Planned(None, errors, {})
    planned = plan(found, current, caller, full)
    if planned.errors:
        return Planned(None, planned.errors, {})
    held = held_by(planned.leavers, deps.directory)
    return Planned(planned, [], {key: len(refs) for key, refs in held.items()})


def plan_import(data: bytes | str, caller: Administrator, deps, full: bool = True) -> Planned:
    """The dry run of a file: nothing is written."""
    table = read_table(data)
    if not isinstance(table, Table):
        return Planned(None, table, {})
    return plan_rows(table, caller, deps, full)


def apply_rows(
    table: Table, caller: Administrator, deps, full: bool, expect: str | None = None
) -> Applied:
    planned = plan_rows(table, caller, deps, full)
    if planned.plan is None:
        return Applied(planned, False, False, 0, 0)
    if expect is not None and expect != planned.plan.fingerprint:
        return Applied(planned, False, True, 0, 0)
    found = planned.plan
    batches = 0
    if found.entries:
        batches = deps.directory.write_all(found.regions, found.centres, found.administrators)
    # The allow-list's copy for mail, made after every import applied: also by the retry of
    # one whose copy failed, which finds nothing left to change on the list.
    deps.administrators.publish_contacts()
    returned = hand_back(found.leavers, caller, deps) if found.leavers else 0
    return Applied(planned, True, False, returned, batches)


def apply_import(
    data: bytes | str, caller: Administrator, deps, full: bool = True, expect: str | None = None
) -> Applied:
    """Check the file, plan again on what is stored now, and write it (unless `expect` is
    given and the plan is no longer that one); then hand back the leavers' open cases."""
    table = read_table(data)
    if not isinstance(table, Table):
        return Applied(Planned(None, table, {}), False, False, 0, 0)
    return apply_rows(table, caller, deps, full, expect)


def counts(planned: Planned) -> dict[str, int]:
    """What a plan does, in numbers (logs and answers)."""
    found = planned.plan
    if found is None:
        return {"errors": len(planned.errors)}
    return {action.value: found.count(action) for action in Action} | {
        "cases_to_hand_back": planned.cases_to_hand_back
    }
