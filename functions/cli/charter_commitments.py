"""`ecd charters commitments CENTRE [--add TEXT | --remove N | --list]`: a centre's local
commitments on its service charter (issue 12), for its administrators.

GET /charters/commitments?centre= and POST /charters/commitments (functions/http/admin/
charters_api.py). Without an option, or with --list, the commitments are printed, numbered
(the number --remove takes), with the charter's version; --add puts one at the end (kept
once), --remove takes the n-th out. Each change is a new version of the centre's charter,
which `ecd charters distribute` (or the admin page) then sends. Texts come back as typed
and are printed as text, never read as markup.
"""

from __future__ import annotations

from typing import Annotated

import typer

from functions.cli.output import Exit
from functions.cli.session import Session


def commitments(
    ctx: typer.Context,
    centre: Annotated[str, typer.Argument(help="The centre's id (ecd directory, the admin pages)")],
    add: Annotated[str | None, typer.Option(
        "--add", help="Add this commitment at the end (one paragraph, at most 300 characters)",
        show_default=False)] = None,
    remove: Annotated[int | None, typer.Option(
        "--remove", help="Remove the commitment of this number (1 is the first; see --list)",
        show_default=False, min=1)] = None,
    list_them: Annotated[bool, typer.Option(
        "--list", help="Print the centre's commitments (what is done without an option)")] = False,
) -> None:  # fmt: skip
    """A centre's local commitments on its charter: list, add one, or remove one."""
    session: Session = ctx.obj
    if add is not None and remove is not None:
        raise session.output.fail(Exit.USAGE, "Give --add or --remove, not both")
    body = {"centre_id": centre.strip()}
    if add is not None:
        answer = session.post("/charters/commitments", body | {"add": add},
                              "The commitment was not added")  # fmt: skip
    elif remove is not None:
        answer = session.post("/charters/commitments", body | {"remove": remove},
                              "The commitment was not removed")  # fmt: skip
    else:
        answer = session.get("/charters/commitments", centre=centre.strip())
    if session.output.json_mode:
        session.output.data(answer)
        return
    items = answer.get("commitments", [])
    version = answer.get("version") or "none (the centre has no charter now)"
    session.output.line(f"{answer.get('name', centre)}: {len(items)} local commitment(s); "
                        f"charter version {version}")  # fmt: skip
    for number, item in enumerate(items, start=1):
        session.output.line(f"{number}. {item}")
