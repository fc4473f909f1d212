"""retain_records (POPIA retention) over the emulator: a case closed 25 months ago is
de-identified, one closed 23 months ago and an open one are not; a forum that ended 25 months
ago loses its people and their words, one that ended 23 months ago keeps them; the figures
(case and forum tallies, the forum summaries recompiled) are unchanged; a re-run changes
nothing; hostile and huge records; a long backlog goes in pages across runs."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import quote
from zoneinfo import ZoneInfo

from functions import wiring
from functions.config import get_settings
from functions.domain.cases.models import Child, Consent, Rating, Reporter
from functions.domain.cases.opening import open_case
from functions.domain.forums.attendance import Attendance, AttendanceSource, Session, SurveyState
from functions.domain.forums.models import Registration, RegistrationState, participant_key
from functions.domain.forums.survey import SurveyResponse
from functions.domain.shared.vocabulary import CaseStatus, Category, Kind, Source
from functions.services.privacy.retention import retain_records
from tests.forum_builders import forum, store

ZONE = ZoneInfo("Africa/Johannesburg")
NOW = datetime(2028, 6, 15, 3, 0, tzinfo=ZONE)
HOSTILE = "Thandi\r\nBcc: x@evil.example\u2028<script>alert(1)</script>\x85=cmd|' /C calc'!A0"
HUGE = ("Ntombi said the gate is broken. " * 400)[:10_000]
SECRET_WORDS = ("Thandi", "Ntombi", "0821234567", "thandi@example.org", "<script>", "Sipho")


def db():
    return wiring.firestore_client()


def run_job(client_for, when: datetime = NOW) -> dict:
    answer = client_for("retain_records").post(f"/?now={quote(when.isoformat(), safe='')}")
    assert answer.status_code == 200, answer.get_json()
    return answer.get_json()


def write_case(reference: str, closed_at: datetime | None, **changes) -> None:
    """A case with a reporter, a child and texts, closed at `closed_at` (None: still open),
    written through the unit of work (its tallies kept), and a history naming the parent."""
    deps = wiring.dependencies()
    centre = deps.directory.get_centre("sunflower-soweto")
    received = (closed_at or NOW - timedelta(days=900)) - timedelta(days=20)
    case, event = open_case(
        reference=reference, source=Source.WEB_FORM, centre=centre, kind=Kind.COMPLAINT,
        category=Category.FACILITIES, description=HUGE, urgent=False,
        reporter=Reporter(name=HOSTILE, email="thandi@example.org", phone="0821234567"),
        consent=Consent(given=True, version="2026-11", recorded_at=received),
        child=Child(first_name="Sipho", age_group="toddler"), triage=None,
        policy=deps.service_levels.current(), now=received,
    )  # fmt: skip
    if closed_at is not None:
        case = case.model_copy(update={
            "status": CaseStatus.CLOSED, "open": False, "next_nudge_at": None,
            "updated_at": closed_at, "resolved_at": closed_at, "resolution": "Thandi's gate fixed",
            "outcome": case.outcome.model_copy(update={"resolved_at": closed_at,
                                                       "resolved_in_time": True}),
            "rating": Rating(score=4, comment="Thandi says thanks", at=closed_at),
        } | changes)  # fmt: skip
    deps.transactions.run(lambda uow: uow.cases.add(case, event))
    events = db().collection("cases").document(reference).collection("events")
    events.document("reply").set({"event_id": "reply", "type": "parent_replied", "at": received,
                                  "actor": {"role": "parent", "display_name": HOSTILE},
                                  "public": True, "summary": "Ntombi: " + HUGE[:2000]})  # fmt: skip
    events.document("note").set({"event_id": "note", "type": "note_added", "at": received,
                                 "actor": {"role": "staff", "display_name": "Lerato", "key": "k1"},
                                 "public": False,
                                 "summary": "Called Thandi on 0821234567"})  # fmt: skip


def stored(collection: str, doc_id: str) -> dict:
    return db().collection(collection).document(doc_id).get().to_dict()


def tallies() -> dict:
    return {c: {d.id: d.to_dict() for d in db().collection(c).stream()}
            for c in ("case_tallies", "forum_tallies")}  # fmt: skip


def assert_nothing_personal(doc: dict) -> None:
    text = repr(doc)
    for word in SECRET_WORDS:
        assert word not in text, word


def test_a_case_closed_25_months_ago_is_deidentified_not_23_nor_an_open_one(local_dev,
                                                                          client_for):  # fmt: skip
    write_case("FB-AAAA-001", NOW - timedelta(days=25 * 30.5))
    write_case("FB-BBBB-002", NOW - timedelta(days=23 * 30.5))
    write_case("FB-CCCC-003", None)
    before = tallies()
    kept_23, kept_open = stored("cases", "FB-BBBB-002"), stored("cases", "FB-CCCC-003")

    counts = run_job(client_for)
    assert (counts["cases"], counts["events"], counts["finished"]) == (1, 2, True)
    assert counts["cutoff"].startswith("2026-06-15")

    old = stored("cases", "FB-AAAA-001")
    assert_nothing_personal(old)
    assert old["description"] == "" and old["resolution"] is None
    assert old["reporter"] == {"role": "parent", "preferred_language": "en"}
    assert old["child"] == {"age_group": "toddler"}
    assert old["rating"]["score"] == 4 and "comment" not in old["rating"]
    # The figures' fields stay: centre, region, category, kind, dates, outcome, status.
    assert (old["centre_id"], old["category"], old["kind"], old["status"]) == (
        "sunflower-soweto",
        "facilities",
        "complaint",
        "closed",
    )
    assert old["outcome"]["resolved_in_time"] is True and old["deidentified_at"]
    assert old["consent"]["version"] == "2026-11"  # the version agreed to is kept
    history = {
        e.id: e.to_dict()
        for e in db().collection("cases").document("FB-AAAA-001").collection("events").stream()
    }
    for event in history.values():
        assert_nothing_personal(event)
    assert history["reply"]["actor"] == {"role": "parent"}
    assert history["note"]["actor"]["display_name"] == "Lerato"  # staff: their work record
    # The case still reads as a case (the status page, the admin pages read it).
    assert wiring.case_reader().get("FB-AAAA-001").description == ""
    assert stored("cases", "FB-BBBB-002") == kept_23
    # A run as of another time (make run) keeps no place: its cursor would pass today's by.
    assert list(db().collection("retention").stream()) == []
    assert stored("cases", "FB-CCCC-003") == kept_open
    assert tallies() == before

    # Run again (and again the next day): nothing changes, nothing is counted twice.
    update_time = db().collection("cases").document("FB-AAAA-001").get().update_time
    again = run_job(client_for)
    assert (again["cases"], again["events"], again["skipped"]) == (0, 0, 0)
    assert run_job(client_for, NOW + timedelta(days=1))["cases"] == 0
    assert db().collection("cases").document("FB-AAAA-001").get().update_time == update_time
    assert tallies() == before


def _people(forum_id: str, n: int, ended: datetime, hostile: bool = False) -> None:
    """n registrations, attendance rows and survey responses of the forum, with texts."""
    deps = wiring.dependencies()

    def work(uow):
        for i in range(n):
            email = f"thandi{i}@example.org"
            key = participant_key(email, None)
            name = HOSTILE if hostile else f"Thandi {i}"
            reg = Registration(
                registration_id=f"{forum_id}-r{i}", forum_id=forum_id, participant_key=key,
                name=name, role="parent" if i % 3 else "staff", centre_id="sunflower-soweto",
                email=email, phone="+27821234567", needs=HUGE if hostile else "Sipho needs a ramp",
                topics_other="Ntombi's fees", consent_version="2025-01", consented_at=ended,
                state=RegistrationState.REGISTERED, created_at=ended, updated_at=ended,
            )  # fmt: skip
            uow.registrations.add(reg)
            uow.attendance.add(Attendance(
                attendee_id=f"{forum_id}-a{i}", forum_id=forum_id, attendee_key=key,
                registration_id=reg.registration_id, registered=True, name=name, role=reg.role,
                email=email, phone="+27821234567", minutes=60,
                sessions=[Session(joined_at=ended - timedelta(hours=1), left_at=ended,
                                  minutes=60, source=AttendanceSource.ZOOM)],
                sources=[AttendanceSource.ZOOM], survey_state=SurveyState.ANSWERED,
                created_at=ended, updated_at=ended,
            ))  # fmt: skip
            uow.surveys.save(SurveyResponse(
                attendee_id=f"{forum_id}-a{i}", forum_id=forum_id, role=reg.role,
                satisfaction=1 + i % 5, wants_monthly=bool(i % 2),
                pain_points=[Category.FACILITIES], pain_points_other="Thandi's landlord",
                recommendations=HUGE if hostile else "Ask Ntombi", comments=HOSTILE,
                may_quote_name=True, quoted_as=name, submitted_at=ended, updated_at=ended,
            ))  # fmt: skip

    deps.transactions.run(work)


def _docs(collection: str, forum_id: str) -> list:
    from google.cloud.firestore_v1.base_query import FieldFilter

    found = db().collection(collection).where(filter=FieldFilter("forum_id", "==", forum_id))
    return list(found.stream())


def _rows(collection: str, forum_id: str) -> list[dict]:
    return [d.to_dict() for d in _docs(collection, forum_id)]


def _no_show_and_walk_in(forum_id: str, ended: datetime) -> None:
    """A registration nobody came on, and a walk-in (no registration) who answered."""

    def work(uow):
        uow.registrations.add(Registration(
            registration_id=f"{forum_id}-noshow", forum_id=forum_id, participant_key="k",
            name="Thandi No-show", role="parent", email="thandi.ns@example.org",
            consent_version="2025-01", consented_at=ended, state=RegistrationState.CANCELLED,
            created_at=ended, updated_at=ended))  # fmt: skip
        uow.attendance.add(Attendance(
            attendee_id=f"{forum_id}-walkin", forum_id=forum_id, attendee_key="w",
            name="Sipho Walk-in", role="staff", minutes=30, created_at=ended,
            updated_at=ended))  # fmt: skip
        uow.surveys.save(SurveyResponse(
            attendee_id=f"{forum_id}-walkin", forum_id=forum_id, role="staff", satisfaction=5,
            wants_monthly=True, comments="Sipho", submitted_at=ended,
            updated_at=ended))  # fmt: skip

    wiring.dependencies().transactions.run(work)


def test_a_forum_that_ended_25_months_ago_loses_its_people_not_one_of_23(local_dev, client_for):
    deps = wiring.dependencies()
    old_end, new_end = NOW - timedelta(days=25 * 30.5), NOW - timedelta(days=23 * 30.5)
    old = forum(starts_at=old_end - timedelta(minutes=90), capacity=100)
    new = forum(starts_at=new_end - timedelta(minutes=90), capacity=100)
    store(deps, old, new)
    _people(old.forum_id, 7, old.ends_at, hostile=True)
    _people(new.forum_id, 3, new.ends_at)
    _no_show_and_walk_in(old.forum_id, old.ends_at)
    collections = ("forum_registrations", "forum_attendance", "forum_survey_responses")
    before, kept = tallies(), {c: _rows(c, new.forum_id) for c in collections}
    answers = {(r["satisfaction"], r["wants_monthly"], tuple(r["pain_points"]), r["role"])
               for r in _rows("forum_survey_responses", old.forum_id)}  # fmt: skip

    old_ids = {c: {d.id for d in _docs(c, old.forum_id)} for c in collections}
    counts = run_job(client_for)
    assert (counts["registrations"], counts["attendance"], counts["survey_responses"]) == (8, 8, 8)
    for collection in collections:
        rows = _rows(collection, old.forum_id)
        assert len(rows) == 8
        # Moved to random ids: the old ones were derived from the person's address.
        assert not {d.id for d in _docs(collection, old.forum_id)} & old_ids[collection]
        for row in rows:
            assert_nothing_personal(row)
            assert row["deidentified_at"] and row["role"] in ("parent", "staff")
        assert _rows(collection, new.forum_id) == kept[collection]
    registrations = _rows("forum_registrations", old.forum_id)
    keys = {r["participant_key"] for r in registrations}
    assert len(keys) == 8 and not keys & {participant_key(f"thandi{i}@example.org", None)
                                         for i in range(7)}  # fmt: skip
    assert sorted(r["state"] for r in registrations) == ["cancelled"] + ["registered"] * 7
    assert all(r["email"] is None for r in registrations)
    survey = _rows("forum_survey_responses", old.forum_id)
    assert {(r["satisfaction"], r["wants_monthly"], tuple(r["pain_points"]), r["role"])
            for r in survey} == answers  # fmt: skip
    assert all(r["quoted_as"] is None and r["recommendations"] == "" for r in survey)
    # The rows still point at each other: an answer at its attendance row (its id), that
    # row at its registration; the walk-in at none.
    attended = {d.id: d.to_dict() for d in _docs("forum_attendance", old.forum_id)}
    registered = {d.id for d in _docs("forum_registrations", old.forum_id)}
    for answer in _docs("forum_survey_responses", old.forum_id):
        row = attended[answer.id]
        assert answer.to_dict()["attendee_id"] == row["attendee_id"] == answer.id
        assert answer.to_dict()["registration_id"] == row["registration_id"]
    links = [row["registration_id"] for row in attended.values()]
    assert links.count(None) == 1 and set(links) - {None} < registered
    assert tallies() == before  # the forums' figures by role, as counted

    again = run_job(client_for)
    assert (again["registrations"], again["attendance"], again["survey_responses"]) == (0, 0, 0)
    assert tallies() == before


def test_the_demo_months_summaries_and_case_figures_are_the_same_after(local_dev, client_for):
    """The seed report's March 2025: its forums' summary recompiled after retention gives the
    same figures (its quotes are gone), and every case tally is unchanged."""
    from functions.devtools.demo_cases import seed_demo_cases
    from functions.devtools.demo_forums import seed_demo_forums
    from functions.domain.reports.summary import summary_id
    from functions.services.reports.compile import compile_due

    deps = wiring.dependencies()
    centres = deps.directory.list_centres()
    seed_demo_forums(db(), [c.centre_id for c in centres])
    seed_demo_cases(db(), centres, deps.service_levels.current())
    closing = datetime(2025, 4, 5, 6, 0, tzinfo=ZONE)
    compile_due(deps, closing)
    month = summary_id("2025-03", None)
    first, before = wiring.forum_reader().summary(month), tallies()

    counts = run_job(client_for, datetime(2027, 6, 1, 3, 0, tzinfo=ZONE))
    assert counts["cases"] == 54 and counts["survey_responses"] == 140 and counts["finished"]
    assert counts["summaries"] == 4  # the three forums' and the month's, each version too
    assert tallies() == before
    kept = wiring.forum_reader().summary(month)
    assert (kept.version, kept.totals, kept.pain_points) == (1, first.totals, first.pain_points)
    assert kept.best_centres == first.best_centres and kept.cases_total == first.cases_total
    assert first.recommendations[0].quotes and not kept.recommendations[0].quotes
    assert not kept.practices and not kept.pain_points_other
    versions = db().collection("forum_summaries").document(month).collection("versions")
    assert all(v.to_dict()["deidentified_at"] for v in versions.stream())
    names = {p.name for g in first.recommendations for q in g.quotes for p in q.people}
    texts = {q.text for g in first.recommendations for q in g.quotes}
    assert names and texts
    for version in [stored("forum_summaries", month)] + [v.to_dict() for v in versions.stream()]:
        assert not [word for word in names | texts if word in version["body"]]
    compile_due(deps, closing)  # as if a late answer had come: compiled again, from the rows
    second = wiring.forum_reader().summary(month)
    assert second.version == 2  # the quotes changed (there are none now) ...
    assert second.totals == first.totals  # ... the figures did not
    assert [f.total for f in second.forums] == [f.total for f in first.forums]
    assert [(p.category, p.survey) for p in second.pain_points] == [
        (p.category, p.survey) for p in first.pain_points
    ]
    assert not [q for g in second.recommendations for q in g.quotes]


def test_a_long_backlog_goes_in_pages_across_runs_each_record_once(local_dev):
    """Pages of 3, each run out of time after a few checks: runs carry on where the last
    stopped (its cursor), and together de-identify every record once."""
    deps = wiring.dependencies()
    for n in range(8):
        write_case(f"FB-PG{n:02d}-AAA"[:11], NOW - timedelta(days=800 + n))
    ended = NOW - timedelta(days=800)
    forums = [forum(starts_at=ended - timedelta(minutes=90 + i), capacity=100) for i in range(4)]
    store(deps, *forums)
    for f in forums:
        _people(f.forum_id, 5, f.ends_at)
    before = tallies()
    totals = {"cases": 0, "registrations": 0, "attendance": 0, "survey_responses": 0}
    runs = 0
    while True:
        ticks = iter(range(1_000))
        result = retain_records(deps, 24, NOW, page_size=3, seconds=6,
                                monotonic=lambda ticks=ticks: float(next(ticks)))  # fmt: skip
        runs += 1
        for kind in totals:
            totals[kind] += result[kind]
        if result["finished"]:
            break
        assert runs < 50
    assert runs > 2
    assert {d.id for d in db().collection("retention").stream()} == {"cases", "forums"}
    assert totals == {"cases": 8, "registrations": 20, "attendance": 20, "survey_responses": 20}
    assert tallies() == before
    for n in range(8):
        assert_nothing_personal(stored("cases", f"FB-PG{n:02d}-AAA"[:11]))


def test_an_unreadable_record_is_left_and_counted_never_a_500(local_dev, client_for):
    """A record no model reads (its tallies could not be kept) is left as it is; the rest
    goes on; an unknown field of a readable one is dropped (it may hold anything)."""
    write_case("FB-G00D-AAA", NOW - timedelta(days=800))
    db().collection("cases").document("FB-G00D-AAA").update({"extra_notes": "Thandi's story"})
    db().collection("cases").document("FB-BAD0-AAA").set(
        {"open": False, "updated_at": NOW - timedelta(days=800), "category": 12}
    )
    counts = run_job(client_for)
    assert (counts["cases"], counts["unreadable"]) == (1, 1)
    assert "extra_notes" not in stored("cases", "FB-G00D-AAA")


def test_now_is_refused_when_deployed_and_a_caller_without_the_token(project, client_for):
    assert client_for("retain_records").post("/?now=2028-01-01T00:00:00%2B02:00").status_code == 400
    assert client_for("retain_records", signed=False).post("/").status_code == 401
    assert client_for("retain_records").post("/").get_json()["finished"] is True


def test_the_privacy_page_tells_parents_the_period(project, client_for, monkeypatch):
    page = client_for("privacy").get("/").get_data(as_text=True)
    assert "for 24 months after it is closed" in page and "keep only the figures" in page
    monkeypatch.setenv("RECORD_RETENTION_MONTHS", "1")
    get_settings.cache_clear()
    assert "for 1 month after the forum" in client_for("privacy").get("/").get_data(as_text=True)


def test_a_case_with_a_long_history_is_done_over_several_commits(local_dev, client_for):
    """900 history lines (over Firestore's 500 writes a commit): 400 a commit, the case in
    the last, every line without its text."""
    write_case("FB-L0NG-AAA", NOW - timedelta(days=800))
    events = db().collection("cases").document("FB-L0NG-AAA").collection("events")
    for start in range(0, 900, 300):
        batch = db().batch()
        for n in range(start, start + 300):
            batch.set(events.document(f"r{n:04d}"),
                      {"event_id": f"r{n:04d}", "type": "parent_replied", "at": NOW,
                       "actor": {"role": "parent"}, "summary": f"Thandi, reply {n}"})  # fmt: skip
        batch.commit()
    before = tallies()
    counts = run_job(client_for)
    assert (counts["cases"], counts["events"]) == (1, 902)
    assert not [e.id for e in events.stream() if e.to_dict().get("summary")]
    assert tallies() == before


def test_a_storage_outage_answers_503_and_the_next_run_carries_on(local_dev, client_for,
                                                                  monkeypatch):  # fmt: skip
    from functions.services.errors import StorageUnavailable

    write_case("FB-0UTG-AAA", NOW - timedelta(days=800))
    real = wiring.retention_records()

    class Down:
        def __getattr__(self, name):
            def fail(*args, **kwargs):
                raise StorageUnavailable("ServiceUnavailable")

            return fail

    monkeypatch.setattr(wiring, "retention_records", lambda: Down())
    answer = client_for("retain_records").post(f"/?now={quote(NOW.isoformat(), safe='')}")
    assert answer.status_code == 503 and answer.headers["Retry-After"]
    monkeypatch.setattr(wiring, "retention_records", lambda: real)
    assert run_job(client_for)["cases"] == 1
