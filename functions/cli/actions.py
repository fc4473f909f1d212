"""`ecd actions list|add|edit|done`: a scope's action points of a month, adding one,
editing one, and marking one done (or reopening it).

GET /action_points?month=&region=, POST /action_points/add, /action_points/edit and
/action_points/done (functions/http/admin/action_points_api.py). Texts come back as typed
and are printed as text, never read as markup.

`edit` sends only the fields named (the others are kept; --email "" or --forum "" removes
them). With --updated-at (a point's `updated_at` from `ecd --json actions list`) it is
refused, changing nothing, when the point changed since; without it the edit applies to
the point as it stands (the last write wins, for the fields named).
"""

from __future__ import annotations

from typing import Annotated

import typer

from functions.cli.output import Exit
from functions.cli.session import Session

app = typer.Typer(help="Action points after a month's forums: list, add, edit, mark done.",
                  no_args_is_help=True)  # fmt: skip
Region = Annotated[
    str | None,
    typer.Option(
        "--region",
        help="A region's id (default: the network's, or your region's)",
        show_default=False,
    ),
]


@app.command("list")
def list_points(
    ctx: typer.Context,
    month: Annotated[str, typer.Argument(help="YYYY-MM")],
    region: Region = None,
) -> None:
    """The scope's action points of the month, soonest due first, overdue ones flagged."""
    session: Session = ctx.obj
    params = {"month": month.strip()} | ({"region": region.strip()} if region else {})
    answer = session.get("/action_points", **params)
    if session.output.json_mode:
        session.output.data(answer)
        return
    points = answer.get("points", [])
    if not points:
        session.output.line(f"No action points for {answer.get('month', month)}.")
        return
    rows = ([p["point_id"], p["due"], "OVERDUE" if p["overdue"] else p["state"],
             p["owner"]["name"], p["text"]] for p in points)  # fmt: skip
    session.output.table(f"{len(points)} action point(s) of {answer.get('month', month)}",
                         ["id", "due", "state", "owner", "text"], rows)  # fmt: skip


@app.command()
def add(
    ctx: typer.Context,
    month: Annotated[str, typer.Argument(help="YYYY-MM")],
    text: Annotated[str, typer.Argument(help="What is to be done (one paragraph)")],
    owner: Annotated[str, typer.Option("--owner", help="The owner's name")],
    due: Annotated[str, typer.Option("--due", help="YYYY-MM-DD")],
    email: Annotated[str | None, typer.Option("--email", help="The owner's address",
                                              show_default=False)] = None,
    forum: Annotated[str | None, typer.Option("--forum", help="A forum's id",
                                              show_default=False)] = None,
    region: Region = None,
) -> None:  # fmt: skip
    """Add an action point to the scope's month."""
    session: Session = ctx.obj
    body = {"month": month.strip(), "text": text, "owner_name": owner, "due": due.strip(),
            "owner_email": email or "", "forum_id": forum or "",
            "region": (region or "").strip()}  # fmt: skip
    answer = session.post("/action_points/add", body, "The action point was not added")
    if session.output.json_mode:
        session.output.data(answer)
        return
    session.output.line(f"Added {answer['point_id']}, due {answer['due']}, "
                        f"owner {answer['owner']['name']}.")  # fmt: skip


@app.command()
def edit(
    ctx: typer.Context,
    point_id: Annotated[str, typer.Argument(help="The point's id (ecd actions list)")],
    text: Annotated[str | None, typer.Option("--text", help="What is to be done",
                                             show_default=False)] = None,
    owner: Annotated[str | None, typer.Option("--owner", help="The owner's name",
                                              show_default=False)] = None,
    email: Annotated[str | None, typer.Option("--email", help='The owner\'s address ("": none)',
                                              show_default=False)] = None,
    due: Annotated[str | None, typer.Option("--due", help="YYYY-MM-DD",
                                            show_default=False)] = None,
    forum: Annotated[str | None, typer.Option("--forum", help='A forum\'s id ("": none)',
                                              show_default=False)] = None,
    updated_at: Annotated[str | None, typer.Option(
        "--updated-at", help="Refuse if the point changed after this (its updated_at, read "
        "with --json actions list)", show_default=False)] = None,
) -> None:  # fmt: skip
    """Edit an action point's text, owner, address, due date or forum (the others kept);
    a done point stays done."""
    session: Session = ctx.obj
    fields = {"text": text, "owner_name": owner, "owner_email": email, "due": due,
              "forum_id": forum}  # fmt: skip
    body = {k: v.strip() for k, v in fields.items() if v is not None}
    if not body:
        raise session.output.fail(Exit.USAGE, "Nothing to change: give --text, --owner, "
                                  "--email, --due or --forum")  # fmt: skip
    body |= {"point_id": point_id.strip()} | ({"updated_at": updated_at.strip()}
                                              if updated_at else {})  # fmt: skip
    answer = session.post("/action_points/edit", body, "The action point was not changed")
    if session.output.json_mode:
        session.output.data(answer)
        return
    owner_name, state = answer["owner"]["name"], answer["state"]
    session.output.line(f"{answer['point_id']}: due {answer['due']}, owner {owner_name}, "
                        f"{state}; {answer['text']}")  # fmt: skip


@app.command()
def done(
    ctx: typer.Context,
    point_id: Annotated[str, typer.Argument(help="The point's id (ecd actions list)")],
    reopen: Annotated[bool, typer.Option("--reopen", help="Reopen it instead")] = False,
) -> None:
    """Mark an action point done (or reopen it); already so changes nothing."""
    session: Session = ctx.obj
    answer = session.post("/action_points/done", {"point_id": point_id.strip(),
                                                  "done": not reopen})  # fmt: skip
    if session.output.json_mode:
        session.output.data(answer)
        return
    session.output.line(f"{answer['point_id']} is {answer['state']}.")
