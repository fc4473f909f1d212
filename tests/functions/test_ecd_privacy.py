"""`ecd privacy export|erase` against the real admin_api, served on loopback over the emulator
(as under `make run`: --local, the development token)."""

from __future__ import annotations

import json

import pytest

from functions import wiring
from functions.config import get_settings
from tests.functions.ecd_support import ecd_against
from tests.functions.privacy_support import EMAIL, NAME, build_world, found_anywhere, traces


@pytest.fixture
def ecd(project, monkeypatch, client_for, tasks):
    monkeypatch.setenv("LOCAL_DEV", "1")
    get_settings.cache_clear()
    world = build_world(client_for)
    with ecd_against("admin_api") as run:
        yield run, world


def _reporter(world) -> str | None:
    case = wiring.firestore_client().collection("cases").document(world["mine"]).get()
    return case.to_dict()["reporter"].get("name")


def test_export_then_erase_from_the_terminal(ecd, tmp_path):
    run, world = ecd
    out = tmp_path / "export.json"
    exported = run("privacy", "export", EMAIL, "--out", str(out))
    assert exported.exit_code == 0, exported.output
    found = json.loads(out.read_text(encoding="utf-8"))
    assert found["counts"]["cases"] == 1 and found["counts"]["registrations"] == 1

    asked = run("privacy", "erase", EMAIL)  # no answer to "Erase these records?": nothing
    assert asked.exit_code != 0 and "de-identified" in asked.output
    assert _reporter(world) == NAME

    erased = run("privacy", "erase", EMAIL, "--yes")
    assert erased.exit_code == 0, erased.output
    assert "Record of the erasure" in erased.output and "Not finished" not in erased.output
    assert _reporter(world) is None
    assert run("privacy", "erase", "+27825551234", "--yes").exit_code == 0
    assert found_anywhere(traces(world)) == []

    refused = run("privacy", "export", "not an address")
    assert refused.exit_code == 1 and "email address or a phone number" in refused.output
