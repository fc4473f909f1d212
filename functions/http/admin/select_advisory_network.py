"""POST /select_advisory_network: an administrator runs a region's advisory network selection
(services/advisory/selecting.py; `ecd advisory select`).

Body: {"region_id", "parents": 6, "staff": 6, "seed": "...", "period": {"from": "YYYY-MM",
"to": "YYYY-MM"}} (period: the last three months when left out). A regional administrator
selects for their own region only (403 otherwise). Answers 201 with the new selection, or
200 with the one already run for the same region, period, seats and seed (nothing is sent
twice): {selection_id, created, emailed, queued, came_later, note, region_id, period, seed,
seats, rules, page_url, order: {parents: [...], staff: [...]}, ineligible: [...]} (ids and
reasons, no names). emailed: messages the selection's commit wrote (the seats' and the first
batch of notices); queued: people whose notices follow in batches of tasks. The selection
already run stands as it was (its people were told): came_later counts the eligible
nominees who are not in it, and note says how to include them (a new seed).
404 an unknown region; 422 a bad body or more nominees than one run takes; 503 + Retry-After
when storage or the task queue is out (a selection recorded before the queue failed is kept:
the same request again queues its notices).
"""

from __future__ import annotations

from typing import Annotated

from flask import Request, Response
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

from functions import logs, wiring
from functions.config import get_settings
from functions.domain.advisory.record import AdvisorySelection
from functions.domain.advisory.selection import SeatType
from functions.domain.forums.models import MONTH_PATTERN
from functions.domain.shared.validation import FieldError
from functions.entrypoints import Refused, admin_api
from functions.http.answers import json_errors, json_response, try_later_headers
from functions.http.callers import caller
from functions.services.errors import QueueUnavailable

NAME = "select_advisory_network"
Month = Annotated[str, StringConstraints(strip_whitespace=True, pattern=MONTH_PATTERN)]
MAX_MONTHS = 24


class Period(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)
    start: Month = Field(alias="from")
    end: Month = Field(alias="to")


class SelectBody(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)
    region_id: str = Field(min_length=1, max_length=100)
    parents: int = Field(default=6, ge=0, le=50, strict=True)
    staff: int = Field(default=6, ge=0, le=50, strict=True)
    seed: str = Field(min_length=1, max_length=200)
    period: Period | None = None

    @field_validator("seed", "region_id")
    @classmethod
    def _printable(cls, text: str) -> str:
        if not text.isprintable():
            raise ValueError("printable characters only (no line breaks or control characters)")
        return text


def page_url(selection_id: str) -> str:
    return f"{get_settings().url_for('admin')}?page=advisory&id={selection_id}"


def selection_json(record: AdvisorySelection) -> dict:
    """The selection as the API and `ecd` show it: ids, centres, ranks and reasons."""
    order = {
        seat_type.value: [
            {"rank": d.rank, "attendee_key": d.attendee_key, "centre_id": d.centre_id,
             "draw_position": d.draw_position, "selected": d.selected,
             "state": record.states[d.attendee_key].value, "reason": d.reason}
            for d in record.selection.order.get(seat_type, [])
        ]
        for seat_type in SeatType
    }  # fmt: skip
    return {
        "selection_id": record.selection_id, "region_id": record.region_id,
        "period": {"from": record.period_from, "to": record.period_to}, "seed": record.seed,
        "seats": {k.value: v for k, v in record.selection.seats.items()},
        "rules": record.selection.rules, "page_url": page_url(record.selection_id),
        "order": order,
        "ineligible": [{"attendee_key": i.attendee_key, "centre_id": i.centre_id,
                        "role": i.role.value, "reason": i.reason}
                       for i in record.selection.ineligible],
    }  # fmt: skip


@admin_api(NAME, body=SelectBody)
def select_advisory_network(request: Request, body: SelectBody) -> Response:
    from functions.services.advisory.selecting import (
        MAX_NOMINEES,
        TooManyNominees,
        UnknownRegion,
        default_period,
        months_between,
        run_selection,
    )

    administrator = caller(request)
    if not administrator.sees(body.region_id):
        raise Refused(403, [FieldError("region_id", "You administer another region")])
    deps = wiring.dependencies()
    period = (body.period.start, body.period.end) if body.period else default_period(deps.clock())
    months = months_between(*period)
    if not months or len(months) > MAX_MONTHS:
        raise Refused(422, [FieldError("period", f"From a month to the same or a later one, "
                                                 f"at most {MAX_MONTHS} months")])  # fmt: skip
    seats = {SeatType.PARENTS: body.parents, SeatType.STAFF: body.staff}
    try:
        ran = run_selection(deps, body.region_id, seats, body.seed, period)
    except UnknownRegion:
        raise Refused(404, [FieldError("region_id", "No region of that id")]) from None
    except TooManyNominees:
        message = (f"More than {MAX_NOMINEES} nominees for one selection: choose a shorter "
                   f"period")  # fmt: skip
        raise Refused(422, [FieldError("period", message)]) from None
    except QueueUnavailable:
        logs.advisory_notices_not_queued(NAME)
        message = ("The selection is recorded, but its notices could not be queued just now: "
                   "send the same request again in a minute to queue them")  # fmt: skip
        return json_errors(503, [FieldError("queue", message)], try_later_headers())
    logs.advisory_selection_run(ran.record.selection_id, body.region_id, ran.created,
                                ran.emailed, administrator.key)  # fmt: skip
    answer = selection_json(ran.record) | {
        "created": ran.created, "emailed": ran.emailed, "queued": ran.queued,
        "came_later": ran.came_later, "note": rerun_note(ran.created, ran.came_later),
    }  # fmt: skip
    return json_response(answer, 201 if ran.created else 200)


def rerun_note(created: bool, came_later: int) -> str:
    """What an administrator who ran a selection again should know."""
    if created:
        return "Run now: every nominee with an email address is told how it went for them."
    note = ("Already run with these inputs: this is the recorded selection, unchanged, and "
            "nobody was written to again.")  # fmt: skip
    if came_later:
        people = "person is" if came_later == 1 else "people are"
        note += (f" {came_later} eligible {people} not in it (their nomination came after it "
                 f"ran): to include them, run a new selection with a new seed, which draws "
                 f"everyone again and tells everyone again.")  # fmt: skip
    return note
