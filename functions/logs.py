"""Structured logs: one JSON line per event, read by Cloud Logging.

Each event has its own helper, and helpers take only ids, enums and counts, so no
parent's name, email, phone or free text can reach a log line.
"""

from __future__ import annotations

import contextvars
import json
import sys
from collections.abc import Iterable
from datetime import UTC, datetime

_trace: contextvars.ContextVar[str | None] = contextvars.ContextVar("trace", default=None)


def bind_trace(header: str | None, project: str) -> None:
    """Remember the request's trace from X-Cloud-Trace-Context ("TRACE_ID/SPAN_ID;o=1")."""
    trace_id = (header or "").split("/", 1)[0].strip()
    valid = trace_id.isalnum() and len(trace_id) <= 64
    _trace.set(f"projects/{project}/traces/{trace_id}" if valid else None)


def _emit(severity: str, message: str, **fields) -> None:
    entry = {"severity": severity, "message": message, "time": datetime.now(UTC).isoformat()}
    trace = _trace.get()
    if trace:
        entry["logging.googleapis.com/trace"] = trace
    entry.update({key: value for key, value in fields.items() if value is not None})
    sys.stdout.write(json.dumps(entry, default=str) + "\n")
    sys.stdout.flush()


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


def input_rejected(entry_point: str, status: int, fields: Iterable[str]) -> None:
    """Which fields were wrong, never what was typed in them (nor a field name the sender
    made up: domain.shared.validation.logged_fields)."""
    _emit("INFO", "input rejected", entry_point=entry_point, status=status, fields=sorted(fields))


def signature_rejected(reason: str) -> None:
    _emit("WARNING", "google form delivery rejected", reason=reason)


def form_token_rejected(reason: str) -> None:
    _emit("INFO", "feedback form token rejected", reason=reason)


def honeypot_tripped() -> None:
    _emit("INFO", "feedback form honeypot filled; nothing stored")


def flood_held(entry_point: str, retry_after: int, client: str) -> None:
    """A client reached the flood limit (logged once per hold, not per refusal); `client` is
    a short tag of the address's hash, salted per instance: never the address."""
    _emit("WARNING", "submissions held by the flood limit", entry_point=entry_point,
          retry_after=retry_after, client=client)  # fmt: skip


def unknown_form(form_id: str) -> None:
    _emit("WARNING", "google form has no field mapping", form_id=form_id[:200])


def storage_unavailable(entry_point: str, error: str) -> None:
    _emit(
        "WARNING",
        "storage unavailable; asked the caller to retry",
        entry_point=entry_point,
        error=error,
    )


def unexpected_error(entry_point: str, error: BaseException) -> None:
    """The error's type and where it was raised; its message may hold input, so it is left out."""
    frame = error.__traceback__
    while frame and frame.tb_next:
        frame = frame.tb_next
    where = f"{frame.tb_frame.f_code.co_filename}:{frame.tb_lineno}" if frame else None
    _emit(
        "ERROR",
        "unexpected error",
        entry_point=entry_point,
        error=type(error).__name__,
        where=where,
    )


def task_not_cancelled(handler: str, error: str) -> None:
    _emit("INFO", "queued task not withdrawn; it will find nothing to do", handler=handler,
          error=error)  # fmt: skip


def enqueue_failed(message_id: str, error: str) -> None:
    _emit(
        "WARNING",
        "delivery task not enqueued; the outbox sweep will retry",
        message_id=message_id,
        error=error,
    )


def delivery_outcome(message_id: str, result: str) -> None:
    """What became of one delivery attempt; never the address or the content."""
    _emit(
        "ERROR" if result == "failed" else "INFO",
        "email delivery",
        message_id=message_id,
        result=result,
    )


def acknowledgement_capped(message_id: str) -> None:
    """A parent's acknowledgement not sent: its address had its hourly share already."""
    _emit("NOTICE", "acknowledgement suppressed by the hourly cap", message_id=message_id)


def outbox_swept(stuck: int, requeued: int, given_up: int) -> None:
    severity = "ERROR" if given_up else "WARNING" if stuck else "INFO"
    _emit(severity, "outbox swept", stuck=stuck, requeued=requeued, given_up=given_up)


def unsubscribe_recorded(one_click: bool) -> None:
    """Someone stopped notifications (RFC 8058 one-click or the page's button); never who."""
    _emit("INFO", "unsubscribe recorded", one_click=one_click)


def unsubscribe_token_rejected(method: str) -> None:
    _emit("INFO", "unsubscribe token rejected", method=method)


def sns_message_rejected(status: int, reason: str) -> None:
    """An SNS delivery refused (400/403/413) or put off (503); `reason` is a fixed phrase."""
    severity = "INFO" if status == 400 else "WARNING"
    _emit(severity, "sns message rejected", status=status, reason=reason)


def sns_subscription_changed(message_type: str, topic_arn: str) -> None:
    """A verified SubscriptionConfirmation (confirmed) or UnsubscribeConfirmation (noted)."""
    _emit("NOTICE", "sns subscription message", type=message_type, topic_arn=topic_arn[:256])


def email_feedback_received(
    event_type: str, bounce_type: str | None, recipients: int, suppressed_as: str | None
) -> None:
    """An SES event: its type, bounce type and recipient count, never an address."""
    _emit(
        "NOTICE" if suppressed_as else "INFO",
        "email feedback received",
        event_type=event_type,
        bounce_type=bounce_type,
        recipients=recipients,
        suppressed_as=suppressed_as,
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


# ------------------------------------------------------------------------------ nudges


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


def local_clock_ignored(entry_point: str) -> None:
    """A simulated time reached a deployed instance (LOCAL_DEV off): the real clock ruled."""
    _emit("WARNING", "local clock ignored outside make run", entry_point=entry_point)


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


# ------------------------------------------------------------------------------ digests


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


# ------------------------------------------------------------------------- administrators


def triage_placed(reference: str, centre_id: str, region_id: str | None, alerted: int,
                  already: bool, administrator_key: str) -> None:  # fmt: skip
    """A case waiting for triage placed at a centre (or found placed already): ids and a
    count; the administrator by person key, never by address."""
    _emit("INFO", "triage case already placed" if already else "triage case placed",
          reference=reference, centre_id=centre_id[:200], region_id=region_id,
          alerted=alerted, administrator=administrator_key)  # fmt: skip


def admin_refused(entry_point: str, status: int, reason: str, administrator_key: str) -> None:
    """An administrator asked for something outside their scope, or that is not there:
    `reason` is one of our own words (out_of_scope, unknown_centre, ...)."""
    _emit("INFO", "administrator refused", entry_point=entry_point, status=status,
          reason=reason, administrator=administrator_key)  # fmt: skip


# ------------------------------------------------------------------------------ callers


def caller_refused(entry_point: str, status: int, reason: str) -> None:
    """A call without the identity it needs (401) or with the wrong one (403); `reason` is
    one of our fixed phrases (functions/http/callers.py), never the token or its claims."""
    _emit("WARNING" if status == 403 else "INFO", "caller refused", entry_point=entry_point,
          status=status, reason=reason[:200])  # fmt: skip


def admin_signed_in(administrator_key: str, region_id: str | None, local: bool) -> None:
    """An administrator signed in to the admin pages: their person key and scope."""
    _emit("NOTICE", "administrator signed in", administrator=administrator_key,
          scope=region_id or "network", development_token=local or None)  # fmt: skip


def admin_signin_refused(reason: str) -> None:
    """A sign-in refused: a fixed phrase (the form, the token, the allow-list)."""
    _emit("WARNING", "administrator sign-in refused", reason=reason[:200])


def directory_changed(source: str, outcome: str, counts: dict[str, int],
                      administrator_key: str) -> None:  # fmt: skip
    """A directory import or a centre's page edit (`source`: import, page), as a dry run,
    applied, refused (errors) or stale (the directory changed since the dry run): counts of
    rows, changes and cases handed back only, never a name, address or cell."""
    _emit("NOTICE" if outcome == "applied" else "INFO", f"directory {outcome}", source=source,
          administrator=administrator_key,
          **{key: int(value) for key, value in counts.items()})  # fmt: skip


# ------------------------------------------------------- forums: attendance and survey (A)


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


# --------------------------------------------------------------------- forums: setup (S)


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
