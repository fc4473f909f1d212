"""What a directory import changed or would change, as the administrator reads it: the counts,
a table of what is added, changed and deactivated, or every error with its row and column.

The answer of POST /directory/import (functions/http/admin/directory_api.py): {applied, stale,
fingerprint, counts: {add, change, deactivate, cases_to_hand_back | cases_returned},
changes: [{action, kind, id, name, where, details}]}, or {errors: [{row, column, message}]}.
"""

from __future__ import annotations

from typing import Any

from functions.cli.output import Exit, Output

ACTIONS = ("add", "change", "deactivate")
COLUMNS = ("action", "kind", "id", "name", "where", "details")
_DONE = {"add": "added", "change": "changed", "deactivate": "deactivated"}
_WOULD = {"add": "would add", "change": "would change", "deactivate": "would deactivate"}


def errors_of(answer: Any) -> list[dict]:
    errors = answer.get("errors") if isinstance(answer, dict) else None
    return errors if isinstance(errors, list) else []


def show_plan(output: Output, answer: dict, name: str, applied: bool) -> None:
    """What the import changed (or would change), and every error with its row and column."""
    errors = errors_of(answer)
    if errors:
        output.fail(Exit.REFUSED, f"{name} has errors; nothing was changed", errors)
        return
    counts = {k: v for k, v in (answer.get("counts") or {}).items() if isinstance(v, int)}
    words = _DONE if applied else _WOULD
    said = [f"{words[action]} {counts.get(action, 0)}" for action in ACTIONS]
    said += [f"{key.replace('_', ' ')} {value}" for key, value in counts.items()
             if key not in ACTIONS]  # fmt: skip
    output.line(f"{name}: " + ", ".join(said))
    changes = [change for change in answer.get("changes") or [] if isinstance(change, dict)]
    if changes:
        output.table(None, COLUMNS, ([change.get(c) for c in COLUMNS] for change in changes))
    if not any(counts.get(action) for action in ACTIONS):
        output.line("Nothing to change: the directory already says what the file says.")
    elif not applied:
        exactly = answer.get("fingerprint")
        output.line("A dry run: nothing was changed. Apply it with --apply" + (
            f", or with --apply --expect {exactly} to apply exactly this plan (nothing if the "
            "directory changes in between)." if exactly else "."))  # fmt: skip
