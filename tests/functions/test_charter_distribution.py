"""distribute_charters and send_charter over the Firestore emulator, through the entry points:
each changed charter is sent once per version; a change to one centre's hours re-sends only
its charter; a service-level change re-sends every centre's, and the PDF delivered says the
new times (its text extracted back); a send whose commit fails is retried into one email;
a principal without an address is recorded as not sent until there is one."""

from __future__ import annotations

import io
import re
from collections import Counter

from pypdf import PdfReader

from functions import wiring
from functions.domain.charters.content import charter_version
from functions.rendering.charter_text import charter_sections
from functions.services.charters.build import charter_for
from tests.functions import charter_support
from tests.functions.charter_support import (
    CENTRES,
    GAUTENG_ADMIN,
    FailingCommit,
    inbox,
    outbox,
    queued,
    records,
    replay,
    save_centre,
)

# The fixtures every test here uses (pytest finds them as this module's names).
clock, distribute = charter_support.clock, charter_support.distribute


def _send_all(client_for, tasks) -> Counter:
    return Counter(answer["outcome"] for answer in replay(client_for, tasks, "send_charter"))


def _pdf_text(content: bytes) -> str:
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


def test_a_distribution_sends_every_centre_once_and_again_nothing(distribute, client_for, tasks):
    first = distribute()
    assert first.status_code == 200, first.text
    assert first.json == {"region_id": None, "centres": 5, "queued": 5, "unchanged": 0,
                          "no_email": 0}  # fmt: skip
    assert sorted(p["centre_id"] for p in queued(tasks, "send_charter")) == CENTRES
    # Distributed again before the tasks ran: the same task names, nothing new.
    assert distribute().json["queued"] == 5 and len(queued(tasks, "send_charter")) == 5
    assert _send_all(client_for, tasks) == {"sent": 5}
    mails = outbox()
    assert sorted(m["data"]["charter"]["centre_id"] for m in mails) == CENTRES
    assert all(m["to"].startswith("principal@") and m["language"] == "en" for m in mails)
    assert all("token" not in str(m["data"]) for m in mails)  # links are signed at delivery
    held = records()
    assert sorted(held) == CENTRES
    deps = wiring.dependencies()
    for centre_id, record in held.items():
        assert record["version"] == charter_version(charter_for(deps, centre_id))
        assert record["sent_to"].startswith("principal@") and record["confirmed_version"] is None
        assert [e["step"] for e in record["history"]] == ["sent"]
    again = distribute()
    assert again.json == {"region_id": None, "centres": 5, "queued": 0, "unchanged": 5,
                          "no_email": 0}  # fmt: skip
    assert queued(tasks, "send_charter") == []
    # A task delivered again (at least once) writes nothing.
    body = {"centre_id": "ubuntu-umlazi", "version": held["ubuntu-umlazi"]["version"]}
    repeat = client_for("send_charter").post("/", json=body)
    assert repeat.status_code == 200 and repeat.json == {"outcome": "already"}
    assert len(outbox()) == 5 and records() == held


def test_a_change_to_one_centres_hours_resends_only_its_charter(distribute, client_for, tasks):
    distribute()
    _send_all(client_for, tasks)
    before = records()
    save_centre(
        "sunflower-soweto",
        opening_hours={day: "07:00-17:00" for day in ("mon", "tue", "wed", "thu")},
    )
    answer = distribute().json
    assert answer["queued"] == 1 and answer["unchanged"] == 4
    assert [p["centre_id"] for p in queued(tasks, "send_charter")] == ["sunflower-soweto"]
    assert _send_all(client_for, tasks) == {"sent": 1}
    after = records()
    assert after["sunflower-soweto"]["version"] != before["sunflower-soweto"]["version"]
    assert {k: v for k, v in after.items() if k != "sunflower-soweto"} == \
        {k: v for k, v in before.items() if k != "sunflower-soweto"}  # fmt: skip
    new = [m for m in outbox() if m["data"]["previous_version"]]
    assert len(new) == 1 and new[0]["data"]["charter"]["opening_hours"]["mon"] == "07:00-17:00"
    assert new[0]["data"]["previous_version"] == before["sunflower-soweto"]["version"]


def test_a_service_level_change_resends_every_charter_with_the_new_times_in_its_pdf(
    distribute, client_for, tasks, clock
):
    distribute()
    _send_all(client_for, tasks)
    replay(client_for, tasks, "deliver_email")
    deps = wiring.dependencies()
    old_charter = charter_for(deps, "ubuntu-umlazi")
    levels = wiring.service_levels()
    policy = levels.current()
    targets = [t.model_copy(update={"acknowledge_hours": 5}) if t.kind == "complaint"
               and not t.urgent else t for t in policy.targets]  # fmt: skip
    levels.save(policy.model_copy(update={"version": "2027-01", "targets": targets}),
                clock.now.year)  # fmt: skip
    answer = distribute().json
    assert answer["queued"] == 5 and answer["unchanged"] == 0
    assert _send_all(client_for, tasks) == {"sent": 5}
    replay(client_for, tasks, "deliver_email")

    new_charter = charter_for(deps, "ubuntu-umlazi")
    assert new_charter.promise("complaint", False).acknowledge_hours == 5
    old_rows = set(charter_sections(old_charter, "en").section("times").blocks)
    changed = [b for b in charter_sections(new_charter, "en").section("times").blocks
               if b not in old_rows and b.kind == "row"]  # fmt: skip
    assert changed, "the times table says the new time"
    (latest, first) = inbox("principal@ubuntu.example.org")  # newest first
    # Ubuntu speaks isiZulu and English with parents (infra/demo/demo_data.json).
    assert [a["filename"] for a in latest.attachments] == [
        "charter-en.pdf", "charter-zu.pdf", "charter-poster-en.pdf"]  # fmt: skip
    for index in range(3):
        name, content_type, content = latest.attachment(index)
        assert content_type == "application/pdf"
        text = _pdf_text(content)
        assert charter_version(new_charter) in text
        if name.endswith("-zu.pdf"):
            assert "amahora okusebenza angu-5" in " ".join(text.split()), name
            continue
        for row in changed:
            assert all(" ".join(cell.split()) in text for cell in row.cells), (name, row)
    old_text = _pdf_text(first.attachment(0)[2])
    assert charter_version(old_charter) in old_text and charter_version(new_charter) not in old_text


def test_a_send_whose_commit_fails_is_retried_into_one_email_per_centre(
    distribute, client_for, tasks, monkeypatch
):
    distribute()
    bodies = queued(tasks, "send_charter")
    tasks.tasks.clear()
    failing = FailingCommit(monkeypatch)
    send = client_for("send_charter")
    assert send.post("/", json=bodies[0]).json == {"outcome": "sent"}
    failing.armed = True
    crashed = send.post("/", json=bodies[1])
    assert crashed.status_code == 503 and crashed.headers.get("Retry-After")
    assert failing.refused_writes == 2  # the record and its email, in one commit
    assert len(outbox()) == 1 and len(records()) == 1
    for body in bodies[2:]:
        assert send.post("/", json=body).status_code == 200
    assert send.post("/", json=bodies[1]).json == {"outcome": "sent"}  # Cloud Tasks' retry
    for body in bodies:  # every task again (at least once delivery): nothing new
        assert send.post("/", json=body).json == {"outcome": "already"}
    assert sorted(m["data"]["charter"]["centre_id"] for m in outbox()) == CENTRES
    assert sorted(records()) == CENTRES
    tasks.tasks.clear()
    assert distribute().json["queued"] == 0


def test_a_principal_without_an_address_is_recorded_as_not_sent_until_there_is_one(
    distribute, client_for, tasks
):
    directory = wiring.centre_directory()
    centre = directory.get_centre("fynbos-khayelitsha")
    principal = centre.principal
    save_centre("fynbos-khayelitsha", principal=principal.model_copy(update={"email": ""}))
    distribute()
    assert _send_all(client_for, tasks) == {"sent": 4, "no_email": 1}
    record = records()["fynbos-khayelitsha"]
    assert record["version"] is None and record["unsent_reason"] == "no_email"
    assert record["unsent_version"] and [e["step"] for e in record["history"]] == ["not_sent"]
    again = distribute().json
    assert again == {"region_id": None, "centres": 5, "queued": 0, "unchanged": 4, "no_email": 1}
    save_centre("fynbos-khayelitsha", principal=principal.model_copy(
        update={"email": "new.principal@fynbos.example.org"}))  # fmt: skip
    assert distribute().json["queued"] == 1
    assert _send_all(client_for, tasks) == {"sent": 1}
    record = records()["fynbos-khayelitsha"]
    assert record["version"] == record["history"][-1]["version"]
    assert record["unsent_version"] is None
    assert record["sent_to"] == "new.principal@fynbos.example.org"


def test_a_centre_speaking_isizulu_gets_an_a4_charter_in_each_language(
    distribute, client_for, tasks
):
    save_centre("ubuntu-umlazi", languages=["zu", "en"])
    distribute({"region_id": "kwazulu-natal"})
    assert _send_all(client_for, tasks) == {"sent": 1}
    replay(client_for, tasks, "deliver_email")
    (mail,) = inbox("principal@ubuntu.example.org")
    assert [a["filename"] for a in mail.attachments] == ["charter-en.pdf", "charter-zu.pdf",
                                                         "charter-poster-en.pdf"]  # fmt: skip
    assert "isiZulu" in mail.text and "confirm_charter?token=" in mail.text
    assert "charter?centre=ubuntu-umlazi" in mail.text
    assert re.search(r"Service charter for .+ \(.+\): please display it", mail.subject)


def test_scope_and_refusals(distribute, tasks):
    assert distribute(who=None).status_code == 401
    assert distribute({"region_id": "western-cape"}, who=GAUTENG_ADMIN).status_code == 403
    assert distribute({"region_id": "atlantis"}).status_code == 404
    for bad in ({"region_id": ""}, {"region_id": "a\nb"}, {"region_id": 5}, {"extra": 1},
                {"region_id": "x" * 101}):  # fmt: skip
        assert distribute(bad).status_code == 422, bad
    assert distribute({"region_id": "\ud800"}).status_code == 404  # read as U+FFFD: no such
    assert queued(tasks, "send_charter") == []
    own = distribute(who=GAUTENG_ADMIN)
    assert own.status_code == 200 and own.json["region_id"] == "gauteng"
    assert own.json["centres"] == 2
    assert sorted(p["centre_id"] for p in queued(tasks, "send_charter")) == [
        "little-stars-tembisa", "sunflower-soweto"]  # fmt: skip


def test_a_queue_outage_answers_503_and_the_same_request_queues_the_rest(distribute, tasks):
    tasks.unavailable = True
    down = distribute()
    assert down.status_code == 503 and down.headers.get("Retry-After")
    tasks.unavailable = False
    assert distribute().json["queued"] == 5 and len(queued(tasks, "send_charter")) == 5


def test_hostile_task_payloads_are_refused_or_settled_and_write_nothing(client_for, clock):
    send = client_for("send_charter")
    extra = {"centre_id": "sunflower-soweto", "version": "ab", "to": "x@example.org"}
    for bad in ({"centre_id": "sunflower-soweto", "version": "XYZ"}, {"centre_id": ""},
                {"centre_id": "a" * 5000, "version": "ab"}, {"centre_id": 5, "version": "ab"},
                extra):  # fmt: skip
        assert send.post("/", json=bad).status_code == 422, bad
    for odd in ("../centres/x", "\ud800", "a\r\nb", "__x__", "nope"):
        answer = send.post("/", json={"centre_id": odd, "version": "ab"})
        assert answer.status_code == 200 and answer.json == {"outcome": "unknown_centre"}, odd
    assert outbox() == [] and records() == {}
