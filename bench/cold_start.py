"""Cold start of submit_feedback against the least a function that stores something can do.

Measured: wall time from just before `functions-framework` is spawned to the first 2xx answer
to a POST, polled every 5 ms (connection refused means "not yet"). That is what a parent waits
for when a new instance takes the request: interpreter, imports, gunicorn, and the first
request's lazy work (Firestore client, validation, the writes).

The baseline is the fixed stack's floor (bench/_bare_function.py): functions-framework, the
Firestore client, a pydantic model validating the body, and one write. Every function of
this stack pays for those whatever our code does, so the ratio isolates what our code adds.
Target: submit_feedback at most 1.10x the floor. Also shown: the same write without pydantic
(how much of the floor pydantic sets by itself). They alternate in one run (order swapped
each round) against one Firestore emulator, so machine noise hits all alike. All share one
bytecode cache (PYTHONPYCACHEPREFIX, a temporary directory) filled by an uncounted warm-up
start of each: compiling is not start-up cost.
Exit code 0 whatever the ratio: a benchmark, not a test.

    .venv/bin/python bench/cold_start.py [--rounds 7] [--json]
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time

from _common import REPO_ROOT, main, verdict
from _submission import SUBMISSION

from functions.devtools.emulators import (
    FirestoreEmulator,
    TasksEmulator,
    free_port,
    queues_from_yaml,
)

VENV_BIN = REPO_ROOT / ".venv" / "bin"
TARGET_RATIO = 1.10
POLL_SECONDS = 0.005
START_TIMEOUT = 60.0
# The floor: functions-framework + the Firestore client + pydantic + one write.
FLOOR = "floor (ff+fs+pydantic)"
# Not baselines: the same write without pydantic, to show what pydantic alone costs; and the
# floor plus one Cloud Tasks call (every new case queues its mail), to show what the Cloud
# Tasks client costs by itself, so that what is left is what our own code adds.
BARE = "bare firestore write"
FLOOR_AND_TASK = "floor + one tasks call"
TARGETS = {  # name -> (functions-framework arguments, JSON body of the POST)
    "submit_feedback": (["--target=submit_feedback", "--source=main.py"], SUBMISSION),
    FLOOR: (["--target=write_one_validated", "--source=bench/_bare_function.py"], {}),
    BARE: (["--target=write_one", "--source=bench/_bare_function.py"], {}),
    FLOOR_AND_TASK: (["--target=write_one_and_queue", "--source=bench/_bare_function.py"], {}),
}
IMPORTS = {  # label -> what `python -c` runs
    "functions_framework": "import functions_framework",
    "+ main.submit_feedback": "import functions_framework, main; main.submit_feedback",
}


def _post(port: int, body: bytes) -> tuple[int, bytes] | None:
    """(status, body) of one POST, or None while nothing listens yet."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=START_TIMEOUT)
    try:
        conn.request("POST", "/", body=body, headers={"Content-Type": "application/json"})
        response = conn.getresponse()
        return response.status, response.read()
    except (ConnectionRefusedError, ConnectionResetError):
        return None
    finally:
        conn.close()


def _stop(proc: subprocess.Popen) -> None:
    """SIGTERM the server's process group (SIGKILL if need be); return once it is gone."""
    for sig in (signal.SIGTERM, signal.SIGKILL):
        deadline = time.monotonic() + 10
        try:
            os.killpg(proc.pid, sig)
            while time.monotonic() < deadline:
                proc.poll()  # reap the leader; gunicorn reaps its own worker
                os.killpg(proc.pid, 0)  # ProcessLookupError once the whole group is gone
                time.sleep(0.02)
        except ProcessLookupError:
            return
    raise RuntimeError(f"process group {proc.pid} survived SIGKILL")


def cold_start(args: list[str], body: dict, env: dict[str, str]) -> float:
    """Seconds from spawning functions-framework to its first 2xx answer."""
    port, payload = free_port(), json.dumps(body).encode()
    command = [str(VENV_BIN / "functions-framework"), *args, f"--port={port}", "--host=127.0.0.1"]
    with tempfile.TemporaryFile() as log:
        began = time.perf_counter()
        proc = subprocess.Popen(
            command, cwd=REPO_ROOT, env=env, stdin=subprocess.DEVNULL,
            stdout=log, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
        try:
            while (answer := _post(port, payload)) is None:
                if proc.poll() is not None or time.perf_counter() - began > START_TIMEOUT:
                    break
                time.sleep(POLL_SECONDS)
            elapsed = time.perf_counter() - began
        finally:
            _stop(proc)
        if answer is None or not 200 <= answer[0] < 300:  # the server is up: retrying won't help
            log.seek(0)
            got = f"answered {answer[0]}: {answer[1][:300]!r}" if answer else "never answered"
            raise RuntimeError(f"{' '.join(command)} {got}\n{log.read()[-2000:].decode()}")
    return elapsed


def _summary(seconds: list[float]) -> dict:
    ms = [round(s * 1000, 1) for s in seconds]
    return {"median_ms": statistics.median(ms), "min_ms": min(ms), "max_ms": max(ms),
            "samples_ms": ms}  # fmt: skip


def run(rounds: int) -> dict:
    samples: dict[str, list[float]] = {name: [] for name in TARGETS}
    imports: dict[str, list[float]] = {label: [] for label in IMPORTS}
    with tempfile.TemporaryDirectory(prefix="bench-pycache-") as pycache:
        env = {**os.environ, "PYTHONPYCACHEPREFIX": pycache, "GOOGLE_CLOUD_PROJECT": "demo-bench",
               "NO_GCE_CHECK": "true"}  # fmt: skip
        env.pop("PYTHONDONTWRITEBYTECODE", None)
        python = str(VENV_BIN / "python")
        # submit_feedback queues the new case's mail: a Cloud Tasks emulator takes the tasks
        # (its target URL is never called here), as Cloud Tasks would in production.
        queues = queues_from_yaml("demo-bench", "local")
        with FirestoreEmulator() as emulator, TasksEmulator(queues=queues) as tasks:
            env["FIRESTORE_EMULATOR_HOST"] = emulator.host
            env["CLOUD_TASKS_EMULATOR_HOST"] = tasks.host
            env["BENCH_QUEUE_PATH"] = queues[0]
            seed = "from functions.devtools.seed import seed_demo_data; seed_demo_data()"
            subprocess.run([python, "-c", seed], cwd=REPO_ROOT, env=env, check=True)
            for args, body in TARGETS.values():  # warm-up: fills the bytecode cache
                cold_start(args, body, env)
            for i in range(rounds):
                for name in list(TARGETS)[:: 1 if i % 2 == 0 else -1]:
                    samples[name].append(cold_start(*TARGETS[name], env))
        for _ in range(rounds):  # `python -c "import X"`, wall time
            for label, times in imports.items():
                began = time.perf_counter()
                subprocess.run([python, "-c", IMPORTS[label]], cwd=REPO_ROOT, env=env, check=True)
                times.append(time.perf_counter() - began)
    targets = {name: _summary(times) for name, times in samples.items()}
    ratio = targets["submit_feedback"]["median_ms"] / targets[FLOOR]["median_ms"]
    bare = targets["submit_feedback"]["median_ms"] / targets[BARE]["median_ms"]
    pydantic = targets[FLOOR]["median_ms"] / targets[BARE]["median_ms"]
    ours = targets["submit_feedback"]["median_ms"] / targets[FLOOR_AND_TASK]["median_ms"]
    return {
        "rounds": rounds,
        "targets": targets,
        "ratio": round(ratio, 3),
        "ratio_to_bare_write": round(bare, 3),
        "floor_to_bare_write": round(pydantic, 3),
        "ratio_to_floor_and_task": round(ours, 3),
        "target_ratio": TARGET_RATIO,
        "pass": ratio <= TARGET_RATIO,
        "import_ms": {module: _summary(times) for module, times in imports.items()},
        "load_average_1min": round(os.getloadavg()[0], 2),
    }


def report(result: dict) -> None:
    print(f"cold start to first 2xx, {result['rounds']} rounds each (ms)")
    print(f"  {'':24} {'median':>8} {'min':>8} {'max':>8}")
    for name, t in result["targets"].items():
        print(f"  {name:24} {t['median_ms']:8.1f} {t['min_ms']:8.1f} {t['max_ms']:8.1f}")
    print(f"ratio submit_feedback / {FLOOR}: {result['ratio']:.2f} "
          f"{verdict(result['pass'], f'{TARGET_RATIO:.2f}', 'OVER')}")  # fmt: skip
    print(
        f"  (submit_feedback / {BARE}: {result['ratio_to_bare_write']:.2f}; "
        f"pydantic's share, floor / bare write: {result['floor_to_bare_write']:.2f})"
    )
    print(
        f"  (submit_feedback / {FLOOR_AND_TASK}: {result['ratio_to_floor_and_task']:.2f}: "
        "what our own code adds to a function that must write and queue)"
    )
    ff_ms, main_ms = (result["import_ms"][label]["median_ms"] for label in IMPORTS)
    print(f"import time (median): functions_framework {ff_ms:.1f} ms, with main.submit_feedback "
          f"{main_ms:.1f} ms (+{main_ms - ff_ms:.1f} ms)")  # fmt: skip
    print(f"load average (1 min) at the end: {result['load_average_1min']}")


if __name__ == "__main__":
    sys.exit(main(__doc__, run, report, rounds=(7, "timed starts of each")))
