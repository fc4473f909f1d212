"""bench/load.py, short: a few seconds of every intake path, duplicates and forum registrations
racing for a small forum's places, with the Firestore emulator paused (SIGSTOP) for 2 s in
the middle and the service's Firestore timeout at 1 s, so that it answers 503 meanwhile. The
same invariants as the 5-minute run: every 2xx has exactly one case or registration, no
duplicate made a second, every failure a 503 or 429 with Retry-After, no other 5xx, places
never overbooked, every mail owed sent exactly once.

Run as the bench is run, in a process of its own: it starts its own emulators (it pauses its
Firestore, which the other tests must not see) and its own serving process.
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from functions.devtools.emulators import REPO_ROOT

pytestmark = pytest.mark.long
# About 20 s on a quiet machine; a whole stack started on a busy one (two Java emulators at
# once) takes longer. The run's own limit stops it first, so its progress is shown.
RUN_LIMIT = 360


@pytest.mark.timeout(RUN_LIMIT + 90)
def test_a_short_load_with_firestore_paused_keeps_every_promise():
    run = subprocess.Popen(
        [sys.executable, "-m", "bench.load", "--rate", "6", "--seconds", "6", "--pause", "2",
         "--firestore_timeout", "1", "--json"],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        stdout, stderr = run.communicate(timeout=RUN_LIMIT)
    except subprocess.TimeoutExpired:
        run.terminate()  # it stops its stack on the way out
        try:
            stdout, stderr = run.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            run.kill()
            stdout, stderr = run.communicate()
        pytest.fail(f"the short load ran over {RUN_LIMIT} s; its progress:\n{stderr[-3000:]}")
    assert stdout.strip(), stderr[-3000:]
    result = json.loads(stdout)
    shown = json.dumps({k: v for k, v in result.items() if k != "server_log_tail"}, indent=1)
    assert run.returncode == 0, f"{shown}\n{result.get('server_log_tail', '')}"
    # It did what it says: every channel, duplicates, a race, the pause, mail.
    assert result["submissions_answered"] == result["submissions"] == 36, shown
    assert result["duplicates_sent"] == 3 and result["fault_seconds"] >= 2, shown
    assert result["cases"] == 36 and result["lost"] == result["duplicated"] == 0, shown
    registrations = result["registrations"]
    assert registrations["registered"] == registrations["capacity"] == 3, shown
    assert registrations["waitlisted"] == registrations["people"] - 3 > 0, shown
    answers = result["answers"]
    assert answers["503"] > 0 and answers["without_retry_after"] == 0, shown  # refused, retried
    assert answers["5xx_not_503"] == 0 and result["mail"]["received_twice"] == 0, shown
    assert result["mail"]["smtp_accepted"] == result["mail"]["outbox"] > 36, shown
