"""`ecd directory`: import the directory (regions, centres, principals, staff, administrators)
from a CSV file, a dry run first; the CSV template; the directory as it is, as a CSV.

POST /directory/import {"csv", "apply", "full", "expect"} (functions/http/admin/directory_api.py)
checks every row before changing anything: without --apply it only says what it would add,
change and deactivate, or every error with its row and column; with --apply it applies all of
it or, when any row is wrong, nothing. Its fingerprint names a dry run's plan: --expect applies
that plan only (409, with the plan as it is now, when the directory changed since).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.text import Text

from functions.cli.client import ApiError
from functions.cli.import_plan import errors_of, show_plan
from functions.cli.output import Exit, Output
from functions.cli.session import Session

# functions/http/admin/api.py MAX_BODY: the largest request admin_api reads.
MAX_BODY = 2 * 1024 * 1024

OUT = typer.Option(
    "-o",
    "--output",
    dir_okay=False,
    show_default=False,
    help="Write it to this file (default: print it).",
)
app = typer.Typer(help="The directory of regions, centres, staff and administrators.",
                  no_args_is_help=True)  # fmt: skip


@app.command("import")
def import_csv(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(help="The CSV file (see `ecd directory template`).",
                                         exists=True, dir_okay=False, readable=True)],
    apply: Annotated[bool, typer.Option("--apply", help="Apply it (without: a dry run that "
                                        "only says what would change).")] = False,
    partial: Annotated[bool, typer.Option("--partial", help="The file is part of the "
        "directory: add and change what it lists, deactivate nothing. Without: it is the whole "
        "directory of your scope, and what it no longer lists is deactivated.")] = False,
    expect: Annotated[str | None, typer.Option("--expect", metavar="FINGERPRINT", help="With "
        "--apply: apply only the plan the dry run showed (it prints its fingerprint).",
        show_default=False)] = None,
) -> None:  # fmt: skip
    """Check a directory CSV and show what it would change; with --apply, change it."""
    session: Session = ctx.obj
    output = session.output
    if expect and not apply:
        raise output.fail(Exit.USAGE, "--expect goes with --apply")
    text = _read(file, output)
    body = {"csv": text, "apply": apply, "full": not partial}
    if expect:
        body["expect"] = expect.strip()
    size = len(json.dumps(body).encode())
    if size > MAX_BODY:
        mib = size / 1048576
        raise output.fail(Exit.REFUSED, f"{file.name} is too large for one import ({mib:.1f} "
                          "MiB; at most 2 MiB): split it by region.")  # fmt: skip
    rows = max(len(text.splitlines()) - 1, 0)
    doing = "Importing" if apply else "Checking"
    try:
        with output.working(f"{doing} {file.name} ({rows} row{'' if rows == 1 else 's'})"):
            refused = f"{file.name} has errors; nothing was changed"
            answer = session.post("/directory/import", body, refused, keep=(409,))
    except ApiError as stale:  # 409: the plan is no longer the one the dry run showed
        _stale(output, stale.body, file.name)
        raise typer.Exit(Exit.REFUSED) from None
    if output.json_mode:
        output.data(answer)
    else:
        show_plan(output, answer, file.name, applied=apply)
    if errors_of(answer):
        raise typer.Exit(Exit.REFUSED)


@app.command()
def template(ctx: typer.Context, out: Annotated[Path | None, OUT] = None) -> None:
    """The directory's CSV template: the header and an example row of each kind."""
    _download(ctx.obj, "/directory/template", out, "the template")


@app.command()
def export(ctx: typer.Context, out: Annotated[Path | None, OUT] = None) -> None:
    """Your scope's directory as it is now, as a CSV to edit and import again."""
    _download(ctx.obj, "/directory/export", out, "the directory")


def _download(session: Session, path: str, out: Path | None, what: str) -> None:
    answer = session.get(path)
    text = answer.get("csv", "") if isinstance(answer, dict) else str(answer)
    if out is None:
        typer.echo(text, nl=not text.endswith("\n"))
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as error:
        problem = f"Could not write {out}: {error.strerror}"
        raise session.output.fail(Exit.REFUSED, problem) from None
    if not session.output.json_mode:
        session.output.err.print(Text(f"Wrote {what} to {out}"))


def _stale(output: Output, answer: Any, name: str) -> None:
    if output.json_mode:
        output.data(answer)
        return
    output.err.print(Text("The directory changed since that dry run: nothing was applied.",
                          style="bold red"))  # fmt: skip
    if isinstance(answer, dict):
        show_plan(output, answer, name, applied=False)


def _read(file: Path, output: Output) -> str:
    try:
        # utf-8-sig: spreadsheets' "CSV UTF-8" starts with a byte-order mark.
        return file.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise output.fail(Exit.REFUSED, f"{file.name} is not UTF-8 text (byte {error.start}): "
                          "save it from the spreadsheet as 'CSV UTF-8'.") from None  # fmt: skip
    except OSError as error:
        raise output.fail(Exit.REFUSED, f"Could not read {file}: {error.strerror}") from None
