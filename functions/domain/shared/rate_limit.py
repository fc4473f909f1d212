"""A per-client rate limit held in this process's memory: a token bucket, bounded in size.

Each client (an opaque key: functions/http/flood_limit.py hashes the address) may send `limit`
requests at once, and after that one every `window / limit` seconds: a bucket of `limit`
tokens that refills at `limit` per `window`. It is kept as the one number GCRA uses (the
"theoretical arrival time": when the bucket will be full again), so a client costs one small
entry, and an entry whose time has passed is the same as no entry and is dropped.

Memory is bounded: at most `max_clients` clients are remembered (cachetools' TLRUCache drops
the full buckets first, then the least recently seen). Forgetting a client can only make the
limit more lenient for it, never refuse a request that would have been let through.

A request may carry a token (the hash of its idempotency key): the same token seen again from
the same client within the window is a redelivery of a request let through, and is let
through again without taking another turn.

Thread-safe: one lock around each decision (a dictionary lookup and a little arithmetic).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Hashable
from typing import NamedTuple

from cachetools import TLRUCache, TTLCache

MAX_CLIENTS = 10_000  # a few MB at most; a flood from more addresses than this is not one client


class Decision(NamedTuple):
    admitted: bool
    retry_after: float = 0.0  # seconds until this client may send again (0 when admitted)
    first_refusal: bool = False  # the client's previous request was let through (log it once)


class _Bucket(NamedTuple):
    full_at: int  # ns: when the bucket will be full again (GCRA's theoretical arrival time)
    held: bool  # the last request was refused


class RateLimiter:
    """`limit` requests at once, then `limit` per `window` seconds, per client."""

    def __init__(self, limit: int, window: float, max_clients: int = MAX_CLIENTS,
                 clock: Callable[[], float] = time.monotonic):  # fmt: skip
        if limit < 1 or window <= 0:
            raise ValueError("a rate limit needs at least one request in a positive window")
        self.limit, self.window = limit, float(window)
        # Whole nanoseconds, so that sums of intervals are exact: a float sum could refuse a
        # turn that is due. Rounded down, so `limit` intervals never exceed the window.
        window_ns = round(window * 1e9)
        self._interval = window_ns // limit  # one token comes back this often
        self._tolerance = window_ns - self._interval  # how far ahead full_at may run
        self._now = lambda: round(clock() * 1e9)
        self._lock = threading.Lock()
        # An entry lives until its bucket is full again: then it says nothing any more.
        self._buckets: TLRUCache = TLRUCache(max_clients, lambda _k, bucket, _now: bucket.full_at,
                                             timer=self._now)  # fmt: skip
        self._seen: TTLCache = TTLCache(max_clients, ttl=window_ns, timer=self._now)

    def admit(self, client: Hashable, token: Hashable | None = None) -> Decision:
        """Take a turn for `client` now, or say how long until it may."""
        with self._lock:
            now = self._now()
            if token is not None and (client, token) in self._seen:
                return Decision(True)  # a redelivery of what was let through: no second turn
            bucket = self._buckets.get(client)
            full_at = max(bucket.full_at, now) if bucket else now
            # Tokens missing now: (full_at - now) / interval; one more must still fit.
            wait = full_at - now - self._tolerance
            if wait > 0:  # no token left
                self._buckets[client] = _Bucket(full_at, held=True)
                first = bucket is not None and not bucket.held
                return Decision(False, wait / 1e9, first)
            self._buckets[client] = _Bucket(full_at + self._interval, held=False)
            if token is not None:
                self._seen[(client, token)] = True
            return Decision(True)

    def __len__(self) -> int:
        """How many clients are remembered (the memory bound's measure)."""
        with self._lock:
            self._buckets.expire()
            return len(self._buckets)

    def remembered_tokens(self) -> int:
        with self._lock:
            self._seen.expire()
            return len(self._seen)
