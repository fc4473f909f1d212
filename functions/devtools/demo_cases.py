"""The demo's March 2025 cases: what the seed report's month of forums would have seen come
in at the demo centres, so that its summary sets the parents' pain points beside real case
figures and ranks the centres (functions/domain/reports/centres.py) as a board would see it.

Every case is closed: it was answered, resolved (most within the service level) and often
rated, so none of them nudges anyone or shows on an inbox today. Anonymous, with no contact
and no text of a real person. References and every draw come from a seeded random, so a
re-run writes the same cases (those already there are left as they are). Written through the
unit of work like any case (functions/devtools/records.py), their tallies kept.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from functions.domain.cases.models import Consent, Outcome, Rating, Reporter
from functions.domain.cases.opening import open_case
from functions.domain.cases.references import ALPHABET
from functions.domain.cases.service_levels import ServiceLevelPolicy
from functions.domain.directory.models import Centre
from functions.domain.shared.vocabulary import CaseStatus, Category, Kind, Source

ZONE = ZoneInfo("Africa/Johannesburg")
START = datetime(2025, 3, 1, tzinfo=ZONE)
# Cases a centre received that month, and the share it resolved within the service level:
# the demo's centres differ, so that the ranking says something.
PER_CENTRE = (14, 11, 9, 12, 8)
IN_TIME = (0.9, 0.75, 0.6, 0.85, 0.5)
# The categories the forums' parents named most come in most (the seed's pain points).
WEIGHTS = {Category.COMMUNICATION_AND_DELAYS: 5, Category.FEES_AND_ADMINISTRATION: 3,
           Category.HEALTH_AND_NUTRITION: 2, Category.LEARNING_PROGRAMME: 2,
           Category.FACILITIES: 2, Category.STAFF_CONDUCT: 1,
           Category.CHILD_WELLBEING_AND_SAFETY: 1}  # fmt: skip
DESCRIPTION = "A demo case of March 2025 (no real person's words)."


def _reference(draw: random.Random) -> str:
    chars = "".join(draw.choice(ALPHABET) for _ in range(7))
    return f"FB-{chars[:4]}-{chars[4:]}"


def demo_cases(centres: list[Centre], policy: ServiceLevelPolicy) -> Iterator[tuple]:
    """Each case and its first event (the event's id is new each run: a case already there
    is skipped with its event)."""
    draw = random.Random("demo-cases-2025-03")
    categories, weights = list(WEIGHTS), list(WEIGHTS.values())
    for index, centre in enumerate(sorted(centres, key=lambda c: c.centre_id)):
        share = IN_TIME[index % len(IN_TIME)]
        for _ in range(PER_CENTRE[index % len(PER_CENTRE)]):
            received = START + timedelta(minutes=draw.randrange(30 * 24 * 60))
            case, event = open_case(
                reference=_reference(draw), source=Source.WEB_FORM, centre=centre,
                kind=draw.choice([Kind.COMPLAINT, Kind.COMPLAINT, Kind.QUESTION, Kind.SUGGESTION]),
                category=draw.choices(categories, weights)[0], description=DESCRIPTION,
                urgent=False, reporter=Reporter(),
                consent=Consent(given=False, version="demo", recorded_at=received), child=None,
                triage=None, policy=policy, now=received,
            )  # fmt: skip
            in_time = draw.random() < share
            hours = draw.uniform(2, 28) if in_time else draw.uniform(31, 60)
            resolved = received + timedelta(hours=hours * 2.2)  # working hours, roughly
            score = draw.choice([5, 5, 4, 4, 3]) if in_time else draw.choice([4, 3, 2])
            rated = draw.random() < 0.7
            case = case.model_copy(update={
                "status": CaseStatus.CLOSED, "open": False, "next_nudge_at": None,
                "resolved_at": resolved, "updated_at": resolved,
                "outcome": Outcome(resolved_at=resolved, hours_to_resolve=round(hours, 1),
                                   resolved_in_time=in_time),
                "rating": Rating(score=score, at=resolved + timedelta(days=1)) if rated else None,
            })  # fmt: skip
            yield case, event


def seed_demo_cases(db, centres: list[Centre], policy: ServiceLevelPolicy) -> int:
    """Write the demo cases not there yet, each with its event; returns how many cases."""
    from functions.devtools.records import create_all

    made = list(demo_cases(centres, policy))
    refs = [db.collection("cases").document(case.reference) for case, _ in made]
    present = {snapshot.id for snapshot in db.get_all(refs) if snapshot.exists}
    missing = [(case, event) for case, event in made if case.reference not in present]
    create_all(db, (record for case, event in missing for record in (
        ("cases", case.reference, case),
        (f"cases/{case.reference}/events", event.event_id, event))))  # fmt: skip
    return len(missing)
