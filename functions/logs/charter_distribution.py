"""Log events of the charters' distribution, confirmation and reminders (ids, versions and
counts only: never a principal's name or address)."""

from __future__ import annotations

from functions.logs._core import _emit


def charters_distributed(region_id: str | None, centres: int, queued: int, unchanged: int,
                         no_email: int, administrator_key: str | None) -> None:  # fmt: skip
    """An administrator (or `ecd`) distributed the charters of a region (None: the network)."""
    _emit("NOTICE", "charters distributed", region_id=region_id, centres=centres,
          queued=queued, unchanged=unchanged, no_email=no_email,
          administrator=administrator_key)  # fmt: skip


def charters_not_queued(function: str) -> None:
    """The queue refused a send_charter task (503: the same request again queues the rest)."""
    _emit("WARNING", "charters not queued", function=function)


def charter_sent(centre_id: str, outcome: str) -> None:
    """A send_charter task ran: sent, already (nothing written), no_email, unknown_centre."""
    _emit("INFO", "charter sent", centre_id=centre_id, outcome=outcome)


def charter_confirmed(centre_id: str, version: str, outcome: str) -> None:
    """A principal confirmed (or tried to confirm) the charter is displayed."""
    _emit("INFO", "charter confirmed", centre_id=centre_id, version=version, outcome=outcome)


def charters_reminded(due: int, reminded: int, already: int, skipped: int,
                      local_time: bool) -> None:  # fmt: skip
    """The daily reminders to confirm were written."""
    _emit("INFO", "charters reminded", due=due, reminded=reminded, already=already,
          skipped=skipped, local_time=local_time)  # fmt: skip
