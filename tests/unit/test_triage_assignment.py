"""Placing a case that waits for triage at its centre: the rule (domain/cases/
triage_assignment.py) and the use case over in-memory fakes (services/admin/triage.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from functions.adapters.firestore.service_levels import policy_from_file
from functions.domain.cases import lifecycle
from functions.domain.cases.lifecycle import Refused, Why
from functions.domain.cases.models import Consent, Person, Reporter, Triage
from functions.domain.cases.opening import deadlines_for, open_case
from functions.domain.cases.service_levels import Level, Stage
from functions.domain.cases.triage_assignment import assign_to_centre, waiting_for_triage
from functions.domain.directory.administrators import Administrator
from functions.domain.directory.models import Centre, Contact, Region
from functions.domain.mail.outbox import MessageKind
from functions.domain.shared.vocabulary import (
    ActorRole,
    CaseStatus,
    Category,
    EventType,
    Kind,
    Source,
    StaffRole,
    TriageReason,
)
from functions.services.admin import triage
from functions.services.admin.scope import OutOfScope
from functions.services.errors import CaseNotFound, UnknownCentre
from tests.builders import service_deps
from tests.fakes import FakeCentreDirectory, FakeStore, RecordingQueue

POLICY = policy_from_file()
MONDAY = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # 09:00 in Johannesburg
PRINCIPAL = Contact(name="Thandi Mokoena", email="thandi@sun.example.org", role=StaffRole.PRINCIPAL)
LERATO = Contact(name="Lerato Khumalo", email="lerato@sun.example.org")
BONGANI = Contact(name="Bongani Zulu", email="bongani@sun.example.org")
GAUTENG_ADMIN = Contact(name="Nomsa Dlamini", email="admin@gauteng.example.org",
                        role=StaffRole.ADMINISTRATOR)  # fmt: skip
WC_ADMIN = Contact(name="Pieter van Wyk", email="admin@wc.example.org")
SUN = Centre(centre_id="sun", name="Sunflower Educare", region_id="gauteng", principal=PRINCIPAL,
             staff=[LERATO, BONGANI], timezone="Africa/Johannesburg",
             opening_hours={"mon": "07:00-17:00", "tue": "07:00-17:00"})  # fmt: skip
AYANDA = Contact(name="Ayanda Mthembu", email="ayanda@fynbos.example.org")
FYNBOS = Centre(centre_id="fynbos", name="Fynbos Early Learning", region_id="wc", principal=AYANDA)
GAUTENG = Region(region_id="gauteng", name="Gauteng", administrator=GAUTENG_ADMIN)
WC = Region(region_id="wc", name="Western Cape", administrator=WC_ADMIN)
NETWORK = Administrator(email="network@ecd.example.org", name="Network admin")
NOMSA = Administrator(email=GAUTENG_ADMIN.email, name=GAUTENG_ADMIN.name, region_id="gauteng")
PIETER = Administrator(email=WC_ADMIN.email, name=WC_ADMIN.name, region_id="wc")
BY = Person(key=NETWORK.key, name=NETWORK.name)


def flagged(reference="FB-AAAA-BBB", centre=None, region_id=None, kind=Kind.COMPLAINT,
            category=Category.FACILITIES, urgent=False, now=MONDAY,
            reasons=(TriageReason.UNKNOWN_CENTRE,)):  # fmt: skip
    """A Google Form case that matched no centre (or, with `centre`, an unclear answer)."""
    given = {"centre": "Sunflower creche <b>Soweto</b>"} if centre is None else {"kind": "?"}
    case, _ = open_case(
        reference=reference, source=Source.GOOGLE_FORM, centre=centre,
        centre_name_given=given.get("centre"), region_id=region_id, kind=kind,
        category=category, description="The gate is broken", urgent=urgent,
        reporter=Reporter(email="parent@example.org"), child=None,
        consent=Consent(given=True, version="2026-11", recorded_at=now),
        triage=Triage(reasons=list(reasons), given=given), policy=POLICY, now=now,
    )  # fmt: skip
    return case


def place(case, centre=SUN, region=GAUTENG, by=BY, now=MONDAY + timedelta(days=1)):
    deadlines = deadlines_for(POLICY, centre, case.kind, case.urgent)
    return assign_to_centre(case, centre, region, by, deadlines, "Net", now)


# ------------------------------------------------------------------------------ the rule


def test_a_case_of_no_known_centre_is_placed_and_the_centres_people_are_alerted():
    case = flagged()
    assert waiting_for_triage(case) and case.centre_id is None
    later = MONDAY + timedelta(days=1)
    change, mail = place(case, now=later)
    placed = change.case
    assert (placed.centre_id, placed.centre_name, placed.region_id) == (
        "sun", "Sunflower Educare", "gauteng")  # fmt: skip
    assert placed.triage.resolved and not waiting_for_triage(placed)
    assert placed.triage.reasons == [TriageReason.UNKNOWN_CENTRE]  # the record of why stays
    # The centre's time starts now, on its own calendar, the ladder at the bottom.
    deadlines = deadlines_for(POLICY, SUN, Kind.COMPLAINT, False)
    assert placed.respond_by == deadlines.acknowledge_by(later) == placed.clock.due
    assert placed.resolve_by == deadlines.resolve_by(later) and placed.respond_by > later
    assert placed.clock.stage == Stage.ACKNOWLEDGE and placed.clock.level == Level.NONE
    assert placed.next_nudge_at == deadlines.next_nudge(placed.clock) and placed.open
    assert placed.created_at == MONDAY  # when the parent wrote is never rewritten
    event = change.event
    assert event.type == EventType.REASSIGNED and not event.public
    assert event.actor.role == ActorRole.ADMINISTRATOR and event.actor.key == NETWORK.key
    assert "Sunflower Educare" in event.summary and event.at == later
    assert sorted(m.to for m in mail) == sorted([PRINCIPAL.email, LERATO.email, BONGANI.email])
    assert {m.template for m in mail} == {"case_notification"}
    assert all(m.data["actionable"] == [case.reference] for m in mail)
    assert all(m.data["centre_known"] and m.data["triage"] == [] for m in mail)
    assert all(m.kind == MessageKind.NOTIFICATION and m.case_reference == case.reference
               for m in mail)  # fmt: skip
    roles = {m.to: m.data["recipient_role"] for m in mail}
    assert roles[PRINCIPAL.email] == "principal" and roles[LERATO.email] == "staff"
    assert "parent@example.org" not in {m.to for m in mail}  # the parent was answered at intake


def test_a_case_placed_once_is_not_placed_again():
    change, _ = place(flagged())
    with pytest.raises(Refused) as refused:
        place(change.case, centre=FYNBOS, region=WC)
    assert refused.value.why == Why.ALREADY_ASSIGNED
    with pytest.raises(Refused):  # a case never flagged has nothing to place
        place(flagged().model_copy(update={"triage": None}))


def test_a_case_confirmed_at_its_own_centre_keeps_its_deadlines_and_mails_nobody_again():
    case = flagged(centre=SUN, reasons=(TriageReason.UNKNOWN_KIND,), kind=None)
    case = case.model_copy(update={"assignee": Person(key=LERATO.key, name=LERATO.name)})
    change, mail = place(case)
    assert change.case.triage.resolved and mail == []
    assert change.case.respond_by == case.respond_by and change.case.clock == case.clock
    assert change.case.assignee == case.assignee
    assert change.event.summary.startswith("Checked")


def test_a_complaint_about_staff_or_a_childs_safety_goes_to_the_principal_not_the_staff():
    case = flagged(category=Category.STAFF_CONDUCT)
    _, mail = place(case)
    assert sorted(m.to for m in mail) == sorted([PRINCIPAL.email, GAUTENG_ADMIN.email])
    # The region's administrator placing it is not told what they just did.
    nomsa = Person(key=NOMSA.key, name=NOMSA.name)
    _, mail = place(flagged(category=Category.CHILD_WELLBEING_AND_SAFETY, region_id="gauteng"),
                    by=nomsa)  # fmt: skip
    assert [m.to for m in mail] == [PRINCIPAL.email]


def test_an_urgent_case_alert_cannot_be_unsubscribed_from_and_runs_on_clock_hours():
    later = MONDAY + timedelta(days=1)
    change, mail = place(flagged(urgent=True), now=later)
    assert {m.kind for m in mail} == {MessageKind.TRANSACTIONAL} and all(m.urgent for m in mail)
    assert GAUTENG_ADMIN.email in {m.to for m in mail}
    target = POLICY.target(Kind.COMPLAINT, True)
    assert change.case.respond_by == later + timedelta(hours=target.acknowledge_hours)


def test_an_acknowledged_case_moved_elsewhere_gets_the_new_centres_time_to_resolve():
    case = flagged(centre=FYNBOS, region_id="wc", reasons=(TriageReason.UNKNOWN_TOPIC,))
    before = deadlines_for(POLICY, FYNBOS, case.kind, case.urgent)
    fynbos_principal = Person(key=FYNBOS.principal.key, name=FYNBOS.principal.name)
    case = lifecycle.acknowledge(case, fynbos_principal, ActorRole.STAFF, before,
                                 MONDAY + timedelta(hours=1)).case  # fmt: skip
    case = case.model_copy(update={"clock": case.clock.model_copy(update={"level": Level.STAFF})})
    later = MONDAY + timedelta(days=1)
    change, mail = place(case, now=later)
    placed, deadlines = change.case, deadlines_for(POLICY, SUN, case.kind, case.urgent)
    assert placed.status == CaseStatus.IN_PROGRESS and placed.assignee is None
    assert placed.clock.stage == Stage.RESOLVE and placed.clock.level == Level.NONE
    assert placed.resolve_by == deadlines.resolve_by(later) == placed.clock.due
    assert placed.outcome == case.outcome and len(mail) == 3


def test_a_case_waiting_on_the_parent_keeps_waiting_with_the_whole_time_to_resolve():
    case = flagged(centre=FYNBOS, region_id="wc", reasons=(TriageReason.UNKNOWN_TOPIC,))
    fynbos = deadlines_for(POLICY, FYNBOS, case.kind, case.urgent)
    who = Person(key=FYNBOS.principal.key, name=FYNBOS.principal.name)
    case = lifecycle.ask_parent(case, who, ActorRole.STAFF, "Which gate?", fynbos,
                                MONDAY + timedelta(hours=1)).case  # fmt: skip
    change, _ = place(case)
    clock = change.case.clock
    assert clock.paused_at == case.clock.paused_at and change.case.next_nudge_at is None
    assert clock.left_seconds == POLICY.target(Kind.COMPLAINT, False).resolve_hours * 3600


def test_a_resolved_case_is_placed_without_mail_or_new_deadlines():
    case = flagged()
    who = Person(key="c" * 20, name="Network admin")
    deadlines = deadlines_for(POLICY, None, case.kind, case.urgent)
    case = lifecycle.resolve(case, who, ActorRole.ADMINISTRATOR, "Sorted by phone", deadlines,
                             MONDAY + timedelta(hours=2)).case  # fmt: skip
    change, mail = place(case)
    assert mail == [] and change.case.centre_id == "sun" and not change.case.open
    assert change.case.clock == case.clock and change.case.resolve_by == case.resolve_by


# -------------------------------------------------------------------------- the use case


def bundle(*cases):
    store = FakeStore()
    for case in cases:
        store.cases[case.reference] = case
    return service_deps(
        directory=FakeCentreDirectory([SUN, FYNBOS], [GAUTENG, WC]), cases=store,
        transactions=store, queue=RecordingQueue(), clock=lambda: MONDAY + timedelta(days=1),
        network_name="Net",
    )  # fmt: skip


def test_each_administrator_sees_the_triage_of_their_scope_only():
    lost = flagged("FB-AAAA-AAA")  # no region known: the network's only
    gauteng = flagged("FB-AAAA-BBB", region_id="gauteng", urgent=True)
    western = flagged("FB-AAAA-CCC", region_id="wc")
    deps = bundle(lost, gauteng, western)
    assert [c.reference for c in triage.waiting(NETWORK, deps).cases] == [
        "FB-AAAA-BBB", "FB-AAAA-AAA", "FB-AAAA-CCC"]  # urgent first, then oldest  # fmt: skip
    assert [c.reference for c in triage.waiting(NOMSA, deps).cases] == ["FB-AAAA-BBB"]
    assert [c.reference for c in triage.waiting(PIETER, deps).cases] == ["FB-AAAA-CCC"]


def test_placing_commits_the_case_its_event_and_its_alerts_and_a_second_time_changes_nothing():
    deps = bundle(flagged(region_id="gauteng"))
    placed = triage.place("FB-AAAA-BBB", "sun", NOMSA, deps)
    assert not placed.already and placed.alerted == 3 and placed.case.centre_id == "sun"
    store = deps.transactions
    assert store.cases["FB-AAAA-BBB"].triage.resolved and len(store.events["FB-AAAA-BBB"]) == 1
    assert len(store.outbox) == 3 and len(deps.queue.tasks) >= 1
    again = triage.place("FB-AAAA-BBB", "sun", NOMSA, deps)
    assert again.already and again.alerted == 0 and again.case.centre_id == "sun"
    assert len(store.events["FB-AAAA-BBB"]) == 1 and len(store.outbox) == 3
    assert triage.waiting(NOMSA, deps).cases == []


def test_a_regional_administrator_cannot_place_at_another_regions_centre_nor_place_its_cases():
    case = flagged(region_id="gauteng")
    deps = bundle(case, flagged("FB-AAAA-CCC", region_id="wc"), flagged("FB-AAAA-DDD"))
    with pytest.raises(OutOfScope):
        triage.place("FB-AAAA-BBB", "fynbos", NOMSA, deps)
    with pytest.raises(CaseNotFound):  # another region's case: not even confirmed to exist
        triage.place("FB-AAAA-CCC", "sun", NOMSA, deps)
    with pytest.raises(CaseNotFound):  # of no known region: the network administrators'
        triage.place("FB-AAAA-DDD", "sun", NOMSA, deps)
    with pytest.raises(UnknownCentre):
        triage.place("FB-AAAA-BBB", "nowhere", NOMSA, deps)
    with pytest.raises(CaseNotFound):
        triage.place("FB-ZZZZ-ZZZ", "sun", NETWORK, deps)
    store = deps.transactions
    assert store.cases["FB-AAAA-BBB"] == case and store.outbox == {} and store.events == {}
