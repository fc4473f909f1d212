"""`make run`: both emulators, demo data and every entry point on one local port.

Ports come from HTTP_PORT (8080), FIRESTORE_PORT (8086) and TASKS_PORT (8123); the project
from GOOGLE_CLOUD_PROJECT (demo-ecd-local); the entry points from main.py, or the file in
FUNCTION_SOURCE (functions_framework's own variable; tests use it).

What was stored, and the local mailbox, are kept between runs in LOCAL_DATA_DIR (.local-data):
Firestore is exported there when make run stops and imported when it starts, so status links
keep working. FRESH=1 starts empty. Ctrl-C or SIGTERM stops everything it started.
"""

from __future__ import annotations

import os
import signal
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from functions.devtools.emulators import (
    REPO_ROOT,
    EmulatorError,
    FirestoreEmulator,
    TasksEmulator,
    ensure_port_free,
    queues_from_yaml,
)
from functions.devtools.process_group import unwind_on_signals

# The queues themselves are listed once, in infra/queues.yaml (production reads it too).
TASKS_LOCATION = "local"
# The emulator re-dispatches a failing task at once and, by default, forever; it ignores the
# queues' own retry settings.
TASKS_MAX_RETRIES = 5


@dataclass(frozen=True)
class DevConfig:
    """Where `make run` listens, read from the environment."""

    http_port: int
    firestore_port: int
    tasks_port: int
    project: str
    data_dir: Path
    fresh: bool

    @classmethod
    def from_env(cls) -> DevConfig:
        return cls(
            http_port=int(os.environ.get("HTTP_PORT", "8080")),
            firestore_port=int(os.environ.get("FIRESTORE_PORT", "8086")),
            tasks_port=int(os.environ.get("TASKS_PORT", "8123")),
            project=os.environ.get("GOOGLE_CLOUD_PROJECT", "demo-ecd-local"),
            data_dir=Path(os.environ.get("LOCAL_DATA_DIR", REPO_ROOT / ".local-data")),
            fresh=os.environ.get("FRESH", "") not in ("", "0"),
        )

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    def queue_names(self) -> list[str]:
        return queues_from_yaml(self.project, TASKS_LOCATION)


def main() -> int:
    """Run until Ctrl-C or SIGTERM; 0 on a clean stop, 1 if start-up failed."""
    config = DevConfig.from_env()
    unwind_on_signals()
    if config.fresh:
        import shutil

        shutil.rmtree(config.data_dir, ignore_errors=True)
    firestore = FirestoreEmulator(config.firestore_port, data_dir=config.data_dir / "firestore")
    tasks = TasksEmulator(
        config.tasks_port, queues=config.queue_names(), max_retries=TASKS_MAX_RETRIES
    )
    try:
        # All three before anything starts: fail fast rather than after Java is up.
        ensure_port_free(config.http_port, "the dev server (HTTP_PORT)")
        ensure_port_free(config.firestore_port, "the Firestore emulator (FIRESTORE_PORT)")
        ensure_port_free(config.tasks_port, "the Cloud Tasks emulator (TASKS_PORT)")
        _say(f"Starting the Firestore emulator on 127.0.0.1:{config.firestore_port} ...")
        firestore.start()
        if firestore.imported:
            _say(f"  with the data of the last run ({config.data_dir}; FRESH=1 starts empty)")
        _say(f"Starting the Cloud Tasks emulator on 127.0.0.1:{config.tasks_port} ...")
        tasks.start()
        _export_env(config, firestore, tasks)
        _seed()
        _serve(config, firestore, tasks)
    except KeyboardInterrupt:
        pass
    except EmulatorError as exc:
        _say(f"make run: {exc}")
        return 1
    finally:
        # A second Ctrl-C must not cut the clean-up short and leave Java behind.
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        signal.signal(signal.SIGTERM, signal.SIG_IGN)
        _save(config, firestore)
        _say("Stopping the emulators ...")
        tasks.stop()
        firestore.stop()
    _say("Stopped.")
    return 0


def _export_env(config: DevConfig, firestore: FirestoreEmulator, tasks: TasksEmulator) -> None:
    # Before main.py or the seed module is imported: settings are read once and cached.
    os.environ.update(
        FIRESTORE_EMULATOR_HOST=firestore.host,
        CLOUD_TASKS_EMULATOR_HOST=tasks.host,
        GOOGLE_CLOUD_PROJECT=config.project,
        LOCAL_DEV="1",
        # Kept with the data it belongs to (an explicit LOCAL_MAILBOX_DIR wins).
        LOCAL_MAILBOX_DIR=os.environ.get("LOCAL_MAILBOX_DIR", str(config.data_dir / "mailbox")),
        PUBLIC_BASE_URL=config.base_url,
        # Locally there are no Google credentials: never probe for a GCE metadata server.
        NO_GCE_CHECK="true",
        # The administrators' data in the one database too: the emulator starts from one
        # database's export, so only then is all of it kept between runs. (The tests keep
        # the two apart, as production does.)
        FIRESTORE_ADMIN_DATABASE=os.environ.get("FIRESTORE_ADMIN_DATABASE", "(default)"),
    )


def _save(config: DevConfig, firestore: FirestoreEmulator) -> None:
    """Keep what this run stored for the next one (the emulator keeps nothing itself)."""
    if not firestore.running:
        return  # it never started, or it died: nothing to save
    try:
        firestore.export(config.project)
        _say(f"Saved the data in {config.data_dir} (FRESH=1 starts empty).")
    except (OSError, EmulatorError) as error:
        _say(f"Could not save the data: {error}")


def _seed() -> None:
    from functions.devtools.seed import seed_demo_data  # after _export_env: reads settings

    _say(f"Seeded demo data: {seed_demo_data(forums=True)}")


def _serve(config: DevConfig, firestore: FirestoreEmulator, tasks: TasksEmulator) -> None:
    from werkzeug.serving import run_simple

    from functions.devtools.serve import PathOnlyRequestHandler, build_dev_app

    app = build_dev_app(os.environ.get("FUNCTION_SOURCE", str(REPO_ROOT / "main.py")))
    _say("")
    _say(f"Firestore emulator:   {firestore.host}  (started in {firestore.started_in:.1f} s)")
    _say(f"Cloud Tasks emulator: {tasks.host}  (started in {tasks.started_in:.1f} s)")
    _say(f"Project:              {config.project}")
    _say("Entry points:")
    for prefix in app.mounts:
        _say(f"  {config.base_url}{prefix}")
    _say(f"Local mail:           {config.base_url}/dev_mailbox")
    for job, every in SCHEDULE.items():
        _say(f"Scheduled:            {job} every {every} s (Cloud Scheduler's job)")
    _say("Ctrl-C stops everything.\n")
    for job, every in SCHEDULE.items():
        _start_scheduler(f"{config.base_url}/{job}", every)
    run_simple(
        "127.0.0.1",
        config.http_port,
        app,
        threaded=True,
        request_handler=PathOnlyRequestHandler,
    )


# The jobs Cloud Scheduler calls in production (infra/terraform/scheduler.tf), called here
# on the real clock: the sweep more often than deployed, so lost mail shows up sooner. Not
# setup_monthly_forums: the seed opens the coming month, and an administrator sets months up.
SCHEDULE = {"sweep_outbox": 60, "run_nudges": 15 * 60, "send_digests": 60 * 60,
            "run_forum_followups": 15 * 60}  # fmt: skip


def _start_scheduler(url: str, every: int) -> None:
    """Call a job over HTTP every `every` seconds, as Cloud Scheduler does in production. It
    sends the development token where Cloud Scheduler sends its account's ID token (jobs
    take it, or no token, under LOCAL_DEV only: functions/http/callers.py)."""
    import contextlib
    import threading
    import urllib.request

    from functions.config import get_settings  # after _export_env: reads settings

    token = get_settings().local_admin_token.get_secret_value()
    headers = {"Authorization": f"Bearer {token}"}

    def loop() -> None:
        while True:
            time.sleep(every)
            # The server is stopping, or the job answered 503: try again next time.
            with contextlib.suppress(OSError):
                request = urllib.request.Request(url, method="POST", headers=headers)
                urllib.request.urlopen(request, timeout=30)

    threading.Thread(target=loop, name=f"scheduler {url}", daemon=True).start()


def _say(message: str) -> None:
    print(message, flush=True)


if __name__ == "__main__":
    sys.exit(main())
