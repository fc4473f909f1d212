"""`ecd charters distribute [--region ID]` and `ecd charters status [--region ID]`: send the
changed service charters to the principals, and see which centres display which version.

distribute calls distribute_charters (beside admin_api): one email per centre whose charter
changed since it was last sent, none for the others; run again, it sends nothing new. A
regional administrator distributes their own region. status reads admin_api GET /charters
(functions/http/admin/charters_api.py): per region, each centre's current, sent and
confirmed version, and whether its confirmation is late (7 days after it was sent).
"""

from __future__ import annotations

from typing import Annotated

import typer

from functions.cli.session import Session

FUNCTION = "distribute_charters"
Region = Annotated[str | None, typer.Option("--region", help="A region's id (default: your "
                                            "scope)", show_default=False)]  # fmt: skip


def distribute(ctx: typer.Context, region: Region = None) -> None:
    """Send every changed charter in scope to its centre's principal (nothing twice)."""
    session: Session = ctx.obj
    body = {"region_id": region.strip()} if region else {}
    answer = session._call(
        lambda client: client._call("POST", "", body=body, url=f"{client.base}/{FUNCTION}"),
        "The charters were not distributed",
    )
    if session.output.json_mode:
        session.output.data(answer)
        return
    scope = answer.get("region_id") or "the whole network"
    session.output.line(f"Charters of {scope}: {answer['centres']} active centre(s); "
                        f"{answer['queued']} sent now (one email each, as the queue runs), "
                        f"{answer['unchanged']} unchanged since last sent.")  # fmt: skip
    if answer.get("no_email"):
        session.output.line(f"{answer['no_email']} centre(s) not sent: the principal has no "
                            f"email address in the directory.")  # fmt: skip


def status(ctx: typer.Context, region: Region = None) -> None:
    """Which centres display which charter version, and since when."""
    session: Session = ctx.obj
    answer = session.get("/charters", **({"region": region.strip()} if region else {}))
    if session.output.json_mode:
        session.output.data(answer)
        return
    for found in answer.get("regions", []):
        title = (f"{found['name']}: {found['displaying']} displaying the current version, "
                 f"{found['late']} late, {found['to_send']} to send")  # fmt: skip
        session.output.table(title, ["centre", "current", "sent", "confirmed", "state"],
                             ([c["centre_id"], c["current_version"] or "",
                               _when(c["sent_version"], c["sent_at"]),
                               _when(c["confirmed_version"], c["confirmed_at"]), _state(c)]
                              for c in found["centres"]))  # fmt: skip


def _when(version: str | None, at: str | None) -> str:
    return f"{version} ({at[:10]})" if version and at else (version or "")


def _state(centre: dict) -> str:
    if centre["displays_current"]:
        return "displayed"
    if not centre["principal_has_email"] and centre["to_send"]:
        return "not sent: no email"
    if centre["to_send"]:
        return "to send"
    return "late: remind" if centre["late"] else "awaiting confirmation"
