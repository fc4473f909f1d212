"""The parent's side of a case over fakes of our own ports: the status view, replies and
ratings (services/cases/status.py, reply.py, rating.py)."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import pytest

from functions.domain.cases import lifecycle
from functions.domain.cases.lifecycle import Refused, Why
from functions.domain.cases.models import Actor, CaseEvent, Consent, Person, Reporter
from functions.domain.cases.opening import deadlines_for, open_case
from functions.domain.directory.models import Centre, Contact, Region
from functions.domain.mail.links import RATING_LINK_SECONDS
from functions.domain.shared.signing import Purpose
from functions.domain.shared.vocabulary import (
    ActorRole,
    CaseStatus,
    Category,
    ClockChange,
    EventType,
    Kind,
    Source,
)
from functions.rendering import render
from functions.services.cases.rating import RatingLinkExpired, rate_case, rating_view
from functions.services.cases.reply import REPLY_MAX, ReplyRejected, record_reply
from functions.services.cases.status import view_case_status
from functions.services.errors import AlreadyDone, CaseNotFound
from tests.builders import SIGNER, service_deps
from tests.fakes import FakeCentreDirectory, FakeStore, FixedServiceLevels, RecordingQueue

NOW = datetime(2026, 11, 23, 7, 0, tzinfo=UTC)  # a Monday, 09:00 in Johannesburg
REFERENCE = "FB-7K3M-Q9P"
PRINCIPAL = Contact(name="Thandi Mokoena", email="principal@one.example.org", role="principal")
TEACHER = Contact(name="Lerato Dube", email="lerato@one.example.org")
ADMIN = Contact(name="Pieter van Wyk", email="admin@region.example.org", role="administrator")
REGION = Region(region_id="r1", name="Region One", administrator=ADMIN)


def centre(share_names: bool = False) -> Centre:
    return Centre(centre_id="c1", name="Centre One", region_id="r1", principal=PRINCIPAL,
                  staff=[TEACHER], share_staff_names=share_names)  # fmt: skip


def person(contact: Contact) -> Person:
    return Person(key=contact.key, name=contact.name)


class World:
    """One case at Centre One in a fake store, and a clock the test moves."""

    def __init__(self, share_names: bool = False, email: str | None = "ayanda@example.org"):
        self.centre = centre(share_names)
        self.store, self.queue, self.now = FakeStore(), RecordingQueue(), NOW
        reporter = Reporter(name="Ayanda", email=email, phone=None if email else None)
        case, event = open_case(
            reference=REFERENCE, source=Source.WEB_FORM, centre=self.centre,
            kind=Kind.COMPLAINT, category=Category.FACILITIES, description="The gate is broken.",
            urgent=False, reporter=reporter,
            consent=Consent(given=True, version="2026-11", recorded_at=NOW), child=None,
            triage=None, policy=FixedServiceLevels().current(), now=NOW,
        )  # fmt: skip
        self.store.run(lambda uow: uow.cases.add(case, event))
        self.deps = service_deps(
            directory=FakeCentreDirectory([self.centre], [REGION]), cases=self.store,
            transactions=self.store, queue=self.queue, clock=lambda: self.now, network_name="Net",
        )  # fmt: skip
        self.status_token = SIGNER.sign(Purpose.CASE_STATUS, REFERENCE)

    @property
    def case(self):
        return self.store.cases[REFERENCE]

    def events(self):
        return self.store.list_events(REFERENCE)

    def later(self, hours: float) -> None:
        self.now += timedelta(hours=hours)

    def step(self, make) -> None:
        """A staff step, straight through the lifecycle (as the staff's links do)."""
        deadlines = deadlines_for(FixedServiceLevels().current(), self.centre, Kind.COMPLAINT,
                                  False)  # fmt: skip

        def work(uow):
            change = make(uow.cases.get(REFERENCE), deadlines, self.now)
            uow.cases.save(change.case, change.event)

        self.store.run(work)

    def ask(self, question: str, by: Contact = TEACHER) -> None:
        self.step(lambda case, d, now: lifecycle.ask_parent(case, person(by), ActorRole.STAFF,
                                                            question, d, now))  # fmt: skip

    def resolve(self, summary: str = "The gate is fixed.", by: Contact = TEACHER) -> None:
        self.step(lambda case, d, now: lifecycle.resolve(case, person(by), ActorRole.STAFF,
                                                         summary, d, now))  # fmt: skip

    def mail(self, template: str):
        return [m for m in self.store.outbox.values() if m.template == template]


def rating_token(reference: str = REFERENCE) -> str:
    return SIGNER.sign(Purpose.CASE_RATING, reference, expires=True)


# --------------------------------------------------------------------------- replies


def test_a_reply_goes_into_the_history_restarts_the_clock_and_tells_whoever_asked():
    world = World()
    world.later(2)
    world.ask("Which gate, the front or the back?")
    paused = world.case.clock
    assert world.case.status == CaseStatus.AWAITING_PARENT and paused.paused_at is not None
    assert world.case.next_nudge_at is None  # no nudge while the centre waits
    world.later(30)  # a day and more waiting on the parent: not the centre's time

    record_reply(world.status_token, "  The back gate, by the sandpit.\n", "nonce-1", world.deps)

    case = world.case
    assert case.status == CaseStatus.IN_PROGRESS
    assert case.clock.paused_at is None and case.clock.paused_seconds > 0
    assert case.resolve_by > NOW + timedelta(hours=32)  # pushed on by the time it waited
    assert case.next_nudge_at is not None
    reply = world.events()[-1]
    assert reply.type == EventType.PARENT_REPLIED and reply.public
    assert reply.summary == "The back gate, by the sandpit." and reply.clock == ClockChange.RESUMED
    assert reply.actor.role == ActorRole.PARENT
    (mail,) = world.mail("case_reply_received")
    assert mail.to == TEACHER.email  # the one who asked owns the case now
    assert mail.data["actionable"] == [REFERENCE] and mail.language == "en"
    assert mail.data["question"] == "Which gate, the front or the back?"
    assert mail.data["reply"] == "The back gate, by the sandpit."
    assert [task.handler for task in world.queue.tasks] == ["deliver_email"]


def test_a_reply_sent_twice_from_one_form_is_recorded_once():
    world = World()
    world.ask("Which gate?")
    record_reply(world.status_token, "The back gate.", "nonce-1", world.deps)
    with pytest.raises(AlreadyDone):
        record_reply(world.status_token, "The back gate.", "nonce-1", world.deps)
    replies = [e for e in world.events() if e.type == EventType.PARENT_REPLIED]
    assert len(replies) == 1 and len(world.mail("case_reply_received")) == 1
    # The same browser writing something else later is a reply of its own.
    record_reply(world.status_token, "And the latch is loose.", "nonce-1", world.deps)
    assert len([e for e in world.events() if e.type == EventType.PARENT_REPLIED]) == 2


def test_a_word_added_to_an_unassigned_case_goes_to_the_principal():
    world = World()
    record_reply(world.status_token, "It is still broken today.", "n", world.deps)
    assert world.case.status == CaseStatus.RECEIVED  # nothing asked: the status stays
    (mail,) = world.mail("case_reply_received")
    assert mail.to == PRINCIPAL.email and mail.data["question"] is None


def test_a_reply_to_a_resolved_case_or_with_a_wrong_token_changes_nothing():
    world = World()
    world.resolve()
    before = (world.case, len(world.events()))
    with pytest.raises(Refused) as refused:
        record_reply(world.status_token, "Thanks!", "n", world.deps)
    assert refused.value.why == Why.NOT_OPEN
    for token in ("nope", None, rating_token(), SIGNER.sign(Purpose.UNSUBSCRIBE, REFERENCE)):
        with pytest.raises(CaseNotFound):
            record_reply(token, "Hello", "n", world.deps)
    assert (world.case, len(world.events())) == before and not world.store.outbox


@pytest.mark.parametrize(("given", "reason"), [("", "empty"), (" \n\x00 ", "empty"),
                                               ("x" * (REPLY_MAX + 1), "too_long")])  # fmt: skip
def test_an_empty_or_too_long_reply_is_refused(given, reason):
    world = World()
    with pytest.raises(ReplyRejected) as rejected:
        record_reply(world.status_token, given, "n", world.deps)
    assert rejected.value.reason == reason and len(world.events()) == 1
    record_reply(world.status_token, "x" * REPLY_MAX, "n", world.deps)  # the limit itself is fine


# --------------------------------------------------------------------------- ratings


def test_a_rating_of_1_reopens_the_case_for_the_principal_and_tells_them():
    world = World()
    world.resolve()
    world.later(24)
    rate_case(rating_token(), 1, "The gate is still broken.", world.deps)

    case = world.case
    assert case.status == CaseStatus.IN_PROGRESS and case.open
    assert case.assignee.key == PRINCIPAL.key
    assert case.rating.score == 1 and case.rating.comment == "The gate is still broken."
    assert case.resolve_by > world.now and case.next_nudge_at is not None
    rated = world.events()[-1]
    assert (rated.type, rated.score, rated.public) == (EventType.RATED, 1, True)
    (mail,) = world.mail("case_reopened")
    assert mail.to == PRINCIPAL.email and mail.data["actionable"] == [REFERENCE]
    assert mail.data["score"] == 1 and mail.data["comment"] == "The gate is still broken."
    assert mail.data["resolution"] == "The gate is fixed."


def test_a_rating_of_4_closes_the_case_and_a_second_rating_is_refused():
    world = World()
    world.resolve()
    rate_case(SIGNER.sign(Purpose.CASE_STATUS, REFERENCE), 4, None, world.deps)  # status page
    assert world.case.status == CaseStatus.CLOSED and not world.case.open
    assert world.case.next_nudge_at is None and not world.store.outbox
    before = (world.case, len(world.events()))
    for score in (1, 5):
        with pytest.raises(Refused) as refused:
            rate_case(rating_token(), score, "Changed my mind", world.deps)
        assert refused.value.why == Why.ALREADY_RATED
    assert (world.case, len(world.events())) == before and not world.store.outbox


def test_a_case_not_resolved_cannot_be_rated():
    world = World()
    with pytest.raises(Refused) as refused:
        rate_case(rating_token(), 5, None, world.deps)
    assert refused.value.why == Why.NOT_RESOLVED and world.case.rating is None


def test_rating_links_expire_say_so_and_open_nothing_when_forged(monkeypatch):
    world = World()
    world.resolve()
    from itsdangerous.timed import TimestampSigner

    fresh = rating_token()
    old = int(time.time()) - RATING_LINK_SECONDS - 60
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: old)
    expired = rating_token()
    monkeypatch.undo()
    assert rating_view(fresh, world.deps)[0].reference == REFERENCE
    with pytest.raises(RatingLinkExpired):
        rating_view(expired, world.deps)
    with pytest.raises(RatingLinkExpired):
        rate_case(expired, 5, None, world.deps)
    other = SIGNER.sign(Purpose.CASE_RATING, "FB-AAAA-BBB", expires=True)  # no such case
    for token in ("nope", fresh[:-6] + "AAAAAA", SIGNER.sign(Purpose.UNSUBSCRIBE, REFERENCE)):
        assert rating_view(token, world.deps) is None
    assert rating_view(other, world.deps) is None
    with pytest.raises(CaseNotFound):
        rate_case("nope", 5, None, world.deps)
    assert world.case.status == CaseStatus.RESOLVED and world.case.rating is None


@pytest.mark.parametrize("score", [0, 6, -1])
def test_a_score_outside_1_to_5_is_refused(score):
    world = World()
    world.resolve()
    with pytest.raises(ValueError):
        rate_case(rating_token(), score, None, world.deps)
    assert world.case.rating is None


# --------------------------------------------------------------------------- the status view


def _internal_events(world: World) -> None:
    at = world.now
    extra = [
        CaseEvent(event_id="n1", type=EventType.NOTE_ADDED, at=at, public=False,
                  actor=Actor(role="staff", display_name="Lerato Dube", key=TEACHER.key),
                  summary="The parent owes fees"),
        # Stored as public by mistake: still never shown (the kind is internal).
        CaseEvent(event_id="r1", type=EventType.REASSIGNED, at=at, public=True,
                  actor=Actor(role="staff", display_name="Lerato Dube"), to=person(PRINCIPAL)),
        CaseEvent(event_id="u1", type=EventType.NUDGED, at=at, public=False,
                  actor=Actor(role="system"), to=person(PRINCIPAL)),
    ]  # fmt: skip
    world.store.events[REFERENCE] += extra


@pytest.mark.parametrize("shared", [False, True])
def test_the_status_view_shows_the_parents_steps_and_names_only_when_the_centre_shares(shared):
    world = World(share_names=shared)
    world.step(lambda case, d, now: lifecycle.acknowledge(case, person(TEACHER),
                                                          ActorRole.STAFF, d, now))  # fmt: skip
    world.later(1)
    world.ask("Which gate?")
    _internal_events(world)

    view = view_case_status(world.status_token, world.deps)
    assert [e.type for e in view.events] == ["submitted", "acknowledged", "info_requested"]
    assert view.question == "Which gate?"
    names = {e.actor.display_name for e in view.events} - {None}
    assert names == ({"Lerato Dube"} if shared else set())
    assert all(e.actor.key is None for e in view.events)  # never a person key
    html = render("pages/case_status.html", case=view.case, events=view.events,
                  question=view.question, reply_form=None, rating_form=None, scores=[],
                  network_name="Net")  # fmt: skip
    assert ("Lerato Dube" in html) is shared and "Thandi" not in html
    assert "owes fees" not in html and "Reassigned" not in html and "Reminder" not in html
    assert "We are waiting for your reply" in html and "Which gate?" in html
    assert "Centre One asked you:" in html or "Lerato Dube at Centre One asked you:" in html


def test_a_low_rating_shows_the_parent_it_was_reopened_without_naming_the_principal():
    world = World()
    world.resolve()
    rate_case(rating_token(), 2, "Still broken", world.deps)
    view = view_case_status(world.status_token, world.deps)
    assert [e.type for e in view.events][-2:] == ["resolved", "rated"]
    assert view.events[-1].to is None  # the principal's name stays with the centre
    html = render("pages/case_status.html", case=view.case, events=view.events, question=None,
                  reply_form=None, rating_form=None, scores=[], network_name="Net")  # fmt: skip
    assert "You rated the resolution 2 out of 5." in html and "reopened" in html
    assert PRINCIPAL.name not in html
