"""GET /admin_api/whoami: who the caller is signed in as, and over what (the `ecd` tool's
first call, and a quick check that a token works)."""

from __future__ import annotations

from flask import Request, Response

from functions.http.answers import json_response
from functions.http.callers import caller


def whoami(request: Request, body) -> Response:
    """{email, name, region_id (null: the whole network), scope ("network" or "region")}."""
    administrator = caller(request)
    return json_response({
        "email": administrator.email, "name": administrator.name,
        "region_id": administrator.region_id,
        "scope": "network" if administrator.whole_network else "region",
    })  # fmt: skip
