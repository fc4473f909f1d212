"""Stopping a child's whole process group, and knowing when it has really gone.

`gcloud emulators firestore start` is Python running a shell script running Java: ending the
leader alone leaves Java behind, so the emulators run in their own group and stop as one.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import time
from pathlib import Path

_ZOMBIE_GRACE = 3.0  # seconds


def unwind_on_signals() -> None:
    """Make SIGINT and SIGTERM raise KeyboardInterrupt, so that the `with` blocks and
    `finally`s of the main thread stop what they started. Explicit for SIGINT too: a shell
    without job control starts `cmd &` with SIGINT ignored."""
    signal.signal(signal.SIGINT, _interrupt)
    signal.signal(signal.SIGTERM, _interrupt)


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def signal_group(pgid: int | None, sig: signal.Signals) -> None:
    """Send `sig` to every process of the group, if it still exists."""
    if pgid is None:
        return
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pgid, sig)


def wait_for_group(proc: subprocess.Popen, pgid: int | None, timeout: float) -> bool:
    """Reap the leader and wait until the group is gone; False if a live member remains.

    Orphans (Java, once gcloud and its shell script are gone) are reaped by init, here about
    a second after they exit: wait for that so that the group has really vanished on return,
    but not forever, in case this machine's init never reaps.
    """
    deadline = time.monotonic() + timeout
    with contextlib.suppress(subprocess.TimeoutExpired):
        proc.wait(timeout=timeout)
    only_zombies_since = None
    while (now := time.monotonic()) < deadline:
        if proc.poll() is not None:
            if not _group_exists(pgid):
                return True
            if _has_live_member(pgid):
                only_zombies_since = None
            elif only_zombies_since is None:
                only_zombies_since = now
            elif now - only_zombies_since > _ZOMBIE_GRACE:
                return True
        time.sleep(0.05)
    return proc.poll() is not None and not (_group_exists(pgid) and _has_live_member(pgid))


def _group_exists(pgid: int | None) -> bool:
    if pgid is None:
        return False
    try:
        os.killpg(pgid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _has_live_member(pgid: int) -> bool:
    """False when every process left in the group is a zombie (waiting for init to reap it)."""
    proc_dir = Path("/proc")
    if not proc_dir.is_dir():
        return True
    for stat in proc_dir.glob("[0-9]*/stat"):
        try:
            # "pid (comm) state ppid pgrp ..."; comm may contain spaces, so split after ")".
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[2]) == pgid and fields[0] != "Z":
            return True
    return False
