"""A new deployment's first administrator: `python -m functions.devtools.seed --administrator`
puts one network administrator on the empty allow-list (README, "Deploying"), once."""

from __future__ import annotations

from functions import wiring
from functions.devtools.seed import add_network_administrator


def test_the_first_administrator_is_listed_over_the_whole_network_once(project):
    before = len(wiring.administrators().list())
    assert add_network_administrator(" Thandi@Example.org ", "Thandi Mokoena") is True
    listed = wiring.administrators().get("thandi@example.org")
    assert listed is not None and listed.whole_network and listed.active
    assert listed.name == "Thandi Mokoena"
    assert len(wiring.administrators().list()) == before + 1

    # Again, even with another name: nothing changes.
    assert add_network_administrator("thandi@example.org", "Someone Else") is False
    assert wiring.administrators().get("thandi@example.org").name == "Thandi Mokoena"
    assert len(wiring.administrators().list()) == before + 1
