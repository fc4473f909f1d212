"""The one-process dev server: every entry point at /<name>, as deployed; `make run` stops clean."""

from __future__ import annotations

import json
import logging
import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest
from werkzeug.serving import make_server
from werkzeug.test import Client

from functions.devtools.emulators import REPO_ROOT, free_port
from functions.devtools.serve import PathOnlyRequestHandler, build_dev_app

THROWAWAY_MAIN = """
import flask

__all__ = ["greet_parent", "echo_path"]


def greet_parent(request):
    return f"hello {request.args.get('name', 'parent')}"


def echo_path(request):
    return flask.jsonify(method=request.method, path=request.path)
"""


@pytest.fixture
def throwaway_main(tmp_path):
    """A main.py with two entry points; sys.modules["main"] and sys.path restored after."""
    source = tmp_path / "main.py"
    source.write_text(textwrap.dedent(THROWAWAY_MAIN))
    saved_main, saved_path = sys.modules.get("main"), list(sys.path)
    yield source
    sys.path[:] = saved_path
    if saved_main is None:
        sys.modules.pop("main", None)
    else:
        sys.modules["main"] = saved_main


def test_each_entry_point_is_served_at_its_name(throwaway_main):
    client = Client(build_dev_app(str(throwaway_main)))

    response = client.get("/greet_parent?name=Thandi")
    assert (response.status_code, response.get_data(as_text=True)) == (200, "hello Thandi")

    # No redirect to "/echo_path/": a deployed function sees "/" there, and POST stays POST.
    assert client.post("/echo_path").json == {"method": "POST", "path": "/"}
    assert client.get("/echo_path/cases/abc").json == {"method": "GET", "path": "/cases/abc"}


def test_unknown_names_are_404(throwaway_main):
    client = Client(build_dev_app(str(throwaway_main)))

    assert client.get("/no_such_function").status_code == 404
    assert client.get("/greet_parentx").status_code == 404


def test_index_lists_the_entry_points(throwaway_main):
    response = Client(build_dev_app(str(throwaway_main))).get("/")

    assert response.status_code == 200
    assert 'href="/greet_parent"' in response.get_data(as_text=True)
    assert 'href="/echo_path"' in response.get_data(as_text=True)


def test_functions_framework_environment_does_not_leak(throwaway_main, monkeypatch):
    monkeypatch.delenv("FUNCTION_TARGET", raising=False)
    monkeypatch.delenv("FUNCTION_SIGNATURE_TYPE", raising=False)

    build_dev_app(str(throwaway_main))

    assert "FUNCTION_TARGET" not in os.environ
    assert "FUNCTION_SIGNATURE_TYPE" not in os.environ


def test_request_log_has_no_query_string(throwaway_main, caplog):
    server = make_server(
        "127.0.0.1",
        0,
        build_dev_app(str(throwaway_main)),
        threaded=True,
        request_handler=PathOnlyRequestHandler,
    )
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with caplog.at_level(logging.INFO, logger="werkzeug"):
            url = f"http://127.0.0.1:{server.port}/greet_parent?token=s3cr3t"
            with urllib.request.urlopen(url, timeout=5) as response:
                assert response.status == 200
    finally:
        server.shutdown()
        server.server_close()

    assert "GET /greet_parent 200" in caplog.text
    assert "s3cr3t" not in caplog.text


@pytest.mark.skipif(not (REPO_ROOT / "main.py").exists(), reason="main.py not written yet")
def test_real_main_mounts_every_name_in_all(monkeypatch):
    monkeypatch.setenv("GOOGLE_CLOUD_PROJECT", "demo-test")
    saved_main = sys.modules.get("main")
    try:
        app = build_dev_app(str(REPO_ROOT / "main.py"))
        names = sys.modules["main"].__all__
    finally:
        if saved_main is not None:
            sys.modules["main"] = saved_main
    assert sorted(app.mounts) == sorted(f"/{name}" for name in names)


@pytest.mark.parametrize("stop_signal", [signal.SIGTERM, signal.SIGINT], ids=["TERM", "INT"])
def test_make_run_stops_everything_it_started(stop_signal, throwaway_main):
    http_port = free_port()
    env = {
        **os.environ,
        "HTTP_PORT": str(http_port),
        "FIRESTORE_PORT": str(free_port()),
        "TASKS_PORT": str(free_port()),
        "GOOGLE_CLOUD_PROJECT": "demo-test-run",
        "FUNCTION_SOURCE": str(throwaway_main),
    }
    run = subprocess.Popen(
        [sys.executable, "-m", "functions.devtools.run"],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        _wait_until_serving(run, f"http://127.0.0.1:{http_port}/greet_parent")
        emulator_groups = _child_process_groups(run.pid)
        assert len(emulator_groups) == 2

        run.send_signal(stop_signal)
        output, _ = run.communicate(timeout=60)
    finally:
        if run.poll() is None:
            run.kill()
            run.wait()

    assert run.returncode == 0, output
    assert f"http://127.0.0.1:{http_port}/echo_path" in output
    for pgid in emulator_groups:
        with pytest.raises(ProcessLookupError):
            os.killpg(pgid, 0)


def _wait_until_serving(run: subprocess.Popen, url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if run.poll() is not None:
            pytest.fail(f"make run exited with {run.returncode}:\n{run.stdout.read()}")
        try:
            with urllib.request.urlopen(url, timeout=1):
                return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"{url} did not answer within {timeout} s")


def _child_process_groups(parent_pid: int) -> set[int]:
    """Process groups led by direct children of `parent_pid` (Linux /proc)."""
    groups = set()
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if int(fields[1]) == parent_pid:
            groups.add(int(fields[2]))
    return groups


def _start_run(env: dict) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "functions.devtools.run"], cwd=REPO_ROOT,
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                            text=True)  # fmt: skip


def _stop_run(run: subprocess.Popen) -> str:
    run.send_signal(signal.SIGTERM)
    output, _ = run.communicate(timeout=90)
    assert run.returncode == 0, output
    return output


def test_what_make_run_stored_is_there_after_a_restart_and_fresh_starts_empty(tmp_path):
    """A parent's status link from yesterday's run still opens today's; FRESH=1 forgets."""
    http_port = free_port()
    env = {
        **os.environ, "HTTP_PORT": str(http_port), "FIRESTORE_PORT": str(free_port()),
        "TASKS_PORT": str(free_port()), "GOOGLE_CLOUD_PROJECT": "demo-test-restart",
        "LOCAL_DATA_DIR": str(tmp_path / "data"),
    }  # fmt: skip
    base = f"http://127.0.0.1:{http_port}"
    submission = json.dumps({
        "centre_id": "sunflower-soweto", "kind": "question", "category": "other",
        "description": "Is the centre open on 16 December?", "reporter": {"phone": "0821234567"},
        "consent": {"given": True, "version": "2026-11"},
    }).encode()  # fmt: skip

    def status_of(url: str) -> int:
        try:
            with urllib.request.urlopen(url, timeout=10) as response:
                return response.status
        except urllib.error.HTTPError as error:
            return error.code

    run = _start_run(env)
    try:
        _wait_until_serving(run, f"{base}/feedback_form")
        request = urllib.request.Request(
            f"{base}/submit_feedback", data=submission, headers={"Content-Type": "application/json"}
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            status_url = json.loads(response.read())["status_url"]
        assert status_of(status_url) == 200
    finally:
        output = _stop_run(run)
    assert "Saved the data" in output

    run = _start_run(env)
    try:
        _wait_until_serving(run, f"{base}/feedback_form")
        assert status_of(status_url) == 200
    finally:
        _stop_run(run)

    run = _start_run({**env, "FRESH": "1"})
    try:
        _wait_until_serving(run, f"{base}/feedback_form")
        assert status_of(status_url) == 404
    finally:
        _stop_run(run)
