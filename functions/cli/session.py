"""Where the tool calls and as whom (from the global options), and every expected failure of a
call turned into a clear message and an exit code instead of a traceback."""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from functions.cli import auth
from functions.cli.client import AdminClient, ApiError, Unreachable, api_root
from functions.cli.output import Exit, Output, exit_for

LOOPBACK = {"127.0.0.1", "localhost", "::1"}
_HEADLINES = {401: "Not signed in", 403: "Not allowed", 404: "Not found", 409: "Conflict",
              413: "Too large", 422: "Refused", 429: "Too many requests",
              503: "The service is unavailable for now"}  # fmt: skip


def local_url(environ=os.environ) -> str:
    """Where `make run` serves the entry points (its HTTP_PORT, 8080 unless set)."""
    return f"http://127.0.0.1:{environ.get('HTTP_PORT') or 8080}"


@dataclass
class Session:
    output: Output
    base_url: str
    local: bool  # the development token, not a Google identity
    audience: str | None = None
    problem: str | None = None  # why the options name no place to call
    _client: AdminClient | None = field(default=None, repr=False)

    @property
    def api(self) -> str:
        return api_root(self.base_url)

    def client(self) -> AdminClient:
        if self._client is None:
            self._client = AdminClient(self.base_url, self._token)
        return self._client

    def get(self, path: str, **params: str) -> Any:
        return self._call(lambda client: client.get(path, **params))

    def post(self, path: str, body: dict, refused: str | None = None,
             keep: tuple[int, ...] = ()) -> Any:  # fmt: skip
        """The answer to POST path; `refused`: what a 422 means here, said before its errors;
        `keep`: statuses the command handles itself (their ApiError is raised to it)."""
        return self._call(lambda client: client.post(path, body), refused, keep)

    def _token(self) -> str:
        if self.local:
            return auth.local_token()
        return auth.google_token(self.api, self.audience)

    def _call(self, request, refused: str | None = None, keep: tuple[int, ...] = ()) -> Any:
        if self.problem:
            raise self.output.fail(Exit.USAGE, self.problem)
        try:
            return request(self.client())
        except auth.SignInProblem as problem:
            raise self.output.fail(Exit.SIGN_IN, str(problem)) from None
        except Unreachable as problem:
            raise self.output.fail(
                Exit.UNAVAILABLE, str(problem), hint=self._unreachable_hint()
            ) from None
        except ApiError as error:
            if error.status in keep:
                raise
            headline = refused if refused and error.status == 422 else self._headline(error)
            raise self.output.fail(exit_for(error.status), headline, error.errors,
                                   error.status, self._hint(error.status)) from None  # fmt: skip

    def _headline(self, error: ApiError) -> str:
        text = f"{_HEADLINES.get(error.status, 'The request failed')} (HTTP {error.status})"
        if error.retry_after:
            text += f": try again in {error.retry_after} s"
        return text

    def _hint(self, status: int) -> str | None:
        if status == 401 and self.local:
            return ("The stack refused the development token: is it `make run` (LOCAL_DEV set), "
                    "and is LOCAL_ADMIN_TOKEN the same here as there?")  # fmt: skip
        if status == 401:
            return ("The deployment must accept your token's audience: ADMIN_AUDIENCES lists "
                    f"{auth.GCLOUD_CLIENT_ID} for people signed in with `gcloud auth login`, "
                    "or the --audience a service account's token is minted for.")  # fmt: skip
        if status == 403:
            return "Ask a network administrator to add this Google account to the administrators."
        return None

    def _unreachable_hint(self) -> str:
        if self.local:
            return (f"Is `make run` running? The tool looked for it at {self.base_url} "
                    "(--url or ECD_URL say where else).")  # fmt: skip
        return "Check the --url (https://REGION-PROJECT.cloudfunctions.net) and your network."


def check_url(url: str, local: bool) -> str | None:
    """Why url cannot be called, if it cannot: a Google identity is never sent in the clear."""
    parts = urlsplit(url.strip())
    if parts.scheme not in {"http", "https"} or not parts.hostname:
        return f"--url must be an http(s) URL, not {url!r}"
    if parts.scheme == "http" and not local and parts.hostname not in LOOPBACK:
        return "--url must be https: the tool never sends a Google identity unencrypted"
    return None
