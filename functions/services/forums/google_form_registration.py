"""A registration Google Form's response registers its person for a forum, once, however
often Apps Script delivers it.

The outcome of a response is kept under its (form, response) key: a redelivery answers the
first delivery's outcome ("registered" stays "registered") and registers nobody again. Should
the marker be lost (a crash between the registration's commit and the marker's), register()
is itself once per person and forum: the redelivery finds them registered and sends nothing.
"""

from __future__ import annotations

from functions import logs
from functions.domain.cases.google_forms import AnswersRefused, FormMapping, FormResponse
from functions.domain.forums.google_form_answers import forum_id_of, read_registration
from functions.domain.shared.validation import FieldError
from functions.domain.shared.vocabulary import Source
from functions.services.forums.errors import ForumClosed, ForumNotFound, RegistrationRefused
from functions.services.forums.registering import Outcome, register
from functions.services.intake.google_form import FormOutcome
from functions.services.intake.recording import MARKER_RETENTION, idempotency_key
from functions.services.ports import Dependencies, IdempotencyMarker, UnitOfWork

# What the registration's own checks name, by the mapping's field names.
_FIELD = {"centre_id": "centre", "room_id": "room", "role": "role", "topics": "topics"}
_CLOSED = {"cancelled": "This forum was cancelled", "ended": "This forum has ended"}


def register_response(response: FormResponse, mapping: FormMapping,
                      deps: Dependencies) -> FormOutcome:  # fmt: skip
    """Register (or waitlist) the respondent; {"outcome", "forum_id"}. Raises AnswersRefused
    for answers that cannot register anyone (nothing written)."""
    key = idempotency_key(f"forum_google_form:{response.form_id}", response.response_id)
    first = deps.transactions.run(lambda uow: uow.markers.get(key))[0]
    if first is not None:  # a redelivery: the first delivery's outcome
        return _outcome(first.fingerprint, first.reference)
    forum_id = forum_id_of(response, mapping)
    forum = deps.forums.get(forum_id) if forum_id else None
    if forum is None:
        raise AnswersRefused([FieldError("forum", "No forum has this id")])
    form = read_registration(response, mapping, forum, deps.directory.list_centres())
    now = deps.clock()
    try:
        done = register(deps, form, Source.GOOGLE_FORM.value, now)
    except ForumNotFound:
        raise AnswersRefused([FieldError("forum", "No forum has this id")]) from None
    except ForumClosed as closed:
        raise AnswersRefused([FieldError("forum", _CLOSED[closed.reason])]) from None
    except RegistrationRefused as refused:
        raise AnswersRefused([FieldError(_FIELD.get(f, f), message)
                              for f, message in refused.problems.items()]) from None  # fmt: skip
    logs.forum_registered(forum.forum_id, done.outcome.value, Source.GOOGLE_FORM.value)
    # The outcome is kept in the marker's fingerprint, the forum's id in its reference.
    marker = IdempotencyMarker(key, forum.forum_id, done.outcome.value, now,
                               now + MARKER_RETENTION)  # fmt: skip

    def keep(uow: UnitOfWork) -> IdempotencyMarker:
        # The same response delivered twice at once: one registers, the other finds the
        # person registered. Whichever marker lands first, the one that registered is kept.
        there = uow.markers.get(key)
        if there is None or (there.fingerprint == Outcome.ALREADY_REGISTERED
                             and done.outcome != Outcome.ALREADY_REGISTERED):  # fmt: skip
            uow.markers.add(marker)
            return marker
        return there

    kept = deps.transactions.run(keep)[0]
    return _outcome(kept.fingerprint, kept.reference)


def _outcome(outcome: str | None, forum_id: str) -> FormOutcome:
    # Registered and waitlisted both answer 200: the Apps Script needs only a 2xx, and 201
    # would say a resource was made at an address, which a registration has not.
    return FormOutcome(False, {"outcome": Outcome(outcome).value, "forum_id": forum_id})
