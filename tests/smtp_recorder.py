"""An aiosmtpd handler for a real SMTP server on loopback that records what it accepts."""

from __future__ import annotations

import threading
from collections import Counter


class RecordingSmtpHandler:
    """aiosmtpd handler: counts what arrives per recipient; can answer 4xx/5xx first."""

    def __init__(self):
        self.received: Counter[str] = Counter()
        self.messages: list[bytes] = []
        self.fail_next = 0  # answer 451 (try later) to this many DATA commands
        self.reject = set()  # recipients answered 550
        self._lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.reject:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            if self.fail_next > 0:
                self.fail_next -= 1
                return "451 4.3.0 Please try again later"
            for recipient in envelope.rcpt_tos:
                self.received[recipient] += 1
            self.messages.append(envelope.content)
        return "250 2.0.0 Accepted"
