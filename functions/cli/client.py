"""HTTP calls to the admin_api entry point, as the caller (`Authorization: Bearer <token>`).

Every operation lives under <base URL>/admin_api (Cloud Functions and `make run` share the
path scheme), answers JSON (or text, for a file to download), and refuses with
{"errors": [{"field", "message"}]} and a status: 401/403 sign-in, 404 no such thing, 422 bad
input, 503 try later. Those become ApiError; no answer at all becomes Unreachable.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import urlsplit

import requests

API = "admin_api"
CONNECT_TIMEOUT = 10.0
# An import of a few thousand rows is checked and written in one request.
READ_TIMEOUT = 300.0


class ApiError(Exception):
    """The API answered with an error status; errors are its [{field, message, ...}]."""

    def __init__(self, status: int, errors: list[dict], retry_after: str | None = None,
                 body: Any = None):  # fmt: skip
        super().__init__(f"HTTP {status}")
        self.status = status
        self.errors = errors
        self.retry_after = retry_after
        self.body = body  # the whole answer (a 409 of the import carries the plan as it is now)


class Unreachable(Exception):
    """No answer from the API: refused connection, unknown host, TLS failure, timeout."""


def api_root(base_url: str) -> str:
    """<base>/admin_api; a URL that already ends in /admin_api (a function's own URL) as is."""
    base = base_url.strip().rstrip("/")
    return base if base.endswith(f"/{API}") else f"{base}/{API}"


class AdminClient:
    """The admin API at base_url, calling with the token `token()` gives (asked once, when the
    first call is made: `ecd --help` never runs gcloud)."""

    def __init__(
        self,
        base_url: str,
        token: Callable[[], str],
        *,
        session: requests.Session | None = None,
        timeout: float = READ_TIMEOUT,
    ):
        self.root = api_root(base_url)
        self.base = self.root.removesuffix(f"/{API}")
        self._token_source = token
        self._token: str | None = None
        self._session = session or requests.Session()
        self._timeout = timeout

    def get(self, path: str, **params: str) -> Any:
        return self._call("GET", path, params=params or None)

    def post(self, path: str, body: dict) -> Any:
        return self._call("POST", path, body=body)

    def upload(self, function: str, data: bytes, **params: str) -> Any:
        """POST a file as the body to another administrators' entry point beside admin_api
        (import_attendance), with the same token and answers."""
        return self._call("POST", "", params=params, data=data, url=f"{self.base}/{function}")

    def _call(self, method: str, path: str, *, params=None, body=None, data=None,
              url: str | None = None) -> Any:  # fmt: skip
        if self._token is None:
            self._token = self._token_source()
        url = url or self.root + path
        headers = {"Authorization": f"Bearer {self._token}", "Accept": "application/json"}
        try:
            response = self._session.request(
                method, url, params=params, json=body, data=data, headers=headers,
                timeout=(CONNECT_TIMEOUT, self._timeout), allow_redirects=False,
            )  # fmt: skip
        except requests.Timeout:
            raise Unreachable(f"{_host(url)} gave no answer in time ({method} {path})") from None
        except requests.exceptions.SSLError as error:
            raise Unreachable(f"{_host(url)}: the TLS connection failed ({error})") from None
        except requests.ConnectionError:
            raise Unreachable(f"Could not connect to {_host(url)} ({method} {path})") from None
        except requests.RequestException as error:
            raise Unreachable(f"{method} {url} failed: {error}") from None
        return _answer(response)


def _host(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


def _answer(response: requests.Response) -> Any:
    body = _body(response)
    status = response.status_code
    if 300 <= status < 400:
        where = response.headers.get("Location", "elsewhere")
        raise ApiError(status, [{"field": "url", "message": f"The server redirected to {where}: "
                                 "give the functions' base URL with --url"}])  # fmt: skip
    if status >= 400:
        errors = body.get("errors") if isinstance(body, dict) else None
        if not isinstance(errors, list) or not errors:
            text = body if isinstance(body, str) else ""
            detail = " ".join(text.split())[:200]
            message = f"HTTP {status} {response.reason or ''}".strip()
            errors = [{"field": "", "message": f"{message}: {detail}" if detail else message}]
        raise ApiError(status, errors, response.headers.get("Retry-After"), body)
    return body


def _body(response: requests.Response) -> Any:
    if response.headers.get("Content-Type", "").startswith("application/json"):
        try:
            return response.json()
        except ValueError:
            pass
    return response.text
