"""A centre's charter built from the directory and the live service-level policy (issue 12):
the times it promises are the policy's, its version moves with any change and only then,
and hostile directory text cannot break a line, a page or a PDF."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from functions.domain.cases.service_levels import ServiceLevelPolicy
from functions.domain.charters.content import (
    TEMPLATE_VERSION,
    Unit,
    build_charter,
    charter_version,
)
from functions.domain.directory.models import Centre, Contact, Region
from functions.domain.shared.vocabulary import Kind, Language
from functions.rendering.charter_text import charter_sections

POLICY_FILE = Path(__file__).parents[2] / "infra" / "service_levels.json"
SHIPPED = ("en", "zu", "af")


def policy(targets: dict | None = None, top: dict | None = None) -> ServiceLevelPolicy:
    """infra/service_levels.json with `targets` {(kind, urgent): changes} and `top` changed."""
    data = json.loads(POLICY_FILE.read_text())
    for target in data["targets"]:
        target.update((targets or {}).get((target["kind"], target["urgent"]), {}))
    return ServiceLevelPolicy.model_validate(data | (top or {}))


def centre(**changes) -> Centre:
    data = {
        "centre_id": "sunflower-soweto", "name": "Sunflower Creche, Soweto",
        "region_id": "gauteng", "principal": {"name": "Thandi Mokoena", "email": "p@x.org"},
        "languages": ["zu", "st", "en"], "phone": "+27115550100",
        "opening_hours": {"fri": "06:30-16:00", "mon": "06:30-17:30", "tue": "06:30-17:30"},
    }  # fmt: skip
    return Centre.model_validate(data | changes)


REGION = Region(region_id="gauteng", name="Gauteng",
                administrator=Contact(name="Nomsa Dlamini", email="admin@x.org"))  # fmt: skip


def build(the_centre=None, the_policy=None, commitments=(), region=REGION):
    return build_charter(the_centre or centre(), region, the_policy or policy(),
                         list(commitments), "https://f.example/feedback_form?centre=c",
                         "https://f.example/charter?centre=c", network_name="Net",
                         shipped=SHIPPED)  # fmt: skip


def test_the_charter_promises_the_policy_s_times_per_kind_and_urgency():
    the_policy = policy()
    charter = build(the_policy=the_policy)
    for kind in Kind:
        promise, target = charter.promise(kind, False), the_policy.target(kind, False)
        assert (promise.acknowledge_hours, promise.resolve_hours) == (
            target.acknowledge_hours, target.resolve_hours)  # fmt: skip
        assert promise.unit == Unit.WORKING_HOURS
    urgent = charter.promise(None, True)
    assert urgent.unit == Unit.CLOCK_HOURS
    assert urgent.acknowledge_hours == the_policy.target(None, True).acknowledge_hours
    assert charter.escalation == the_policy.escalation
    assert charter.policy_version == the_policy.version
    assert charter.template_version == TEMPLATE_VERSION


def test_the_escalation_contact_is_the_region_s_administrator_and_hours_in_weekday_order():
    charter = build()
    assert (charter.escalation_name, charter.escalation_email) == ("Nomsa Dlamini", "admin@x.org")
    assert charter.principal_name == "Thandi Mokoena"
    assert list(charter.opening_hours) == ["mon", "tue", "fri"]


def test_english_always_and_the_centre_s_languages_we_have_text_in():
    assert build().languages == [Language.ENGLISH, Language.ISIZULU]
    assert build(centre(languages=[])).languages == [Language.ENGLISH]
    assert build(centre(languages=["af", "af", "xh"])).languages == ["en", "af"]
    # The charter names every language the centre speaks, shipped or not.
    assert build().spoken_languages == ["zu", "st", "en"]


def test_the_same_inputs_give_the_same_version_and_any_change_a_new_one():
    first = charter_version(build())
    assert charter_version(build()) == first
    # Dict order in the directory changes nothing the charter shows.
    hours = {"tue": "06:30-17:30", "mon": "06:30-17:30", "fri": "06:30-16:00"}
    assert charter_version(build(centre(opening_hours=hours))) == first
    changed = [
        build(centre(opening_hours={**hours, "fri": "06:30-17:00"})),
        build(centre(phone="+27115550199")),
        build(centre(name="Sunflower Creche")),
        build(commitments=["We greet every child by name."]),
        build(the_policy=policy({("complaint", False): {"acknowledge_hours": 4}})),
        build(the_policy=policy(top={"version": "2027-01"})),
        build(region=REGION.model_copy(update={"administrator": Contact(name="A", email="a@x")})),
        build().model_copy(update={"template_version": "2099-01"}),
    ]
    versions = {charter_version(c) for c in changed}
    assert first not in versions and len(versions) == len(changed)


def test_a_changed_policy_changes_the_text_and_an_unchanged_one_keeps_it():
    before = charter_sections(build(), "en")
    same = charter_sections(build(the_policy=policy()), "en")
    assert same == before
    faster = build(the_policy=policy({("complaint", False): {"acknowledge_hours": 4}}))
    after = charter_sections(faster, "en")
    rows = {b.cells[0]: b.cells[1:] for b in after.section("times").blocks if b.kind == "row"}
    assert rows["Complaint"] == ("4 working hours", "30 working hours")
    assert after.version != before.version


@pytest.mark.parametrize("hostile", [
    "Sun<script>alert(1)</script>shine", "Line\r\nBcc: x@evil", "A\u2028B\u2029C\x85D",
    "\ud800lone", "x" * 5000, "## heading | row",
])  # fmt: skip
def test_hostile_directory_text_stays_one_line_of_plain_text(hostile):
    charter = build(centre(name=hostile, address=hostile), commitments=[hostile])
    for value in (charter.centre_name, charter.address, *charter.commitments):
        assert not any(ch in value for ch in "\r\n\u2028\u2029\x85")
        assert not any(0xD800 <= ord(ch) <= 0xDFFF for ch in value)
        value.encode("utf-8")  # a page and a PDF can encode it
    text = charter_sections(charter, "en")
    # The text is the template's structure whatever the values hold: no extra section or row.
    assert [s.key for s in text.sections] == [s.key for s in charter_sections(build(
        commitments=["x"]), "en").sections]  # fmt: skip
    assert text.section("commitments").blocks[0].text == charter.commitments[0]


def test_every_language_version_has_the_same_structure_and_numbers():
    charter = build()
    english = charter_sections(charter, "en")
    for language in SHIPPED:
        text = charter_sections(charter, language)
        assert [s.key for s in text.sections] == [s.key for s in english.sections]
        rows = [b.cells for b in text.section("times").blocks if b.kind == "row"]
        assert len(rows) == len(charter.promises)
        assert all("8" in r[1] for r, p in zip(rows, charter.promises, strict=True)
                   if p.acknowledge_hours == 8)  # fmt: skip


def test_a_charter_stored_as_json_and_read_back_keeps_its_version():
    """Distribution stores the charter in the mail's data and renders its PDFs on delivery:
    the version printed then is the version recorded now, whatever order a store gives the
    opening hours back in."""
    from functions.domain.charters.content import Charter

    charter = build(commitments=["We greet every child by name."])
    stored = json.loads(json.dumps(charter.model_dump(mode="json")))
    stored["opening_hours"] = dict(sorted(stored["opening_hours"].items()))
    read = Charter.model_validate(stored)
    assert charter_version(read) == charter_version(charter)
    assert charter_sections(read, "en") == charter_sections(charter, "en")
