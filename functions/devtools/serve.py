"""One WSGI app serving every entry point of main.py at /<entry_point>, as deployed.

Each entry point gets its own `functions_framework.create_app(target=name, source=source)`,
so routing, error pages and request handling equal those of a deployed function.

Calling create_app several times in one process works, with three side effects handled here:
- it re-executes main.py into a fresh module each time (and replaces sys.modules["main"]);
  harmless because main.py only re-exports: the modules it imports load once and are shared,
  so cached clients (functools.cache factories) are shared across entry points too;
- it writes FUNCTION_TARGET and FUNCTION_SIGNATURE_TYPE into os.environ, and the next call reads
  FUNCTION_SIGNATURE_TYPE back as its default: restored after each call so one entry point's
  type never leaks into the next (nor into the rest of the process);
- it appends the source directory to sys.path on every call: duplicates are dropped.
One thing is not handled: `functions_framework.errorhandler` points at the last app built, so a
handler registered by a module imported once would attach to the first app only. We use none.
"""

from __future__ import annotations

import html
import os
import re
import sys
from collections.abc import Iterable
from pathlib import Path

import flask
import functions_framework
from functions_framework import _function_registry
from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import WSGIRequestHandler
from werkzeug.wrappers import Request, Response

_FF_ENV = ("FUNCTION_TARGET", "FUNCTION_SIGNATURE_TYPE")
_QUERY = re.compile(r"(/[^\s?\"']*)\?[^\s\"']*")


def entry_points(source: str = "main.py") -> list[str]:
    """The names in `__all__` of the source file, loaded the way functions_framework loads it."""
    module, spec = _function_registry.load_function_module(source)
    spec.loader.exec_module(module)
    names = getattr(module, "__all__", None)
    if not names:
        raise RuntimeError(f"{source} has no __all__ listing its entry points")
    return list(names)


def build_dev_app(source: str = "main.py"):
    """A WSGI app with each entry point of `source` at /<name>, and an index at /."""
    source = str(Path(source).resolve())
    names = entry_points(source)
    mounts = {f"/{name}": _at_root(_create_app(name, source)) for name in names}
    return DispatcherMiddleware(_index_app(names), mounts)


def _create_app(target: str, source: str) -> flask.Flask:
    saved_env = {key: os.environ.get(key) for key in _FF_ENV}
    try:
        app = functions_framework.create_app(target=target, source=source)
    finally:
        for key, value in saved_env.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
        sys.path[:] = list(dict.fromkeys(sys.path))
    if not isinstance(app, flask.Flask):
        raise TypeError(f"{target} is an ASGI function; the dev server serves WSGI only")
    return app


def _at_root(app):
    # DispatcherMiddleware leaves PATH_INFO empty for "/<name>", and Flask would answer 308 to
    # "/<name>/"; a deployed function sees "/" there, and a redirected POST is no POST.
    def wsgi(environ, start_response):
        environ["PATH_INFO"] = environ.get("PATH_INFO") or "/"
        return app(environ, start_response)

    return wsgi


def _index_app(names: Iterable[str]):
    items = "".join(
        f'<li><a href="/{html.escape(name)}">{html.escape(name)}</a></li>' for name in names
    )
    page = (
        "<!doctype html><html lang=en><meta charset=utf-8><title>Entry points</title>"
        f"<h1>Entry points</h1><ul>{items}</ul></html>"
    )

    @Request.application
    def index(request: Request) -> Response:
        if request.path != "/":
            return NotFound()
        return Response(page, content_type="text/html; charset=utf-8")

    return index


class PathOnlyRequestHandler(WSGIRequestHandler):
    """Logs method, path and status only: query strings carry secret tokens (status links)."""

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        path = getattr(self, "path", "").split("?", 1)[0]
        self.log("info", "%s %s %s", getattr(self, "command", "-"), path, code)

    def log(self, type: str, message: str, *args: object) -> None:
        # Other messages (e.g. "Bad request syntax (...)") may quote a whole request line.
        text = message % args if args else message
        super().log(type, "%s", _QUERY.sub(r"\1?[query hidden]", text))
