"""Log events of cases: recorded, acted on, nudged, answered, rated, digested, placed."""

from __future__ import annotations

from collections.abc import Iterable

from functions.logs._core import _emit


def case_recorded(
    reference: str,
    source: str,
    centre_id: str | None,
    urgent: bool,
    created: bool,
    triage: Iterable[str] = (),
) -> None:
    _emit(
        "NOTICE" if urgent else "INFO",
        "case recorded" if created else "case redelivered",
        reference=reference,
        source=source,
        centre_id=centre_id,
        urgent=urgent,
        triage=list(triage) or None,
    )


def case_action_taken(action: str, reference: str, role: str, mails: int) -> None:
    """A staff member's link did its action: the action, the case, the actor's role and how
    many mails it caused; never who, nor what they wrote."""
    _emit("INFO", "case action taken", action=action, reference=reference, role=role,
          mails=mails)  # fmt: skip


def case_action_refused(reason: str, action: str | None = None) -> None:
    """A staff link that did nothing: not valid, expired, used, not allowed, the case moved
    on (a lifecycle reason), or its form's token refused; `reason` is a fixed code."""
    _emit("INFO", "case action refused", reason=reason, action=action)


def nudges_scanned(due: int, queued: int, out_of_hours: int, skipped: int, more: bool,
                   simulated: bool) -> None:  # fmt: skip
    """One run_nudges: counts only. `more`: cases were left for the next run (the limit);
    `simulated`: the local clock (?now=) set the time."""
    _emit("WARNING" if more else "INFO", "nudges scanned", due=due, queued=queued,
          out_of_hours=out_of_hours, skipped=skipped, more_remain=more,
          simulated=simulated or None)  # fmt: skip


def nudges_not_queued(error: str) -> None:
    """The queue refused a nudge task mid-run; the next run queues again."""
    _emit("WARNING", "nudge tasks not queued; the next run retries", error=error)


def nudge_outcome(reference: str, result: str, stage: str, level: int, why: str | None,
                  recipients: int) -> None:  # fmt: skip
    """One send_nudge: the case's reference, enums and a count, never a recipient."""
    _emit("NOTICE" if result == "nudged" else "INFO", "nudge " + result, reference=reference,
          stage=stage, level=level, why=why, recipients=recipients)  # fmt: skip


def parent_replied(reference: str, status: str, clock: str | None) -> None:
    """A parent's reply was recorded: the case, its status after, whether the clock restarted;
    never what they wrote."""
    _emit("INFO", "parent replied", reference=reference, status=status, clock=clock)


def case_rated(reference: str, score: int, status: str) -> None:
    """A parent rated a resolution: the score and the status it left (closed, or reopened)."""
    _emit("NOTICE" if status != "closed" else "INFO", "case rated", reference=reference,
          score=score, status=status)  # fmt: skip


def parent_step_refused(entry_point: str, reason: str) -> None:
    """A parent's reply or rating that changed nothing; `reason` is a fixed code (expired
    link, form token, already done, a lifecycle reason), never what was typed."""
    _emit("INFO", "parent step refused", entry_point=entry_point, reason=reason)


def digests_queued(centres: int, regions: int, simulated: bool) -> None:
    """One send_digests run: how many centre and region digests it queued (counts only);
    `simulated`: the local clock (?now=) set the time."""
    _emit("INFO", "digests queued", centres=centres, regions=regions,
          simulated=simulated or None)  # fmt: skip


def digests_not_queued(error: str) -> None:
    _emit("WARNING", "digest tasks not queued; the scheduler's retry queues them", error=error)


def digest_outcome(scope: str, target_id: str, day: str, sent: int, already: int,
                   skipped: str | None) -> None:  # fmt: skip
    """One send_digest: the centre's or region's id, the date and counts; never a recipient."""
    message = ("digest skipped" if skipped else "digest sent" if sent else
               "digest already sent" if already else "digest had nothing to send")  # fmt: skip
    _emit("INFO", message, scope=scope, target_id=target_id[:200], day=day, sent=sent,
          already_sent=already, skipped=skipped)  # fmt: skip


def digest_centres_counted_directly(region_id: str, day: str, centres: list[str]) -> None:
    """A region's digest counted these centres (ids) from their cases: their summary of the
    day was not there (their task failed or still retries, or it is not their digest hour or
    working day)."""
    _emit("INFO", "digest centres counted without their summary", region_id=region_id[:200],
          day=day, centres=[centre[:200] for centre in centres[:50]],
          count=len(centres))  # fmt: skip


def triage_placed(reference: str, centre_id: str, region_id: str | None, alerted: int,
                  already: bool, administrator_key: str) -> None:  # fmt: skip
    """A case waiting for triage placed at a centre (or found placed already): ids and a
    count; the administrator by person key, never by address."""
    _emit("INFO", "triage case already placed" if already else "triage case placed",
          reference=reference, centre_id=centre_id[:200], region_id=region_id,
          alerted=alerted, administrator=administrator_key)  # fmt: skip
