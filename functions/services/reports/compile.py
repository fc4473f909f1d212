"""Compile the forum summaries (the daily compile_forum_summaries job).

A forum's summary is compiled once its survey has closed (domain/forums/survey.py closes_at),
and a scope's month (a region's forums, or the network-wide ones) once every forum of it
has. Each is compiled again every day for RECOMPILE_FOR after that, and the fingerprint of
its figures decides: the same figures write nothing and send nothing; different ones (a late
response) are stored as version n + 1, the earlier versions kept, and sent once to the
administrators of the scope, the email written through the outbox in the same unit of work
as the version (a once key per summary and version guards against a second send). The case
parts (cases by category, the best centres) are counted by the first version and kept by
the later ones: a case resolved after the survey closed is not a reason to send again.

Counts come from tallies kept in the commit of each record they count (attendance by role,
the month's cases by centre and category: functions/domain/reports/tallies.py); the survey
responses are read as rows, since their free text is what the summary groups, each once per
run (services/reports/reads.py).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import NamedTuple

from functions.domain.forums.models import Forum
from functions.domain.forums.survey import closes_at
from functions.domain.reports.compile import case_figures_of, compile_summary
from functions.domain.reports.mail import once_key, summary_messages
from functions.domain.reports.summary import MonthSummary, summary_id
from functions.services.forums.mailing import administrators_of, commit
from functions.services.ports import Dependencies, UnitOfWork
from functions.services.reports.reads import Reads

RECOMPILE_FOR = timedelta(days=35)  # late responses are looked for this long after closing
LOOKBACK = timedelta(days=61) + RECOMPILE_FOR  # surveys stay open up to 60 days
ONCE_KEPT = timedelta(days=800)  # a version's once key outlives any recompiling


class Outcome(NamedTuple):
    summary_id: str
    result: str  # "new" (version 1), "version" (a later one), "unchanged"
    version: int
    sent: int = 0


def compile_due(deps: Dependencies, now: datetime | None = None) -> dict[str, int]:
    """Compile every forum whose survey closed within RECOMPILE_FOR, and every scope's month
    all of whose forums' surveys have closed."""
    now, reads = now or deps.clock(), Reads(deps)
    counts = {"forums": 0, "months": 0, "new": 0, "versions": 0, "unchanged": 0, "sent": 0}
    months: set[tuple[str, str | None]] = set()
    due = [forum for forum in deps.forums.ended_between(now - LOOKBACK, now)
           if not forum.cancelled and _recent(forum, now)]  # fmt: skip
    reads.prefetch([forum.forum_id for forum in due])
    for forum in due:
        _count(counts, compile_forum(deps, forum, now, reads))
        counts["forums"] += 1
        months.add((forum.month, forum.region_id))
    for month, scope in sorted(months, key=lambda m: (m[0], m[1] or "")):
        forums = [f for f in deps.forums.in_month(month) if f.region_id == scope]
        if all(f.cancelled or closes_at(f) <= now for f in forums):
            _count(counts, compile_month(deps, month, scope, forums, now, reads))
            counts["months"] += 1
    return counts


def _recent(forum: Forum, now: datetime) -> bool:
    return closes_at(forum) <= now < closes_at(forum) + RECOMPILE_FOR


def _count(counts: dict[str, int], outcome: Outcome) -> None:
    key = {"new": "new", "version": "versions"}.get(outcome.result, "unchanged")
    counts[key] += 1
    counts["sent"] += outcome.sent


def compile_forum(deps: Dependencies, forum: Forum, now: datetime,
                  reads: Reads | None = None) -> Outcome:  # fmt: skip
    return _compile(deps, reads or Reads(deps), forum.month, forum.region_id, [forum], now,
                    forum.forum_id)  # fmt: skip


def compile_month(deps: Dependencies, month: str, scope: str | None, forums: list[Forum],
                  now: datetime, reads: Reads | None = None) -> Outcome:  # fmt: skip
    return _compile(deps, reads or Reads(deps), month, scope, forums, now)


def _compile(deps: Dependencies, reads: Reads, month: str, scope: str | None,
             forums: list[Forum], now: datetime,
             forum_id: str | None = None) -> Outcome:  # fmt: skip
    held = [f for f in forums if not f.cancelled]
    roles = {f.forum_id: reads.roles(f.forum_id) for f in held}
    responses = [r for f in held for r in reads.responses(f.forum_id)]
    # Names only of those who agreed to be quoted by name, kept on their answers for it.
    names = {r.attendee_id: r.quoted_as for r in responses if r.may_quote_name and r.quoted_as}
    # A summary compiled before keeps its case figures (a case resolved since makes no new
    # version, only survey answers do), so its month's cases are not read again.
    existing = deps.forums.summary(summary_id(month, scope, forum_id))
    kept = case_figures_of(existing) if existing else None
    tallies = None if kept else reads.month_cases(month, scope)
    compiled = compile_summary(
        month=month, scope=scope, forums=forums, roles=roles, responses=responses,
        tallies=tallies, kept=kept, names=names, compiled_at=now,
        centre_names=reads.centre_names(scope), forum_id=forum_id,
    )  # fmt: skip
    recipients = administrators_of(deps, forums[0]) if forums else []
    scope_name = _scope_name(deps, scope)
    return commit(deps, lambda uow: _store(uow, deps, compiled, recipients, scope_name, now))


def _store(uow: UnitOfWork, deps: Dependencies, compiled: MonthSummary,
           recipients: list[tuple[str, str]], scope_name: str,
           now: datetime) -> Outcome:  # fmt: skip
    existing = uow.forum_summaries.get(compiled.summary_id)
    if existing is not None and existing.fingerprint == compiled.fingerprint:
        return Outcome(compiled.summary_id, "unchanged", existing.version)
    version = existing.version + 1 if existing else 1
    summary = compiled.model_copy(update={"version": version})
    uow.forum_summaries.save(summary)
    sent = 0
    key = once_key(summary)
    if not uow.once.used(key):
        uow.once.add(key, now, now + ONCE_KEPT)
        for message in summary_messages(summary, recipients, scope_name, deps.network_name, now):
            uow.outbox.add(message)
            sent += 1
    return Outcome(summary.summary_id, "new" if version == 1 else "version", version, sent)


def _scope_name(deps: Dependencies, scope: str | None) -> str:
    if scope is None:
        return "the whole network"
    region = deps.directory.get_region(scope)
    return region.name if region else scope
