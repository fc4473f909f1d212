"""The fuzz runs' size and their count (tests/conftest.py loads and reports them).

`make test` runs the short profile; `make fuzz` sets HYPOTHESIS_PROFILE=long, which raises the
examples of every hypothesis test that does not fix its own, and of the ones that ask
`examples(short, long)`. Every case hypothesis runs is counted (its statistics, read through
hypothesis.statistics.collector, the hook its pytest plugin uses), so the run ends with one
line: "fuzz: N hypothesis cases in T tests; F failed".
"""

from __future__ import annotations

import contextlib
import os

from hypothesis import HealthCheck, settings

PROFILE = os.environ.get("HYPOTHESIS_PROFILE", "short")
LONG = PROFILE == "long"
# The long run's default per test: with the tests that set examples(), over 10,000 cases.
LONG_EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "400"))

_counted = {"cases": 0, "tests": 0}


def load_profile() -> None:
    """Register both profiles and load the one HYPOTHESIS_PROFILE names (short by default)."""
    settings.register_profile("short", settings(deadline=None))
    settings.register_profile(
        "long",
        settings(
            max_examples=LONG_EXAMPLES,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
            print_blob=True,
        ),
    )
    settings.load_profile(PROFILE if PROFILE in ("short", "long") else "short")


def examples(short: int, long: int | None = None) -> int:
    """A test's examples: `short` under make test, `long` (the profile's default) under fuzz."""
    return (long or LONG_EXAMPLES) if LONG else short


@contextlib.contextmanager
def counting():
    """Count the cases of every hypothesis run inside this block, then let hypothesis's own
    collector (the pytest plugin's) see the statistics as before."""
    from hypothesis.statistics import collector

    outer = collector.value

    def note(stats: dict) -> None:
        ran = [
            case
            for key, phase in stats.items()
            if key.endswith("-phase") and isinstance(phase, dict)
            for case in phase.get("test-cases", [])
            if case.get("status") in ("valid", "interesting")
        ]
        _counted["cases"] += len(ran)
        _counted["tests"] += 1
        if outer is not None:
            outer(stats)

    with collector.with_value(note):
        yield


def summary(stats: dict) -> str | None:
    """The closing line, or None when no hypothesis test ran."""
    if not _counted["tests"]:
        return None
    failed = len(stats.get("failed", []))
    return (
        f"fuzz ({PROFILE} profile): {_counted['cases']:,} hypothesis cases in "
        f"{_counted['tests']} runs; {failed} failed tests (every endpoint case asserts no 5xx)"
    )
