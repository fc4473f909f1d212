"""Cases waiting for triage (Google Form answers that matched no centre, kind or topic), and
placing one at a centre of the administrator's scope.

A regional administrator sees and places only their region's cases, at their region's
centres; a case of no known region is the network administrators' (Administrator.sees).
Placing is one unit of work (services/cases/changing.change_case): the case, its history
event and the centre's alerts commit together, the alerts' delivery queued while committing.
It is idempotent: a case already placed (by anyone, at any centre) is not changed again, and
the answer says where it is.
"""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from functions.domain.cases.lifecycle import Refused
from functions.domain.cases.models import Case, Person
from functions.domain.cases.opening import deadlines_for
from functions.domain.cases.triage_assignment import assign_to_centre, waiting_for_triage
from functions.domain.directory.administrators import Administrator
from functions.services.admin.scope import OutOfScope
from functions.services.cases.changing import change_case
from functions.services.errors import CaseNotFound, UnknownCentre
from functions.services.ports import Dependencies

TRIAGE_MAX = 200  # read at most, for one page or answer: the urgent and oldest shown first


class Waiting(NamedTuple):
    cases: list[Case]  # urgent first, then the longest waiting
    more: bool  # TRIAGE_MAX were read: there may be more


class Placed(NamedTuple):
    case: Case  # as it is now
    already: bool  # it had been placed before this request: nothing changed
    alerted: int  # alerts written for the centre's people


def waiting(caller: Administrator, deps: Dependencies, region_id: str | None = None,
            limit: int = TRIAGE_MAX) -> Waiting:  # fmt: skip
    """The caller's cases waiting for triage: their region's, or the whole network's (or,
    for a network administrator, one region's: `region_id`)."""
    found = deps.cases.waiting_for_triage(region_id or caller.region_id, limit)
    mine = [case for case in found if caller.sees(case.region_id) and waiting_for_triage(case)]
    return Waiting(sorted(mine, key=_first), more=len(found) >= limit)


def _first(case: Case) -> tuple[bool, datetime, str]:
    return (not case.urgent, case.created_at, case.reference)


def place(reference: str, centre_id: str, caller: Administrator, deps: Dependencies) -> Placed:
    """Place the case at the centre, or say it was placed already. UnknownCentre: no active
    centre has this id; OutOfScope: the centre is outside the caller's region; CaseNotFound:
    no such case in the caller's scope (another region's case is not confirmed to exist)."""
    centre = deps.directory.get_centre(centre_id)
    if centre is None or not centre.active:
        raise UnknownCentre(centre_id)
    if not caller.sees(centre.region_id):
        raise OutOfScope("centre")
    region = deps.directory.get_region(centre.region_id)
    policy = deps.service_levels.current()
    by = Person(key=caller.key, name=caller.name)

    alerted = [0]  # the alerts of the run that committed (a retried run decides again)

    def decide(case: Case):
        if not caller.sees(case.region_id):
            raise CaseNotFound(reference)
        deadlines = deadlines_for(policy, centre, case.kind, case.urgent)
        change, mail = assign_to_centre(case, centre, region, by, deadlines,
                                        deps.network_name, deps.clock())  # fmt: skip
        alerted[0] = len(mail)
        return change, mail

    try:
        change = change_case(reference, decide, deps)
    except Refused:
        case = deps.cases.get(reference)
        if case is None or not caller.sees(case.region_id):
            raise CaseNotFound(reference) from None
        return Placed(case, already=True, alerted=0)
    return Placed(change.case, already=False, alerted=alerted[0])
