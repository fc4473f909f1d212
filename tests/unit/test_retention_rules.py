"""The retention rules (functions/domain/privacy/retention.py): when a record is due, what it
keeps, and that every collection whose records carry an expiry has its TTL policy."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from functions.domain.cases.case_rows import CaseRow
from functions.domain.privacy import forum_rows as forum_rules
from functions.domain.privacy import retention as rules
from functions.domain.reports import tallies

NOW = datetime(2028, 3, 31, 1, 0, tzinfo=UTC)
CUTOFF = rules.cutoff(NOW, 24)


def test_the_cutoff_is_calendar_months_back_the_31st_falling_to_the_months_last_day():
    assert rules.cutoff(NOW, 24) == datetime(2026, 3, 31, 1, 0, tzinfo=UTC)
    assert rules.cutoff(datetime(2028, 5, 31, tzinfo=UTC), 3) == datetime(2028, 2, 29, tzinfo=UTC)
    assert rules.cutoff(datetime(2028, 1, 15, tzinfo=UTC), 1) == datetime(2027, 12, 15, tzinfo=UTC)
    assert rules.cutoff(datetime(2028, 1, 15, tzinfo=UTC), 25) == datetime(2025, 12, 15, tzinfo=UTC)


def _case(**changes) -> dict:
    return {
        "reference": "FB-AAAA-001", "source": "web_form", "centre_id": "c1", "centre_name": "C",
        "region_id": "r1", "kind": "complaint", "category": "facilities", "urgent": False,
        "anonymous": False, "description": "Thandi's words", "status": "closed", "open": False,
        "reporter": {"name": "Thandi", "email": "t@example.org", "phone": "0821234567",
                     "role": "guardian", "preferred_language": "zu"},
        "consent": {"given": True, "version": "2026-11", "recorded_at": NOW},
        "child": {"first_name": "Sipho", "age_group": "toddler"},
        "triage": {"reasons": ["unknown_centre"], "given": {"centre": "Thandi's creche"},
                   "resolved": True},
        "created_at": NOW - timedelta(days=800), "updated_at": NOW - timedelta(days=790),
        "respond_by": NOW, "outcome": {"resolved_in_time": True, "hours_to_resolve": 3.0},
        "resolution": "Fixed for Thandi", "rating": {"score": 2, "comment": "Thandi", "at": NOW},
        "assignee": {"key": "k", "name": "Lerato"}, "note_from_an_old_version": "Thandi",
    } | changes  # fmt: skip


def test_a_case_is_due_once_not_open_and_unchanged_since_the_cutoff():
    assert rules.case_due(_case(), CUTOFF)
    assert not rules.case_due(_case(open=True), CUTOFF)
    assert not rules.case_due(_case(updated_at=CUTOFF), CUTOFF)
    assert not rules.case_due(_case(updated_at=None), CUTOFF)
    assert not rules.case_due(_case(deidentified_at=NOW), CUTOFF)
    assert not rules.case_due({"open": False}, CUTOFF) and not rules.case_due(None, CUTOFF)


def test_a_case_keeps_its_figures_and_nothing_of_the_person():
    kept = rules.case(_case(), NOW)
    assert "Thandi" not in repr(kept) and "Sipho" not in repr(kept) and "0821" not in repr(kept)
    assert kept["reporter"] == {"role": "guardian", "preferred_language": "zu"}
    assert kept["child"] == {"age_group": "toddler"} and kept["triage"]["given"] == {}
    assert kept["rating"] == {"score": 2, "at": NOW} and kept["deidentified_at"] == NOW
    assert "note_from_an_old_version" not in kept  # a field not listed goes
    assert tallies.case_part(CaseRow.model_validate(kept)) == tallies.case_part(
        CaseRow.model_validate(_case()))  # fmt: skip
    assert rules.case(_case(child=None, triage=None, rating=None), NOW)["child"] is None


def test_history_lines_lose_their_text_and_a_parents_name_not_a_staff_members():
    parent = {
        "type": "parent_replied",
        "summary": "Thandi",
        "actor": {"role": "parent", "display_name": "Thandi"},
    }
    staff = {"type": "note_added", "summary": "Called Thandi",
             "actor": {"role": "staff", "display_name": "Lerato", "key": "k"}}  # fmt: skip
    assert rules.event(parent) == {"type": "parent_replied", "summary": None,
                                   "actor": {"role": "parent"}}  # fmt: skip
    assert rules.event(staff)["actor"] == staff["actor"] and rules.event(staff)["summary"] is None
    assert rules.event(rules.event(parent)) is None  # nothing more to remove
    assert rules.event({"type": "acknowledged", "actor": {"role": "staff", "key": "k"}}) is None


def test_a_history_line_drops_a_field_no_rule_lists():
    # A field a later version of the code adds to history lines (here, a parent's phone) is
    # personal until the retention rules say otherwise.
    line = {"type": "parent_replied", "at": NOW, "summary": "ok", "phone": "+27821234567",
            "actor": {"role": "parent"}, "status": "in_progress", "score": None}  # fmt: skip
    kept = rules.event(line)
    assert "phone" not in kept
    assert kept == {"type": "parent_replied", "at": NOW, "summary": None, "score": None,
                    "actor": {"role": "parent"}, "status": "in_progress"}  # fmt: skip


def test_forum_rows_lose_their_person_and_move_to_ids_that_link_to_nobody():
    registration = {"registration_id": "r", "forum_id": "f", "participant_key": "abc",
                    "name": "Thandi", "email": "t@example.org", "phone": "+27821234567",
                    "needs": "a ramp for Sipho", "topics_other": "x", "role": "parent",
                    "state": "registered", "extra": "Thandi"}  # fmt: skip
    row = {"attendee_id": "a", "forum_id": "f", "attendee_key": "abc", "registration_id": "r",
           "registered": True, "name": "Thandi", "role": "parent", "minutes": 60}  # fmt: skip
    answer = {"attendee_id": "a", "forum_id": "f", "registration_id": "r", "satisfaction": 4,
              "wants_monthly": True, "pain_points": ["fees"], "role": "parent",
              "comments": "Thandi", "quoted_as": "Thandi", "may_quote_name": True}  # fmt: skip
    moves = forum_rules.person("a", row, registration, answer, NOW)
    assert [(kind, old) for kind, old, _, _ in moves] == [
        ("attendance", "a"),
        ("registrations", "r"),
        ("survey_responses", "a"),
    ]
    (_, _, a, kept_row), (_, _, r, kept_reg), (_, _, a2, kept_answer) = moves
    assert a == a2 == kept_row["attendee_id"] == kept_answer["attendee_id"] != "a"
    assert r == kept_reg["registration_id"] == kept_row["registration_id"]
    assert r == kept_answer["registration_id"] != "r"
    for kept in (kept_row, kept_reg, kept_answer):
        assert "Thandi" not in repr(kept) and "Sipho" not in repr(kept) and "extra" not in kept
        assert kept["deidentified_at"] == NOW and kept["role"] == "parent"
    assert kept_reg["participant_key"] != "abc" != kept_row["attendee_key"]
    assert (kept_answer["satisfaction"], kept_answer["pain_points"]) == (4, ["fees"])
    assert kept_row["registered"] is True and kept_reg["state"] == "registered"
    # No two de-identified people share a key; a walk-in stays one.
    again = forum_rules.person("a", row | {"registration_id": None}, None, None, NOW)
    assert len(again) == 1 and again[0][3]["registration_id"] is None
    assert again[0][3]["attendee_key"] != kept_row["attendee_key"]
    ((_, _, new_id, no_show),) = forum_rules.alone("registrations", "r", registration, NOW)
    assert new_id == no_show["registration_id"] != r


def test_a_summary_keeps_its_figures_and_loses_its_quotes_stored_either_way():
    body = {"totals": {"respondents": 3}, "pain_points_other": [{"text": "Thandi"}],
            "practices": [{"quote": {"text": "Thandi"}}],
            "recommendations": [{"category": "fees", "total": 2, "omitted": 0,
                                 "quotes": [{"text": "Ask Thandi", "people": []}]}]}  # fmt: skip
    as_text = rules.summary({"summary_id": "s", "body": json.dumps(body)}, NOW)
    assert "Thandi" not in as_text["body"]
    assert json.loads(as_text["body"])["recommendations"][0]["total"] == 2
    nested = rules.summary(body, NOW)
    assert nested["totals"] == {"respondents": 3} and "Thandi" not in repr(nested)


def test_every_collection_whose_records_expire_has_its_ttl_policy():
    """What is kept for a while only (mail, markers, invitations) goes on time: a record's
    expires_at means nothing without its collection's TTL policy."""
    root = Path(__file__).parents[2]
    indexes = json.loads((root / "infra/firestore.indexes.json").read_text())
    ttl = {f["collectionGroup"] for f in indexes["fieldOverrides"] if f.get("ttl")}
    expiring = {"outbox", "intake_keys", "once", "digest_summaries", "acknowledgement_tallies",
                "forum_invitations", "forum_invitation_batches"}  # fmt: skip
    assert expiring <= ttl
