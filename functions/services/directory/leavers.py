"""A person who leaves a centre (deactivated, or moved to another) hands back their open
cases there: each goes back to the whole centre, with a history event by the administrator.

Each case is its own unit of work (functions/services/cases/changing.change_case): it is
read, changed only if it is still open and still theirs, and committed with its event. The
events they wrote stay as they are: a history names its actors itself.
"""

from __future__ import annotations

from functions.domain.cases import lifecycle
from functions.domain.cases.lifecycle import Change
from functions.domain.cases.models import Actor, Case
from functions.domain.cases.service_levels import Deadlines
from functions.domain.directory.administrators import Administrator
from functions.domain.directory.changes import Leaver
from functions.domain.shared.vocabulary import ActorRole
from functions.services.cases.changing import change_case, deadlines_of
from functions.services.errors import CaseNotFound

BACK_TO_CENTRE = "{name} has left the centre: the case is back with the whole centre."


class NotTheirs(Exception):
    """The case was closed or handed on since it was found: nothing to do."""


def handed_back(case: Case, leaver: Leaver, by: Administrator, deadlines: Deadlines,
                now) -> Change:  # fmt: skip
    """The case with nobody assigned (the whole centre), and the event that says so."""
    if not case.open or case.assignee is None or case.assignee.key != leaver.key:
        raise NotTheirs()
    actor = Actor(role=ActorRole.ADMINISTRATOR, display_name=by.name, key=by.key)
    return lifecycle.back_to_centre(case, actor, BACK_TO_CENTRE.format(name=leaver.name),
                                    deadlines, now)  # fmt: skip


def held_by(leavers: list[Leaver], directory) -> dict[str, list[str]]:
    """Person key -> the references of the open cases they hold at the centre they leave."""
    leaving = {leaver.key: leaver.centre_id for leaver in leavers}
    held: dict[str, list[str]] = {key: [] for key in leaving}
    for reference, key, centre_id in directory.open_cases_held(list(leaving)) if leaving else []:
        if key in leaving and centre_id == leaving[key]:
            held[key].append(reference)
    return held


def hand_back(leavers: list[Leaver], by: Administrator, deps) -> int:
    """Every open case the leavers hold at the centres they leave goes back to the centre;
    returns how many did (a case closed or handed on meanwhile is left as it is)."""
    held = held_by(leavers, deps.directory)
    returned = 0
    for leaver in leavers:
        for reference in held[leaver.key]:

            def decide(case: Case, leaver: Leaver = leaver) -> tuple[Change, list]:
                return handed_back(case, leaver, by, deadlines_of(case, deps), deps.clock()), []

            try:
                change_case(reference, decide, deps)
            except (NotTheirs, CaseNotFound):
                continue
            returned += 1
    return returned
