"""Local commitments in Firestore (the emulator): administrators adding at once all land (one
unit of work each, run again on contention); the overview builds each centre's charter with
the same commitments as the public page, also for a centre moved to another region; a
regional administrator cannot reach another region's centre."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import pytest

from functions import wiring
from functions.domain.charters.content import charter_version
from functions.domain.directory.administrators import Administrator
from functions.services.charters import commitments as service
from functions.services.charters.build import charter_for
from functions.services.charters.overview import overview
from functions.services.errors import UnknownCentre

NETWORK = Administrator(email="admin@ecd.example.org", name="Network")
GAUTENG = Administrator(email="admin.gauteng@ecd.example.org", name="G", region_id="gauteng")
WESTERN = Administrator(email="admin.westerncape@ecd.example.org", name="W",
                        region_id="western-cape")  # fmt: skip
CENTRE = "sunflower-soweto"


def test_administrators_adding_at_once_all_land(project):
    deps = wiring.dependencies()
    texts = [f"Promise {n}" for n in range(6)]
    with ThreadPoolExecutor(max_workers=6) as pool:
        list(pool.map(lambda t: service.add_commitment(deps, NETWORK, CENTRE, t), texts))
    record = deps.charter_commitments.get(CENTRE)
    assert sorted(record.items) == texts and len(record.history) == 6


def test_a_stale_replacement_changes_nothing(project):
    deps = wiring.dependencies()
    service.set_commitments(deps, NETWORK, CENTRE, ["First"])
    seen = deps.charter_commitments.get(CENTRE).updated_at
    service.add_commitment(deps, GAUTENG, CENTRE, "Second")
    with pytest.raises(service.StaleCommitments) as stale:
        service.set_commitments(deps, NETWORK, CENTRE, ["Mine"], seen=seen, check_seen=True)
    assert stale.value.record.items == ["First", "Second"]
    with pytest.raises(service.StaleCommitments):  # none were there when read: now some are
        service.set_commitments(deps, NETWORK, CENTRE, ["Mine"], seen=None, check_seen=True)
    assert service.commitments_of(deps, CENTRE) == ["First", "Second"]
    # Without check_seen: the last write wins.
    assert service.set_commitments(deps, NETWORK, CENTRE, ["Mine"]) == ["Mine"]


def test_the_overview_builds_the_charters_the_public_page_builds(project):
    deps = wiring.dependencies()
    service.set_commitments(deps, GAUTENG, CENTRE, ["We greet every child"])
    # The centre moves to the Western Cape: its commitments' record still says Gauteng.
    centre = deps.directory.get_centre(CENTRE)
    deps.directory.save_centre(centre.model_copy(update={"region_id": "western-cape"}))
    expected = charter_version(charter_for(deps, CENTRE))
    for caller in (NETWORK, WESTERN):
        lines = {c.centre_id: c for r in overview(deps, caller).regions for c in r.centres}
        assert lines[CENTRE].current == expected and lines[CENTRE].region_id == "western-cape"
    assert CENTRE not in {c.centre_id for r in overview(deps, GAUTENG).regions
                          for c in r.centres}  # fmt: skip
    with pytest.raises(UnknownCentre):
        service.add_commitment(deps, GAUTENG, CENTRE, "Not mine any more")
    # Changed by its new region's administrator, the record follows the centre.
    service.add_commitment(deps, WESTERN, CENTRE, "Ours now")
    assert deps.charter_commitments.get(CENTRE).region_id == "western-cape"


def test_unknown_and_hostile_centre_ids_are_not_found(project):
    deps = wiring.dependencies()
    for centre_id in ("nowhere", "../centres/sunflower-soweto", "__x__", "", "a/b"):
        with pytest.raises(UnknownCentre):
            service.add_commitment(deps, NETWORK, centre_id, "X")
        assert service.commitments_of(deps, centre_id) == []
    assert deps.charter_commitments.of_centres(["a/b", "", CENTRE]) == {}
