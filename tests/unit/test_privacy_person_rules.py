"""The rules of access and erasure (no I/O): who a request is about (an address or a number,
normalised as intake does; anything else refused), the spellings an address is looked for
under, a selection re-keyed, and a compiled summary without a person's name and words."""

from __future__ import annotations

import json

import pytest

from functions.domain.forums.models import participant_key
from functions.domain.privacy.erasure import batch_without, needles, rekeyed
from functions.domain.privacy.person import NotAPerson, identify
from functions.domain.privacy.summary_quotes import quotes_of, their_texts, without_them


def test_an_address_is_read_as_intake_stores_it_and_looked_for_as_people_type_it():
    person = identify("  Thandi.Mokoena@EXAMPLE.org ")
    assert (person.kind, person.value) == ("email", "Thandi.Mokoena@example.org")
    spellings = {"thandi.mokoena@example.org", "Thandi.Mokoena@example.org",
                 "THANDI.MOKOENA@example.org", "Thandi.mokoena@example.org"}  # fmt: skip
    assert spellings <= set(person.emails)
    assert person.participant_key == participant_key("thandi.mokoena@example.org", None)
    assert person.is_address("THANDI.mokoena@Example.org") and not person.is_address("x@y.org")
    learned = person.learning(["tHANDI.mokoena@example.org", "someone@else.org"])
    assert (
        "tHANDI.mokoena@example.org" in learned.emails and "someone@else.org" not in learned.emails
    )
    assert person.phones == () and identify("+27 82 123 4567").emails == ()


@pytest.mark.parametrize("given", ["082 123 4567", "0821234567", "+27821234567", "27821234567"])
def test_a_south_african_number_is_read_in_e164(given):
    person = identify(given)
    assert (person.kind, person.value, person.phones) == (
        "phone",
        "+27821234567",
        ("+27821234567",),
    )
    assert person.is_address("082-123-4567") and person.address_key is None


@pytest.mark.parametrize("given", [
    None, "", "   ", 42, ["a@example.org"], "not an address", "x" * 321, "a@example.org\n",
    "a@example.org\r\nBcc: b@example.org", "a@exa\u2028mple.org", "a@example.org\x85",
    "\ud800@example.org", "a@b", "=1+1", "<script>@example.org",
])  # fmt: skip
def test_anything_else_is_refused(given):
    with pytest.raises(NotAPerson):
        identify(given)


def test_a_selection_is_rekeyed_the_same_way_throughout():
    doc = {"states": {"k1": "selected", "k2": "reserve"}, "history": [{"attendee_key": "k1"}],
           "items": [{"attendee_key": "k1", "attendee_id": "a1"}]}  # fmt: skip
    mapping = {"k1": "new", "a1": "new-id"}
    assert rekeyed(doc, mapping) == {
        "states": {"new": "selected", "k2": "reserve"}, "history": [{"attendee_key": "new"}],
        "items": [{"attendee_key": "new", "attendee_id": "new-id"}]}  # fmt: skip


def test_a_batch_loses_their_entry_and_their_traces_include_the_number_as_written_at_home():
    person = identify("thandi@example.org")
    batch = {"recipients": [{"email": "Thandi@example.org"}, {"email": "o@example.org"}]}
    assert batch_without(batch, person)["recipients"] == [{"email": "o@example.org"}]
    assert "0821234567" in needles(identify("0821234567"), set(), set())
    assert needles(person, {"Al", " "}, {"FB-1"}) == {"thandi@example.org", "FB-1"}


def _quote(text, *names, count=1):
    people = [{"name": n, "role": "parent"} for n in names]
    return {"text": text, "kind": "comment", "count": count, "forum_id": "f",
            "name": names[0] if names else None, "role": "parent" if names else None,
            "people": people}  # fmt: skip


def test_a_summary_loses_her_name_and_her_own_words_and_keeps_its_counts():
    body = {
        "recommendations": [{"category": "facilities", "total": 4, "omitted": 0, "quotes": [
            _quote("Fix the gate", "Thandi", "Lindiwe", count=2),
            _quote("Thandi liked it", "Thandi"),
            _quote("Anonymous words"),
            _quote("Start at six", "Lindiwe")]}],
        "practices": [{"quote": _quote("Thandi's reading corner")}],
        "pain_points_other": [_quote("Fees")],
    }  # fmt: skip
    doc = {"month": "2030-03", "body": json.dumps(body)}
    answer = {"comments": "Thandi liked it", "promising_practice": "Thandi's reading corner",
              "recommendations": "Start at six"}  # fmt: skip
    texts = their_texts([answer])
    assert len(quotes_of(body, {"Thandi"}, texts)) == 3
    kept = json.loads(without_them(doc, {"Thandi"}, texts)["body"])
    group = kept["recommendations"][0]
    assert [q["text"] for q in group["quotes"]] == ["Fix the gate", "Anonymous words",
                                                    "Start at six"]  # fmt: skip
    shared = group["quotes"][0]
    assert shared["count"] == 2 and shared["name"] == "Lindiwe"
    assert [p["name"] for p in shared["people"]] == ["Lindiwe"]
    assert group["total"] == 4 and group["omitted"] == 1  # her own text is counted as left out
    assert kept["practices"] == [] and kept["practices_omitted"] == 1
    assert kept["pain_points_other"] == body["pain_points_other"]
    assert "Thandi" not in json.dumps(kept)
    assert without_them({"body": json.dumps(kept)}, {"Thandi"}, texts) is None
