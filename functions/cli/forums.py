"""`ecd forums`: the monthly forums (admin_api /forums..., functions/http/admin/forums_api.py):
list a month, show one, set a month up from the standing plan, create one by hand, edit or
cancel one. Titles and descriptions come back as typed: printed as text, never as markup."""

from __future__ import annotations

import json
from typing import Annotated

import typer

from functions.cli.session import Session

app = typer.Typer(help="The monthly forums: list, show, setup, create, edit, cancel.",
                  no_args_is_help=True)  # fmt: skip
COLUMNS = ("forum_id", "starts_at", "format", "title", "places_taken", "capacity", "waitlisted",
           "status")  # fmt: skip


@app.command("list")
def list_forums(ctx: typer.Context, month: Annotated[str, typer.Argument(help="YYYY-MM")]) -> None:
    """A month's forums: when, format, places taken of the capacity, waitlist, status."""
    session: Session = ctx.obj
    answer = session.get("/forums", month=month.strip())
    if session.output.json_mode:
        session.output.data(answer)
        return
    forums = answer.get("forums", [])
    if not forums:
        session.output.line(f"No forum in {month}. Set it up with: ecd forums setup {month}")
        return
    session.output.table(f"Forums of {answer.get('month')}", [c.replace("_", " ") for c in COLUMNS],
                         ([forum.get(c) for c in COLUMNS] for forum in forums))  # fmt: skip
    if answer.get("invitations"):
        session.output.line(f"Invitations: {answer['invitations']} "
                            f"({answer.get('recipients')} recipients)")  # fmt: skip


@app.command()
def show(ctx: typer.Context, forum_id: Annotated[str, typer.Argument()]) -> None:
    """One forum, every field."""
    session: Session = ctx.obj
    answer = session.get("/forums/show", id=forum_id.strip())
    if session.output.json_mode:
        session.output.data(answer)
        return
    session.output.table(answer.get("title"), ["field", "value"],
                         ([key, value] for key, value in answer.items()))  # fmt: skip


@app.command()
def setup(ctx: typer.Context, month: Annotated[str, typer.Argument(help="YYYY-MM")]) -> None:
    """Create the month's forums from the standing plan and invite everyone (twice: no change)."""
    session: Session = ctx.obj
    answer = session.post("/forums/setup", {"month": month.strip()}, f"{month} was not set up")
    if session.output.json_mode:
        session.output.data(answer)
        return
    if not answer.get("changed"):
        session.output.line(f"{answer['month']}: nothing changed ({answer['existing']} forums "
                            f"there, invitations {answer['invitations']}).")  # fmt: skip
        return
    session.output.line(
        f"{answer['month']}: {answer['created']} forum(s) created, "
        f"{answer['existing']} already there; invitations {answer['invitations']}"
        f" to {answer['recipients']} people in {answer['batches']} batch(es)."
    )


def _body(value: str, what: str) -> dict:
    """A JSON object given inline or as @file."""
    text = open(value[1:], encoding="utf-8").read() if value.startswith("@") else value  # noqa: SIM115
    try:
        body = json.loads(text)
    except ValueError:
        raise typer.BadParameter(f"{what} is not JSON") from None
    if not isinstance(body, dict):
        raise typer.BadParameter(f"{what} is a JSON object")
    return body


@app.command()
def create(ctx: typer.Context, draft: Annotated[str, typer.Argument(
        help='The forum as JSON (or @file.json): {"title", "format", "starts_at", "ends_at", '
             '"capacity", "audiences", ...}')]) -> None:  # fmt: skip
    """Create one forum by hand."""
    session: Session = ctx.obj
    answer = session.post("/forums/create", _body(draft, "The forum"), "The forum was not created")
    if session.output.json_mode:
        session.output.data(answer)
        return
    session.output.line(f"Created {answer['forum_id']}: {answer['title']} ({answer['starts_at']})")


@app.command()
def edit(
    ctx: typer.Context,
    forum_id: Annotated[str, typer.Argument()],
    changes: Annotated[str, typer.Argument(help='JSON (or @file): {"capacity": 120}')],
) -> None:
    """Change a forum; its registrants are told when their calendar changes."""
    session: Session = ctx.obj
    body = {"forum_id": forum_id.strip(), "changes": _body(changes, "The changes")}
    answer = session.post("/forums/edit", body, f"{forum_id} was not changed")
    if session.output.json_mode:
        session.output.data(answer)
        return
    session.output.line(f"Changed {answer['forum_id']}: {answer['title']} ({answer['starts_at']})")


@app.command()
def cancel(
    ctx: typer.Context,
    forum_id: Annotated[str, typer.Argument()],
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask first.")] = False,
) -> None:
    """Cancel a forum: everyone registered or waiting is told at once."""
    session: Session = ctx.obj
    if not yes and not typer.confirm(f"Cancel forum {forum_id} and tell everyone registered?"):
        raise typer.Exit(1)
    answer = session.post("/forums/cancel", {"forum_id": forum_id.strip()},
                          f"{forum_id} was not cancelled")  # fmt: skip
    if session.output.json_mode:
        session.output.data(answer)
        return
    session.output.line(f"Cancelled {answer['forum_id']}: {answer['title']}.")


# Attendance (helper A's command, in its own module): ecd forums import-attendance FILE ...
from functions.cli.forum_attendance import import_attendance  # noqa: E402

app.command("import-attendance")(import_attendance)
