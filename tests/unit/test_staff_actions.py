"""Staff acting on a case from the links in their mail, over in-memory fakes of our ports."""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta

import itsdangerous
import pytest

from functions.domain.cases.lifecycle import Refused
from functions.domain.cases.service_levels import Level
from functions.domain.cases.staff_links import ActionLink, link_id
from functions.domain.cases.submission import FeedbackSubmission
from functions.domain.directory.models import Centre, Contact, Region
from functions.domain.mail.outbox import MessageKind
from functions.domain.shared.vocabulary import (
    ActorRole,
    CaseStatus,
    ClockChange,
    EventType,
    Source,
    StaffAction,
    StaffRole,
)
from functions.http.staff.case_action import clean
from functions.rendering import render_email
from functions.services.cases import act
from functions.services.cases.acting import LinkProblem, LinkRefused
from functions.services.cases.action_steps import Given, NotAChoice
from functions.services.intake.submit_feedback import submit_feedback
from tests.builders import SETUP, SIGNER, service_deps, submission, tampered
from tests.fakes import FakeCentreDirectory, FakeStore, RecordingQueue

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday, in working hours
PRINCIPAL = Contact(name="Thandi Mokoena", email="thandi@sun.example.org", role=StaffRole.PRINCIPAL)
LERATO = Contact(name="Lerato Khumalo", email="lerato@sun.example.org")
BONGANI = Contact(name="Bongani Zulu", email="bongani@sun.example.org")
ADMIN = Contact(name="Nomsa Dlamini", email="admin@gauteng.example.org",
                role=StaffRole.ADMINISTRATOR)  # fmt: skip
OTHER_PRINCIPAL = Contact(name="Grace Maseko", email="grace@stars.example.org")
OTHER_ADMIN = Contact(name="Pieter van Wyk", email="admin@wc.example.org")
SUN = Centre(centre_id="sun", name="Sunflower Educare", region_id="gauteng", principal=PRINCIPAL,
             staff=[LERATO, BONGANI])  # fmt: skip
STARS = Centre(centre_id="stars", name="Little Stars", region_id="gauteng",
               principal=OTHER_PRINCIPAL)  # fmt: skip
REGIONS = [Region(region_id="gauteng", name="Gauteng", administrator=ADMIN),
           Region(region_id="wc", name="Western Cape", administrator=OTHER_ADMIN)]  # fmt: skip


class Clock:
    def __init__(self, now=NOW):
        self.now = now

    def __call__(self):
        return self.now


def deps(centres=(SUN, STARS)):
    store = FakeStore()
    return service_deps(
        directory=FakeCentreDirectory(list(centres), REGIONS), cases=store, transactions=store,
        queue=RecordingQueue(), clock=Clock(), network_name="Net",
    )  # fmt: skip


def new_case(bundle, **changes) -> str:
    body = submission(centre_id="sun", kind="complaint", category="facilities",
                      description="The gate latch is broken",
                      reporter={"email": "parent@example.org"}) | changes  # fmt: skip
    receipt = submit_feedback(FeedbackSubmission.model_validate(body), Source.API, bundle)
    bundle.transactions.outbox.clear()  # the intake's own mail is not what these tests look at
    return receipt.case.reference


def token(reference: str, action: StaffAction, who: Contact, message_id: str = "m1") -> str:
    # Each recipient's mail is a message of its own, so its links are links of their own.
    message_id = f"{message_id}-{who.key}"
    link = ActionLink(action, reference, who.key, link_id(message_id, reference, action))
    return link.token(SIGNER)


def do(bundle, reference, action, who, text=None, to=None, message_id="m1"):
    context = act.open_link(token(reference, action, who, message_id), bundle)
    return act.take_action(context, Given(text=text, to=to), bundle)


def events(bundle, reference):
    return bundle.cases.list_events(reference)


def mail(bundle):
    return list(bundle.transactions.outbox.values())


# ------------------------------------------------------------------------- each action


def test_acknowledge_puts_the_case_in_progress_with_the_staff_member_as_actor_and_owner():
    bundle = deps()
    reference = new_case(bundle)
    acted = do(bundle, reference, StaffAction.ACKNOWLEDGE, LERATO)
    case = bundle.cases.get(reference)
    assert case.status == CaseStatus.IN_PROGRESS and case.outcome.acknowledged_at == NOW
    assert case.assignee.key == LERATO.key and case.assignee.name == "Lerato Khumalo"
    last = events(bundle, reference)[-1]
    assert (
        last == acted.change.event
        and acted.mail == []
        and last.type == EventType.ACKNOWLEDGED
        and last.public
    )
    assert (last.actor.role, last.actor.key, last.actor.display_name) == (
        ActorRole.STAFF, LERATO.key, "Lerato Khumalo")  # fmt: skip
    assert mail(bundle) == []


def test_a_note_is_internal_and_changes_nothing_else():
    bundle = deps()
    reference = new_case(bundle)
    do(bundle, reference, StaffAction.NOTE, BONGANI, text="Called the handyman")
    case = bundle.cases.get(reference)
    last = events(bundle, reference)[-1]
    assert last.type == EventType.NOTE_ADDED and not last.public
    assert last.summary == "Called the handyman" and last.actor.key == BONGANI.key
    assert case.status == CaseStatus.RECEIVED and case.assignee is None and mail(bundle) == []


def test_an_action_that_needs_text_refuses_none():
    bundle = deps()
    reference = new_case(bundle)
    for action in (StaffAction.NOTE, StaffAction.RESOLVE, StaffAction.ASK_PARENT):
        with pytest.raises(NotAChoice):
            do(bundle, reference, action, LERATO, text=None)
    assert [e.type for e in events(bundle, reference)] == [EventType.SUBMITTED]


def test_resolve_keeps_the_summary_and_writes_the_parents_mail():
    bundle = deps()
    reference = new_case(bundle)
    acted = do(
        bundle, reference, StaffAction.RESOLVE, PRINCIPAL, text="The latch was replaced today"
    )
    case = bundle.cases.get(reference)
    assert case.status == CaseStatus.RESOLVED and case.resolution == "The latch was replaced today"
    assert not case.open and case.next_nudge_at is None
    (message,) = mail(bundle)
    assert message.template == "case_resolved" and message.to == "parent@example.org"
    assert acted.mail == [message]
    assert message.data["summary"] == "The latch was replaced today"
    assert [t.handler for t in bundle.queue.tasks][-1] == "deliver_email"


def test_ask_parent_pauses_the_clock_and_writes_the_question_to_the_parent():
    bundle = deps()
    reference = new_case(bundle)
    do(bundle, reference, StaffAction.ASK_PARENT, LERATO, text="Which gate, front or back?")
    case = bundle.cases.get(reference)
    last = events(bundle, reference)[-1]
    assert case.status == CaseStatus.AWAITING_PARENT and case.clock.paused_at == NOW
    assert last.type == EventType.INFO_REQUESTED and last.clock == ClockChange.PAUSED
    (message,) = mail(bundle)
    assert message.template == "case_info_request" and message.data["question"].startswith("Which")


def test_a_parent_who_cannot_be_emailed_gets_no_mail_but_the_question_is_asked():
    bundle = deps()
    reference = new_case(bundle, reporter={"phone": "0821234567"})
    do(bundle, reference, StaffAction.ASK_PARENT, LERATO, text="Which gate?")
    assert bundle.cases.get(reference).status == CaseStatus.AWAITING_PARENT
    assert mail(bundle) == []


def test_reassign_gives_the_case_to_a_colleague_who_is_emailed_with_action_links():
    bundle = deps()
    reference = new_case(bundle)
    do(bundle, reference, StaffAction.REASSIGN, PRINCIPAL, text="You fixed it last time",
       to=BONGANI.key)  # fmt: skip
    case = bundle.cases.get(reference)
    last = events(bundle, reference)[-1]
    assert case.assignee.key == BONGANI.key
    assert last.type == EventType.REASSIGNED and not last.public and last.to.key == BONGANI.key
    assert last.summary == "You fixed it last time" and last.actor.key == PRINCIPAL.key
    (message,) = mail(bundle)
    assert (message.template, message.to, message.language) == (
        "case_assigned", BONGANI.email, "en")  # fmt: skip
    assert message.kind == MessageKind.TRANSACTIONAL and message.data["actionable"] == [reference]
    links = SETUP.links.for_message(message)
    rendered = render_email(message.template, {**message.data, **links})
    assert "Thandi Mokoena" in rendered.text and "You fixed it last time" in rendered.text
    for url in links["action_links"][reference].values():
        assert url in rendered.text and url.replace("&", "&amp;") in rendered.html
        link = ActionLink.read(url.split("token=", 1)[1], SIGNER)
        assert link.person == BONGANI.key and link.reference == reference


def test_reassign_refuses_the_current_owner_and_strangers():
    bundle = deps()
    reference = new_case(bundle)
    do(bundle, reference, StaffAction.ACKNOWLEDGE, LERATO)
    context = act.open_link(token(reference, StaffAction.REASSIGN, PRINCIPAL), bundle)
    assert LERATO.key not in {c.key for c in context.choices}
    assert {c.key for c in context.choices} == {PRINCIPAL.key, BONGANI.key}
    with pytest.raises(Refused) as refused:
        act.take_action(context, Given(to=LERATO.key), bundle)
    assert refused.value.why == "already_assigned"
    with pytest.raises(NotAChoice):
        act.take_action(context, Given(to=OTHER_PRINCIPAL.key), bundle)
    assert bundle.cases.get(reference).assignee.key == LERATO.key


def test_taking_a_case_oneself_sends_no_mail():
    bundle = deps()
    reference = new_case(bundle)
    do(bundle, reference, StaffAction.REASSIGN, BONGANI, to=BONGANI.key)
    assert bundle.cases.get(reference).assignee.key == BONGANI.key and mail(bundle) == []


def test_urgent_staff_mail_cannot_be_unsubscribed_from():
    bundle = deps()
    reference = new_case(bundle, urgent=True)
    do(bundle, reference, StaffAction.REASSIGN, PRINCIPAL, to=LERATO.key)
    (message,) = mail(bundle)
    assert message.kind == MessageKind.TRANSACTIONAL and message.urgent


# ------------------------------------------------------------------------- the ladder


def test_escalation_climbs_staff_to_principal_to_region_and_stops_there():
    bundle = deps()
    reference = new_case(bundle)
    do(bundle, reference, StaffAction.ESCALATE, LERATO, text="The parent is very upset")
    case, last = bundle.cases.get(reference), events(bundle, reference)[-1]
    assert case.assignee.key == PRINCIPAL.key
    assert (last.type, last.level, last.to.key, last.public) == (
        EventType.ESCALATED, Level.PRINCIPAL, PRINCIPAL.key, False)  # fmt: skip
    assert last.summary == "The parent is very upset"
    (message,) = mail(bundle)
    assert message.template == "case_escalated" and message.to == PRINCIPAL.email
    assert message.data["reason"] == "The parent is very upset"

    do(bundle, reference, StaffAction.ESCALATE, PRINCIPAL)
    case, last = bundle.cases.get(reference), events(bundle, reference)[-1]
    assert case.assignee.key == ADMIN.key and last.level == Level.REGION and last.summary is None
    assert mail(bundle)[-1].to == ADMIN.email

    context = act.open_link(token(reference, StaffAction.ESCALATE, ADMIN), bundle)
    assert context.acting.role == StaffRole.ADMINISTRATOR and context.escalate_to is None
    assert context.refusal.why == "top_of_ladder"
    with pytest.raises(Refused):
        act.take_action(context, Given(), bundle)
    assert len(events(bundle, reference)) == 3


def test_the_rendered_escalation_names_who_and_why():
    bundle = deps()
    reference = new_case(bundle)
    do(bundle, reference, StaffAction.ESCALATE, LERATO, text="<b>Angry</b>\u2028again")
    (message,) = mail(bundle)
    rendered = render_email(message.template, {**message.data, **SETUP.links.for_message(message)})
    assert "Lerato Khumalo" in rendered.text and reference in rendered.subject
    assert "&lt;b&gt;Angry&lt;/b&gt;" in rendered.html and "<b>Angry" not in rendered.html


# ------------------------------------------------------------------------- once, and who


def test_a_link_acts_once_and_its_replay_changes_nothing():
    bundle = deps()
    reference = new_case(bundle)
    do(bundle, reference, StaffAction.NOTE, LERATO, text="First")
    stored = list(events(bundle, reference))
    context = act.open_link(token(reference, StaffAction.NOTE, LERATO), bundle)
    assert context.used
    with pytest.raises(LinkRefused) as refused:
        act.take_action(context, Given(text="Second"), bundle)
    assert refused.value.problem == LinkProblem.USED
    assert events(bundle, reference) == stored
    # The same person's note link from another mail is another link.
    do(bundle, reference, StaffAction.NOTE, LERATO, text="Third", message_id="m2")
    assert [e.summary for e in events(bundle, reference)][-2:] == ["First", "Third"]


def test_a_stale_form_replayed_after_use_acts_once():
    """Two tabs of one link: both opened before either was sent."""
    bundle = deps()
    reference = new_case(bundle)
    link = token(reference, StaffAction.NOTE, LERATO)
    first, second = act.open_link(link, bundle), act.open_link(link, bundle)
    act.take_action(first, Given(text="One"), bundle)
    with pytest.raises(LinkRefused):
        act.take_action(second, Given(text="Two"), bundle)
    assert [e.summary for e in events(bundle, reference)][1:] == ["One"]


def test_another_centres_staff_cannot_act_and_nothing_changes():
    bundle = deps()
    reference = new_case(bundle)
    for who in (OTHER_PRINCIPAL, OTHER_ADMIN):
        with pytest.raises(LinkRefused) as refused:
            act.open_link(token(reference, StaffAction.ACKNOWLEDGE, who), bundle)
        assert refused.value.problem == LinkProblem.NOT_ALLOWED
    assert bundle.cases.get(reference).status == CaseStatus.RECEIVED


def test_a_staff_member_removed_from_the_directory_can_no_longer_act():
    bundle = deps()
    reference = new_case(bundle)
    link = token(reference, StaffAction.ACKNOWLEDGE, BONGANI)
    bundle.directory.centres["sun"] = SUN.model_copy(update={"staff": [LERATO]})
    with pytest.raises(LinkRefused) as refused:
        act.open_link(link, bundle)
    assert refused.value.problem == LinkProblem.NOT_ALLOWED
    assert len(events(bundle, reference)) == 1


def test_the_regional_administrator_may_act_on_the_regions_cases():
    bundle = deps()
    reference = new_case(bundle)
    do(bundle, reference, StaffAction.ACKNOWLEDGE, ADMIN)
    last = events(bundle, reference)[-1]
    assert last.actor.role == ActorRole.ADMINISTRATOR and last.actor.key == ADMIN.key


def test_a_case_of_no_known_centre_is_for_the_administrators_only():
    bundle = deps()
    reference = new_case(bundle)
    case = bundle.cases.get(reference)
    orphan = case.model_copy(update={"centre_id": None, "region_id": None})
    bundle.transactions.cases[reference] = orphan
    with pytest.raises(LinkRefused):
        act.open_link(token(reference, StaffAction.ACKNOWLEDGE, PRINCIPAL), bundle)
    # The region is not known either: every administrator was alerted, and each may act.
    context = act.open_link(token(reference, StaffAction.REASSIGN, OTHER_ADMIN), bundle)
    assert context.refusal.why == "no_one_to_reassign"
    do(bundle, reference, StaffAction.ACKNOWLEDGE, OTHER_ADMIN)
    assert bundle.cases.get(reference).status == CaseStatus.IN_PROGRESS


# ------------------------------------------------------------------------- moved on


def test_a_resolved_case_refuses_acknowledge_says_when_and_keeps_the_link():
    bundle = deps()
    reference = new_case(bundle)
    bundle.clock.now = NOW + timedelta(hours=1)
    do(bundle, reference, StaffAction.RESOLVE, PRINCIPAL, text="Fixed")
    context = act.open_link(token(reference, StaffAction.ACKNOWLEDGE, LERATO), bundle)
    assert context.refusal.why == "not_open"
    assert context.refusal.event.type == EventType.RESOLVED
    assert context.refusal.event.actor.display_name == "Thandi Mokoena"
    with pytest.raises(Refused):
        act.take_action(context, Given(), bundle)
    assert not act.open_link(token(reference, StaffAction.ACKNOWLEDGE, LERATO), bundle).used
    # A note still applies to a resolved case.
    note = act.open_link(token(reference, StaffAction.NOTE, LERATO), bundle)
    assert note.refusal is None


def test_two_staff_acknowledging_from_forms_opened_together_leave_one_acknowledgement():
    bundle = deps()
    reference = new_case(bundle)
    lerato = act.open_link(token(reference, StaffAction.ACKNOWLEDGE, LERATO), bundle)
    bongani = act.open_link(token(reference, StaffAction.ACKNOWLEDGE, BONGANI), bundle)
    assert lerato.refusal is None and bongani.refusal is None
    act.take_action(lerato, Given(), bundle)
    with pytest.raises(Refused) as refused:
        act.take_action(bongani, Given(), bundle)
    assert refused.value.why == "already_acknowledged"
    acknowledged = [e for e in events(bundle, reference) if e.type == EventType.ACKNOWLEDGED]
    assert len(acknowledged) == 1 and acknowledged[0].actor.key == LERATO.key
    again = act.open_link(token(reference, StaffAction.ACKNOWLEDGE, BONGANI), bundle)
    assert again.refusal.event.actor.display_name == "Lerato Khumalo" and not again.used


# ------------------------------------------------------------------------- links


def test_expired_forged_and_malformed_links_are_told_apart(monkeypatch):
    bundle = deps()
    reference = new_case(bundle)
    good = token(reference, StaffAction.ACKNOWLEDGE, LERATO)
    eight_days_ago = int(time.time()) - 8 * 24 * 3600
    monkeypatch.setattr(itsdangerous.TimestampSigner, "get_timestamp", lambda self: eight_days_ago)
    old = token(reference, StaffAction.ACKNOWLEDGE, LERATO)
    monkeypatch.undo()
    cases = {old: LinkProblem.EXPIRED, tampered(good): LinkProblem.NOT_VALID,
             "": LinkProblem.NOT_VALID, "x" * 5000: LinkProblem.NOT_VALID,
             "\ud800": LinkProblem.NOT_VALID, None: LinkProblem.NOT_VALID}  # fmt: skip
    for given, problem in cases.items():
        with pytest.raises(LinkRefused) as refused:
            act.open_link(given, bundle)
        assert refused.value.problem == problem
    assert act.open_link(good, bundle).refusal is None


def test_a_link_to_a_case_that_is_gone_opens_nothing():
    bundle = deps()
    with pytest.raises(LinkRefused) as refused:
        act.open_link(token("FB-7K3M-Q9P", StaffAction.ACKNOWLEDGE, LERATO), bundle)
    assert refused.value.problem == LinkProblem.UNKNOWN_CASE


@pytest.mark.parametrize("raw, kept", [
    ("a\r\nb\rc\u2028d\u2029e\x85f", "a\nb\nc\nd\ne\nf"),
    ("  tab\tkept\x00\x07\x1b ", "tab\tkept"),
    ("half \ud83d pair", "half \ufffd pair"),
])  # fmt: skip
def test_staff_text_is_cleaned_before_it_is_kept(raw, kept):
    assert clean(raw) == kept
