"""Erase a person's records (POPIA's right to deletion), found by their email address or phone
number as the export finds them (export.py), after an administrator has seen what will go.

In this order, a page at a time, each page (or each case) one unit of work written on the
version read: the local mailbox (make run's) loses the mail to or about them; advisory
selections get random keys in place of theirs (before their attendance rows move: the
selections are found by those rows' ids); compiled forum summaries lose their name and the
texts only they gave (before their survey answers are de-identified: those tell which texts
are theirs); each case loses the mail about it, then is
de-identified with its history by the retention rules (its figures kept: the unit of work's
tallies add nothing); the mail to them and their invitations are deleted and they leave the
invitation batches; their attendance rows move to random ids with the registration and the
survey answer that go with them, then the registrations left (the retention rules again,
tallies unchanged); their acknowledgement tally and their suppression entry go (hashes of
the address: after an erasure nothing is held of them, and any later mail to them comes
from a new case or registration, given with a new consent).

Every step finds only what is still theirs (an erased record no longer matches), so a run
stopped part-way (out of time, or a crash) is finished by running it again, and a run
repeated changes nothing. Kept on purpose (and said in the plan): directory, allow-list and
action point entries (staff records: changed through the directory and the action points
page, not here).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from functions.domain.privacy import erasure as rules
from functions.domain.privacy.person import Person
from functions.services.ports import Dependencies
from functions.services.privacy.erase_steps import Steps

# Well within the admin functions' 300 s timeout (infra/terraform/functions.tf), and short
# enough for a browser or `ecd` waiting on the answer: the rest on the next run.
RUN_SECONDS = 45.0
COUNTED = ("mailbox", "advisory_selections", "summaries", "cases", "events", "outbox",
           "invitations", "invitation_entries", "attendance", "registrations", "survey_responses",
           "acknowledgement_tallies", "suppressions", "once_keys", "unreadable",
           "staff_mail_waiting")  # fmt: skip
KEPT = {
    "directory": "kept: a staff member's directory entry is changed by a directory import",
    "administrator": "kept: an administrator is removed from the allow-list by a directory import",
    "administrator_contact": "kept: the copy of an administrator's address for mail goes with "
    "them from the allow-list",
    "action_points": "kept: an action point's owner is changed on the action points page",
}
GOES = {"cases": "de-identified (figures kept)", "registrations": "de-identified, new id",
        "attendance": "de-identified, new id", "survey_responses": "de-identified, new id",
        "invitations": "deleted", "invitation_batches": "their entry removed",
        "outbox": "deleted (staff mail about others' cases: once sent)",
        "acknowledgement_tally": "deleted", "suppression": "deleted",
        "advisory_selections": "their keys replaced by random ones",
        "forum_summaries": "their name and their own words taken out"}  # fmt: skip


def plan(counts: dict[str, int]) -> list[dict]:
    """What an erasure of the records found (how many of each kind: export.walk) would do,
    kind by kind."""
    return [{"kind": kind, "count": count, "action": GOES.get(kind) or KEPT[kind]}
            for kind, count in counts.items() if count]  # fmt: skip


def erase_person(deps: Dependencies, person: Person, by: str, mailbox: str | None = None,
                 seconds: float = RUN_SECONDS, page_size: int = 100,
                 monotonic: Callable[[], float] = time.monotonic) -> dict:  # fmt: skip
    """Erase what is held about `person` for at most `seconds`, on behalf of the
    administrator whose key is `by`; `mailbox`: the local mailbox's folder (make run), None
    when mail really goes. Answers the counts, whether everything was done ("finished":
    false: run again to finish) and the id of the record kept of it."""
    started = deps.clock()
    deadline = monotonic() + seconds
    counts = dict.fromkeys(COUNTED, 0)
    erasure_id = deps.erasures.record(None, rules.record(by, started, counts, False), started)
    steps = Steps(deps, person, started, page_size, lambda: monotonic() < deadline, counts)
    steps.learn()
    if mailbox:
        counts["mailbox"] = steps.mailbox(mailbox)
    order = (steps.advisory, steps.summaries, steps.cases, steps.mail, steps.invitations,
             steps.once_keys, steps.retention_place, steps.forum_rows, steps.tally)  # fmt: skip
    finished = all(step() for step in order)
    if mailbox:  # again: a delivery that ran since the first purge, before its mail went
        counts["mailbox"] += steps.mailbox(mailbox)
    deps.erasures.record(erasure_id, rules.record(by, started, counts, finished), deps.clock())
    return counts | {"finished": finished, "erasure_id": erasure_id}
