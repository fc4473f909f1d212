"""POST /deliver_email: Cloud Tasks delivers the outbox messages one change wrote.

Payload {"messages": [{"message_id", "recipient_key"}, ...], "queued_at"?}: ids, address
hashes and, for a task queued while its messages' commit was in flight, when that was.
Any non-2xx makes Cloud Tasks retry with backoff, so only "try later" answers 503: a message
that failed for now, one the batch had no time left for, or one not stored yet by a commit
that may still land. Every settled outcome (sent, already done, failed for good, suppressed,
unknown) is settled for that message; a retried task finds those settled and touches them
no more.
"""

from __future__ import annotations

from typing import Annotated

from flask import Request, Response
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints

from functions import logs, wiring
from functions.entrypoints import task
from functions.http.answers import json_response, try_later_headers
from functions.services.mail.deliver import DeliveryResult, deliver_batch

NAME = "deliver_email"
_Id = Annotated[str, StringConstraints(min_length=1, max_length=200)]


class _Delivery(BaseModel):
    model_config = ConfigDict(extra="forbid")
    message_id: _Id
    recipient_key: _Id | None = None


class DeliveryBatch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    messages: Annotated[list[_Delivery], Field(min_length=1, max_length=50)]
    queued_at: AwareDatetime | None = None


@task(NAME, payload=DeliveryBatch)
def deliver_email(request: Request, batch: DeliveryBatch) -> Response:
    """Send each message at most once; 503 + Retry-After when any should be retried."""
    deliveries = [(item.message_id, item.recipient_key) for item in batch.messages]
    results = deliver_batch(deliveries, wiring.dependencies(), queued_at=batch.queued_at)
    for (message_id, _), result in zip(deliveries, results, strict=True):
        logs.delivery_outcome(message_id, result)
    body = {"results": [str(result) for result in results]}
    if DeliveryResult.RETRY in results or DeliveryResult.NOT_YET in results:
        return json_response(body, 503, try_later_headers())
    return json_response(body)
