"""Log events of the regional advisory network: a selection run, a seat answered (ids and
counts only: the people are named by nothing but their hashed keys in the record)."""

from __future__ import annotations

from functions.logs._core import _emit


def advisory_selection_run(selection_id: str, region_id: str, created: bool, emailed: int,
                           administrator_key: str) -> None:  # fmt: skip
    """An administrator ran a selection (created: new; else the recorded one was answered)."""
    _emit("NOTICE", "advisory selection run", selection_id=selection_id, region_id=region_id,
          created=created, emailed=emailed, administrator=administrator_key)  # fmt: skip


def advisory_answered(selection_id: str, outcome: str) -> None:
    """A nominee answered their seat: accepted, declined (a reserve offered it), or a repeat."""
    _emit("INFO", "advisory seat answered", selection_id=selection_id, outcome=outcome)


def advisory_notices_sent(selection_id: str, batch: int, emailed: int, already: bool,
                          skipped: str | None) -> None:  # fmt: skip
    """A batch of a selection's "not selected" notices was written (or was before)."""
    _emit("INFO", "advisory notices sent", selection_id=selection_id, batch=batch,
          emailed=emailed, already=already, skipped=skipped)  # fmt: skip


def advisory_notices_not_queued(function: str) -> None:
    """A selection was recorded but the queue refused its later notice batches (503: the
    same request again queues them)."""
    _emit("WARNING", "advisory notices not queued", function=function)
