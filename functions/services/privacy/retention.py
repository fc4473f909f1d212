"""De-identify what has been kept long enough (the daily retain_records job).

What each record keeps is the domain's (domain/privacy/retention.py); this walks the records
whose period is over, oldest first, a page at a time: closed cases (with their history), then
forums that ended (each forum's rows: services/privacy/forum_rows.py), then compiled forum
summaries (with their versions). Each
case, and each page of a forum's rows, is one unit of work, written on the version read, so
a record changed meanwhile is read again (a case reopened is no longer due). Where the walk
stands is saved after each page (retention/<kind>): a run that runs out of time stops, and
the next one carries on from there. A record already de-identified is skipped, so a run
repeated, or one interrupted, changes nothing twice.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from functions.domain.privacy import retention as rules
from functions.services.ports import Dependencies
from functions.services.privacy import forum_rows

PAGE_SIZE = 100  # records a query page and a forum rows' commit (Firestore: 500 writes)
EVENTS_A_COMMIT = 400  # a case's history lines rewritten in one commit, the case in the last
RUN_SECONDS = 240.0  # within the job's 300 s function timeout (infra/terraform/functions.tf)
_COUNTED = {"done": "cases", "skipped": "skipped", "unreadable": "unreadable"}


def retain_records(deps: Dependencies, months: int, now=None, page_size: int = PAGE_SIZE,
                   seconds: float = RUN_SECONDS, keep_place: bool = True,
                   monotonic: Callable[[], float] = time.monotonic) -> dict:  # fmt: skip
    """De-identify every closed case last changed, and every forum's rows of a forum that
    ended, more than `months` before `now`, for at most `seconds`. Answers the counts and
    whether it got to the end ("finished": false means the next run carries on).
    `keep_place` False (a run "as of" another time, under make run): where it stopped is not
    saved, since a cursor beyond today would pass over records closed before it."""
    now = now or deps.clock()
    cutoff = rules.cutoff(now, months)
    deadline = monotonic() + seconds
    counts = {"cases": 0, "events": 0, "registrations": 0, "attendance": 0,
              "survey_responses": 0, "summaries": 0, "skipped": 0, "unreadable": 0}  # fmt: skip
    walk = _Walk(deps, now, cutoff, page_size, lambda: monotonic() < deadline, counts,
                 keep_place)  # fmt: skip
    finished = walk.cases() and walk.forums() and walk.summaries()
    return counts | {"finished": finished, "cutoff": cutoff.isoformat()}


class _Walk:
    def __init__(self, deps: Dependencies, now, cutoff, page_size: int,
                 in_time: Callable[[], bool], counts: dict, keep_place: bool):  # fmt: skip
        self.deps, self.now, self.cutoff, self.size = deps, now, cutoff, page_size
        self.in_time, self.counts = in_time, counts
        self.keep_place = keep_place
        self.store = deps.retention

    def cases(self) -> bool:
        """Every due case done (True), or out of time (False: the cursor says where)."""
        return self._simple("cases", self.store.closed_cases, self._case)

    def summaries(self) -> bool:
        return self._simple("summaries", self.store.compiled_summaries, self._summary)

    def _simple(self, kind: str, page_of, act) -> bool:
        """Walk `kind`'s due records a page at a time, `act` on each, from the saved cursor."""
        after = self.store.progress(kind)
        after = {k: after[k] for k in ("at", "id")} if after and after.get("id") else None
        while self.in_time():
            page = page_of(self.cutoff, after, self.size)
            for item in page:
                if not self.in_time():
                    return self._stop(kind, after)
                if not item.get("done"):  # a case reopened since is read, and left
                    act(item["id"])
                after = item
            self._stop(kind, after)
            if len(page) < self.size:
                return True
        return False

    def forums(self) -> bool:
        progress = self.store.progress("forums") or {}
        after = {k: progress[k] for k in ("at", "id")} if progress.get("id") else None
        within = progress.get("within") or {}
        while self.in_time():
            page = self.store.ended_forums(self.cutoff, after, self.size)
            for item in page:
                start = within if within.get("forum_id") == item["id"] else {}
                stopped = forum_rows.deidentify(
                    self.deps, item["id"], start, self.now, self.size, self.in_time, self.counts
                )
                if stopped is not None:  # out of time: carry on from there next run
                    return self._stop("forums", after, {"within": stopped})
                after, within = item, {}
            self._stop("forums", after)
            if len(page) < self.size:
                return True
        return False

    def _stop(self, kind: str, after, extra: dict | None = None) -> bool:
        if not self.keep_place:
            return False
        if after is not None or extra:
            cursor = {k: after[k] for k in ("at", "id")} if after else {"at": None, "id": None}
            self.store.save_progress(kind, cursor | (extra or {}), self.now)
        return False

    def _case(self, reference: str) -> None:
        """The case and its history, in as many commits as its history needs."""

        def work(uow):
            records = self.store.records(uow)
            doc = records.case(reference)
            if not rules.case_due(doc, self.cutoff):
                return "skipped", 0
            changed = [(event_id, new) for event_id, old in records.events(reference)
                       if (new := rules.event(old)) is not None]  # fmt: skip
            for event_id, new in changed[:EVENTS_A_COMMIT]:
                records.save_event(reference, event_id, new)
            if len(changed) > EVENTS_A_COMMIT:
                return "partial", EVENTS_A_COMMIT
            try:
                records.save_case(reference, rules.case(doc, self.now))
            except ValueError:  # no model reads it: its tallies could not be kept, left
                return "unreadable", len(changed)
            return "done", len(changed)

        while True:
            (result, events), _ = self.deps.transactions.run(work)
            self.counts["events"] += events
            if result != "partial":
                self.counts[_COUNTED[result]] += 1
                return

    def _summary(self, summary_id: str) -> None:
        """A compiled summary and its versions, in one commit (a few documents)."""

        def work(uow):
            records, done, unreadable = self.store.records(uow), 0, 0
            for version, doc in records.summary_docs(summary_id):
                if rules.deidentified(doc):
                    continue
                try:
                    records.save_summary_doc(summary_id, version, rules.summary(doc, self.now))
                    done += 1
                except (ValueError, TypeError, AttributeError):  # not a summary we read: left
                    unreadable += 1
            return done, unreadable

        (done, unreadable), _ = self.deps.transactions.run(work)
        self.counts["summaries"] += 1 if done else 0
        self.counts["unreadable"] += unreadable
