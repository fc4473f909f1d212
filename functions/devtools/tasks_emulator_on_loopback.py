"""Runs gcloud-tasks-emulator listening on loopback only (it binds every interface itself).

Started with the Cloud Tasks emulator's own virtualenv's Python (.venv-tasks): this file is
run as a script there, so it imports nothing of ours. Arguments are the emulator's own.
"""

import runpy
import sys

import grpc

_make_server = grpc.server


def _loopback_server(*args, **kwargs):
    """grpc.server, whose add_insecure_port("[::]:PORT") listens on 127.0.0.1:PORT instead."""
    server = _make_server(*args, **kwargs)
    bind = server.add_insecure_port
    server.add_insecure_port = lambda address: bind("127.0.0.1:" + address.rsplit(":", 1)[1])
    return server


if __name__ == "__main__":
    grpc.server = _loopback_server
    sys.argv[0] = "gcloud-tasks-emulator"
    runpy.run_module("gcloud_tasks_emulator", run_name="__main__")
