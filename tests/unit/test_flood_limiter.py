"""The flood limit's parts without I/O: the per-client token bucket (its window, its memory
bound, its lock) and how a request's client is told from X-Forwarded-For."""

from __future__ import annotations

import sys
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from flask import Request
from werkzeug.test import EnvironBuilder

from functions.config import Settings
from functions.domain.shared.rate_limit import RateLimiter
from functions.http.flood_limit import client_address, client_key

DEFAULTS = Settings()


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def limiter(limit=DEFAULTS.flood_limit_submissions, window=DEFAULTS.flood_limit_window_seconds,
            **options) -> tuple[RateLimiter, Clock]:  # fmt: skip
    clock = Clock()
    return RateLimiter(limit, window, clock=clock, **options), clock


# ----------------------------------------------------------------------------- the window


def test_a_burst_of_the_limit_then_one_per_interval():
    bucket, clock = limiter(limit=5, window=60)  # 5 at once, then one every 12 s
    assert all(bucket.admit("a").admitted for _ in range(5))
    held = bucket.admit("a")
    assert not held.admitted and held.retry_after == pytest.approx(12)
    clock.now += 11.9
    assert not bucket.admit("a").admitted
    clock.now += 0.1
    assert bucket.admit("a").admitted and not bucket.admit("a").admitted
    clock.now += 60  # a whole window quiet: the whole burst is back
    assert sum(bucket.admit("a").admitted for _ in range(10)) == 5


def test_retry_after_is_when_the_next_request_is_let_through():
    bucket, clock = limiter(limit=3, window=30)
    for _ in range(3):
        bucket.admit("a")
    wait = bucket.admit("a").retry_after
    clock.now += wait - 0.01
    assert not bucket.admit("a").admitted
    clock.now += 0.01
    assert bucket.admit("a").admitted


def test_a_shared_connection_sending_thirty_in_ten_minutes_is_never_held():
    bucket, clock = limiter()  # the defaults
    for _ in range(30):
        assert bucket.admit("centre wifi").admitted
        clock.now += 20  # thirty, within ten minutes
    for _ in range(30):  # and thirty more in the same hour, after a second meeting
        assert bucket.admit("centre wifi").admitted
        clock.now += 1


def test_a_flood_of_hundreds_a_minute_is_held_to_the_limit():
    bucket, clock = limiter()
    admitted = 0
    for _ in range(1000):  # ten minutes at a hundred a minute
        admitted += bucket.admit("flood").admitted
        clock.now += 0.6
    # The burst, then one a minute (the defaults: 60 at once, then 60 an hour).
    assert DEFAULTS.flood_limit_submissions < admitted <= DEFAULTS.flood_limit_submissions + 10
    bucket.admit("flood")
    held = bucket.admit("flood")
    assert not held.admitted and 0 < held.retry_after <= 60


@pytest.mark.parametrize("now", [0.0, 12345.678, 9_876_543.21])
def test_a_due_turn_is_never_refused_for_a_rounding_error(now):
    for limit, window in [(1, 3600), (3, 10), (60, 3600.0), (7, 0.3)]:
        bucket = RateLimiter(limit, window, clock=lambda: now)
        assert sum(bucket.admit("a").admitted for _ in range(limit + 1)) == limit


def test_each_client_has_its_own_bucket():
    bucket, _ = limiter(limit=2, window=60)
    assert [bucket.admit("a").admitted for _ in range(3)] == [True, True, False]
    assert [bucket.admit("b").admitted for _ in range(2)] == [True, True]


def test_a_refusal_is_reported_first_once_per_hold():
    bucket, clock = limiter(limit=1, window=10)
    bucket.admit("a")
    assert [bucket.admit("a").first_refusal for _ in range(3)] == [True, False, False]
    clock.now += 10
    assert bucket.admit("a").admitted
    assert bucket.admit("a").first_refusal


def test_a_redelivered_token_takes_no_second_turn():
    bucket, _ = limiter(limit=2, window=60)
    assert all(bucket.admit("a", token="key-1").admitted for _ in range(10))
    assert bucket.admit("a", token="key-2").admitted
    assert not bucket.admit("a", token="key-3").admitted
    assert bucket.admit("a", token="key-1").admitted  # still a redelivery
    assert not bucket.admit("a", token="key-3").admitted  # a refused token is not remembered
    assert bucket.admit("b", token="key-3").admitted  # another client, its own bucket


def test_a_limit_needs_a_request_and_a_window():
    with pytest.raises(ValueError):
        RateLimiter(0, 60)
    with pytest.raises(ValueError):
        RateLimiter(5, 0)


# --------------------------------------------------------------------------- memory bound


def test_memory_is_bounded_by_the_number_of_clients_remembered():
    bucket, clock = limiter(limit=5, window=60, max_clients=1000)
    for n in range(20_000):
        bucket.admit(f"client-{n}", token=f"key-{n}")
    assert len(bucket) == 1000 and bucket.remembered_tokens() == 1000
    clock.now += 60  # every bucket full again: nothing left worth remembering
    assert len(bucket) == 0 and bucket.remembered_tokens() == 0


def test_a_client_forgotten_under_pressure_is_treated_more_leniently_never_less():
    bucket, _ = limiter(limit=1, window=3600, max_clients=10)
    bucket.admit("flood")
    assert not bucket.admit("flood").admitted
    for n in range(10):
        bucket.admit(f"other-{n}")
    assert bucket.admit("flood").admitted


# ------------------------------------------------------------------------- thread safety


def test_concurrent_requests_never_get_more_than_the_limit():
    bucket, _ = limiter(limit=100, window=3600)  # the clock stands still: no refill
    start = threading.Barrier(16)

    def send(_):
        start.wait()
        return sum(bucket.admit("one client").admitted for _ in range(200))

    switch = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads as often as possible, to make races likely
    try:
        with ThreadPoolExecutor(16) as pool:
            admitted = sum(pool.map(send, range(16)))
    finally:
        sys.setswitchinterval(switch)
    assert admitted == 100


def test_concurrent_clients_fill_the_memory_no_further_than_its_bound():
    bucket, _ = limiter(limit=3, window=60, max_clients=500)

    def send(worker):
        for n in range(2000):
            bucket.admit(f"{worker}-{n}", token=n)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(send, range(8)))
    assert len(bucket) == 500 and bucket.remembered_tokens() == 500


# ------------------------------------------------------------------ who the client is


def request(remote="10.1.2.3", forwarded: list[str] | None = None) -> Request:
    headers = [("X-Forwarded-For", value) for value in forwarded or []]
    builder = EnvironBuilder(method="POST", headers=headers,
                             environ_base={"REMOTE_ADDR": remote})  # fmt: skip
    return Request(builder.get_environ())


def test_on_cloud_run_the_client_is_the_entry_google_appended():
    # Google's front end appends the address it saw; what the client sent stays to its left.
    forged = request(forwarded=["1.1.1.1, 6.6.6.6, 203.0.113.7"])
    assert client_address(forged, DEFAULTS) == "203.0.113.7"
    assert client_address(request(forwarded=["203.0.113.7"]), DEFAULTS) == "203.0.113.7"
    two_headers = request(forwarded=["6.6.6.6", "203.0.113.7"])
    assert client_address(two_headers, DEFAULTS) == "203.0.113.7"


def test_behind_a_load_balancer_its_own_entry_is_passed_over():
    behind = Settings(forwarded_for_skip=1)
    forged = request(forwarded=["6.6.6.6, 203.0.113.7, 34.120.0.1"])
    assert client_address(forged, behind) == "203.0.113.7"
    assert client_address(request(forwarded=["203.0.113.7"]), behind) == "203.0.113.7"


def test_locally_the_socket_address_is_the_client_whatever_the_header_says():
    local = Settings(local_dev=True)
    assert client_address(request("127.0.0.1", ["203.0.113.7"]), local) == "127.0.0.1"
    assert client_address(request("10.9.8.7"), DEFAULTS) == "10.9.8.7"  # no header at all


def test_the_key_is_a_hash_never_the_address():
    key = client_key("203.0.113.7")
    assert isinstance(key, bytes) and len(key) == 16
    assert b"203.0.113.7" not in key and b"\xcb\x00\x71\x07" not in key  # nor its bytes
    assert key == client_key("203.0.113.7") != client_key("203.0.113.8")


def test_an_ipv6_client_is_its_64_block():
    one = client_key("2001:db8:1:2:aaaa::1")
    assert one == client_key("2001:db8:1:2:ffff:ffff:ffff:ffff")
    assert one != client_key("2001:db8:1:3::1")
    assert client_key("::ffff:203.0.113.7") == client_key("203.0.113.7")
    assert client_key("not an address") != client_key("another")
