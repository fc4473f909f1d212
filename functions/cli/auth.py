"""Who the tool signs in as: the development token (the local stack), or a Google ID token.

The deployed admin_api accepts a Google-signed ID token whose email is on the administrators'
allow-list and whose audience is one it is configured for (ADMIN_AUDIENCES, and the admin
sign-in's GOOGLE_OAUTH_CLIENT_ID). The token comes from, in this order:
- GOOGLE_APPLICATION_CREDENTIALS set (a service account's key file): google-auth mints a token
  for the audience given with --audience / ECD_AUDIENCE, by default the admin_api URL itself;
- otherwise `gcloud auth print-identity-token`, as whoever ran `gcloud auth login`. For a
  person, Google always sets the audience to gcloud's own OAuth client id (GCLOUD_CLIENT_ID
  below, the same for everyone): the deployment must list it in ADMIN_AUDIENCES. An audience
  of one's choice (--audience) is only possible for a service account (gcloud refuses it for
  a person's account).
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping

DEFAULT_LOCAL_TOKEN = "local-admin-token"  # functions/config.py, Settings.local_admin_token
# gcloud's OAuth client id: the audience of every `gcloud auth print-identity-token` token of
# a person's account (googlecloudsdk/core/config.py, CLOUDSDK_CLIENT_ID).
GCLOUD_CLIENT_ID = "32555940559.apps.googleusercontent.com"
GCLOUD_TIMEOUT = 60.0


class SignInProblem(Exception):
    """No identity token could be had; the message says what to do."""


def local_token(environ: Mapping[str, str] = os.environ) -> str:
    """The development token `make run` honours (LOCAL_ADMIN_TOKEN, as the server reads it)."""
    return environ.get("LOCAL_ADMIN_TOKEN", "").strip() or DEFAULT_LOCAL_TOKEN


def google_token(api_url: str, audience: str | None,
                 environ: Mapping[str, str] = os.environ) -> str:  # fmt: skip
    """The caller's Google ID token for the admin API at api_url."""
    if environ.get("GOOGLE_APPLICATION_CREDENTIALS"):
        return _service_account_token(audience or api_url)
    return _gcloud_token(audience, environ)


def _service_account_token(audience: str) -> str:
    import google.auth.exceptions
    import google.auth.transport.requests
    import google.oauth2.id_token

    try:
        request = google.auth.transport.requests.Request()
        return google.oauth2.id_token.fetch_id_token(request, audience)
    except google.auth.exceptions.GoogleAuthError as error:
        raise SignInProblem(
            "google-auth could not get an identity token with the key file in "
            f"GOOGLE_APPLICATION_CREDENTIALS (audience {audience}): {_first_line(error)}"
        ) from None


def _gcloud_token(audience: str | None, environ: Mapping[str, str]) -> str:
    gcloud = shutil.which("gcloud", path=environ.get("PATH"))
    if gcloud is None:
        raise SignInProblem(
            "The Google Cloud CLI (gcloud) is not installed, and it is what signs you in: "
            "install it and run `gcloud auth login`, or set GOOGLE_APPLICATION_CREDENTIALS to "
            "a service account's key file. Against `make run`, use --local."
        )
    command = [gcloud, "auth", "print-identity-token", "--quiet"]
    if audience:
        command.append(f"--audiences={audience}")
    try:
        done = subprocess.run(command, capture_output=True, text=True, timeout=GCLOUD_TIMEOUT,
                              env=dict(environ), stdin=subprocess.DEVNULL)  # fmt: skip
    except subprocess.TimeoutExpired:
        raise SignInProblem("gcloud gave no identity token within a minute") from None
    token = done.stdout.strip()
    if done.returncode != 0 or not token:
        said = _gcloud_said(done.stderr)
        raise SignInProblem(
            f"gcloud could not give an identity token ({said}). Sign in with "
            "`gcloud auth login` (a person) or `gcloud auth activate-service-account` and "
            "try again."
        )
    return token


def _gcloud_said(stderr: str) -> str:
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    said = lines[0] if lines else "no reason given"
    return said.removeprefix("ERROR: (gcloud.auth.print-identity-token)").strip()[:300]


def _first_line(error: Exception) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0][:300]
