"""The flood limit at intake's front door: the feedback form's POST and submit_feedback.

Who the client is. On Cloud Functions (2nd gen, served by Cloud Run) every request comes
through Google's front end, which appends the address it saw to X-Forwarded-For. What stands
to the left of it came from the client and can say anything, so the client is the RIGHTMOST
entry (FORWARDED_FOR_SKIP entries further left behind a load balancer of our own, which
appends its address after the client's). Locally (LOCAL_DEV) nothing stands in front of the
server: the socket's remote address. An IPv6 client is its /64, the block one home or phone
is given (it can pick any address inside it). The address is only ever held as a salted
hash (HMAC with a random per-process key), in memory; it is never logged nor stored.

Where the count lives: in each instance's memory (functions/domain/shared/rate_limit.py, a
token bucket: FLOOD_LIMIT_SUBMISSIONS at once, then that many per FLOOD_LIMIT_WINDOW_SECONDS).
It costs a parent's submission nothing (no read, no write: intake stays one commit) and a
flood costs no storage at all. The price: each instance counts alone, so with N instances
up a client could get N times the limit. That is acceptable here: a flood from one address
is served by the few warm instances it keeps busy (each request takes a fraction of a
second); the instances are capped (Terraform's max_instances, 10 by default), so the worst
case is bounded (10 × 60 at once, then 10 a minute); and a counter in Firestore would put a
read and a write on every parent's submission, and a write or a contended document on every
request of a flood, to close a gap a flood from many addresses walks past anyway. What
reaches a stranger, the acknowledgements, is capped network-wide in Firestore
(functions/domain/mail/acknowledgement_cap.py).

A redelivery is not counted twice: a request carrying the idempotency key of one let through
takes no second turn on that instance; and when a client is held, a request whose key
already made a case is let through uncounted, so it gets the first case's answer (200, or
the form's thanks page) instead of a 429.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import math
import secrets

from flask import Request, Response

from functions import logs, wiring
from functions.config import Settings, get_settings
from functions.domain.shared.validation import FieldError
from functions.domain.shared.vocabulary import Source
from functions.http.answers import json_errors
from functions.services.intake.recording import idempotency_key

# Keys the in-memory count by address without holding the address; never leaves the process.
_SALT = secrets.token_bytes(16)


def client_address(request: Request, settings: Settings) -> str:
    """The address of the client that sent this request (see the module's docstring)."""
    if not settings.local_dev:
        forwarded = ",".join(request.headers.getlist("X-Forwarded-For")).split(",")
        entries = [entry.strip() for entry in forwarded if entry.strip()]
        if entries:
            return entries[max(0, len(entries) - 1 - settings.forwarded_for_skip)]
    return request.remote_addr or "unknown"


def client_key(address: str) -> bytes:
    """The address as the limit knows it: its salted hash (an IPv6 address by its /64)."""
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        named = address[:100]
    else:
        if ip.version == 6 and ip.ipv4_mapped is not None:
            ip = ip.ipv4_mapped
        named = str(ipaddress.ip_network(f"{ip}/64", strict=False) if ip.version == 6 else ip)
    return hmac.new(_SALT, named.encode(), hashlib.sha256).digest()[:16]


def held_for(request: Request, entry_point: str, source: Source,
             raw_key: str | None) -> int | None:  # fmt: skip
    """Take this submission's turn: None to go ahead, or the seconds its client must wait.

    `raw_key` is the submission's idempotency key as intake will use it (the API's header;
    the form's instance and answers), so a redelivery is recognised.
    """
    limiter = wiring.flood_limiter()
    if limiter is None:
        return None
    client = client_key(client_address(request, get_settings()))
    key = idempotency_key(source, raw_key) if raw_key else None
    decision = limiter.admit(client, key)
    if decision.admitted or (key is not None and _recorded(key)):
        return None
    seconds = max(1, math.ceil(decision.retry_after))
    if decision.first_refusal:
        logs.flood_held(entry_point, seconds, client.hex()[:8])
    return seconds


def _recorded(key: str) -> bool:
    """Whether a case was made under this (hashed) idempotency key: one read, only for a
    held request that carries a key."""
    marker, _ = wiring.dependencies().transactions.run(lambda unit: unit.markers.get(key))
    return marker is not None


def too_many_json(seconds: int) -> Response:
    """The JSON API's 429: how long to wait, in the header and in words."""
    message = f"Too many submissions from this connection; please try again in {seconds} seconds"
    return json_errors(429, [FieldError("submissions", message)], retry_after(seconds))


def retry_after(seconds: int) -> dict[str, str]:
    return {"Retry-After": str(seconds)}
