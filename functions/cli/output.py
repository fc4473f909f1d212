"""What the tool prints: results on stdout (tables, or the API's JSON with --json), problems
and progress on stderr, and the exit code of each kind of failure.

Text that comes from the server or a file is printed as text, never read as rich markup.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from enum import IntEnum
from typing import Any

import typer
from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    SpinnerColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.table import Table
from rich.text import Text


class Exit(IntEnum):
    """The tool's exit codes (README, "The ecd tool")."""

    OK = 0
    REFUSED = 1  # the input was refused (422, 404, 409...), or the dry run found errors
    USAGE = 2  # a wrong command line (typer's own code for it)
    SIGN_IN = 3  # no identity, or one the server refused (401) or does not allow (403)
    UNAVAILABLE = 4  # no answer, or the service is unavailable for now (429, 5xx)


def exit_for(status: int) -> Exit:
    if status in (401, 403):
        return Exit.SIGN_IN
    if status == 429 or status >= 500:
        return Exit.UNAVAILABLE
    return Exit.REFUSED


class Output:
    def __init__(self, json_mode: bool = False):
        self.json_mode = json_mode
        self.out = Console(highlight=False, soft_wrap=False)
        self.err = Console(stderr=True, highlight=False)

    def data(self, value: Any) -> None:
        """The API's answer as JSON (--json)."""
        typer.echo(json.dumps(value, indent=2, ensure_ascii=False))

    def line(self, *parts: str | Text) -> None:
        self.out.print(*(Text(p) if isinstance(p, str) else p for p in parts))

    def table(self, title: str | None, columns: Sequence[str], rows: Iterable[Sequence]) -> None:
        table = Table(title=title, title_justify="left", header_style="bold")
        for column in columns:
            table.add_column(column)
        for row in rows:
            table.add_row(*(Text(_cell(value)) for value in row))
        self.out.print(table)

    def fail(self, code: Exit, message: str, errors: Sequence[dict] = (),
             status: int | None = None, hint: str | None = None) -> typer.Exit:  # fmt: skip
        """Say what went wrong (stderr; JSON on stdout with --json); raise what this returns."""
        if self.json_mode:
            self.data({"status": status, "message": message, "errors": list(errors),
                       **({"hint": hint} if hint else {})})  # fmt: skip
            return typer.Exit(code)
        self.err.print(Text(message, style="bold red"))
        for error in errors:
            place = where(error)
            self.err.print(Text.assemble("  ", (f"{place} " if place else "", "bold"),
                                         _message(error)))  # fmt: skip
        if hint:
            self.err.print(Text(hint, style="yellow"))
        return typer.Exit(code)

    @contextmanager
    def working(self, description: str, total: float | None = None) -> Iterator[Progress]:
        """A progress bar on stderr while long work runs: a spinner and an elapsed time until
        there is a total to count against (progress.update(task, total=..., advance=...)).
        Nothing is drawn with --json or when stderr is not a terminal."""
        counted = (MofNCompleteColumn(),) if total is not None else ()
        progress = Progress(
            SpinnerColumn(), TextColumn("{task.description}"), BarColumn(), *counted,
            TimeElapsedColumn(), console=self.err, transient=True,
            disable=self.json_mode or not self.err.is_terminal,
        )  # fmt: skip
        with progress:
            progress.add_task(description, total=total)
            yield progress


def where(error: dict) -> str:
    """Where an error is: "row 4, column email:" in a CSV, "field:" elsewhere, or ""."""
    parts = []
    if error.get("row") is not None:
        parts.append(f"row {error['row']}")
    if error.get("column"):
        parts.append(f"column {error['column']}")
    if not parts and error.get("field"):
        parts.append(str(error["field"]))
    return (", ".join(parts) + ":") if parts else ""


def _message(error: dict) -> str:
    return str(error.get("message") or error.get("text") or error)


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, list):
        return ", ".join(_cell(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{key}: {_cell(item)}" for key, item in value.items())
    return str(value)
