"""A parent's reply to the centre, through their status link (so parents of anonymous cases
can answer too): into the history, the clock running again, the person who answers for the
case told, all in one commit."""

from __future__ import annotations

import hashlib

from functions import logs
from functions.domain.cases import lifecycle
from functions.domain.cases.lifecycle import Change
from functions.domain.cases.models import Case
from functions.domain.cases.parent_answers import answering, reply_received_message
from functions.domain.shared.signing import Purpose
from functions.domain.shared.text import clean_text
from functions.domain.shared.vocabulary import CaseStatus
from functions.services.cases.changing import change_case, deadlines_of
from functions.services.cases.status import latest_question
from functions.services.errors import CaseNotFound
from functions.services.ports import Dependencies

REPLY_MAX = 5_000  # characters: a long answer fits; a mail quoting it stays small


class ReplyRejected(ValueError):
    """The reply is empty or too long (the page says which and keeps what was typed)."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason  # "empty" or "too_long"


def reply_text(given: str) -> str:
    """The reply as kept: control characters dropped, trimmed, 1 to REPLY_MAX characters."""
    text = clean_text(given)
    if not text:
        raise ReplyRejected("empty")
    if len(text) > REPLY_MAX:
        raise ReplyRejected("too_long")
    return text


def _once_key(nonce: str, reference: str, text: str) -> str:
    """One form (nonce) sending one text to one case is one reply: Send pressed twice, or a
    refresh, records it once. The nonce lives as long as its cookie, so a second, different
    reply from the same browser is a reply of its own."""
    digest = hashlib.sha256(f"{reference}\n{text}".encode()).hexdigest()[:24]
    return f"case-reply:{nonce}:{digest}"


def record_reply(token: object, given: str, nonce: str, deps: Dependencies) -> Change:
    """Record the parent's reply on the case the status token opens. Raises CaseNotFound
    (the token opens nothing), ReplyRejected, AlreadyDone (this form sent this reply
    before; nothing changes) or lifecycle.Refused (the case is resolved or closed)."""
    reference = deps.signer.unsign(Purpose.CASE_STATUS, token)
    if not reference:
        raise CaseNotFound("token")
    text = reply_text(given)
    # Read before the unit of work: the staff mail quotes the question it answers.
    question = latest_question(deps.cases.list_events(reference))
    now = deps.clock()

    def decide(case: Case):
        change = lifecycle.parent_replied(case, text, deadlines_of(case, deps), now)
        directory = deps.directory
        centre = directory.get_centre(case.centre_id) if case.centre_id else None
        region = directory.get_region(case.region_id) if case.region_id else None
        to = answering(change.case, centre, region)
        asked = question if case.status == CaseStatus.AWAITING_PARENT else None
        messages = [reply_received_message(change.case, text, asked, to, deps.network_name,
                                           now)] if to else []  # fmt: skip
        return change, messages

    change = change_case(reference, decide, deps, once_key=_once_key(nonce, reference, text))
    logs.parent_replied(reference, change.case.status, change.event.clock)
    return change
