"""The Firestore and Cloud Tasks emulators as child processes, for tests and `make run`.

Each emulator runs in its own process group (session) so that stop() can end the whole tree:
`gcloud emulators firestore start` is Python running a shell script running Java, and
terminating the gcloud process alone leaves Java behind.
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from pathlib import Path

from functions.devtools.process_group import signal_group, wait_for_group

REPO_ROOT = Path(__file__).resolve().parents[2]
QUEUES_YAML = REPO_ROOT / "infra" / "queues.yaml"
TASKS_PYTHON = REPO_ROOT / ".venv-tasks" / "bin" / "python"
LOOPBACK = "127.0.0.1"


class EmulatorError(RuntimeError):
    """An emulator could not be started."""


_LOOPBACK_LAUNCHER = Path(__file__).with_name("tasks_emulator_on_loopback.py")


def free_port() -> int:
    """A TCP port on loopback that is free right now (the OS picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((LOOPBACK, 0))
        return sock.getsockname()[1]


def queue_path(project: str, location: str, queue: str) -> str:
    """The full Cloud Tasks queue name, as the emulator's -d flag wants it."""
    return f"projects/{project}/locations/{location}/queues/{queue}"


def queues_from_yaml(project: str, location: str, path: Path = QUEUES_YAML) -> list[str]:
    """The full names of the queues in a queue.yaml (infra/queues.yaml: the one definition).

    Only names, as the emulator's own --queue-yaml reading: it ignores rates and retries.
    """
    import yaml

    data = yaml.safe_load(Path(path).read_text(encoding="utf-8"))
    return [queue_path(project, location, queue["name"]) for queue in data["queue"]]


def clear_firestore(host: str, project: str) -> None:
    """Delete every document of `project` in the emulator at `host` ("127.0.0.1:PORT")."""
    url = f"http://{host}/emulator/v1/projects/{project}/databases/(default)/documents"
    with urllib.request.urlopen(urllib.request.Request(url, method="DELETE"), timeout=10):
        pass


class _Emulator:
    """A child process in its own process group, with its output in a temporary log file."""

    name = "emulator"
    start_timeout = 60.0
    stop_timeout = 10.0

    def __init__(self, port: int | None = None) -> None:
        self.port = port
        self.pgid: int | None = None
        self.log_path: Path | None = None
        self.started_in: float | None = None
        self._proc: subprocess.Popen | None = None

    @property
    def running(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def host(self) -> str:
        """The address "127.0.0.1:PORT", as the clients' *_EMULATOR_HOST variables want it."""
        if self.port is None:
            raise EmulatorError(f"{self.name} emulator has no port yet: call start() first")
        return f"{LOOPBACK}:{self.port}"

    def _command(self) -> list[str]:
        raise NotImplementedError

    def _env(self) -> dict[str, str]:
        return dict(os.environ)

    def _is_ready(self) -> bool:
        raise NotImplementedError

    def start(self) -> _Emulator:
        """Launch the emulator and wait until it answers; raise EmulatorError with its log."""
        if self._proc is not None:
            return self
        if self.port is None:
            self.port = free_port()
        else:
            ensure_port_free(self.port, f"the {self.name} emulator")
        command = self._command()
        fd, log_name = tempfile.mkstemp(prefix=f"{self.name}-emulator-", suffix=".log")
        self.log_path = Path(log_name)
        began = time.monotonic()
        with os.fdopen(fd, "wb") as log:
            self._proc = subprocess.Popen(
                command,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                env=self._env(),
                start_new_session=True,
            )
        self.pgid = self._proc.pid  # a new session's leader leads its own process group
        try:
            self._wait_ready(began)
        except BaseException:
            self.stop(keep_log=True)
            raise
        self.started_in = time.monotonic() - began
        return self

    def _wait_ready(self, began: float) -> None:
        deadline = began + self.start_timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise EmulatorError(
                    f"{self.name} emulator exited with code {self._proc.returncode} "
                    f"before it was ready.\n{self.log_tail()}"
                )
            if self._is_ready():
                return
            time.sleep(0.1)
        raise EmulatorError(
            f"{self.name} emulator not ready on {self.host} after {self.start_timeout:.0f} s."
            f"\n{self.log_tail()}"
        )

    def log_tail(self, lines: int = 30) -> str:
        """The last lines of the emulator's output (for error messages)."""
        if self.log_path is None or not self.log_path.exists():
            return "(no log)"
        text = self.log_path.read_text(errors="replace").splitlines()[-lines:]
        return f"--- last lines of {self.log_path} ---\n" + "\n".join(text)

    def stop(self, keep_log: bool = False) -> None:
        """SIGTERM the whole process group, wait, then SIGKILL it. Safe to call twice."""
        proc, self._proc = self._proc, None
        if proc is None:
            return
        signal_group(self.pgid, signal.SIGTERM)
        if not wait_for_group(proc, self.pgid, self.stop_timeout):
            signal_group(self.pgid, signal.SIGKILL)
            wait_for_group(proc, self.pgid, self.stop_timeout)
        if self.log_path is not None and not keep_log:
            self.log_path.unlink(missing_ok=True)

    def __enter__(self) -> _Emulator:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


class FirestoreEmulator(_Emulator):
    """`gcloud emulators firestore start` on 127.0.0.1 (Java, from the Google Cloud CLI).

    With `data_dir`, it starts from the newest export found there, and `export()` writes one:
    the emulator's own --export-on-exit does not run when its process group is terminated.
    """

    name = "firestore"

    def __init__(self, port: int | None = None, data_dir: Path | None = None) -> None:
        super().__init__(port)
        self.data_dir = data_dir
        self.imported: Path | None = None

    def _command(self) -> list[str]:
        command = ["gcloud", "emulators", "firestore", "start", f"--host-port={self.host}",
                   "--quiet"]  # fmt: skip
        self.imported = self._newest_export()
        if self.imported:
            command.append(f"--import-data={self.imported}")
        return command

    def _newest_export(self) -> Path | None:
        if self.data_dir is None:
            return None
        exports = sorted(self.data_dir.glob("firestore_export_*/*.overall_export_metadata"))
        return exports[-1] if exports else None

    def export(self, project: str) -> Path:
        """Write the emulator's data for `project` into data_dir; older exports are removed."""
        import json
        import shutil

        assert self.data_dir is not None, "export needs a data_dir"
        self.data_dir.mkdir(parents=True, exist_ok=True)
        body = json.dumps(
            {
                "database": f"projects/{project}/databases/(default)",
                "export_directory": str(self.data_dir.resolve()),
            }
        ).encode()
        request = urllib.request.Request(
            f"http://{self.host}/emulator/v1/projects/{project}:export", data=body,
            headers={"Content-Type": "application/json"}, method="POST",
        )  # fmt: skip
        with urllib.request.urlopen(request, timeout=30) as response:
            response.read()
        newest = self._newest_export()
        if newest is None:
            raise EmulatorError(f"the Firestore emulator wrote no export into {self.data_dir}")
        for old in self.data_dir.glob("firestore_export_*"):
            if old != newest.parent:
                shutil.rmtree(old, ignore_errors=True)
        return newest

    def _is_ready(self) -> bool:
        try:
            with urllib.request.urlopen(f"http://{self.host}/", timeout=1) as response:
                return response.read().strip() == b"Ok"
        except (OSError, urllib.error.URLError):
            return False


class TasksEmulator(_Emulator):
    """PyPI `gcloud-tasks-emulator` (gRPC), run from its own virtualenv `.venv-tasks`.

    It binds every interface ("[::]:PORT") whatever it is told, so it is started through
    tasks_emulator_on_loopback.py, which makes it listen on 127.0.0.1 only.
    `max_retries` bounds re-dispatches of a failing task (the emulator retries without backoff
    and forever by default); `queues` are full names, see queue_path().
    """

    name = "tasks"
    start_timeout = 30.0

    def __init__(
        self,
        port: int | None = None,
        queues: Iterable[str] = (),
        max_retries: int | None = None,
        python: str | os.PathLike[str] = TASKS_PYTHON,
    ) -> None:
        super().__init__(port)
        self.queues = tuple(queues)
        self.max_retries = max_retries
        self.python = Path(python)

    def _command(self) -> list[str]:
        if not self.python.exists():
            raise EmulatorError(f"{self.python} is missing: run `make .venv-tasks` first")
        if self.python.name.startswith("gcloud-tasks-emulator"):
            command = [str(self.python), "start"]
        else:  # through our launcher, which keeps it on loopback
            command = [str(self.python), str(_LOOPBACK_LAUNCHER), "start"]
        command += ["--port", str(self.port)]
        if self.max_retries is not None:
            command += ["--max-retries", str(self.max_retries)]
        for queue in self.queues:  # -d is an "append" option in 0.6.2
            command += ["--default-queue", queue]
        return command

    def _env(self) -> dict[str, str]:
        # google-api-core warns about Python versions on every start: keep the log readable.
        return {**os.environ, "PYTHONUNBUFFERED": "1", "PYTHONWARNINGS": "ignore::FutureWarning"}

    def _is_ready(self) -> bool:
        try:
            with socket.create_connection((LOOPBACK, self.port), timeout=1):
                return True
        except OSError:
            return False


def ensure_port_free(port: int, name: str) -> None:
    """Raise EmulatorError if `port` on loopback is taken (named `name` in the message)."""
    # gRPC binds with SO_REUSEPORT, so a busy port would not fail the Tasks emulator: check.
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        # As servers do, so that a just-closed server's TIME_WAIT connections do not count.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            sock.bind((LOOPBACK, port))
        except OSError as exc:
            raise EmulatorError(f"port {port} for {name} is in use ({exc})") from exc
