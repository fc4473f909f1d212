"""`ecd forums import-attendance FILE --forum ID --source zoom|meet [--dry-run]`: a platform's
attendance export sent to import_attendance (functions/http/admin/forum_attendance_import.py).
Problems are listed by row number; names in the file are never printed."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from functions.cli.session import Session

MAX_BYTES = 5_000_000


def import_attendance(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True)],
    forum: Annotated[str, typer.Option(help="The forum's id")],
    source: Annotated[str, typer.Option(help="zoom or meet")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Show what would change")] = False,
    walk_in_role: Annotated[str, typer.Option(help="The role of walk-ins")] = "parent",
) -> None:
    """Import a Zoom or Google Meet attendance export (the same file twice changes nothing)."""
    session: Session = ctx.obj
    data = file.read_bytes()[: MAX_BYTES + 1]
    params = {"forum": forum.strip(), "source": source.strip().lower(),
              "walk_in_role": walk_in_role.strip()}  # fmt: skip
    if dry_run:
        params["dry_run"] = "1"
    answer = session._call(lambda client: client.upload("import_attendance", data, **params),
                           "The file was not imported")  # fmt: skip
    if session.output.json_mode:
        session.output.data(answer)
        return
    verb = "would add" if answer["dry_run"] else "added"
    session.output.line(f"{answer['people']} people: {answer['matched']} matched, "
                        f"{answer['walk_ins']} walk-ins; {verb} {answer['added']}, changed "
                        f"{answer['changed']}, unchanged {answer['unchanged']}.")  # fmt: skip
    session.output.table("By role", ["role", "attended", "walk-ins"],
                         ([r, n["attended"], n["walk_ins"]]
                          for r, n in sorted(answer["by_role"].items())))  # fmt: skip
    for problem in answer.get("problems", []):
        session.output.line(f"  {problem}")
    session.output.line(answer.get("note", ""))
