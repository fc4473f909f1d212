"""A centre's local commitments (domain/charters/commitments.py): kept as typed on one line,
empties and repeats dropped, too long or too many refused (never cut), and a change always a
later version."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from functions.domain.charters import commitments as rules

NOW = datetime(2026, 12, 10, 7, 0, tzinfo=UTC)


def test_kept_as_typed_on_one_line():
    typed = ["  <b>Hugs</b>\r\n& smiles ", "", "A\u2028B\x85C\u2029D", "half \ud800 pair", "  "]
    assert rules.cleaned(typed) == ["<b>Hugs</b> & smiles", "A B C D", "half \ufffd pair"]


def test_a_repeat_is_kept_once_in_first_place():
    assert rules.cleaned(["One", "Two", " One "]) == ["One", "Two"]


def test_too_long_or_too_many_is_refused_not_cut():
    assert rules.cleaned(["x" * rules.ITEM_MAX]) == ["x" * rules.ITEM_MAX]
    with pytest.raises(rules.CommitmentsRefused, match="Commitment 2 has 301 characters"):
        rules.cleaned(["ok", "x" * 301])
    assert len(rules.cleaned([str(i) for i in range(rules.MAX_ITEMS)])) == rules.MAX_ITEMS
    with pytest.raises(rules.CommitmentsRefused, match="11 commitments given"):
        rules.cleaned([str(i) for i in range(11)])
    # Blank lines do not count towards the ten.
    assert len(rules.cleaned(["", "a", "", "b"] * 1 + [""] * 40)) == 2


def test_a_change_is_a_later_version_and_no_change_none():
    first = rules.changed(None, centre_id="c", region_id="r", items=["A"], by="k1", now=NOW)
    assert first.items == ["A"] and first.updated_at == NOW and len(first.history) == 1
    assert rules.changed(first, centre_id="c", region_id="r", items=["A"], by="k2",
                         now=NOW) is None  # fmt: skip
    assert rules.changed(None, centre_id="c", region_id="r", items=[], by="k", now=NOW) is None
    # The clock standing still (or behind): still later than the last change.
    second = rules.changed(first, centre_id="c", region_id="r", items=["B"], by="k2",
                           now=NOW - timedelta(seconds=5))  # fmt: skip
    assert second.updated_at > first.updated_at and second.updated_by == "k2"
    assert [c.count for c in second.history] == [1, 1]
    emptied = rules.changed(second, centre_id="c", region_id="r", items=[], by="k", now=NOW)
    assert emptied.items == [] and emptied.updated_at > second.updated_at
    # A centre moved to another region: its record follows (the scope reads by region).
    moved = rules.changed(emptied, centre_id="c", region_id="r2", items=[], by="k", now=NOW)
    assert moved is not None and moved.region_id == "r2"


def test_history_is_bounded():
    record = None
    for n in range(rules.HISTORY_KEPT + 5):
        record = rules.changed(record, centre_id="c", region_id="r", items=[str(n)], by="k",
                               now=NOW + timedelta(minutes=n))  # fmt: skip
    assert len(record.history) == rules.HISTORY_KEPT
