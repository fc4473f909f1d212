"""A parent's rating of a resolution: from the one-click links in the resolution mail (signed,
expiring) or from the status page's form (the status link, which a parent without email has).
3 to 5 closes the case; 1 or 2 reopens it for the principal, who is told at once."""

from __future__ import annotations

from typing import NamedTuple

from functions import logs
from functions.domain.cases import lifecycle
from functions.domain.cases.lifecycle import Change
from functions.domain.cases.models import Case, Person
from functions.domain.cases.parent_answers import reopened_message
from functions.domain.directory.models import Contact
from functions.domain.mail.links import RATING_LINK_SECONDS
from functions.domain.shared.signing import Purpose, Signer
from functions.domain.shared.vocabulary import CaseStatus
from functions.services.cases.changing import change_case, deadlines_of
from functions.services.errors import CaseNotFound, ServiceError
from functions.services.ports import Dependencies

COMMENT_MAX = 2_000  # as the stored Rating keeps
SCORES = range(1, 6)
# Checks that an expired link is one of ours (and so says "expired", not "not found").
_EVER = 100 * 365 * 24 * 3600


class RatingLinkExpired(ServiceError):
    """A rating link of ours, older than RATING_LINK_SECONDS: it rates nothing now."""


class RatingLink(NamedTuple):
    reference: str
    from_status_page: bool  # the status token (the status page's form), not a mail's link


def read_rating_token(token: object, signer: Signer) -> RatingLink | None:
    """The case a rating link (or a status link) names; None for anything else. Raises
    RatingLinkExpired for a rating link of ours that is too old."""
    reference = signer.unsign(Purpose.CASE_RATING, token, max_age=RATING_LINK_SECONDS)
    if reference:
        return RatingLink(reference, False)
    if signer.unsign(Purpose.CASE_RATING, token, max_age=_EVER):
        raise RatingLinkExpired()
    reference = signer.unsign(Purpose.CASE_STATUS, token)
    return RatingLink(reference, True) if reference else None


def rating_view(token: object, deps: Dependencies) -> tuple[Case, RatingLink] | None:
    """The case a rating (or status) link opens and the link, or None: it opens nothing.
    Changes nothing: link scanners open every link in a mail."""
    link = read_rating_token(token, deps.signer)
    case = deps.cases.get(link.reference) if link else None
    return (case, link) if case is not None else None


def _principal(case: Case, deps: Dependencies) -> Contact:
    """Who a reopened case goes to: the centre's principal; for a case of no known centre,
    whoever answers for its region (the network's first region when that is unknown too)."""
    directory = deps.directory
    centre = directory.get_centre(case.centre_id) if case.centre_id else None
    if centre is not None:
        return centre.principal
    region = directory.get_region(case.region_id) if case.region_id else None
    return (region or directory.list_regions()[0]).administrator


def rate_case(token: object, score: int, comment: str | None, deps: Dependencies) -> Change:
    """Record the rating on the case the link opens. Raises CaseNotFound, RatingLinkExpired,
    ValueError (a score outside 1-5, a comment too long) or lifecycle.Refused (already
    rated, or not resolved: nothing changes)."""
    link = read_rating_token(token, deps.signer)
    if link is None:
        raise CaseNotFound("token")
    if score not in SCORES:
        raise ValueError("score")
    if comment is not None and len(comment) > COMMENT_MAX:
        raise ValueError("comment")
    now = deps.clock()

    def decide(case: Case):
        principal = _principal(case, deps)
        person = Person(key=principal.key, name=principal.name)
        change = lifecycle.rate(case, score, comment, person, deadlines_of(case, deps), now)
        messages = []
        if change.case.status != CaseStatus.CLOSED:  # reopened
            messages.append(reopened_message(change.case, change.case.rating, principal,
                                             deps.network_name, now))  # fmt: skip
        return change, messages

    change = change_case(link.reference, decide, deps)
    logs.case_rated(link.reference, score, change.case.status)
    return change
