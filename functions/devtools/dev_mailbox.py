"""GET /dev_mailbox: the emails `make run` kept instead of sending (local development only).

`/` lists them, newest first; `?id=<id>` shows one (headers, HTML part in a sandboxed frame,
text part, attachments); `?id=<id>&part=html` (or `part=text`) returns that part alone, and
`?id=<id>&attachment=<n>` downloads its n-th attachment (a forum's invite.ics). Anywhere but
under LOCAL_DEV it is the same 404 page as any unknown address.
"""

from __future__ import annotations

import re
from datetime import datetime

from flask import Request, Response

from functions.adapters.mail.local_mailbox import LocalMailbox, StoredMessage
from functions.config import get_settings
from functions.entrypoints import page
from functions.http.pages import not_found_page, render_page

# The HTML part served alone: its inline styles render, nothing else loads or runs, and the
# CSP `sandbox` directive gives it an opaque origin as the frame on the message page has.
_PART_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; sandbox"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}
_PART_TYPES = {"html": "text/html", "text": "text/plain"}
_INDEX = re.compile(r"[0-9]{1,3}")
# What the transport allowed (domain/mail/email.py); a mailbox file edited by hand gets no more.
_FILENAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,99}")
_CONTENT_TYPE = re.compile(r"[a-z0-9][a-z0-9.+-]{0,63}/[a-z0-9][a-z0-9.+-]{0,63}")


@page("dev_mailbox")
def dev_mailbox(request: Request) -> Response:
    """List the local mailbox, show one message, or return one of its parts."""
    settings = get_settings()
    if not settings.local_dev:
        return not_found_page()
    mailbox = LocalMailbox(settings.local_mailbox_dir)
    message_id = request.args.get("id")
    if message_id is None:
        messages = [_summary(message) for message in mailbox.list()]
        return render_page("dev_mailbox.html", page_title="Local mailbox", messages=messages)
    try:
        message = mailbox.get(message_id)
    except ValueError:
        message = None
    if "attachment" in request.args:
        return _attachment(message, request.args["attachment"])
    part = request.args.get("part")
    if message is None or (part is not None and part not in _PART_TYPES):
        return not_found_page()
    if part is not None:
        body = message.html if part == "html" else message.text
        return Response(body, mimetype=_PART_TYPES[part], headers=_PART_HEADERS)
    return render_page(
        "dev_mailbox_message.html",
        page_title=message.subject,
        message=_summary(message),
        mail_headers=list(message.headers.items()),
        html=message.html,
        text=message.text,
        attachments=[
            {"filename": kept.get("filename"), "content_type": kept.get("content_type"),
             "size": kept.get("size"), "calendar_method": kept.get("calendar_method")}
            for kept in message.attachments
        ],
    )  # fmt: skip


def _attachment(message: StoredMessage | None, index: str) -> Response:
    """One attachment as a download: never shown in the page's origin, whatever its type."""
    found = message.attachment(int(index)) if message and _INDEX.fullmatch(index) else None
    if found is None:
        return not_found_page()
    filename, content_type, content = found
    filename = filename if _FILENAME.fullmatch(filename) else "attachment"
    content_type = (
        content_type if _CONTENT_TYPE.fullmatch(content_type) else "application/octet-stream"
    )
    headers = {**_PART_HEADERS, "Content-Disposition": f'attachment; filename="{filename}"'}
    return Response(content, content_type=content_type, headers=headers)


def _summary(message: StoredMessage) -> dict:
    return {
        "id": message.id,
        "to": message.to,
        "subject": message.subject,
        "sent_at": datetime.fromisoformat(message.sent_at),
    }
