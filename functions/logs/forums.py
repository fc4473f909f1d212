"""Log events of the monthly forums: setup, invitations, registrations, reminders,
changes, attendance and surveys."""

from __future__ import annotations

from functions.logs._core import _emit


def forum_attendance_changed(forum_id: str, source: str, outcome: str, counts: dict[str, int],
                             administrator_key: str) -> None:  # fmt: skip
    """An attendance import (zoom, meet) or the roll, as a dry run, applied or refused: the
    forum, counts and the caller's key only, never a name, address or cell."""
    _emit("NOTICE" if outcome == "applied" else "INFO", f"forum attendance {outcome}",
          forum_id=forum_id, source=source, administrator=administrator_key,
          **{key: int(value) for key, value in counts.items()})  # fmt: skip


def forum_survey_recorded(forum_id: str, attendee_id: str, version: int, source: str) -> None:
    _emit("INFO", "forum survey recorded", forum_id=forum_id, attendee_id=attendee_id,
          version=version, source=source)  # fmt: skip


def forum_followups_run(counts: dict[str, int], simulated: bool) -> None:
    _emit("INFO", "forum follow-ups", simulated=simulated,
          **{key: int(value) for key, value in counts.items()})  # fmt: skip


def forum_surveys_sent(forum_id: str, kind: str, sent: int, skipped: int, more: bool) -> None:
    _emit("INFO", "forum surveys sent", forum_id=forum_id, kind=kind, sent=sent,
          skipped=skipped, more=more)  # fmt: skip


def forums_set_up(month: str, created: int, existing: int, invitations: str, recipients: int,
                  batches: int, caller: str) -> None:  # fmt: skip
    """A month's forums set up (`caller`: scheduler, or an administrator's person key)."""
    _emit("NOTICE" if created or invitations == "queued" else "INFO", "forums set up",
          month=month, created=created, existing=existing, invitations=invitations,
          recipients=recipients, batches=batches, caller=caller)  # fmt: skip


def forums_not_set_up(month: str, reason: str) -> None:
    _emit("WARNING", "forums not set up", month=month, reason=reason[:200])


def forum_invitations_outcome(batch_id: str, invited: int, already: int, no_forum: int,
                              skipped: str | None) -> None:  # fmt: skip
    _emit("INFO", "forum invitations", batch_id=batch_id, invited=invited, already=already,
          no_forum=no_forum, skipped=skipped)  # fmt: skip


def forum_changed(forum_id: str, action: str, administrator_key: str) -> None:
    """An administrator created, edited or cancelled a forum: ids only."""
    _emit("NOTICE", f"forum {action}", forum_id=forum_id, administrator=administrator_key)


def forum_registered(forum_id: str, outcome: str, source: str) -> None:
    _emit("INFO", "forum registration", forum_id=forum_id, outcome=outcome, source=source)


def forum_registration_cancelled(forum_id: str, already: bool, promoted: bool) -> None:
    _emit("INFO", "forum registration cancelled", forum_id=forum_id, already=already,
          promoted=promoted)  # fmt: skip


def forum_reminders_sent(forum_id: str, offset: str, reminded: int, stale: bool) -> None:
    _emit("INFO", "forum reminders", forum_id=forum_id, offset=offset, reminded=reminded,
          stale=stale)  # fmt: skip


def forum_change_told(forum_id: str, sequence: int, promoted: int, changed: int,
                      stale: bool) -> None:  # fmt: skip
    _emit("INFO", "forum change told", forum_id=forum_id, sequence=sequence, promoted=promoted,
          changed=changed, stale=stale)  # fmt: skip


def forum_task_not_queued(handler: str, error: str) -> None:
    _emit("WARNING", "forum task not queued; the follow-up job queues it again", handler=handler,
          error=error)  # fmt: skip
