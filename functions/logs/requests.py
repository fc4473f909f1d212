"""Log events of requests refused or failed, whatever the entry point."""

from __future__ import annotations

from collections.abc import Iterable

from functions.logs._core import _emit


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


def caller_refused(entry_point: str, status: int, reason: str) -> None:
    """A call without the identity it needs (401) or with the wrong one (403); `reason` is
    one of our fixed phrases (functions/http/callers.py), never the token or its claims."""
    _emit("WARNING" if status == 403 else "INFO", "caller refused", entry_point=entry_point,
          status=status, reason=reason[:200])  # fmt: skip


def local_clock_ignored(entry_point: str) -> None:
    """A simulated time reached a deployed instance (LOCAL_DEV off): the real clock ruled."""
    _emit("WARNING", "local clock ignored outside make run", entry_point=entry_point)


def task_not_cancelled(handler: str, error: str) -> None:
    _emit("INFO", "queued task not withdrawn; it will find nothing to do", handler=handler,
          error=error)  # fmt: skip
