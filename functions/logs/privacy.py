"""Log events of privacy work (POPIA retention): counts only, never a record's content."""

from __future__ import annotations

from functions.logs._core import _emit

__all__ = ["records_retained"]


def records_retained(counts: dict, simulated: bool) -> None:
    """A retention run: how many records it de-identified, and whether it reached the end
    (a run out of time carries on in the next)."""
    done = sum(int(counts.get(kind, 0)) for kind in
               ("cases", "registrations", "attendance", "survey_responses"))  # fmt: skip
    _emit("NOTICE" if done else "INFO", "records de-identified", simulated=simulated,
          finished=bool(counts.get("finished")),
          **{key: int(value) for key, value in counts.items()
             if isinstance(value, int) and not isinstance(value, bool)})  # fmt: skip
