"""The traffic of one bench/load.py run: an open loop (each delivery leaves on its own clock,
whether or not the ones before were answered), as parents do not wait for each other.

- Submissions: `rate` a second for `seconds`, in turn the web form, the JSON API and the
  Google Form. One in ten is a duplicate delivery: half of them sent at the same moment as
  their first sending (a double tap, the script's retry racing its first try), half a few
  seconds after it (a refresh, a redelivery).
- Forum registrations: every BURST_EVERY seconds, a burst of people who opened the form
  register at the same moment, for a forum with fewer places than people (a quarter); one in
  ten of them sends twice at once.
- The baseline: the bare endpoint, at a quarter of the rate, over the same time.
- The fault: in the middle of the run the Firestore emulator is paused for `pause` seconds.

A helper, not a benchmark.
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from _load_clients import Answer, Clients, Delivery, Http, address

CHANNELS = ("web_form", "api", "google_form")
BURST_EVERY = 2.0
LATER = 3.0  # seconds after its first sending, a late duplicate is sent
WORKERS = 600


@dataclass
class Traffic:
    """What was sent and what came back."""

    submissions: list[Delivery] = field(default_factory=list)
    registrations: list[Delivery] = field(default_factory=list)
    baseline: list[Answer] = field(default_factory=list)
    duplicates_sent: int = 0
    fault: tuple[float, float] = (0.0, 0.0)  # monotonic start and end of the pause
    began: float = 0.0
    ended: float = 0.0


def registrations_planned(rate: int, seconds: int) -> int:
    return int(seconds / BURST_EVERY) * burst_size(rate)


def burst_size(rate: int) -> int:
    return max(2, rate // 5)


def run(stack, forum_id: str, rate: int, seconds: int, pause: float) -> Traffic:
    clients, traffic = Clients(stack.port, forum_id), Traffic()
    numbers = iter(range(10**9))
    lock = threading.Lock()

    def delivery(channel: str) -> Delivery:
        with lock:
            n = next(numbers)
        return Delivery(channel, n, address(n), f"load-{n:06d}",
                        f"parent.{n:06d}@load.example.org")  # fmt: skip

    def twice_at_once(item: Delivery) -> None:
        clients.prepare(item)  # the same opened form, sent twice
        other = threading.Thread(target=clients.send, args=(item,))
        other.start()
        clients.send(item)
        other.join()

    def later(item: Delivery) -> None:
        clients.send(item)
        time.sleep(LATER)
        clients.send(item)

    def registration_burst(items: list[Delivery]) -> None:
        for item in items:
            clients.prepare(item)
        barrier = threading.Barrier(len(items))

        def go(item: Delivery, index: int) -> None:
            barrier.wait()
            (twice_at_once if index % 10 == 9 else clients.send)(item)

        threads = [threading.Thread(target=go, args=(item, i)) for i, item in enumerate(items)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    bare = Http(stack.baseline_port)

    def baseline() -> None:
        status, named, _, began, took, error = bare(
            "POST", "/", "127.0.0.1", b"{}", {"Content-Type": "application/json"}
        )
        retry = (named.get("retry-after") or [None])[0]
        with lock:
            traffic.baseline.append(Answer("baseline", "submit", status, retry, began, took, error))

    events = []  # (offset in seconds, what to do)
    for i in range(rate * seconds):
        channel = CHANNELS[i % len(CHANNELS)]
        item = delivery(channel)
        traffic.submissions.append(item)
        if i % 10 == 9:
            traffic.duplicates_sent += 1
            events.append((i / rate, twice_at_once if (i // 10) % 2 == 0 else later, item))
        else:
            events.append((i / rate, clients.send, item))
    people, registrations = burst_size(rate), registrations_planned(rate, seconds)
    for burst in range(registrations // people):
        items = [delivery("forum") for _ in range(people)]
        traffic.registrations += items
        events.append((burst * BURST_EVERY + BURST_EVERY / 2, registration_burst, items))
    base_rate = max(1, rate // 4)
    events += [(i / base_rate + 0.5 / base_rate, lambda _: baseline(), None)
               for i in range(base_rate * seconds)]  # fmt: skip
    events.sort(key=lambda event: event[0])

    fault_at = max(0.0, seconds / 2 - pause / 2)
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        traffic.began = start = time.monotonic()
        fault = threading.Thread(target=_pause, args=(stack, start + fault_at, pause, traffic))
        if pause > 0:
            fault.start()
        futures = []
        for offset, action, item in events:
            delay = start + offset - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            futures.append(pool.submit(action, item))
        if pause > 0:
            fault.join()
        wait(futures)
        traffic.ended = time.monotonic()
        for future in futures:
            future.result()  # a client's own bug must not pass unseen
    return traffic


def _pause(stack, at: float, seconds: float, traffic: Traffic) -> None:
    time.sleep(max(0.0, at - time.monotonic()))
    began = time.monotonic()
    with stack.firestore_paused():
        time.sleep(seconds)
    traffic.fault = (began, time.monotonic())
