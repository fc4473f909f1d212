"""`ecd` against the real entry points: a local server of the named ones (as under `make
run`), the tool run with --local against it, and its --json answer read back."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def ecd_against(*entry_points: str) -> Iterator[Callable]:
    """run(*args) -> the CliRunner result of `ecd --local --url <server> *args`, served by
    these entry points (each at /<name>) until the block ends."""
    from functions_framework import create_app
    from typer.testing import CliRunner
    from werkzeug.exceptions import NotFound
    from werkzeug.middleware.dispatcher import DispatcherMiddleware
    from werkzeug.serving import make_server

    from functions.cli.app import app
    from functions.devtools.serve import _at_root

    apps = {f"/{name}": _at_root(create_app(name, "main.py")) for name in entry_points}
    server = make_server("127.0.0.1", 0, DispatcherMiddleware(NotFound(), apps), threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_port}"

    def run(*args: str):
        return CliRunner().invoke(app, ["--local", "--url", url, *args])

    try:
        yield run
    finally:
        server.shutdown()


def json_answer(output: str) -> dict:
    """The tool's --json answer (indented), among the served apps' one-line JSON log lines."""
    return json.JSONDecoder().raw_decode(output[output.index("{\n") :])[0]
