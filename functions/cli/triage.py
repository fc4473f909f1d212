"""`ecd triage`: the cases waiting for an administrator to place them (a Google Form answer
that matched no centre, kind or topic), and placing one at its centre.

GET /triage {cases: [...], count, more} and POST /triage/assign {reference, centre_id}
(functions/http/admin/triage_api.py). What a parent typed comes back as typed: it is printed
as text, never read as markup.
"""

from __future__ import annotations

from typing import Annotated

import typer

from functions.cli.session import Session

app = typer.Typer(help="Cases waiting for triage, and giving one to its centre.",
                  no_args_is_help=True)  # fmt: skip
COLUMNS = ("reference", "received_at", "urgent", "kind", "region_id", "reasons", "given")


@app.command("list")
def list_cases(ctx: typer.Context) -> None:
    """The cases waiting for triage in your scope: the urgent first, then the oldest."""
    session: Session = ctx.obj
    answer = session.get("/triage")
    output = session.output
    if output.json_mode:
        output.data(answer)
        return
    cases = answer.get("cases", []) if isinstance(answer, dict) else answer
    if not cases:
        output.line("No case is waiting for triage.")
        return
    title = f"{len(cases)} case(s) waiting for triage"
    if isinstance(answer, dict) and answer.get("more"):
        title += " (the first ones: there are more)"
    header = [column.replace("_", " ") for column in COLUMNS]
    output.table(title, header, ([case.get(c) for c in COLUMNS] for case in cases))
    output.line("Give one to its centre with: ecd triage assign REFERENCE CENTRE_ID")


@app.command()
def assign(
    ctx: typer.Context,
    reference: Annotated[str, typer.Argument(help="The case, e.g. FB-7K3M-Q9P.")],
    centre_id: Annotated[str, typer.Argument(help="The centre it belongs to.")],
) -> None:
    """Give a case waiting for triage to its centre (its people are alerted as for a new case)."""
    session: Session = ctx.obj
    body = {"reference": reference.strip().upper(), "centre_id": centre_id.strip()}
    answer = session.post("/triage/assign", body, f"{body['reference']} was not assigned")
    if session.output.json_mode:
        session.output.data(answer)
        return
    answer = answer if isinstance(answer, dict) else {}
    reference = answer.get("reference") or body["reference"]
    centre = answer.get("centre_name") or answer.get("centre_id") or body["centre_id"]
    if answer.get("already"):
        session.output.line(f"{reference} was already at {centre}: nothing changed.")
        return
    alerted = answer.get("alerted")
    tail = f"; {alerted} alert(s) sent to its people" if alerted else ""
    session.output.line(f"{reference} is now {centre}'s{tail}.")
