"""Log events of privacy work (POPIA retention): counts only, never a record's content."""

from __future__ import annotations

from functions.logs._core import _emit

__all__ = ["person_erased", "person_exported", "records_retained"]


def records_retained(counts: dict, simulated: bool) -> None:
    """A retention run: how many records it de-identified, and whether it reached the end
    (a run out of time carries on in the next)."""
    done = sum(int(counts.get(kind, 0)) for kind in
               ("cases", "registrations", "attendance", "survey_responses"))  # fmt: skip
    _emit("NOTICE" if done else "INFO", "records de-identified", simulated=simulated,
          finished=bool(counts.get("finished")),
          **{key: int(value) for key, value in counts.items()
             if isinstance(value, int) and not isinstance(value, bool)})  # fmt: skip


def person_exported(administrator_key: str, counts: dict) -> None:
    """An administrator exported what is held about a person: how many records of each kind
    (the person is not named: not their address, not a hash of it)."""
    found = {f"{kind}_found": int(n) for kind, n in counts.items() if isinstance(n, int)}
    _emit("NOTICE", "person's records exported", administrator=administrator_key, **found)


def person_erased(administrator_key: str, counts: dict) -> None:
    """An erasure ran: its record's id, counts of what went, and whether it finished."""
    _emit("NOTICE", "person's records erased", administrator=administrator_key,
          erasure_id=str(counts.get("erasure_id", ""))[:40],
          finished=bool(counts.get("finished")),
          **{key: int(value) for key, value in counts.items()
             if isinstance(value, int) and not isinstance(value, bool)})  # fmt: skip
