"""Who a signed staff link lets act, on which case, and how far up they may hand it.

A link (domain/cases/staff_links.py) names one action, one case and the person it was sent
to. It acts only while that person is a member of the case's centre or the administrator of
its region (the directory decides, now: someone removed since the mail can no longer act) —
on a complaint about staff conduct or a child's safety, a staff member other than the
principal only while the case is with them. A link that opens nothing says why (LinkProblem).
"""

from __future__ import annotations

from enum import StrEnum
from typing import NamedTuple

from functions.domain.cases.models import Case, Person
from functions.domain.cases.notifications import ALSO_TO_REGION
from functions.domain.cases.service_levels import Level
from functions.domain.cases.staff_links import ActionLink
from functions.domain.directory.models import Centre, Contact, Region
from functions.domain.shared.signing import Signer
from functions.domain.shared.vocabulary import ActorRole, StaffRole
from functions.services.errors import ServiceError
from functions.services.ports import Dependencies

# Old enough that no token of ours is older: reading with it tells expired from forged.
_ANY_AGE = 100 * 365 * 24 * 3600


class LinkProblem(StrEnum):
    """Why a link opens nothing (the page says so; nothing changes)."""

    NOT_VALID = "not_valid"  # forged, cut, or not one of our action links
    EXPIRED = "expired"  # ours, but older than 7 days
    UNKNOWN_CASE = "unknown_case"  # ours, but the case is not there (erased)
    NOT_ALLOWED = "not_allowed"  # its person may not act on this case (now)
    NOT_YOURS = "not_yours"  # a staff member, on a sensitive case that is not with them
    USED = "used"  # it has done its one action


class LinkRefused(ServiceError):
    def __init__(self, problem: LinkProblem):
        super().__init__(problem.value)
        self.problem = problem


class Acting(NamedTuple):
    """Who holds the link, as the directory knows them now."""

    contact: Contact
    role: StaffRole  # principal, staff or administrator

    @property
    def person(self) -> Person:
        return Person(key=self.contact.key, name=self.contact.name)

    @property
    def actor_role(self) -> ActorRole:
        return ActorRole.ADMINISTRATOR if self.role == StaffRole.ADMINISTRATOR else ActorRole.STAFF


def read_link(token: object, signer: Signer) -> ActionLink:
    """The link a token carries; LinkRefused NOT_VALID or EXPIRED."""
    link = ActionLink.read(token, signer)
    if link is not None:
        return link
    if ActionLink.read(token, signer, max_age=_ANY_AGE) is not None:
        raise LinkRefused(LinkProblem.EXPIRED)
    raise LinkRefused(LinkProblem.NOT_VALID)


def who_acts(key: str, centre: Centre | None, region: Region | None,
             deps: Dependencies) -> Acting | None:  # fmt: skip
    """A member of the case's centre, or its region's administrator. A case whose centre
    is not known: its region's administrator, or any administrator when the region is not
    known either (each of them was alerted)."""
    if centre is not None:
        if centre.principal.key == key:
            return Acting(centre.principal, StaffRole.PRINCIPAL)
        if (member := centre.member(key)) is not None:
            return Acting(member, StaffRole.STAFF)
    if region is not None:
        regions = [region]
    else:
        regions = [] if centre is not None else deps.directory.list_regions()
    for candidate in regions:
        if candidate.administrator.key == key:
            return Acting(candidate.administrator, StaffRole.ADMINISTRATOR)
    return None


def may_open(case: Case, acting: Acting) -> bool:
    """A complaint about staff conduct or a child's safety is for the principal, the region's
    administrator and, while it is with them, the one staff member it was given to: someone
    among the staff may be involved (as at intake, in nudges and in digests)."""
    if acting.role != StaffRole.STAFF or case.category not in ALSO_TO_REGION:
        return True
    return case.assignee is not None and case.assignee.key == acting.contact.key


def ladder(acting: Acting, centre: Centre | None,
           region: Region | None) -> tuple[Contact | None, Level]:  # fmt: skip
    """Staff escalate to the principal, the principal to the regional administrator; the
    administrator is the top."""
    if acting.role == StaffRole.STAFF and centre is not None:
        return centre.principal, Level.PRINCIPAL
    if acting.role == StaffRole.PRINCIPAL and region is not None:
        return region.administrator, Level.REGION
    return None, Level.REGION


def held_above(case: Case, region: Region | None, escalate_level: Level) -> bool:
    """The case is with the region's administrator, above the principal a staff member's
    escalation would hand it to (an escalation never hands a case down)."""
    owner = case.assignee
    return (escalate_level < Level.REGION and region is not None and owner is not None
            and owner.key == region.administrator.key)  # fmt: skip
