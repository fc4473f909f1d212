"""Load with faults: the real stack under parents' traffic while Firestore stops answering.

`rate` submissions a second for `seconds`, across the web form (with its CSRF token and
cookie, as a browser), the JSON API and the Google Form path (signed, as the Apps Script),
one in ten a duplicate delivery (some at the same moment as the first); forum registrations
racing for a small forum's last places; and, in the middle, the Firestore emulator paused for
`pause` seconds. Served as deployed: gunicorn with functions-framework's settings, the Cloud
Tasks emulator calling deliver_email back, mail to an SMTP sink (bench/_load_stack.py;
the traffic in bench/_load_traffic.py and bench/_load_clients.py).

Afterwards (bench/_load_checks.py): every 2xx has exactly one case or registration, no
duplicate made a second, every failure was a 503 or 429 with Retry-After (or a 4xx), no
other 5xx, places never overbooked, and every mail owed went out exactly once. Printed:
requests by answer, lost and duplicated, throughput, p50/p99 latency against a bare
functions-framework endpoint measured in the same run (bench/_bare_function.py), and the
serving process's peak memory. Exit code 1 when an invariant fails (tests/integration/
test_load_short.py runs a short one), 0 otherwise.

    .venv/bin/python -m bench.load [--rate 20] [--seconds 300] [--pause 10] [--json]
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))  # as a script, or with -m

from _common import main, progress  # noqa: E402
from _load_report import invariants_hold, report, summary  # noqa: E402


def run(rate: int, seconds: int, pause: int, firestore_timeout: int = 0) -> dict:
    import _load_checks
    import _load_traffic
    from _load_stack import Stack

    capacity = max(3, _load_traffic.registrations_planned(rate, seconds) // 4)
    with Stack(firestore_timeout) as stack:
        forum_id = stack.seed(capacity)
        progress(f"seeded; {rate * seconds} submissions over {seconds} s begin")
        traffic = _load_traffic.run(stack, forum_id, rate, seconds, pause)
        progress("traffic done; draining the mail")
        drained = _load_checks.drain(stack)
        progress(f"drained in {drained['seconds']} s; checking")
        checks = _load_checks.check(stack, traffic, forum_id, capacity)
        peak = stack.peak_rss_mib()
        events = stack.server_events()
        log = stack.server_log()
        progress("checked; stopping the stack")
    progress("stopped")
    result = summary(traffic, checks, rate, seconds, pause) | {
        "drain": drained, "peak_rss_mib": peak, "server": events,
        "firestore_timeout": firestore_timeout or "default",
        # Other work on the machine shows in the latencies: say how busy it was.
        "load_average_1min": round(os.getloadavg()[0], 2),
    }  # fmt: skip
    if not invariants_hold(result):
        result["server_log_tail"] = log
    return result


def _exit_code(result: dict) -> int:
    return 0 if invariants_hold(result) else 1


if __name__ == "__main__":
    from functions.devtools.process_group import unwind_on_signals

    unwind_on_signals()  # Ctrl-C or SIGTERM still stops the stack (emulators, servers)
    outcome: dict = {}

    def keep(result: dict) -> None:
        outcome.update(result)
        report(result)

    def run_kept(**options) -> dict:
        result = run(**options)
        outcome.update(result)
        return result

    main(
        __doc__,
        run_kept,
        keep,
        rate=(20, "submissions a second"),
        seconds=(300, "seconds of traffic"),
        pause=(10, "seconds Firestore is paused"),
        firestore_timeout=(0, "FIRESTORE_TIMEOUT_SECONDS of the service; 0: its own, 10"),
    )
    sys.exit(_exit_code(outcome) if outcome else 1)
