"""Session-wide fixtures: the real emulators, started once and stopped at the end."""

from __future__ import annotations

import os

import pytest

# No Google credentials exist here: never let google.auth probe for a GCE metadata server
# (that would send traffic off this machine). Read by google.auth when first imported.
os.environ.setdefault("NO_GCE_CHECK", "true")

from functions.devtools.emulators import FirestoreEmulator, TasksEmulator, queues_from_yaml
from functions.devtools.run import TASKS_LOCATION
from tests import fuzzing

TEST_PROJECT = "demo-test"
fuzzing.load_profile()  # HYPOTHESIS_PROFILE=long (make fuzz) or the short run of make test


@pytest.hookimpl(hookwrapper=True, trylast=True)
def pytest_runtest_call(item):
    """Counts the hypothesis cases each test runs (inside hypothesis's own wrapper)."""
    with fuzzing.counting():
        yield


def pytest_terminal_summary(terminalreporter):
    """One line the lead can quote: how many fuzz cases ran, and how many tests failed."""
    if line := fuzzing.summary(terminalreporter.stats):
        terminalreporter.write_line(line)


@pytest.fixture(scope="session")
def firestore_emulator():
    """The Firestore emulator, with FIRESTORE_EMULATOR_HOST pointing at it for the session."""
    with FirestoreEmulator() as emulator, pytest.MonkeyPatch.context() as env:
        env.setenv("FIRESTORE_EMULATOR_HOST", emulator.host)
        yield emulator


@pytest.fixture(scope="session")
def google_idp():
    """Google's ID tokens, stood in for (tests/oidc.py): a test key whose certificate is
    served on loopback as Google's v1 certs, and .mint(email, audience, ...) for tokens."""
    from tests.oidc import IdentityProvider

    with IdentityProvider() as provider:
        yield provider


@pytest.fixture(scope="session")
def tasks_emulator():
    """The Cloud Tasks emulator with the queues of infra/queues.yaml ("email"...) for project
    demo-test, location "local"; a failing task is tried 4 times (3 retries) at most."""
    queues = queues_from_yaml(TEST_PROJECT, TASKS_LOCATION)
    with (
        TasksEmulator(queues=queues, max_retries=3) as emulator,
        pytest.MonkeyPatch.context() as env,
    ):
        env.setenv("CLOUD_TASKS_EMULATOR_HOST", emulator.host)
        yield emulator
