"""Nudges and escalation over in-memory fakes, driven by a fake clock: the scan as Cloud
Scheduler runs it every 15 minutes, then each queued task replayed through send_nudge."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from functions.adapters.tasks import task_id
from functions.domain.cases import lifecycle
from functions.domain.cases.models import Consent, Person, Reporter
from functions.domain.cases.opening import open_case
from functions.domain.cases.service_levels import Level, Stage
from functions.domain.cases.staff_links import ActionLink
from functions.domain.directory.models import Centre, Contact, Region, person_key
from functions.domain.mail.outbox import MessageKind
from functions.domain.shared.vocabulary import ActorRole, Category, EventType, Kind, Source
from functions.rendering import render_email
from functions.services.cases.changing import change_case, deadlines_of
from functions.services.cases.nudge import SEND_NUDGE, Nudge, Result, Why, scan_nudges, send_nudge
from functions.services.errors import QueueUnavailable
from functions.tasks.send_nudge import NudgePayload
from tests.builders import SETUP, SIGNER, service_deps
from tests.fakes import FakeCentreDirectory, FakeStore, FixedServiceLevels, RecordingQueue

SAST = ZoneInfo("Africa/Johannesburg")
PRINCIPAL = Contact(name="Thandi Mokoena", email="principal@one.example.org", role="principal")
LERATO = Contact(name="Lerato Khumalo", email="lerato@one.example.org")
BONGANI = Contact(name="Bongani Zulu", email="bongani@one.example.org")
CENTRE = Centre(centre_id="c1", name="Centre One", region_id="r1", principal=PRINCIPAL,
                staff=[LERATO, BONGANI])  # fmt: skip
ADMIN = Contact(name="Nomsa Dlamini", email="admin@r1.example.org", role="administrator")
OTHER_ADMIN = Contact(name="Pieter van Wyk", email="admin@r2.example.org", role="administrator")
REGIONS = [Region(region_id="r1", name="Region One", administrator=ADMIN),
           Region(region_id="r2", name="Region Two", administrator=OTHER_ADMIN)]  # fmt: skip
EVERYONE = {PRINCIPAL.email, LERATO.email, BONGANI.email}
SECRET = "The cook shouts at the toddlers"


def sast(*args) -> datetime:
    return datetime(*args, tzinfo=SAST)


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


def world(start: datetime, centres=(CENTRE,)):
    store = FakeStore()
    return service_deps(directory=FakeCentreDirectory(list(centres), REGIONS), cases=store,
                        transactions=store, queue=RecordingQueue(), clock=Clock(start),
                        network_name="Net")  # fmt: skip


def new_case(deps, centre=CENTRE, region_id=None, kind=Kind.COMPLAINT,
             category=Category.FACILITIES, urgent=False,
             reference="FB-AAAA-BBB") -> str:  # fmt: skip
    """A case opened now (by the deps' clock), stored as intake stores one."""
    now = deps.clock()
    case, event = open_case(
        reference=reference, source=Source.API, centre=centre, centre_name_given="Somewhere",
        region_id=region_id, kind=kind, category=category, description=SECRET, urgent=urgent,
        reporter=Reporter(email="parent@example.org"),
        consent=Consent(given=True, version="2026-11", recorded_at=now), child=None,
        triage=None, policy=FixedServiceLevels().policy, now=now,
    )  # fmt: skip
    deps.transactions.run(lambda uow: uow.cases.add(case, event))
    return reference


def nudge_tasks(deps) -> list:
    return [task for task in deps.queue.tasks if task.handler == SEND_NUDGE]


def replay(deps, tasks) -> list:
    """Run each task through send_nudge as its handler parses it."""
    outcomes = []
    for task in tasks:
        payload = NudgePayload.model_validate(task.payload)
        nudge = Nudge(payload.reference, payload.stage, payload.level, payload.due)
        outcomes.append(send_nudge(nudge, deps))
    return outcomes


def run_schedule(deps, until: datetime, step=timedelta(minutes=15)) -> None:
    """Cloud Scheduler every `step` from the clock's time to `until`; Cloud Tasks runs what
    each run queued straight away."""
    while deps.clock.now <= until:
        before = len(nudge_tasks(deps))
        scan_nudges(deps)
        replay(deps, nudge_tasks(deps)[before:])
        deps.clock.now += step


def nudges(deps, reference):
    return [e for e in deps.cases.list_events(reference) if e.type == EventType.NUDGED]


def mail(deps, level=None):
    """The nudge mail written, as {level name: {recipient addresses}}."""
    sent: dict[str, set[str]] = {}
    for message in deps.transactions.outbox.values():
        if message.template == "case_nudge":
            sent.setdefault(message.data["level"], set()).add(message.to)
    return sent if level is None else sent.get(level, set())


# --------------------------------------------------------------------------- the ladder


@pytest.mark.parametrize(
    ("created", "rungs"),
    [
        # Friday afternoon before the long weekend (Monday 22 March 2027 is the observed Human
        # Rights Day): 2 working hours on Friday, 6 on Tuesday -> due Tuesday 13:00.
        (sast(2027, 3, 19, 15, 0),
         [sast(2027, 3, 23, 13, 0), sast(2027, 3, 24, 13, 0), sast(2027, 3, 25, 13, 0)]),
        # Thursday morning: due Friday 09:00; the principal's working day after it skips the
        # weekend and the holiday (Tuesday), the regional administrator's two (Wednesday).
        (sast(2027, 3, 18, 11, 0),
         [sast(2027, 3, 19, 9, 0), sast(2027, 3, 23, 9, 0), sast(2027, 3, 24, 9, 0)]),
    ],
    ids=["friday-afternoon", "escalation-over-the-long-weekend"],
)  # fmt: skip
def test_a_complaint_climbs_the_ladder_in_working_time_across_a_weekend_and_a_holiday(
    created, rungs
):
    deps = world(created)
    reference = new_case(deps)
    run_schedule(deps, until=sast(2027, 3, 25, 18, 0))

    events = nudges(deps, reference)
    assert [e.at for e in events] == rungs
    assert [e.level for e in events] == [Level.STAFF, Level.PRINCIPAL, Level.REGION]
    for event in events:  # only on working days, only in opening hours
        local = event.at.astimezone(SAST)
        assert local.date().isoformat() not in {"2027-03-20", "2027-03-21", "2027-03-22"}
        assert 7 <= local.hour < 17
    assert [e.to.key for e in events] == [PRINCIPAL.key, PRINCIPAL.key, ADMIN.key]
    assert mail(deps) == {"staff": EVERYONE, "principal": {PRINCIPAL.email},
                          "region": {ADMIN.email}}  # fmt: skip
    assert len(nudge_tasks(deps)) == 3  # one task per nudge, nothing queued for nothing
    case = deps.cases.get(reference)
    assert case.clock.level == Level.REGION and case.next_nudge_at is None  # the top: no more
    assert case.status == "received"  # a nudge changes the ladder, nothing the parent sees
    assert all(not e.public for e in events)


def test_nothing_goes_out_before_the_breach_nor_at_night_nor_on_the_holiday():
    deps = world(sast(2027, 3, 19, 15, 0))
    reference = new_case(deps)
    run_schedule(deps, until=sast(2027, 3, 23, 12, 45))  # the weekend, the holiday, Tuesday AM
    assert nudges(deps, reference) == [] and nudge_tasks(deps) == []
    run_schedule(deps, until=sast(2027, 3, 23, 13, 0))
    assert len(nudges(deps, reference)) == 1


def test_an_urgent_case_climbs_in_clock_hours_through_the_night():
    deps = world(sast(2027, 3, 20, 21, 30))  # a Saturday night
    reference = new_case(deps, urgent=True)
    run_schedule(deps, until=sast(2027, 3, 21, 4, 0))
    events = nudges(deps, reference)
    assert [e.at for e in events] == [sast(2027, 3, 20, 23, 30), sast(2027, 3, 21, 0, 30),
                                      sast(2027, 3, 21, 1, 30)]  # fmt: skip
    assert mail(deps) == {"staff": EVERYONE, "principal": {PRINCIPAL.email},
                          "region": {ADMIN.email}}  # fmt: skip
    kinds = {m.kind for m in deps.transactions.outbox.values() if m.template == "case_nudge"}
    assert kinds == {MessageKind.TRANSACTIONAL}  # an unsubscribe never silences these


def test_a_complaint_about_staff_conduct_reminds_the_principal_only():
    deps = world(sast(2027, 3, 19, 15, 0))
    reference = new_case(deps, category=Category.STAFF_CONDUCT)
    run_schedule(deps, until=sast(2027, 3, 23, 13, 0))
    assert [e.level for e in nudges(deps, reference)] == [Level.STAFF]
    assert mail(deps) == {"staff": {PRINCIPAL.email}}


FRIDAY_AFTERNOON = sast(2027, 3, 19, 15, 0)


def at_first_breach(created=FRIDAY_AFTERNOON, **case):
    """A world whose clock is at the case's first nudge, and the case's reference."""
    deps = world(created)
    reference = new_case(deps, **case)
    deps.clock.now = deps.cases.get(reference).next_nudge_at
    return deps, reference


def assign(deps, reference, person: Person) -> None:
    def decide(case):
        deadlines = deadlines_of(case, deps)
        return lifecycle.reassign(case, Person(key=PRINCIPAL.key, name=PRINCIPAL.name),
                                  ActorRole.STAFF, person, deadlines, deps.clock()), []  # fmt: skip

    change_case(reference, decide, deps)


def test_an_assigned_case_reminds_its_assignee_and_all_the_centre_once_they_left():
    deps, reference = at_first_breach()
    assign(deps, reference, Person(key=LERATO.key, name=LERATO.name))
    scan_nudges(deps)
    replay(deps, nudge_tasks(deps))
    assert mail(deps, "staff") == {LERATO.email}

    gone, later = at_first_breach()
    assign(gone, later, Person(key=person_key("left@one.example.org"), name="Left"))
    scan_nudges(gone)
    replay(gone, nudge_tasks(gone))
    assert mail(gone, "staff") == EVERYONE


@pytest.mark.parametrize(
    ("region_id", "admins"), [("r1", {ADMIN.email}), (None, {ADMIN.email, OTHER_ADMIN.email})]
)
def test_a_case_of_no_known_centre_goes_to_the_regional_administrator_at_every_rung(
    region_id, admins
):  # fmt: skip
    deps = world(sast(2027, 3, 19, 15, 0))
    reference = new_case(deps, centre=None, region_id=region_id)
    run_schedule(deps, until=sast(2027, 3, 25, 18, 0))
    assert len(nudges(deps, reference)) == 3
    assert mail(deps) == {"staff": admins, "principal": admins, "region": admins}


# --------------------------------------------------------------------------- at most once


def test_a_schedule_fired_twice_queues_the_same_task_names_and_nudges_once():
    deps, reference = at_first_breach()
    first = scan_nudges(deps)
    second = scan_nudges(deps)
    assert first == second == {"due": 1, "queued": 1, "out_of_hours": 0, "skipped": 0,
                               "more": False}  # fmt: skip
    tasks = nudge_tasks(deps)
    assert len(tasks) == 2
    assert len({task_id(task.handler, task.dedupe_key) for task in tasks}) == 1
    assert tasks[0].payload == {
        "reference": reference,
        "stage": "acknowledge",
        "level": 1,
        "due": deps.cases.get(reference).clock.due.isoformat(),
    }

    # Cloud Tasks refuses the second name; even if both ran, the second finds the rung sent.
    outcomes = replay(deps, tasks)
    assert [o.result for o in outcomes] == [Result.NUDGED, Result.STALE]
    assert outcomes[1].why == Why.LEVEL_SENT
    assert len(nudges(deps, reference)) == 1 and mail(deps) == {"staff": EVERYONE}
    assert len(deps.transactions.outbox) == 3
    assert replay(deps, tasks)[0].result == Result.STALE  # a retried task, later still
    assert len(deps.transactions.outbox) == 3


def test_a_case_resolved_after_its_nudge_was_queued_sends_nothing():
    deps, reference = at_first_breach()
    scan_nudges(deps)

    def resolve(case):
        deadlines = deadlines_of(case, deps)
        by = Person(key=LERATO.key, name=LERATO.name)
        return lifecycle.resolve(case, by, ActorRole.STAFF, "Fixed the gate", deadlines,
                                 deps.clock()), []  # fmt: skip

    change_case(reference, resolve, deps)
    (outcome,) = replay(deps, nudge_tasks(deps))
    assert outcome == (Result.STALE, Why.NOT_OPEN, 0)
    assert nudges(deps, reference) == [] and mail(deps) == {}
    deps.clock.now += timedelta(days=7)
    assert scan_nudges(deps)["due"] == 0  # and none comes later


def test_a_case_acknowledged_after_its_nudge_was_queued_is_not_nudged_for_the_old_deadline():
    deps, reference = at_first_breach()
    scan_nudges(deps)

    def acknowledge(case):
        by = Person(key=LERATO.key, name=LERATO.name)
        return lifecycle.acknowledge(case, by, ActorRole.STAFF, deadlines_of(case, deps),
                                     deps.clock()), []  # fmt: skip

    change_case(reference, acknowledge, deps)
    (outcome,) = replay(deps, nudge_tasks(deps))
    assert outcome.result == Result.STALE and outcome.why == Why.CLOCK_MOVED
    assert deps.cases.get(reference).clock.stage == Stage.RESOLVE and mail(deps) == {}


def test_a_case_waiting_on_the_parent_after_its_nudge_was_queued_is_not_nudged():
    deps, reference = at_first_breach()
    scan_nudges(deps)

    def ask(case):
        by = Person(key=LERATO.key, name=LERATO.name)
        return lifecycle.ask_parent(case, by, ActorRole.STAFF, "Which gate?",
                                    deadlines_of(case, deps), deps.clock()), []  # fmt: skip

    change_case(reference, ask, deps)
    (outcome,) = replay(deps, nudge_tasks(deps))
    assert outcome.why == Why.PAUSED and mail(deps) == {}
    deps.clock.now += timedelta(days=30)
    assert scan_nudges(deps)["due"] == 0  # the clock is stopped: no nudge while it waits


def test_a_next_nudge_time_the_policy_no_longer_gives_queues_nothing():
    deps = world(FRIDAY_AFTERNOON)
    reference = new_case(deps)
    case = deps.cases.cases[reference]
    deps.cases.cases[reference] = case.model_copy(
        update={"next_nudge_at": FRIDAY_AFTERNOON - timedelta(hours=1)}
    )
    assert scan_nudges(deps) == {"due": 1, "queued": 0, "out_of_hours": 0, "skipped": 1,
                                 "more": False}  # fmt: skip
    assert nudge_tasks(deps) == []


def test_a_task_that_arrives_after_closing_waits_for_the_next_working_day_under_a_new_name():
    deps, reference = at_first_breach(created=sast(2027, 3, 18, 14, 0))  # due Fri 2027-03-19 15:00
    deps.clock.now = sast(2027, 3, 19, 16, 59)
    scan_nudges(deps)
    deps.clock.now = sast(2027, 3, 19, 17, 1)  # the queue was slow
    (late,) = replay(deps, nudge_tasks(deps))
    assert late == (Result.OUT_OF_HOURS, None, 0) and nudges(deps, reference) == []

    assert scan_nudges(deps)["out_of_hours"] == 1  # nothing queued while the centre is closed
    deps.clock.now = sast(2027, 3, 23, 7, 0)  # the next working day (after the holiday)
    scan_nudges(deps)
    first, again = nudge_tasks(deps)
    assert task_id(SEND_NUDGE, first.dedupe_key) != task_id(SEND_NUDGE, again.dedupe_key)
    assert replay(deps, [again])[0].result == Result.NUDGED


def test_a_forged_or_early_task_nudges_nobody():
    deps, reference = at_first_breach()
    due = deps.cases.get(reference).clock.due
    early = [Nudge(reference, Stage.ACKNOWLEDGE, Level.PRINCIPAL, due),  # a rung skipped
             Nudge(reference, Stage.RESOLVE, Level.STAFF, due),  # another deadline
             Nudge(reference, Stage.ACKNOWLEDGE, Level.STAFF, due + timedelta(hours=1)),
             Nudge("FB-ZZZZ-ZZZ", Stage.ACKNOWLEDGE, Level.STAFF, due)]  # fmt: skip
    outcomes = [send_nudge(nudge, deps) for nudge in early]
    assert [o.result for o in outcomes] == [Result.STALE] * 3 + [Result.NOT_FOUND]
    deps.clock.now -= timedelta(minutes=1)
    assert send_nudge(Nudge(reference, Stage.ACKNOWLEDGE, Level.STAFF, due), deps).why == (
        Why.NOT_DUE
    )
    assert nudges(deps, reference) == [] and mail(deps) == {}


# --------------------------------------------------------------------------- the scan


def test_each_run_is_bounded_and_says_when_more_remain():
    deps = world(sast(2027, 3, 19, 15, 0))
    for n in range(3):
        new_case(deps, reference=f"FB-AAAA-BB{n}")
    deps.clock.now = sast(2027, 3, 23, 13, 0)
    counts = scan_nudges(deps, limit=2)
    assert counts["due"] == 2 and counts["queued"] == 2 and counts["more"] is True
    assert scan_nudges(deps, limit=5)["more"] is False


def test_a_queue_outage_is_raised_for_the_job_to_answer_503():
    deps, _ = at_first_breach()
    deps.queue.unavailable = True
    with pytest.raises(QueueUnavailable):
        scan_nudges(deps)


def test_a_given_time_is_the_local_clock_and_travels_in_the_task():
    deps = world(sast(2027, 3, 19, 15, 0))
    reference = new_case(deps)
    simulated = sast(2027, 3, 23, 13, 0)
    assert scan_nudges(deps)["due"] == 0  # the clock's own time: nothing due
    assert scan_nudges(deps, simulated)["queued"] == 1
    (task,) = nudge_tasks(deps)
    assert datetime.fromisoformat(task.payload["as_of"]) == simulated
    payload = NudgePayload.model_validate(task.payload)
    nudge = Nudge(reference, payload.stage, payload.level, payload.due)
    assert send_nudge(nudge, deps).why == Why.NOT_DUE  # judged at the clock's time
    assert send_nudge(nudge, deps, payload.as_of).result == Result.NUDGED


# --------------------------------------------------------------------------- the mail


def test_the_nudge_mail_names_the_rung_and_carries_the_recipients_own_action_links():
    deps, reference = at_first_breach()
    deps.clock.now += timedelta(hours=2, minutes=30)  # 15:30: 2.5 working hours late
    scan_nudges(deps)
    replay(deps, nudge_tasks(deps))
    (message,) = [m for m in deps.transactions.outbox.values() if m.to == LERATO.email]
    assert (
        message.data["actionable"] == [reference] and message.kind == MessageKind.TRANSACTIONAL
    )  # never silenced
    email = render_email(message.template, message.data | SETUP.links.for_message(message))

    assert email.subject == f"Reminder: complaint {reference} at Centre One is overdue"
    assert SECRET not in email.subject and SECRET in email.text  # the body shows the case
    assert "2.5 working hours late" in email.text and "Nobody has taken it yet" in email.text
    tokens = [line.split("token=", 1)[1] for line in email.text.splitlines()
              if "/case_action?token=" in line]  # fmt: skip
    links = [ActionLink.read(token, SIGNER) for token in tokens]
    assert [link.action.value for link in links] == ["acknowledge", "resolve", "ask_parent",
                                                     "note", "reassign", "escalate"]  # fmt: skip
    assert {(link.reference, link.person) for link in links} == {(reference, LERATO.key)}
    assert "Stop these notifications" not in email.text  # work mail is not unsubscribable


@pytest.mark.parametrize(("level", "heading"), [
    ("staff", "Reminder: complaint"),
    ("principal", "Escalated to you as principal: complaint"),
    ("region", "Escalated to you as regional administrator: complaint"),
])  # fmt: skip
def test_each_rung_says_what_it_is(level, heading):
    import json

    from tests.builders import SAMPLES

    data = json.loads((SAMPLES / "case_nudge" / "sample.json").read_text()) | {"level": level}
    email = render_email("case_nudge", data)
    assert email.subject.startswith(heading)
    assert heading.split(":")[0].upper() in email.text
    assert ("Escalate:" in email.text) is (level != "region")  # nobody above the region
    urgent = render_email("case_nudge", data | {"urgent": True})
    assert urgent.subject.startswith("URGENT: ") and "10111" in urgent.text
