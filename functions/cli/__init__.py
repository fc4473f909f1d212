"""`ecd`, the administrators' command-line tool: the admin_api entry point's operations from a
terminal, as the caller (a Google identity, or the development token of `make run`).

A client of the deployed functions, not part of them: never deployed (infra/terraform and
cloudbuild.yaml leave functions/cli out), and nothing deployed imports it. It imports nothing
from the rest of `functions` either, so it starts fast and talks to any deployment over HTTP.
The Makefile writes the `.venv/bin/ecd` launcher (`python -m functions.cli`).
"""
