"""Daily centre digests: which cases each member of a centre sees, in what order, and what
the mail holds.

A centre's digest goes out at 07:00 local time on its working days (domain/cases/
digest_times.py). Each member of the centre gets one mail, never an empty one:
- a staff member: their open cases (overdue first, then by due time), the centre's
  unassigned complaints, the centre's cases waiting on a parent, and the compliments
  received since the last digest (07:00 of the previous working day) — but no case about
  staff conduct or a child's safety unless it is theirs (someone among the staff may be
  involved, as for the intake alerts);
- the principal: every open case of the centre (overdue first, with who owns each), the
  cases waiting on a parent, and the compliments.
The regional administrator gets one digest for the region (domain/cases/digest_summaries.py).
A digest names cases by reference, kind, topic and times (domain/cases/digest_cases.py): never
a parent's words, which stay in the alert and on the case's page.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import NamedTuple

from functions.domain.cases.digest_cases import DigestCase, by_urgency, case_row, digest_mail
from functions.domain.cases.notifications import ALSO_TO_REGION
from functions.domain.directory.models import Centre, Contact
from functions.domain.mail.outbox import OutboxMessage
from functions.domain.shared.vocabulary import CaseStatus, Kind

LINKED_MAX = 30  # cases shown in full with their action links; the rest by reference only
LISTED_MAX = 200  # references listed after those; beyond them, a count

# Staff mail never lists these unless the case is theirs (domain/cases/notifications.py).
SENSITIVE = ALSO_TO_REGION


# ------------------------------------------------------------------------------- who sees what


class Digest(NamedTuple):
    """One recipient's digest: who, in what role, and its sections in the order shown."""

    contact: Contact
    role: str  # principal | staff
    sections: dict[str, list[DigestCase]]

    def empty(self) -> bool:
        return not any(self.sections.values())


def _by_wait(cases: Iterable[DigestCase]) -> list[DigestCase]:
    """Waiting on a parent: the longest wait first."""
    return sorted(cases, key=lambda c: (c.clock.paused_at or c.created_at, c.reference))


def centre_digests(centre: Centre, open_cases: list[DigestCase], compliments: list[DigestCase],
                   now: datetime) -> list[Digest]:  # fmt: skip
    """Each member's digest (the principal first), leaving out those with nothing in them."""
    working = [c for c in open_cases if c.status != CaseStatus.AWAITING_PARENT]
    waiting = [c for c in open_cases if c.status == CaseStatus.AWAITING_PARENT]
    compliments = sorted(compliments, key=lambda c: (c.created_at, c.reference))
    digests, seen = [], set()
    for member in centre.members():
        if member.key in seen:
            continue
        seen.add(member.key)
        if member.key == centre.principal.key:
            sections = {"open": by_urgency(working, now), "waiting": _by_wait(waiting),
                        "compliments": compliments}  # fmt: skip
            digest = Digest(member, "principal", sections)
        else:
            digest = Digest(member, "staff", _staff_sections(member.key, working, waiting,
                                                             compliments, now))  # fmt: skip
        if not digest.empty():
            digests.append(digest)
    return digests


def _staff_sections(key: str, working: list[DigestCase], waiting: list[DigestCase],
                    compliments: list[DigestCase], now: datetime) -> dict:  # fmt: skip
    def visible(case: DigestCase) -> bool:
        return case.category not in SENSITIVE or case.owned_by(key)

    # Complaints, and cases whose kind was not recognised (they may be complaints).
    unassigned = [c for c in working if c.assignee is None and visible(c)
                  and c.kind in (Kind.COMPLAINT, None)]  # fmt: skip
    return {
        "yours": by_urgency((c for c in working if c.owned_by(key)), now),
        "unassigned": by_urgency(unassigned, now),
        "waiting": _by_wait(c for c in waiting if visible(c)),
        "compliments": [c for c in compliments if visible(c)],
    }


# ------------------------------------------------------------------------------- the mail's data


def listed(sections: dict[str, list[DigestCase]], now: datetime,
           reader_key: str | None) -> tuple[list[dict], list[str]]:  # fmt: skip
    """Each section as the mail lists it (a list: its order survives storage, which a map's
    keys may not), and the references whose links the mail carries.

    The first LINKED_MAX cases (in section order) are shown in full with their actions; the
    next LISTED_MAX by reference only; the rest are counted. That bounds the mail's size
    (each linked case carries six signed links) however many cases a centre has."""
    shown, actionable, budget = [], [], [LINKED_MAX, LISTED_MAX]
    for name, cases in sections.items():
        section = {"name": name, "count": len(cases), "cases": [], "more": [], "left_out": 0}
        for case in cases:
            if budget[0]:
                budget[0] -= 1
                row = case_row(case, now, reader_key)
                section["cases"].append(row)
                if row["actions"]:
                    actionable.append(case.reference)
            elif budget[1]:
                budget[1] -= 1
                late = case.kind != Kind.COMPLIMENT and case.overdue(now)
                section["more"].append({"reference": case.reference, "overdue": late})
            else:
                section["left_out"] += 1
        shown.append(section)
    return shown, actionable


def _to_act_on(digest: Digest, now: datetime) -> list[DigestCase]:
    """The overdue cases the reader is asked to act on (theirs and the unassigned; the
    principal's: all), the longest overdue first."""
    late = [case for name in ("open", "yours", "unassigned")
            for case in digest.sections.get(name, ()) if case.overdue(now)]  # fmt: skip
    return by_urgency(late, now)


def lead_reference(digest: Digest, now: datetime) -> str | None:
    """The case the subject names: the longest overdue, else the first listed."""
    late = _to_act_on(digest, now)
    if late:
        return late[0].reference
    return next((cases[0].reference for cases in digest.sections.values() if cases), None)


def centre_digest_message(digest: Digest, centre: Centre, day_start: datetime, now: datetime,
                          network_name: str) -> OutboxMessage:  # fmt: skip
    """The digest as an outbox message: sections, counts, and the references it links."""
    shown, actionable = listed(digest.sections, now, digest.contact.key)
    data = {
        "network_name": network_name,
        "centre_name": centre.name,
        "recipient_name": digest.contact.name,
        "recipient_role": digest.role,
        "digest_at": day_start,
        "reference": lead_reference(digest, now),
        "overdue": len(_to_act_on(digest, now)),
        "sections": shown,
        "actionable": actionable,
    }
    return digest_mail("case_digest", digest.contact.email, data, now)
