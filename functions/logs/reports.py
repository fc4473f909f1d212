"""Log events of the reports (forum summaries): ids and counts only."""

from __future__ import annotations

from functions.logs._core import _emit

__all__ = ["forum_summaries_compiled"]


def forum_summaries_compiled(counts: dict[str, int], simulated: bool) -> None:
    """A compile run: how many summaries were new, a new version, or unchanged."""
    changed = counts.get("new", 0) or counts.get("versions", 0)
    _emit("NOTICE" if changed else "INFO", "forum summaries compiled", simulated=simulated,
          **{key: int(value) for key, value in counts.items()})  # fmt: skip
