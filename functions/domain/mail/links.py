"""Links that mail carries, derived at send time so the outbox stores no secret tokens."""

from __future__ import annotations

from typing import NamedTuple
from urllib.parse import quote

from functions.domain.mail.outbox import MessageKind, OutboxMessage
from functions.domain.mail.suppression import unsubscribe_token
from functions.domain.shared.signing import Purpose, Signer

# Long enough to rate a resolution read late, short enough that an old mail rates nothing.
RATING_LINK_SECONDS = 60 * 24 * 3600


class MailLinks(NamedTuple):
    status_page: str  # URL of case_status
    unsubscribe_page: str  # URL of unsubscribe
    signer: Signer
    privacy_page: str = ""  # URL of privacy: who we are, how to reach us, parents' rights
    case_action_page: str = ""  # URL of case_action: staff act on a case
    case_reply_page: str = ""  # URL of case_reply: a parent answers the centre
    rate_case_page: str = ""  # URL of rate_case: a parent rates a resolution
    forum_cancel_page: str = ""  # URL of forum_registration: a registrant cancels
    forum_survey_page: str = ""  # URL of forum_survey: an attendee's post-forum survey
    forums_page: str = ""  # URL of forums: a forum invitation's personal registration link
    advisory_response_page: str = ""  # URL of advisory_response: accept or decline a seat
    charter_confirm_page: str = ""  # URL of confirm_charter: a principal confirms the display
    charter_page: str = ""  # URL of charter: a centre's public service charter
    forum_report_page: str = ""  # URL of forum_report: the administrators' forum summary

    def for_message(self, message: OutboxMessage) -> dict:
        """status_url and reply_url for the case the message is about; unsubscribe_url for
        notifications; privacy_url always (every email says how to reach us and how we keep
        information); for staff, `action_links` {reference: {action: URL}} for each case in
        data["actionable"], signed for the recipient; for a resolution, `rating_urls` (1-5).
        A parent's page opens in the language of the mail that links to it (`lang`)."""
        lang = f"&lang={message.language}" if message.language != "en" else ""
        privacy = f"{self.privacy_page}?{lang[1:]}" if lang else self.privacy_page
        links: dict = {"status_url": None, "reply_url": None, "unsubscribe_url": None,
                       "privacy_url": privacy or None}  # fmt: skip
        if message.case_reference:
            token = self.signer.sign(Purpose.CASE_STATUS, message.case_reference)
            links["status_url"] = f"{self.status_page}?token={token}{lang}"
            links["reply_url"] = f"{self.case_reply_page}?token={token}{lang}"
        if message.data.get("actionable"):
            from functions.domain.cases.staff_links import action_urls
            from functions.domain.directory.models import person_key

            person = person_key(message.to)
            links["action_links"] = {
                reference: action_urls(
                    self.case_action_page, self.signer, message.message_id, person, reference
                )  # fmt: skip
                for reference in message.data["actionable"]
            }
        if message.template == "case_resolved" and message.case_reference:
            token = self.signer.sign(Purpose.CASE_RATING, message.case_reference, expires=True)
            links["rating_urls"] = [f"{self.rate_case_page}?token={token}&score={score}{lang}"
                                    for score in range(1, 6)]  # fmt: skip
        if message.data.get("forum_invitation") and message.data.get("month"):
            # The invitation id, signed now: the outbox keeps no token (see the docstring).
            token = self.signer.sign(Purpose.FORUM_INVITATION, message.data["forum_invitation"])
            links["registration_url"] = (f"{self.forums_page}?month={message.data['month']}"
                                         f"&invite={token}{lang}")  # fmt: skip
        if message.data.get("forum_survey"):
            # The attendee id, signed now: the outbox keeps no token (see the docstring).
            token = self.signer.sign(Purpose.FORUM_SURVEY, message.data["forum_survey"])
            links["survey_url"] = f"{self.forum_survey_page}?token={token}{lang}"
        if message.data.get("advisory_response") and self.advisory_response_page:
            # "<selection id>:<attendee key>", signed now: the outbox keeps no token.
            token = self.signer.sign(Purpose.ADVISORY_RESPONSE, message.data["advisory_response"])
            page = f"{self.advisory_response_page}?token={token}"
            links["accept_url"] = f"{page}&answer=accept{lang}"
            links["decline_url"] = f"{page}&answer=decline{lang}"
        if message.template == "forum_summary" and self.forum_report_page:
            links["report_url"] = self._report_url(message.data)
        if message.data.get("charter_centre") and self.charter_page:
            # The centre the parent wrote about: its charter says what it promised them.
            centre = quote(str(message.data["charter_centre"]), safe="")
            links["charter_url"] = f"{self.charter_page}?centre={centre}{lang}"
        if message.data.get("charter_confirm") and self.charter_confirm_page:
            # "<centre id>:<charter version>", signed now: the outbox keeps no token.
            token = self.signer.sign(Purpose.CHARTER_CONFIRM, message.data["charter_confirm"])
            links["confirm_url"] = f"{self.charter_confirm_page}?token={token}"
        if message.data.get("registration_id") and self.forum_cancel_page:
            token = self.signer.sign(Purpose.FORUM_CANCEL, message.data["registration_id"])
            links["cancel_url"] = f"{self.forum_cancel_page}?cancel={token}{lang}"
        if message.kind == MessageKind.NOTIFICATION:
            token = unsubscribe_token(message.to, self.signer)
            links["unsubscribe_url"] = f"{self.unsubscribe_page}?token={token}"
        return links

    def _report_url(self, data: dict) -> str:
        """The summary's report (a browser is sent on to the signed-in admin page)."""
        query = f"?month={quote(str(data.get('month', '')), safe='-')}"
        if data.get("forum_id"):
            query += f"&forum={quote(str(data['forum_id']), safe='')}"
        elif data.get("scope"):
            query += f"&region={quote(str(data['scope']), safe='')}"
        return self.forum_report_page + query

    def headers(self, message: OutboxMessage, unsubscribe_url: str | None) -> dict[str, str]:
        """One-click unsubscribe (RFC 8058) on notifications; priority on urgent mail."""
        headers = {}
        if unsubscribe_url:
            headers["List-Unsubscribe"] = f"<{unsubscribe_url}>"
            headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
        if message.urgent:
            headers["Importance"] = "high"
            headers["X-Priority"] = "1"
        return headers
