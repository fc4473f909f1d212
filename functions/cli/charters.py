"""`ecd charters ...`: the centres' service charters (issue 12).

One sub-app, its commands each in the module of their concern: `commitments` (a centre's
local commitments: functions/cli/charter_commitments.py); distribution's `distribute` and
`status` are registered here beside it.
"""

from __future__ import annotations

import typer

from functions.cli import charter_commitments, charter_distribution

app = typer.Typer(help="The centres' service charters: local commitments, distribution.",
                  no_args_is_help=True)  # fmt: skip
app.command("commitments")(charter_commitments.commitments)
app.command("distribute")(charter_distribution.distribute)
app.command("status")(charter_distribution.status)
