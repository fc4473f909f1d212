"""Daily digests: queueing each centre's and region's digest when its morning comes, and
sending each recipient's digest once.

send_digests (Cloud Scheduler, hourly) queues one send_digest task per centre (and per
region) whose local time is 07:00-07:59 on one of its working days, named by what it covers
and the local date, so a schedule fired twice queues one. The task reads the centre's open
cases and recent compliments (two queries), groups them into each member's digest
(domain/cases/digests.py) and commits every digest with a once key naming the recipient and
the date, the mail's delivery queued while committing: a task run twice sends nothing more
(Cloud Tasks' emulator does not refuse a repeated name; the once keys do).

The centre's task also writes, in its digests' first commit, the centre's summary of the
day (its counts and worst overdue cases; written even when nobody gets a digest). The
region's task is queued to run REGION_AFTER its centres' and composes the regional
administrator's digest from those summaries (domain/cases/digest_summaries.py): one query,
a document per centre. A centre without one (its task failed or is still retrying, or it is
not the centre's digest hour or working day) is counted from its open cases then, as its own
task would have.
"""

from __future__ import annotations

from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timedelta
from typing import NamedTuple

from functions import logs
from functions.domain.cases.digest_summaries import (
    CentreSummary,
    region_digest_message,
    region_figures,
    summarise,
)
from functions.domain.cases.digest_times import (
    digest_day,
    digest_time,
    previous_digest_time,
    region_calendar,
)
from functions.domain.cases.digests import Digest, centre_digest_message, centre_digests
from functions.domain.directory.models import Centre, Region
from functions.domain.mail.outbox import OutboxMessage, new_message_id
from functions.services.errors import QueueUnavailable
from functions.services.mail.dispatch import cancel_delivery, queue_delivery
from functions.services.ports import Dependencies, Task, UnitOfWork

HANDLER = "send_digest"
# A once key outlives any retry of a day's task by far; Firestore's TTL removes it after.
ONCE_RETENTION = timedelta(days=14)
# A centre's summary of a day is read by its region's task that morning; kept a few weeks
# (to look into a digest), then Firestore's TTL removes it.
SUMMARY_RETENTION = timedelta(days=21)
# The region's task runs this long after its centres' (Cloud Tasks' schedule time), so their
# summaries are there; under the local clock (?now=), its as_of is as much later, and the
# emulator holds it LOCAL_REGION_AFTER on the real clock (its centres' tasks run by then).
REGION_AFTER = timedelta(minutes=20)
LOCAL_REGION_AFTER = timedelta(seconds=30)
_PER_COMMIT = 100  # digests per commit: two writes each, within Firestore's 500
_COUNTING_AT_ONCE = 8


class Outgoing(NamedTuple):
    """One recipient's digest, and the key that makes it go out once."""

    once_key: str
    message: OutboxMessage


class Sent(NamedTuple):
    sent: int = 0  # digests committed now
    already: int = 0  # digests found sent before (a repeated task)
    skipped: str | None = None  # why nothing was looked at: unknown, not_working_day, stale
    counted_directly: int = 0  # a region's centres without a summary, counted from their cases


class CentreDay(NamedTuple):
    """A centre's digests of the day, and its summary for the region's digest."""

    outgoing: list[Outgoing]
    summary: CentreSummary


class RegionDay(NamedTuple):
    outgoing: list[Outgoing]  # the administrator's digest, or none when there is nothing
    counted_directly: list[str]  # the centres (ids) that had no summary


# ------------------------------------------------------------------------------- the schedule


def digest_tasks(deps: Dependencies, now: datetime, as_of: datetime | None = None) -> list[Task]:
    """The tasks due at `now`: each active centre, and each region with centres, whose digest
    hour it is on a working day; a region's not before REGION_AFTER (on the real clock:
    deps.clock()). `as_of` (the local clock) rides along in the payloads, a region's
    REGION_AFTER later."""
    extra = {"as_of": as_of.isoformat()} if as_of else {}
    region_extra = {"as_of": (as_of + REGION_AFTER).isoformat()} if as_of else {}
    region_at = deps.clock() + (LOCAL_REGION_AFTER if as_of else REGION_AFTER)
    tasks, by_region = [], {}
    for centre in deps.directory.list_centres():
        by_region.setdefault(centre.region_id, []).append(centre)
        day = digest_day(centre.calendar(), now)
        if day is not None:
            payload = {"centre_id": centre.centre_id, "date": day.isoformat()} | extra
            tasks.append(Task(HANDLER, payload, f"centre:{centre.centre_id}:{day}"))
    for region in deps.directory.list_regions():
        centres = by_region.get(region.region_id)
        day = digest_day(region_calendar(centres), now) if centres else None
        if day is not None:
            payload = {"region_id": region.region_id, "date": day.isoformat()} | region_extra
            tasks.append(Task(HANDLER, payload, f"region:{region.region_id}:{day}", region_at))
    return tasks


def queue_digests(deps: Dependencies, now: datetime,
                  as_of: datetime | None = None) -> dict[str, int]:  # fmt: skip
    """Queue the digests due now; raises QueueUnavailable after trying them all when the
    queue refused any (the scheduler's retry queues them again: names already taken are a
    no-op, and the handler sends each digest once anyway)."""
    tasks = digest_tasks(deps, now, as_of)
    failed = None
    for task in tasks:
        try:
            deps.queue.enqueue(task)
        except QueueUnavailable as error:
            failed = error
    if failed is not None:
        raise failed
    centres = sum("centre_id" in task.payload for task in tasks)
    return {"centres": centres, "regions": len(tasks) - centres}


# ------------------------------------------------------------------------------- building


def centre_outgoing(centre: Centre, day: date, now: datetime,
                    deps: Dependencies) -> CentreDay:  # fmt: skip
    """Read, group and compose: each member's digest of the centre for `day` (none empty),
    and the centre's summary of the day from the same rows."""
    calendar = centre.calendar()
    today = digest_time(calendar, day)
    open_cases = deps.cases.open_at_centre(centre.centre_id)
    since = previous_digest_time(calendar, day)
    # Up to this morning's 07:00: a compliment after it is tomorrow's (each is shared once).
    compliments = [c for c in deps.cases.compliments_since(centre.centre_id, since)
                   if c.created_at < today]  # fmt: skip
    digests: list[Digest] = centre_digests(centre, open_cases, compliments, now)
    outgoing = [
        Outgoing(f"digest:centre:{centre.centre_id}:{digest.contact.key}:{day}",
                 centre_digest_message(digest, centre, today, now, deps.network_name))
        for digest in digests
    ]  # fmt: skip
    return CentreDay(outgoing, summarise(centre, day, open_cases, now))


def region_outgoing(region: Region, centres: Sequence[Centre], day: date, now: datetime,
                    deps: Dependencies) -> RegionDay:  # fmt: skip
    """The regional administrator's digest for `day` (none when the region has nothing
    open): counts per centre and the worst overdue cases, from the centres' summaries of the
    day (one query); a centre without one is counted from its open cases now."""
    summaries = {s.centre_id: s for s in deps.cases.digest_summaries(region.region_id, day)}
    missing = [centre for centre in centres if centre.centre_id not in summaries]
    if missing:
        # Its task failed or still retries, or it is not its digest hour or working day.
        with ThreadPoolExecutor(max_workers=_COUNTING_AT_ONCE) as pool:
            rows = list(pool.map(lambda centre: deps.cases.open_at_centre(centre.centre_id),
                                 missing))  # fmt: skip
        for centre, open_cases in zip(missing, rows, strict=True):
            summaries[centre.centre_id] = summarise(centre, day, open_cases, now)
    counts, worst = region_figures(centres, summaries)
    today = digest_time(region_calendar(centres), day)
    message = region_digest_message(region, counts, worst, today, now, deps.network_name)
    directly = [centre.centre_id for centre in missing]
    if message is None:
        return RegionDay([], directly)
    key = f"digest:region:{region.region_id}:{region.administrator.key}:{day}"
    return RegionDay([Outgoing(key, message)], directly)


# ------------------------------------------------------------------------------- sending


def send_centre_digest(centre_id: str, day: date, deps: Dependencies, now: datetime) -> Sent:
    """Send the centre's digests of `day` that have not gone out yet."""
    centre = deps.directory.get_centre(centre_id)
    if centre is None or not centre.active:
        return Sent(skipped="unknown")
    skipped = _not_today(centre.calendar(), day, now)
    if skipped:
        return Sent(skipped=skipped)
    outgoing, summary = centre_outgoing(centre, day, now, deps)
    return commit_digests(outgoing, deps, now, summary)


def send_region_digest(region_id: str, day: date, deps: Dependencies, now: datetime) -> Sent:
    """Send the regional administrator's digest of `day` unless it went out already."""
    region = deps.directory.get_region(region_id)
    centres = [c for c in deps.directory.list_centres() if c.region_id == region_id]
    if region is None or not centres:
        return Sent(skipped="unknown")
    skipped = _not_today(region_calendar(centres), day, now)
    if skipped:
        return Sent(skipped=skipped)
    outgoing, directly = region_outgoing(region, centres, day, now, deps)
    if directly:
        logs.digest_centres_counted_directly(region_id, day.isoformat(), directly)
    return commit_digests(outgoing, deps, now)._replace(counted_directly=len(directly))


def _not_today(calendar, day: date, now: datetime) -> str | None:
    """Why a digest of `day` is not sent at `now`: not a working day, or no longer (or not
    yet) that day where the recipients are: a task retried into the next day sends nothing."""
    if not calendar.is_working_day(day):
        return "not_working_day"
    if calendar.local(now).date() != day:
        return "stale"
    return None


def commit_digests(outgoing: list[Outgoing], deps: Dependencies, now: datetime,
                   summary: CentreSummary | None = None) -> Sent:  # fmt: skip
    """Commit each digest with its once key (a hundred to a commit), their delivery queued
    while committing; the centre's summary, when given, with the first hundred (alone when
    nobody gets a digest). The first run assumes none went out (one round trip): a key or a
    summary already there refuses the commit, and the run after reads them and writes only
    the digests not sent (and the summary when there is none: the one there went with the
    digests sent, and stays)."""
    sent = 0
    groups = [outgoing[start : start + _PER_COMMIT]
              for start in range(0, len(outgoing), _PER_COMMIT)]  # fmt: skip
    if not groups and summary is not None:
        groups = [[]]  # nobody gets a digest: the summary alone (the centre counts as zeros)
    for n, group in enumerate(groups):
        with_summary = summary if n == 0 else None

        def work(uow: UnitOfWork, group=group, summary=with_summary) -> int:
            fresh = group
            if uow.attempt > 0:
                # New ids: the refused run's delivery task is withdrawn under the old ones.
                fresh = [Outgoing(o.once_key, o.message.model_copy(
                            update={"message_id": new_message_id()}))
                         for o in group if not uow.once.used(o.once_key)]  # fmt: skip
                if summary is not None and uow.summaries.exists(summary.centre_id,
                                                                summary.date):  # fmt: skip
                    summary = None
            for item in fresh:
                uow.outbox.add(item.message)
                uow.once.add(item.once_key, now, now + ONCE_RETENTION)
            if summary is not None:  # last: a unit's first write tells whether it landed
                uow.summaries.add(summary, now + SUMMARY_RETENTION)
            return len(fresh)

        done, _ = deps.transactions.run(
            work,
            while_committing=lambda messages: queue_delivery(messages, deps.queue, deps.clock()),
            if_refused=lambda messages: cancel_delivery(messages, deps.queue),
        )
        sent += done
    return Sent(sent=sent, already=len(outgoing) - sent)
