"""Daily digests over in-memory fakes: who sees which case, in what order, since when, on
which days, and once per day however often the schedule fires."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from functions.domain.cases import digests as rules
from functions.domain.cases.digest_summaries import WORST_MAX, CentreCounts
from functions.domain.cases.digest_times import previous_digest_time
from functions.domain.cases.models import OPEN_STATUSES, Consent, Person, Reporter
from functions.domain.cases.opening import open_case
from functions.domain.directory.models import Centre, Contact, Region
from functions.domain.shared.vocabulary import CaseStatus, Category, Kind, Source
from functions.rendering import render_email
from functions.services.cases.digest import (
    HANDLER,
    digest_tasks,
    queue_digests,
    send_centre_digest,
    send_region_digest,
)
from functions.services.mail.dispatch import DELIVER
from functions.tasks.send_digest import DigestPayload
from tests.builders import SETUP, service_deps
from tests.fakes import FakeCentreDirectory, FakeStore, FixedServiceLevels, RecordingQueue

SAST = ZoneInfo("Africa/Johannesburg")
PRINCIPAL = Contact(name="Thandi Mokoena", email="principal@one.example.org", role="principal")
LERATO = Contact(name="Lerato Khumalo", email="lerato@one.example.org")
BONGANI = Contact(name="Bongani Zulu", email="bongani@one.example.org")
CENTRE = Centre(centre_id="c1", name="Centre One", region_id="r1", principal=PRINCIPAL,
                staff=[LERATO, BONGANI])  # fmt: skip
ADMIN = Contact(name="Nomsa Dlamini", email="admin@r1.example.org", role="administrator")
REGION = Region(region_id="r1", name="Region One", administrator=ADMIN)
SECRET = "The cook shouts at the toddlers"
MONDAY = date(2026, 12, 14)  # after a weekend
THURSDAY = date(2026, 12, 17)  # after Wednesday 16 December, the Day of Reconciliation


def sast(*args) -> datetime:
    return datetime(*args, tzinfo=SAST)


def world(now: datetime, centres=(CENTRE,)):
    store = FakeStore()
    return service_deps(directory=FakeCentreDirectory(list(centres), [REGION]), cases=store,
                        transactions=store, queue=RecordingQueue(), clock=lambda: now,
                        network_name="Net")  # fmt: skip


def put(deps, reference: str, created: datetime, kind=Kind.COMPLAINT,
        category=Category.FACILITIES, owner: Contact | None = None, status=None,
        due: datetime | None = None, centre=CENTRE) -> None:  # fmt: skip
    """A case as stored at some point of its life: who has it, its status and due time."""
    case, _ = open_case(
        reference=reference, source=Source.API, centre=centre, kind=kind, category=category,
        description=SECRET, urgent=False, reporter=Reporter(email="parent@example.org"),
        consent=Consent(given=True, version="2026-11", recorded_at=created), child=None,
        triage=None, policy=FixedServiceLevels().policy, now=created,
    )  # fmt: skip
    clock = case.clock
    if due is not None:
        clock = clock.model_copy(update={"due": due})
    if status == CaseStatus.AWAITING_PARENT:
        clock = clock.model_copy(update={"paused_at": created + timedelta(hours=1)})
    status = status or case.status
    case = case.model_copy(update={
        "status": status, "clock": clock,
        "assignee": Person(key=owner.key, name=owner.name) if owner else None,
        "open": status in OPEN_STATUSES and kind != Kind.COMPLIMENT,
    })  # fmt: skip
    deps.cases.cases[reference] = case


def sent(deps) -> dict[str, dict]:
    """The digests in the outbox, by recipient address."""
    found = {}
    for message in deps.transactions.outbox.values():
        assert message.to not in found, f"two digests for {message.to}"
        found[message.to] = message
    return found


def sections(message) -> dict[str, list[str]]:
    """{section: [references]} as the digest lists them (in full or by reference only)."""
    return {s["name"]: [r["reference"] for r in s["cases"] + s["more"]]
            for s in message.data["sections"] if s["count"]}  # fmt: skip


def rendered(message):
    """The mail as deliver_email composes it: the data, and the links derived at send time."""
    return render_email(message.template, {**message.data, **SETUP.links.for_message(message)},
                        message.language)  # fmt: skip


# ------------------------------------------------------------------------------- a centre


def a_busy_centre(deps, now: datetime) -> None:
    week_ago = now - timedelta(days=7)
    put(deps, "FB-AAAA-001", week_ago, owner=LERATO, status=CaseStatus.IN_PROGRESS,
        due=now + timedelta(days=1))  # fmt: skip
    put(deps, "FB-AAAA-002", week_ago, owner=LERATO, status=CaseStatus.IN_PROGRESS,
        due=now - timedelta(hours=3))  # overdue  # fmt: skip
    put(deps, "FB-AAAA-003", week_ago, due=now + timedelta(hours=5))  # unassigned complaint
    put(deps, "FB-AAAA-004", week_ago, kind=Kind.QUESTION, due=now + timedelta(hours=2))
    put(deps, "FB-AAAA-005", week_ago, owner=BONGANI, status=CaseStatus.AWAITING_PARENT,
        due=now - timedelta(days=2))  # paused: never overdue  # fmt: skip
    put(deps, "FB-AAAA-006", week_ago, category=Category.STAFF_CONDUCT,
        due=now - timedelta(hours=1))  # fmt: skip
    put(deps, "FB-AAAA-007", now - timedelta(hours=20), kind=Kind.COMPLIMENT)
    put(deps, "FB-AAAA-008", week_ago, status=CaseStatus.RESOLVED, owner=LERATO)


def test_each_recipient_gets_their_own_sections():
    now = sast(2026, 12, 15, 7, 10)
    deps = world(now)
    a_busy_centre(deps, now)

    assert send_centre_digest("c1", now.date(), deps, now).sent == 3
    mail = sent(deps)
    assert sections(mail[PRINCIPAL.email]) == {
        "open": ["FB-AAAA-002", "FB-AAAA-006", "FB-AAAA-004", "FB-AAAA-003", "FB-AAAA-001"],
        "waiting": ["FB-AAAA-005"],
        "compliments": ["FB-AAAA-007"],
    }
    assert sections(mail[LERATO.email]) == {
        "yours": ["FB-AAAA-002", "FB-AAAA-001"],
        "unassigned": ["FB-AAAA-003"],
        "waiting": ["FB-AAAA-005"],
        "compliments": ["FB-AAAA-007"],
    }
    assert sections(mail[BONGANI.email]) == {
        "unassigned": ["FB-AAAA-003"],
        "waiting": ["FB-AAAA-005"],
        "compliments": ["FB-AAAA-007"],
    }
    principal = mail[PRINCIPAL.email]
    assert principal.data["recipient_role"] == "principal" and principal.template == "case_digest"
    owners = {row["reference"]: row["owner"] for row in principal.data["sections"][0]["cases"]}
    assert owners["FB-AAAA-002"] == LERATO.name and owners["FB-AAAA-003"] is None
    for message in mail.values():
        email = rendered(message)
        assert "FB-AAAA-008" not in email.text  # resolved: not in anyone's digest
        assert SECRET not in email.html + email.text  # a digest never holds a parent's words


def test_overdue_cases_come_first_and_are_flagged():
    now = sast(2026, 12, 15, 7, 10)
    deps = world(now)
    a_busy_centre(deps, now)
    send_centre_digest("c1", now.date(), deps, now)
    lerato = sent(deps)[LERATO.email]

    rows = lerato.data["sections"][0]["cases"]
    assert [(row["reference"], row["overdue"]) for row in rows] == [
        ("FB-AAAA-002", True), ("FB-AAAA-001", False)]  # fmt: skip
    assert lerato.data["overdue"] == 1
    assert lerato.data["reference"] == "FB-AAAA-002"  # the subject names the top case
    email = rendered(lerato)
    assert "1 overdue" in email.subject and "FB-AAAA-002" in email.subject
    text = email.text
    assert text.index("FB-AAAA-002 OVERDUE") < text.index("FB-AAAA-001")
    assert "FB-AAAA-001 OVERDUE" not in text
    assert "OVERDUE</strong>" in email.html
    # Waiting on a parent: its clock is paused, so its old due time makes it overdue nowhere.
    waiting = sent(deps)[PRINCIPAL.email].data["sections"][1]["cases"][0]
    assert waiting["reference"] == "FB-AAAA-005" and waiting["overdue"] is False


def test_each_case_carries_the_recipients_own_links_and_its_actions():
    now = sast(2026, 12, 15, 7, 10)
    deps = world(now)
    a_busy_centre(deps, now)
    send_centre_digest("c1", now.date(), deps, now)
    lerato = sent(deps)[LERATO.email]

    assert set(lerato.data["actionable"]) == {"FB-AAAA-001", "FB-AAAA-002", "FB-AAAA-003",
                                              "FB-AAAA-005", "FB-AAAA-007"}  # fmt: skip
    links = SETUP.links.for_message(lerato)["action_links"]
    email = rendered(lerato)
    assert links["FB-AAAA-003"]["acknowledge"] in email.html  # (an & in a URL would be &amp;)
    assert links["FB-AAAA-002"]["resolve"] in email.text
    assert links["FB-AAAA-002"]["acknowledge"] not in email.text  # in progress: not offered
    compliment = next(s for s in lerato.data["sections"] if s["name"] == "compliments")
    assert compliment["cases"][0]["actions"] == ["acknowledge"]
    assert compliment["cases"][0]["overdue"] is False and compliment["cases"][0]["due"] is None


def test_nobody_gets_an_empty_digest():
    now = sast(2026, 12, 15, 7, 10)
    deps = world(now)
    put(deps, "FB-BBBB-001", now - timedelta(days=1), kind=Kind.QUESTION, owner=LERATO,
        status=CaseStatus.IN_PROGRESS, due=now + timedelta(days=1))  # fmt: skip
    put(deps, "FB-BBBB-002", now - timedelta(days=9), kind=Kind.COMPLIMENT)  # shared before

    assert send_centre_digest("c1", now.date(), deps, now).sent == 2
    assert set(sent(deps)) == {PRINCIPAL.email, LERATO.email}  # Bongani: nothing for him

    quiet = world(now)
    assert send_centre_digest("c1", now.date(), quiet, now).sent == 0
    assert send_region_digest("r1", now.date(), quiet, now).sent == 0
    assert quiet.transactions.outbox == {} and quiet.queue.tasks == []


def test_staff_conduct_and_child_safety_stay_out_of_ordinary_staff_digests():
    now = sast(2026, 12, 15, 7, 10)
    deps = world(now)
    ago = now - timedelta(days=2)
    put(deps, "FB-CCCC-001", ago, category=Category.STAFF_CONDUCT, due=now - timedelta(hours=1))
    put(deps, "FB-CCCC-002", ago, category=Category.CHILD_WELLBEING_AND_SAFETY,
        status=CaseStatus.AWAITING_PARENT, owner=PRINCIPAL)  # fmt: skip
    put(deps, "FB-CCCC-003", ago, category=Category.STAFF_CONDUCT, owner=LERATO,
        status=CaseStatus.IN_PROGRESS, due=now + timedelta(hours=4))  # fmt: skip
    put(deps, "FB-CCCC-004", now - timedelta(hours=3), kind=Kind.COMPLIMENT,
        category=Category.STAFF_CONDUCT)  # fmt: skip

    send_centre_digest("c1", now.date(), deps, now)
    mail = sent(deps)
    assert sections(mail[PRINCIPAL.email]) == {"open": ["FB-CCCC-001", "FB-CCCC-003"],
                                               "waiting": ["FB-CCCC-002"],
                                               "compliments": ["FB-CCCC-004"]}  # fmt: skip
    assert sections(mail[LERATO.email]) == {"yours": ["FB-CCCC-003"]}  # hers only
    assert BONGANI.email not in mail  # nothing else was his to see
    for hidden in ("FB-CCCC-001", "FB-CCCC-002", "FB-CCCC-004"):
        assert hidden not in rendered(mail[LERATO.email]).text
    # The regional administrator sees the overdue one.
    send_region_digest("r1", now.date(), deps, now)
    region = sent(deps)[ADMIN.email]
    assert [row["reference"] for row in region.data["worst"]] == ["FB-CCCC-001"]


@pytest.mark.parametrize(("day", "previous"), [
    (MONDAY, sast(2026, 12, 11, 7, 0)),  # Friday: across the weekend
    (THURSDAY, sast(2026, 12, 15, 7, 0)),  # Tuesday: across the public holiday
])  # fmt: skip
def test_compliments_since_the_previous_working_days_digest_only(day, previous):
    now = datetime.combine(day, datetime.min.time(), SAST).replace(hour=7, minute=10)
    deps = world(now)
    times = {
        "FB-DDDD-001": previous - timedelta(minutes=1),  # in the previous digest
        "FB-DDDD-002": previous,
        "FB-DDDD-003": previous + timedelta(days=1, hours=5),  # the weekend, or the holiday
        "FB-DDDD-004": now.replace(hour=6, minute=59),
        "FB-DDDD-005": now.replace(hour=7, minute=5),  # after this morning's 07:00: tomorrow's
    }
    for reference, at in times.items():
        put(deps, reference, at, kind=Kind.COMPLIMENT)

    send_centre_digest("c1", day, deps, now)
    for message in sent(deps).values():
        assert sections(message) == {"compliments": ["FB-DDDD-002", "FB-DDDD-003",
                                                     "FB-DDDD-004"]}  # fmt: skip
    assert previous_digest_time(CENTRE.calendar(), day) == previous


# ------------------------------------------------------------------------------- the schedule


@pytest.mark.parametrize(("now", "due"), [
    (sast(2026, 12, 15, 7, 0), True),
    (sast(2026, 12, 15, 7, 59), True),
    (sast(2026, 12, 15, 6, 59), False),
    (sast(2026, 12, 15, 8, 0), False),
    (sast(2026, 12, 12, 7, 10), False),  # Saturday
    (sast(2026, 12, 16, 7, 10), False),  # Day of Reconciliation
    (sast(2026, 12, 25, 7, 10), False),  # Christmas Day
])  # fmt: skip
def test_digests_are_queued_at_seven_on_working_days_only(now, due):
    deps = world(now)
    tasks = digest_tasks(deps, now)
    if not due:
        assert tasks == []
        return
    day = now.date().isoformat()
    assert [(t.handler, t.payload, t.dedupe_key, t.at) for t in tasks] == [
        (HANDLER, {"centre_id": "c1", "date": day}, f"centre:c1:{day}", None),
        # The region's after its centres': their summaries of the day are there by then.
        (HANDLER, {"region_id": "r1", "date": day}, f"region:r1:{day}",
         now + timedelta(minutes=20)),
    ]  # fmt: skip


def test_under_the_local_clock_the_region_runs_later_on_both_clocks():
    real = sast(2026, 11, 30, 15, 2)  # when the developer runs send_digests?now=...
    as_of = sast(2026, 12, 15, 7, 10)
    centre, region = digest_tasks(world(real), as_of, as_of)
    assert centre.payload["as_of"] == as_of.isoformat() and centre.at is None
    # Its digest as of 20 minutes later, as deployed; the emulator (on the real clock) holds
    # it briefly, so that the centres' tasks, queued just before, run first.
    assert region.payload["as_of"] == (as_of + timedelta(minutes=20)).isoformat()
    assert region.at == real + timedelta(seconds=30)


def test_each_centre_on_its_own_clock_and_calendar():
    # A centre on another time zone (an hour behind), and one open on Saturdays only.
    abroad = CENTRE.model_copy(update={"centre_id": "c2", "region_id": "r9",
                                       "timezone": "Africa/Lagos"})  # fmt: skip
    saturdays = CENTRE.model_copy(update={"centre_id": "c3",
                                          "opening_hours": {"sat": "08:00-13:00"}})  # fmt: skip
    deps = world(sast(2026, 12, 12, 7, 10), centres=(CENTRE, abroad, saturdays))
    assert [t.payload.get("centre_id") for t in digest_tasks(deps, sast(2026, 12, 12, 7, 10))
            ] == ["c3"]  # fmt: skip
    tasks = digest_tasks(deps, sast(2026, 12, 14, 8, 10))
    assert [t.payload.get("centre_id") for t in tasks] == ["c2"]  # 07:10 in Lagos


def test_a_public_holiday_or_a_stale_task_sends_nothing():
    holiday = sast(2026, 12, 16, 7, 10)
    deps = world(holiday)
    a_busy_centre(deps, holiday)
    assert send_centre_digest("c1", holiday.date(), deps, holiday).skipped == "not_working_day"
    assert send_region_digest("r1", holiday.date(), deps, holiday).skipped == "not_working_day"
    later = sast(2026, 12, 18, 7, 10)  # Tuesday's task retried on Friday
    assert send_centre_digest("c1", date(2026, 12, 15), deps, later).skipped == "stale"
    assert send_centre_digest("nowhere", date(2026, 12, 15), deps, later).skipped == "unknown"
    assert deps.transactions.outbox == {}


def test_the_schedule_fired_twice_sends_one_digest_to_each_recipient():
    now = sast(2026, 12, 15, 7, 10)
    deps = world(now)
    a_busy_centre(deps, now)
    assert queue_digests(deps, now) == {"centres": 1, "regions": 1}
    assert queue_digests(deps, now + timedelta(minutes=20)) == {"centres": 1, "regions": 1}
    orders = [t for t in deps.queue.tasks if t.handler == HANDLER]
    assert len({t.dedupe_key for t in orders}) == 2  # the same two names: Cloud Tasks keeps one

    outcomes = []
    for task in orders:  # every task run, the repeats too (the emulator refuses no name)
        payload = DigestPayload.model_validate(task.payload)
        send = send_centre_digest if payload.centre_id else send_region_digest
        outcomes.append(send(payload.centre_id or payload.region_id, payload.day, deps, now))
    assert [(o.sent, o.already) for o in outcomes] == [(3, 0), (1, 0), (0, 3), (0, 1)]
    assert set(sent(deps)) == {PRINCIPAL.email, LERATO.email, BONGANI.email, ADMIN.email}
    deliveries = [t for t in deps.queue.tasks if t.handler == DELIVER]
    queued = [m["message_id"] for t in deliveries for m in t.payload["messages"]]
    assert sorted(queued) == sorted(deps.transactions.outbox)  # the repeats' tasks withdrawn


def test_a_member_added_since_gets_theirs_when_the_task_runs_again():
    now = sast(2026, 12, 15, 7, 10)
    deps = world(now)
    a_busy_centre(deps, now)
    send_centre_digest("c1", now.date(), deps, now)
    newcomer = Contact(name="Kagiso Molefe", email="kagiso@one.example.org")
    grown = CENTRE.model_copy(update={"staff": [LERATO, BONGANI, newcomer]})
    deps.directory.centres["c1"] = grown
    outcome = send_centre_digest("c1", now.date(), deps, now + timedelta(minutes=5))
    assert (outcome.sent, outcome.already) == (1, 3)
    assert newcomer.email in sent(deps)


def test_a_digest_links_thirty_cases_and_lists_the_rest_by_reference(monkeypatch):
    now = sast(2026, 12, 15, 7, 10)
    deps = world(now)
    for n in range(45):
        put(deps, f"FB-EEEE-{n:03d}", now - timedelta(days=3), due=now + timedelta(hours=n + 1))
    monkeypatch.setattr(rules, "LISTED_MAX", 10)
    send_centre_digest("c1", now.date(), deps, now)
    principal = sent(deps)[PRINCIPAL.email]
    section = principal.data["sections"][0]
    assert (section["count"], len(section["cases"]), len(section["more"]),
            section["left_out"]) == (45, 30, 10, 5)  # fmt: skip
    assert principal.data["actionable"] == [f"FB-EEEE-{n:03d}" for n in range(30)]
    email = rendered(principal)
    assert "FB-EEEE-035" in email.text and "FB-EEEE-040" not in email.text
    assert "And 5 more not listed here." in email.text
    assert len(email.html.encode()) < 150_000  # links for 30 cases, not for 45


# ------------------------------------------------------------------------------- the region


@pytest.mark.parametrize("summed_up", [True, False], ids=["from summaries", "counted directly"])
def test_the_region_digest_counts_each_centre_and_lists_the_worst_overdue(summed_up):
    now = sast(2026, 12, 15, 7, 10)
    quiet = CENTRE.model_copy(update={"centre_id": "c2", "name": "Centre Two"})
    other = CENTRE.model_copy(update={"centre_id": "c3", "name": "Centre Three"})
    deps = world(now, centres=(CENTRE, quiet, other))
    a_busy_centre(deps, now)
    for n in range(12):
        put(deps, f"FB-FFFF-{n:03d}", now - timedelta(days=5), centre=other,
            due=now - timedelta(hours=n + 1))  # fmt: skip
    if summed_up:  # the centres' tasks ran; the region's reads no case at all
        for centre in ("c1", "c2", "c3"):
            send_centre_digest(centre, now.date(), deps, now)
        deps.cases.cases.clear()
        deps.transactions.outbox.clear()

    outcome = send_region_digest("r1", now.date(), deps, now + timedelta(minutes=20))
    assert (outcome.sent, outcome.counted_directly) == (1, 0 if summed_up else 3)
    region = sent(deps)[ADMIN.email]
    assert region.template == "region_digest"
    lines = {line["centre_name"]: line for line in region.data["centres"]}
    assert set(lines) == {"Centre One", "Centre Three"}  # nothing open at Centre Two
    assert [line["centre_name"] for line in region.data["centres"]][0] == "Centre Three"
    assert {k: lines["Centre One"][k] for k in ("open", "overdue", "unassigned_complaints",
                                                "waiting")} == {
        "open": 6, "overdue": 2, "unassigned_complaints": 2, "waiting": 1}  # fmt: skip
    assert region.data["totals"]["overdue"] == 14
    worst = [row["reference"] for row in region.data["worst"]]
    assert len(worst) == WORST_MAX and worst[0] == "FB-FFFF-011"
    assert region.data["reference"] == "FB-FFFF-011"
    assert all("escalate" not in row["actions"] for row in region.data["worst"])
    email = rendered(region)
    assert "FB-FFFF-011" in email.subject and "14 overdue" in email.subject
    assert SECRET not in email.html + email.text


# ------------------------------------------------------------------------------- the task


def test_the_task_payload_names_a_centre_or_a_region_and_a_date():
    order = {"centre_id": "c1", "date": "2026-12-15"}
    assert DigestPayload.model_validate(order).day == date(2026, 12, 15)
    for bad in ({"date": "2026-12-15"}, order | {"region_id": "r1"}, order | {"date": "15 Dec"},
                order | {"email": "x@example.org"}):  # fmt: skip
        with pytest.raises(ValidationError):
            DigestPayload.model_validate(bad)


# ------------------------------------------------------------------------------- the summaries


def summary(deps, centre_id="c1", day="2026-12-15"):
    return deps.cases.summaries[f"{centre_id}:{day}"]


def test_a_centre_task_sums_the_centre_up_for_its_region_even_when_it_sends_nothing():
    now = sast(2026, 12, 15, 7, 10)
    deps = world(now)
    a_busy_centre(deps, now)
    send_centre_digest("c1", now.date(), deps, now)
    mine = summary(deps)
    assert (mine.region_id, mine.date, mine.counted_at) == ("r1", "2026-12-15", now)
    assert mine.counts == CentreCounts(open=6, overdue=2, unassigned_complaints=2,
                                             waiting=1)  # fmt: skip
    # The longest overdue first; waiting on a parent (a paused clock) is never overdue.
    assert [c.reference for c in mine.worst] == ["FB-AAAA-002", "FB-AAAA-006"]
    assert SECRET not in mine.model_dump_json()

    quiet = world(now)
    assert send_centre_digest("c1", now.date(), quiet, now).sent == 0
    assert quiet.transactions.outbox == {}
    assert summary(quiet).counts == CentreCounts() and summary(quiet).worst == []


def test_a_centre_keeps_its_ten_worst_the_region_may_show_them_all():
    now = sast(2026, 12, 15, 7, 10)
    deps = world(now)
    for n in range(14):
        put(deps, f"FB-GGGG-{n:03d}", now - timedelta(days=5), due=now - timedelta(hours=n))
    send_centre_digest("c1", now.date(), deps, now)
    assert summary(deps).overdue == 14
    assert [c.reference for c in summary(deps).worst] == [f"FB-GGGG-{n:03d}"
                                                          for n in range(13, 3, -1)]  # fmt: skip


def test_a_centre_task_run_again_keeps_the_summary_written_with_its_digests():
    now = sast(2026, 12, 15, 7, 10)
    deps = world(now)
    a_busy_centre(deps, now)
    send_centre_digest("c1", now.date(), deps, now)
    first = summary(deps)
    # A new overdue case, and the task run again later (a retry, or the schedule twice).
    put(deps, "FB-HHHH-001", now - timedelta(days=4), due=now - timedelta(days=1))
    outcome = send_centre_digest("c1", now.date(), deps, now + timedelta(minutes=5))
    assert (outcome.sent, outcome.already) == (0, 3)
    assert summary(deps) is first  # as the digests that went out told it

    # A centre that had nothing to send keeps its zeros too; a member added since gets theirs.
    quiet = world(now)
    send_centre_digest("c1", now.date(), quiet, now)
    put(quiet, "FB-HHHH-002", now - timedelta(days=1), owner=LERATO,
        status=CaseStatus.IN_PROGRESS, due=now + timedelta(days=1))  # fmt: skip
    assert send_centre_digest("c1", now.date(), quiet, now + timedelta(minutes=5)).sent == 2
    assert summary(quiet).open == 0


def test_a_region_counts_only_its_centres_and_those_without_a_summary_directly():
    now = sast(2026, 12, 15, 7, 10)
    late = CENTRE.model_copy(update={"centre_id": "c2", "name": "Centre Two"})
    deps = world(now, centres=(CENTRE, late))
    a_busy_centre(deps, now)
    put(deps, "FB-JJJJ-001", now - timedelta(days=6), centre=late, due=now - timedelta(days=2))
    put(deps, "FB-JJJJ-002", now - timedelta(days=1), centre=late, due=now + timedelta(days=1))
    send_centre_digest("c1", now.date(), deps, now)  # c2's task has not run (or failed)
    # A summary of a centre no longer in the region (closed since): not counted.
    gone = summary(deps).model_copy(update={"centre_id": "c9", "open": 40, "overdue": 40})
    deps.cases.summaries["c9:2026-12-15"] = gone

    outcome = send_region_digest("r1", now.date(), deps, now + timedelta(minutes=20))
    assert (outcome.sent, outcome.counted_directly) == (1, 1)
    region = sent(deps)[ADMIN.email].data
    lines = {line["centre_name"]: (line["open"], line["overdue"]) for line in region["centres"]}
    assert lines == {"Centre One": (6, 2), "Centre Two": (2, 1)}
    assert region["totals"]["open"] == 8
    assert [row["reference"] for row in region["worst"]] == ["FB-JJJJ-001", "FB-AAAA-002",
                                                             "FB-AAAA-006"]  # fmt: skip
    assert "c2:2026-12-15" not in deps.cases.summaries  # only a centre's own task writes it
