"""`ecd advisory select REGION --parents 6 --staff 6 --seed S [--from YYYY-MM --to YYYY-MM]`:
run a region's advisory network selection (select_advisory_network, beside admin_api) and
print the recorded order with each choice's reason. The same region, period, seats and seed
again print the same selection (nobody is written to twice), and how many eligible nominees
came after it (a new seed makes a new selection that includes them)."""

from __future__ import annotations

from typing import Annotated

import typer

from functions.cli.session import Session

app = typer.Typer(help="The regional advisory network: run a selection.", no_args_is_help=True)
FUNCTION = "select_advisory_network"


@app.command()
def select(
    ctx: typer.Context,
    region: Annotated[str, typer.Argument(help="The region's id, e.g. gauteng")],
    seed: Annotated[str, typer.Option("--seed", help="The draw's seed (recorded; the same "
                                      "seed gives the same order)")],
    parents: Annotated[int, typer.Option("--parents", min=0, max=50)] = 6,
    staff: Annotated[int, typer.Option("--staff", min=0, max=50)] = 6,
    start: Annotated[str | None, typer.Option("--from", help="YYYY-MM (default: the last "
                                              "three months)", show_default=False)] = None,
    end: Annotated[str | None, typer.Option("--to", help="YYYY-MM", show_default=False)] = None,
) -> None:  # fmt: skip
    """Select the region's parent and staff representatives, and tell every nominee."""
    session: Session = ctx.obj
    body: dict = {"region_id": region.strip(), "parents": parents, "staff": staff, "seed": seed}
    if start or end:
        body["period"] = {"from": (start or end).strip(), "to": (end or start).strip()}
    answer = session._call(
        lambda client: client._call("POST", "", body=body, url=f"{client.base}/{FUNCTION}"),
        "The selection was not run",
    )
    if session.output.json_mode:
        session.output.data(answer)
        return
    period = answer["period"]
    how = "already run with these inputs: the recorded one, nobody emailed again"
    if answer["created"]:
        how = f"run now, {answer['emailed']} nominee(s) emailed"
        if answer.get("queued"):
            how += f", {answer['queued']} more in batches queued"
    when = f"{period['from']} to {period['to']}"
    session.output.line(f"Selection {answer['selection_id']} for {answer['region_id']}, {when}, "
                        f"seed {answer['seed']!r}: {how}.")  # fmt: skip
    for seat_type, order in answer["order"].items():
        session.output.table(f"{seat_type}: {answer['seats'].get(seat_type, 0)} seat(s)",
                             ["rank", "person", "centre", "state", "why"],
                             ([d["rank"], d["attendee_key"], d["centre_id"] or "", d["state"],
                               d["reason"]] for d in order))  # fmt: skip
    for person in answer["ineligible"]:
        session.output.line(f"Not eligible: {person['attendee_key']}: {person['reason']}")
    if answer.get("came_later"):
        session.output.line(answer["note"])
    session.output.line(f"Explained at {answer['page_url']}")
