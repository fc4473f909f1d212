"""`ecd region`: the state of a region, as the admin home shows it (GET /region?id=...,
functions/http/admin/triage_api.py): its centres with their open and overdue cases, the mail
that failed, the cases waiting for triage."""

from __future__ import annotations

from typing import Annotated

import typer

from functions.cli.output import Output
from functions.cli.session import Session

app = typer.Typer(help="The state of a region.", no_args_is_help=True)
FIGURES = ("open", "overdue", "unassigned_complaints", "waiting")
MAIL = ("at", "template", "case_reference", "recipient_role", "last_error")


@app.command()
def show(
    ctx: typer.Context,
    region_id: Annotated[str, typer.Argument(help="The region, e.g. gauteng.")],
) -> None:
    """A region's centres with their open and overdue cases, failed mail, triage waiting."""
    session: Session = ctx.obj
    answer = session.get("/region", id=region_id.strip())
    if session.output.json_mode or not isinstance(answer, dict):
        session.output.data(answer)
        return
    show_state(session.output, answer)


def show_state(output: Output, state: dict) -> None:
    region = state.get("region") or {}
    as_of = state.get("as_of") or "now"
    output.line(f"{region.get('name', '?')} ({region.get('region_id', '?')}), as of {as_of}")
    if state.get("complete") is False:
        output.line("Partial counts: more open cases than one read holds.")
    output.line("Open cases: " + _figures(state.get("totals") or {}))
    unplaced = state.get("not_placed") or {}
    if any(unplaced.get(f) for f in FIGURES):
        output.line("At no centre yet: " + _figures(unplaced))
    centres = state.get("centres") or []
    if centres:
        columns = ("centre_id", "name", "active", *FIGURES)
        output.table("Centres", [c.replace("_", " ") for c in columns],
                     ([centre.get(c) for c in columns] for centre in centres))  # fmt: skip
    failed = state.get("failed_mail") or {}
    count = failed.get("count", 0)
    output.line(f"Mail that failed: {'at least ' if failed.get('at_least') else ''}{count}")
    if failed.get("newest"):
        output.table("The newest failures", [c.replace("_", " ") for c in MAIL],
                     ([m.get(c) for c in MAIL] for m in failed["newest"]))  # fmt: skip
    triage = state.get("triage") or {}
    waiting = triage.get("count", 0)
    more = "+" if triage.get("more") else ""
    references = ", ".join(triage.get("references") or [])
    output.line(f"Waiting for triage: {waiting}{more}" + (f" ({references})" if references else ""))


def _figures(counts: dict) -> str:
    return ", ".join(f"{f.replace('_', ' ')} {counts.get(f, 0)}" for f in FIGURES)
