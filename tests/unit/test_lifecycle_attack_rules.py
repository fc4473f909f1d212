"""Attacks on the case lifecycle's rules, over in-memory fakes: a staff member's escalate link
handing a case down, a sensitive complaint opened by staff it is not with, parent text in a
staff mail's subject."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from functions.domain.cases.lifecycle import Refused, Why
from functions.domain.cases.models import Consent, Reporter
from functions.domain.cases.opening import open_case
from functions.domain.cases.parent_answers import reply_received_message
from functions.domain.shared.vocabulary import Category, Kind, Source, StaffAction
from functions.rendering import render_email
from functions.services.cases import act
from functions.services.cases.acting import LinkProblem, LinkRefused
from functions.services.cases.action_steps import Given
from tests.fakes import FixedServiceLevels
from tests.unit.test_staff_actions import (
    ADMIN,
    BONGANI,
    LERATO,
    PRINCIPAL,
    deps,
    do,
    events,
    new_case,
    token,
)

NOW = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
HOSTILE_CENTRE = "CALL 0821234567 NOW <b>or else</b>"


# ------------------------------------------------------------------------- escalating down


def test_a_staff_members_escalate_link_never_takes_a_case_down_from_the_region():
    bundle = deps()
    reference = new_case(bundle)
    do(bundle, reference, StaffAction.ESCALATE, LERATO)  # to the principal
    do(bundle, reference, StaffAction.ESCALATE, PRINCIPAL)  # to the regional administrator
    assert bundle.cases.get(reference).assignee.key == ADMIN.key
    before = len(events(bundle, reference))

    context = act.open_link(token(reference, StaffAction.ESCALATE, BONGANI), bundle)
    assert context.refusal is not None and context.refusal.why == Why.ALREADY_ASSIGNED
    assert context.refusal.event.to.key == ADMIN.key  # the page says since when
    with pytest.raises(Refused):
        act.take_action(context._replace(refusal=None), Given(text="pull it back"), bundle)
    assert bundle.cases.get(reference).assignee.key == ADMIN.key
    assert len(events(bundle, reference)) == before


# ------------------------------------------------------------------------- sensitive cases


@pytest.mark.parametrize("category", ["staff_conduct", "child_wellbeing_and_safety"])
def test_staff_open_a_sensitive_complaint_only_while_it_is_with_them(category):
    bundle = deps()
    reference = new_case(bundle, category=category)
    with pytest.raises(LinkRefused) as refused:
        act.open_link(token(reference, StaffAction.RESOLVE, LERATO), bundle)
    assert refused.value.problem == LinkProblem.NOT_YOURS
    # The principal and the administrator open it; given to Lerato, she works it.
    act.open_link(token(reference, StaffAction.NOTE, PRINCIPAL), bundle)
    act.open_link(token(reference, StaffAction.NOTE, ADMIN), bundle)
    do(bundle, reference, StaffAction.REASSIGN, PRINCIPAL, to=LERATO.key)
    do(bundle, reference, StaffAction.NOTE, LERATO, text="Spoke to the parent")
    # Given to Bongani, his links open it and hers no longer do.
    do(bundle, reference, StaffAction.REASSIGN, PRINCIPAL, to=BONGANI.key, message_id="m2")
    act.open_link(token(reference, StaffAction.RESOLVE, BONGANI), bundle)
    with pytest.raises(LinkRefused):
        act.open_link(token(reference, StaffAction.RESOLVE, LERATO), bundle)


def test_a_sensitive_complaint_taken_away_while_the_form_was_open_is_not_changed():
    bundle = deps()
    reference = new_case(bundle, category="staff_conduct")
    do(bundle, reference, StaffAction.REASSIGN, PRINCIPAL, to=LERATO.key)
    opened = act.open_link(token(reference, StaffAction.RESOLVE, LERATO), bundle)
    do(bundle, reference, StaffAction.ESCALATE, PRINCIPAL)  # to the region, meanwhile
    before = len(events(bundle, reference))
    with pytest.raises(LinkRefused) as refused:
        act.take_action(opened, Given(text="Nothing happened"), bundle)
    assert refused.value.problem == LinkProblem.NOT_YOURS
    assert bundle.cases.get(reference).status == "received"
    assert len(events(bundle, reference)) == before


def test_a_former_principal_kept_on_as_staff_no_longer_opens_a_complaint_about_staff():
    from tests.unit.test_staff_actions import REGIONS, SUN, FakeCentreDirectory

    bundle = deps()
    reference = new_case(bundle, category="staff_conduct")
    link = token(reference, StaffAction.RESOLVE, PRINCIPAL)
    act.open_link(link, bundle)
    demoted = SUN.model_copy(update={"principal": LERATO, "staff": [PRINCIPAL, BONGANI]})
    bundle.directory = FakeCentreDirectory([demoted], REGIONS)
    with pytest.raises(LinkRefused) as refused:
        act.open_link(link, bundle)
    assert refused.value.problem == LinkProblem.NOT_YOURS


# ------------------------------------------------------------------------- mail subjects


def test_the_reply_mail_of_a_case_at_an_unrecognised_centre_keeps_the_parents_words_out_of_its_subject():  # noqa: E501
    case, _ = open_case(
        reference="FB-7K3M-Q9P", source=Source.GOOGLE_FORM, centre=None,
        centre_name_given=HOSTILE_CENTRE, region_id="gauteng", kind=Kind.COMPLAINT,
        category=Category.FACILITIES, description="x", urgent=False,
        reporter=Reporter(email="p@example.org"),
        consent=Consent(given=True, version="2026-11", recorded_at=NOW), child=None,
        triage=None, policy=FixedServiceLevels().current(), now=NOW,
    )  # fmt: skip
    message = reply_received_message(case, "my reply", "q?", ADMIN, "Net", NOW)
    links = {"action_links": {}, "privacy_url": "p", "unsubscribe_url": "u", "status_url": None}
    email = render_email(message.template, message.data | links)
    assert "0821234567" not in email.subject and "or else" not in email.subject
    assert email.subject == ("The parent replied: complaint about a centre we do not recognise "
                             "(FB-7K3M-Q9P)")  # fmt: skip
    assert "CALL 0821234567 NOW &lt;b&gt;" in email.html  # the body still says which centre
