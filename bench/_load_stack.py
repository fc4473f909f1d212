"""The real stack bench/load.py loads, started for one run and stopped after it.

A Firestore emulator and a Cloud Tasks emulator (their queues from infra/queues.yaml, calling
deliver_email back over HTTP, as Cloud Tasks does); an SMTP sink (aiosmtpd) that the service
delivers to with MAIL_TRANSPORT=smtp; every entry point of main.py served by gunicorn in a
subprocess (bench/_load_server.py); and, as the baseline, a bare functions-framework endpoint
(bench/_bare_function.py: validate a body, write one document) in a subprocess of its own.

The Firestore emulator can be paused (SIGSTOP to its whole process group: gcloud, its shell
and Java) and resumed (SIGCONT): every open connection hangs, as when Firestore stops
answering. A helper, not a benchmark.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import signal
import subprocess
import tempfile
import threading
import time
import uuid
from collections import Counter
from datetime import timedelta
from email.parser import BytesHeaderParser

from _common import REPO_ROOT, progress

from functions.devtools.emulators import (
    FirestoreEmulator,
    TasksEmulator,
    free_port,
    queues_from_yaml,
)
from functions.devtools.process_group import signal_group, wait_for_group

VENV_BIN = REPO_ROOT / ".venv" / "bin"
PROJECT = "demo-load"
# The emulator re-dispatches a failing task at once (no backoff): bounded as under `make run`;
# what it gives up on, the outbox sweep recovers.
TASKS_MAX_RETRIES = 5
START_TIMEOUT = 60.0


class SmtpSink:
    """aiosmtpd on loopback: every message accepted, its Message-ID and recipients kept."""

    def __init__(self):
        self.lock = threading.Lock()
        self.message_ids: Counter[str] = Counter()
        self.recipients: Counter[str] = Counter()
        self.accepted = 0

    async def handle_DATA(self, server, session, envelope):
        headers = BytesHeaderParser().parsebytes(envelope.content)
        with self.lock:
            self.accepted += 1
            self.message_ids[str(headers.get("Message-ID", "")).strip()] += 1
            for recipient in envelope.rcpt_tos:
                self.recipients[recipient.lower()] += 1
        return "250 2.0.0 Accepted"


class Stack:
    """Everything one run needs; a context manager. `url` serves main.py's entry points at
    /<name>; `baseline_url` the bare endpoint; `env` is what both were started with.
    `firestore_timeout`: the service's FIRESTORE_TIMEOUT_SECONDS (0: its own default), below
    the pause to see it answer 503 rather than wait."""

    def __init__(self, firestore_timeout: int = 0):
        self.firestore_timeout = firestore_timeout
        self.firestore = FirestoreEmulator()
        self.tasks = TasksEmulator(queues=queues_from_yaml(PROJECT, "local"),
                                   max_retries=TASKS_MAX_RETRIES)  # fmt: skip
        self.sink = SmtpSink()
        self.port, self.baseline_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.baseline_url = f"http://127.0.0.1:{self.baseline_port}"
        self._smtp = None
        self._servers: list[subprocess.Popen] = []
        self._logs: list = []
        self.server: subprocess.Popen | None = None
        self.env: dict[str, str] = {}

    def __enter__(self) -> Stack:
        try:
            self._start()
        except BaseException:
            self.__exit__(None, None, None)
            raise
        return self

    def _start(self) -> None:
        from aiosmtpd.controller import Controller

        self.firestore.start()
        progress(f"Firestore emulator up on {self.firestore.host}")
        self.tasks.start()
        progress(f"Cloud Tasks emulator up on {self.tasks.host}")
        self._smtp = Controller(self.sink, hostname="127.0.0.1", port=free_port())
        self._smtp.start()
        self.env = {
            **os.environ, "FIRESTORE_EMULATOR_HOST": self.firestore.host,
            "CLOUD_TASKS_EMULATOR_HOST": self.tasks.host, "GOOGLE_CLOUD_PROJECT": PROJECT,
            # As `make run`: the jobs take the development token, the tasks no token.
            "LOCAL_DEV": "1", "PUBLIC_BASE_URL": self.url, "NO_GCE_CHECK": "true",
            "MAIL_TRANSPORT": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(self._smtp.port),
            "SMTP_STARTTLS": "false", "PYTHONUNBUFFERED": "1",
        }  # fmt: skip
        if self.firestore_timeout:
            self.env["FIRESTORE_TIMEOUT_SECONDS"] = str(self.firestore_timeout)
        os.environ.update(self.env)  # the seeding and the checks, in this process
        self.server = self._spawn([str(VENV_BIN / "python"), "bench/_load_server.py",
                                   str(self.port)])  # fmt: skip
        self._spawn([str(VENV_BIN / "functions-framework"), "--target=write_one_validated",
                     "--source=bench/_bare_function.py", f"--port={self.baseline_port}",
                     "--host=127.0.0.1"])  # fmt: skip
        self._wait_until_up(self.port, "/privacy")
        self._wait_until_up(self.baseline_port, "/")
        progress(f"serving on {self.url}, the baseline on {self.baseline_url}")

    def _spawn(self, command: list[str]) -> subprocess.Popen:
        log = tempfile.TemporaryFile()  # noqa: SIM115 (closed in __exit__)
        proc = subprocess.Popen(
            command,
            cwd=REPO_ROOT,
            env=self.env,
            stdin=subprocess.DEVNULL,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        self._servers.append(proc)
        self._logs.append(log)
        return proc

    def _wait_until_up(self, port: int, path: str) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError):
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                conn.request("GET", path)
                conn.getresponse().read()
                conn.close()
                return
            time.sleep(0.1)
        raise RuntimeError(f"nothing answered on port {port} within {START_TIMEOUT:.0f} s:\n"
                           f"{self.server_log()}")  # fmt: skip

    def server_log(self, chars: int = 3000) -> str:
        """The end of the serving process's output (for error messages)."""
        if not self._logs:
            return ""
        log = self._logs[0]
        log.seek(0)
        return log.read().decode(errors="replace")[-chars:]

    def server_events(self) -> dict:
        """From the serving process's log: the 503s it gave by entry point and cause (an
        outage, or "contention": a commit refused MAX_ATTEMPTS times), and its unexpected
        errors (each a 500)."""
        unavailable, unexpected = Counter(), 0
        if self._logs:
            self._logs[0].seek(0)
            for line in self._logs[0]:
                if not line.startswith(b"{"):
                    continue
                with contextlib.suppress(ValueError):
                    entry = json.loads(line)
                    if entry.get("message", "").startswith("storage unavailable"):
                        unavailable[f"{entry.get('entry_point')}: {entry.get('error')}"] += 1
                    unexpected += entry.get("message") == "unexpected error"
        return {"storage_unavailable": dict(unavailable), "unexpected_errors": unexpected}

    def seed(self, forum_capacity: int) -> str:
        """The demo directory, forms and plan, and one small forum open for registration
        (`forum_capacity` places); returns the forum's id."""
        from functions import wiring
        from functions.devtools.seed import seed_demo_data
        from functions.domain.forums.models import Forum, JoiningDetails

        seed_demo_data()
        now = wiring.utc_now()
        starts_at = now + timedelta(days=10)
        forum = Forum(
            forum_id=f"load-forum-{uuid.uuid4().hex[:8]}", month=starts_at.strftime("%Y-%m"),
            title="Parents and staff forum", format="zoom_webinar", starts_at=starts_at,
            ends_at=starts_at + timedelta(minutes=90), capacity=forum_capacity,
            topics=["parent_and_child_rights"], audiences=["parents", "staff"],
            joining=JoiningDetails(url="https://zoom.example.org/j/1", meeting_id="1",
                                   passcode="load"),
            description="The load test's forum.", created_at=now, updated_at=now,
        )  # fmt: skip
        wiring.dependencies().transactions.run(lambda uow: uow.forums.add(forum))
        return forum.forum_id

    @contextlib.contextmanager
    def firestore_paused(self):
        """Firestore stops answering (SIGSTOP) until the block ends (SIGCONT)."""
        signal_group(self.firestore.pgid, signal.SIGSTOP)
        try:
            yield
        finally:
            signal_group(self.firestore.pgid, signal.SIGCONT)

    def peak_rss_mib(self) -> dict | None:
        """The serving process's peak resident memory (VmHWM, MiB): gunicorn's worker (what
        serves the requests), its arbiter, and both."""
        if self.server is None:
            return None
        worker = sum(_peak_kib(pid) for pid in _children(self.server.pid))
        arbiter = _peak_kib(self.server.pid)
        return {"worker": round(worker / 1024, 1), "arbiter": round(arbiter / 1024, 1),
                "total": round((worker + arbiter) / 1024, 1)}  # fmt: skip

    def __exit__(self, *exc_info) -> None:
        with contextlib.suppress(Exception):
            signal_group(self.firestore.pgid, signal.SIGCONT)
        for proc in self._servers:
            signal_group(proc.pid, signal.SIGTERM)
            if not wait_for_group(proc, proc.pid, 10):
                signal_group(proc.pid, signal.SIGKILL)
                wait_for_group(proc, proc.pid, 10)
        for log in self._logs:
            log.close()
        if self._smtp is not None:
            self._smtp.stop()
        self.tasks.stop()
        self.firestore.stop()


def _peak_kib(pid: int) -> int:
    with contextlib.suppress(OSError), open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1])
    return 0


def _children(pid: int) -> list[int]:
    found = []
    with contextlib.suppress(OSError):
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as children:
                found += [int(child) for child in children.read().split()]
    return found
