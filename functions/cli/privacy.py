"""`ecd privacy`: a person's records (POPIA), by their email address or phone number
(POST /privacy/export and /privacy/erase, functions/http/admin/privacy_api.py; network
administrators only).

    ecd privacy export thandi@example.org --out thandi.json
    ecd privacy erase thandi@example.org          # shows what will go, asks, then erases
    ecd privacy erase thandi@example.org --yes    # no question (scripts)

An erasure that runs out of time says so; the same command finishes it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.text import Text

from functions.cli.output import Exit
from functions.cli.session import Session

app = typer.Typer(help="A person's records: export them, or erase them.", no_args_is_help=True)
WHO = typer.Argument(help="Their email address or phone number, as they gave it.")
OUT = typer.Option("--out", "-o", help="Write the JSON to this file (default: print it).")


@app.command()
def export(ctx: typer.Context, who: Annotated[str, WHO],
           out: Annotated[Path | None, OUT] = None) -> None:  # fmt: skip
    """Everything held about the person, as JSON."""
    session: Session = ctx.obj
    answer = session.post("/privacy/export", {"who": who})
    text = json.dumps(answer, ensure_ascii=False, indent=1)
    if out is None:
        typer.echo(text)
        return
    try:
        out.write_text(text + "\n", encoding="utf-8")
    except OSError as error:
        raise session.output.fail(
            Exit.REFUSED, f"Could not write {out}: {error.strerror}"
        ) from None
    counts = answer.get("counts", {}) if isinstance(answer, dict) else {}
    if not session.output.json_mode:
        found = sum(n for n in counts.values() if isinstance(n, int))
        session.output.err.print(Text(f"Wrote {found} records to {out}"))


@app.command()
def erase(ctx: typer.Context, who: Annotated[str, WHO],
          yes: Annotated[bool, typer.Option("--yes", help="Erase without asking.")] = False,
          ) -> None:  # fmt: skip
    """Erase everything held about the person (their cases de-identified, figures kept),
    after showing what will go."""
    session: Session = ctx.obj
    output = session.output
    plan = session.post("/privacy/erase", {"who": who})
    if not yes:
        rows = [(p.get("kind"), p.get("count"), p.get("action")) for p in plan.get("plan", [])]
        if not rows:
            output.line(f"Nothing is held about {plan.get('about')}.")
            return
        output.table(f"What an erasure of {plan.get('about')} will do",
                     ["kind", "count", "action"], rows)  # fmt: skip
        if plan.get("also"):
            output.line("Their records also give " + ", ".join(map(str, plan["also"]))
                        + ": if those are theirs, erase by each of them too.")  # fmt: skip
        if not typer.confirm("Erase these records?", default=False):
            raise typer.Exit(Exit.REFUSED)
    done = session.post("/privacy/erase", {"who": who, "confirm": True})
    if output.json_mode:
        output.data(done)
        return
    counts = {k: v for k, v in done.items() if isinstance(v, int) and not isinstance(v, bool)}
    output.table("Erased", ["kind", "count"], ((k, v) for k, v in counts.items() if v))
    output.line(f"Record of the erasure: {done.get('erasure_id')}")
    if not done.get("finished"):
        output.line("Not finished (out of time): run the same command again to finish.")
