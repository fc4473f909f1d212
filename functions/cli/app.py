"""The `ecd` command: global options (where to call, as whom, how to print), `ecd whoami`, and
one sub-app per area of work (directory, triage, region; the forum, report and charter jobs
add theirs below as they arrive)."""

from __future__ import annotations

from typing import Annotated

import typer

from functions.cli import actions, advisory, charters, directory, forums, privacy, region, triage
from functions.cli.output import Output
from functions.cli.session import Session, check_url, local_url

app = typer.Typer(
    name="ecd",
    help="The ECD network's administration from a terminal: the directory, triage, regions.",
    epilog="Exit codes: 0 done; 1 refused (bad input, not found, errors in a CSV); 2 wrong "
    "command line; 3 not signed in or not allowed; 4 the service is unreachable or unavailable.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,  # an unexpected error is a bug: its plain traceback
)
app.add_typer(directory.app, name="directory")
app.add_typer(triage.app, name="triage")
app.add_typer(region.app, name="region")
app.add_typer(forums.app, name="forums")
app.add_typer(advisory.app, name="advisory")
app.add_typer(actions.app, name="actions")
app.add_typer(charters.app, name="charters")
app.add_typer(privacy.app, name="privacy")


@app.callback()
def connect(
    ctx: typer.Context,
    local: Annotated[bool, typer.Option(
        "--local", help="Call the local stack of `make run` (http://127.0.0.1:8080 unless "
        "--url or ECD_URL say otherwise) with the development token (LOCAL_ADMIN_TOKEN, "
        "default local-admin-token).")] = False,
    url: Annotated[str | None, typer.Option(
        "--url", envvar="ECD_URL", help="Where the functions are deployed, e.g. "
        "https://REGION-PROJECT.cloudfunctions.net (or the admin_api function's own URL).",
        show_default=False)] = None,
    audience: Annotated[str | None, typer.Option(
        "--audience", envvar="ECD_AUDIENCE", help="The audience of a service account's "
        "identity token (default: the admin_api URL); one of the deployment's ADMIN_AUDIENCES.",
        show_default=False)] = None,
    json_output: Annotated[bool, typer.Option(
        "--json", help="Print the API's answers as JSON (for scripts).")] = False,
) -> None:  # fmt: skip
    """Sign in as yourself (gcloud) against the deployed functions, or --local."""
    output = Output(json_mode=json_output)
    base_url = url or local_url()
    if url is None and not local:
        problem = ("Say where to call: --local for `make run`, or --url "
                   "https://REGION-PROJECT.cloudfunctions.net (or ECD_URL).")  # fmt: skip
    else:
        problem = check_url(base_url, local)
    # Said when a command calls, not here: `ecd directory --help` needs neither.
    ctx.obj = Session(output, base_url, local=local, audience=audience, problem=problem)


@app.command()
def whoami(ctx: typer.Context) -> None:
    """Who the tool signs in as, and over what: the whole network or one region."""
    session: Session = ctx.obj
    me = session.get("/whoami")
    if session.output.json_mode:
        session.output.data(me)
        return
    name, email = me.get("name"), me.get("email")
    session.output.line(f"Signed in as {name} <{email}>" if name else f"Signed in as {email}")
    session.output.line(f"Administrator of {scope(me)}")
    how = "the development token" if session.local else "your Google identity"
    session.output.line(f"At {session.api}, with {how}")


def scope(me: dict) -> str:
    """ "the whole network", or "region gauteng (Gauteng)"."""
    region_id = me.get("region_id")
    if not region_id:
        return "the whole network"
    name = me.get("region_name") or (me.get("region") or {}).get("name")
    return f"region {region_id} ({name})" if name else f"region {region_id}"


def main() -> None:
    app(prog_name="ecd")
