"""The parent's status page."""

from datetime import UTC, datetime, timedelta

from functions import wiring
from functions.domain.cases.models import Actor, CaseEvent
from functions.domain.shared.vocabulary import EventType
from tests.builders import submission, tampered


def submit(client_for):
    body = submission(centre_id="protea-mitchells-plain", category="fees_and_administration",
                      description="When are December fees due?",
                      reporter={"email": "fatima@example.org"})  # fmt: skip
    answer = client_for("submit_feedback").post("/", json=body).get_json()
    return answer["reference"], answer["status_url"].split("token=", 1)[1]


def add_event(reference: str, event: CaseEvent) -> None:
    """One more line of history, written as the case lifecycle writes it."""

    def work(uow):
        uow.cases.save(uow.cases.get(reference), event)

    wiring.transactions().run(work)


def test_the_page_shows_reference_centre_kind_status_and_public_history(client_for):
    reference, token = submit(client_for)
    later = datetime.now(UTC) + timedelta(minutes=5)
    add_event(
        reference,
        CaseEvent(
            event_id="ev-public",
            type=EventType.STATUS_CHANGED,
            at=later,
            actor=Actor(role="staff"),
            summary="The principal is looking into this",
            status="in_progress",
        ),
    )
    add_event(
        reference,
        CaseEvent(
            event_id="ev-internal",
            type=EventType.NOTE_ADDED,
            at=later,
            actor=Actor(role="staff"),
            public=False,
            summary="Parent owes two months",
        ),
    )
    page = client_for("case_status").get(f"/?token={token}")
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    for shown in (
        reference,
        "Protea Playschool, Mitchells Plain",
        "Question",
        "Received",
        "Feedback received",
        "The principal is looking into this",
    ):
        assert shown in html
    assert html.index("Feedback received") < html.index("The principal is looking into this")
    assert "Parent owes two months" not in html
    assert "fatima@example.org" not in html
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert "noindex" in page.headers["X-Robots-Tag"]


def test_wrong_and_missing_tokens_get_the_same_404_page(client_for):
    _, token = submit(client_for)
    status = client_for("case_status")
    wrong = tampered(token)
    answers = [status.get(f"/?token={wrong}"), status.get("/"), status.get("/?token=")]
    assert {a.status_code for a in answers} == {404}
    assert len({a.get_data(as_text=True) for a in answers}) == 1
