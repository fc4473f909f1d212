"""The platforms' attendance exports read into one row per person.

The fixtures under tests/fixtures/attendance/ have the real files' layout (see the module
docstring of functions/domain/forums/attendance_files.py for where it was established):
fictional people, example.org addresses.
"""

from __future__ import annotations

import codecs
import contextlib
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from functions.domain.forums.attendance_files import (
    MAX_BYTES,
    MAX_ROWS,
    AttendanceFileError,
    parse_meet,
    parse_zoom,
)

FIXTURES = Path(__file__).parent.parent / "fixtures" / "attendance"
TZ = "Africa/Johannesburg"
SAST = ZoneInfo(TZ)
WEBINAR = (FIXTURES / "zoom_webinar_attendee_report.csv").read_bytes()
PARTICIPANTS = (FIXTURES / "zoom_participants.csv").read_bytes()
MEET = (FIXTURES / "meet_attendance.csv").read_bytes()
MEET_DAY = datetime(2025, 3, 26, 10, 0, tzinfo=SAST)
ZOOM_HEADER = "Name (Original Name),User Email,Join Time,Leave Time,Duration (Minutes),Guest"


def at(day: int, hour: int, minute: int, second: int = 0, month: int = 3) -> datetime:
    return datetime(2025, month, day, hour, minute, second, tzinfo=SAST)


def people(parsed) -> list[tuple]:
    return [
        (r.source_row, r.name, r.email, r.phone, r.minutes, r.role_hint, r.sessions)
        for r in parsed.rows
    ]


def zoom_file(*rows: str, header: str = ZOOM_HEADER) -> bytes:
    return ("\r\n".join([header, *rows]) + "\r\n").encode()


# ---------------------------------------------------------------- real layouts


def test_the_webinar_attendee_report_gives_one_row_per_person_with_its_section():
    parsed = parse_zoom(WEBINAR, TZ)
    assert parsed.layout == "zoom_webinar_attendee_report"
    assert parsed.problems == ()
    assert parsed.not_attended == 2  # Sipho and Grace registered and never came
    assert people(parsed) == [
        (8, "ECD Network Forums", "forums@example.org", None, 94, "host",
         ((at(5, 9, 58, 3), at(5, 11, 32, 3)),)),
        (12, "Nomvula Dlamini", "nomvula.dlamini@example.org", None, 91, "panelist",
         ((at(5, 9, 59), at(5, 11, 30)),)),
        # A rejoin: two sessions, their minutes added up.
        (16, "Thandiwe Mokoena", "thandiwe.mokoena@example.org", "+27825550101", 85,
         "attendee", ((at(5, 10, 1), at(5, 10, 40)), (at(5, 10, 44), at(5, 11, 30)))),
        # A phone and a laptop at once: the overlap counts once (72, not 57 + 45).
        (18, "Pieter van der Merwe", "pieter.vdmerwe@example.org", "+27215550199", 72,
         "attendee", ((at(5, 10, 3), at(5, 11, 15)),)),
        (20, "Lerato Molefe", "lerato.molefe@example.org", None, 89, "attendee",
         ((at(5, 10, 0, 30), at(5, 11, 29, 30)),)),
        # The registration's first and last name, not the display name.
        (21, "Zanele Khumalo", None, "+27715550123", 80, "attendee",
         ((at(5, 10, 5), at(5, 11, 25)),)),
        (22, "Bongani Mthembu", "Bongani.Mthembu@example.org", None, 35, "attendee",
         ((at(5, 10, 15), at(5, 10, 50)),)),
    ]  # fmt: skip


def test_the_participant_report_merges_rejoins_and_leaves_out_the_waiting_room():
    parsed = parse_zoom(PARTICIPANTS, TZ)
    assert parsed.layout == "zoom_participants"
    assert parsed.problems == ()
    april = {"month": 4}
    assert people(parsed) == [
        # 99 min 28 s in the meeting: Zoom's own 100 is not more than the time itself.
        (5, "ECD Network Forums", "forums@example.org", None, 99, None,
         ((at(9, 13, 55, 12, **april), at(9, 15, 34, 40, **april)),)),
        # Line 6 is the waiting room; line 8 is a dial-in without email under the same name.
        (7, "Mandla Sithole", "mandla.sithole@example.org", None, 89, None, (
            (at(9, 14, 0, **april), at(9, 14, 47, **april)),
            (at(9, 14, 47, 30, **april), at(9, 14, 51, **april)),
            (at(9, 14, 52, **april), at(9, 15, 30, **april)),
        )),
        # The same row twice counts once.
        (10, "Refilwe Mahlangu (Dept of Education)", "refilwe.mahlangu@example.org", None, 88,
         None, ((at(9, 14, 1, 10, **april), at(9, 15, 29, 10, **april)),)),
        (12, "Johan Botha", "johan.botha@example.org", None, 65, None,
         ((at(9, 14, 5, **april), at(9, 15, 10, **april)),)),
        (14, "Naledi (Naledi Mokoena)", None, None, 70, None,
         ((at(9, 14, 10, **april), at(9, 15, 20, **april)),)),
        (15, "iPhone", None, None, 2, None,
         ((at(9, 14, 12, **april), at(9, 14, 14, **april)),)),
    ]  # fmt: skip


def test_the_meet_report_puts_its_times_of_day_on_the_forums_day():
    parsed = parse_meet(MEET, TZ, forum_start=MEET_DAY)
    assert parsed.layout == "meet_attendance"
    assert parsed.problems == ()
    assert people(parsed) == [
        # First join to last exit is 89 minutes; Meet says 88 in the call: 88.
        (2, "Palesa Nkosi", "palesa.nkosi@example.org", None, 88, None,
         ((at(26, 10, 1), at(26, 11, 30)),)),
        (3, "Fatima Hendricks", "fatima.hendricks@example.org", None, 45, None,
         ((at(26, 10, 15), at(26, 11, 0)),)),
        (4, "Kagiso Modise", "kagiso.modise@example.org", None, 65, None,
         ((at(26, 10, 0), at(26, 11, 29)),)),
        (5, "Busisiwe Zungu", None, None, 32, None, ((at(26, 10, 20), at(26, 10, 52)),)),
        (6, "Ruth Adams", "ruth.adams@example.org", None, 60, None,
         ((at(26, 10, 29), at(26, 11, 29)),)),
    ]  # fmt: skip


def test_without_the_forums_day_the_meet_report_keeps_its_durations_and_says_so():
    parsed = parse_meet(MEET, TZ)
    assert [(r.minutes, r.sessions) for r in parsed.rows] == [
        (88, ()),
        (45, ()),
        (65, ()),
        (32, ()),
        (60, ()),
    ]
    assert parsed.problems == (
        "The report gives times of day without a date (pass the forum's date): "
        "only the durations were kept",
    )


def test_a_meet_call_past_midnight_ends_the_next_day():
    data = (
        "First name,Last name,Email,Duration,Time joined,Time exited\n"
        "A,B,,30 min,11:50 PM,12:20 AM\n"
    )
    (row,) = parse_meet(data.encode(), TZ, forum_start=at(26, 23, 30)).rows
    assert row.sessions == ((at(26, 23, 50), at(27, 0, 20)),)
    assert row.minutes == 30


@pytest.mark.parametrize(
    ("header", "rows"),
    [
        # Newer Meet exports and tools: Full name, First seen / Last seen, Time in call.
        ("Full name,Email,Time in call,First seen,Last seen", "Ayanda Cele,,1:02:00,10:00,11:02"),
        ("* Meeting code: abc-defg-hij\nFull Name,Email,Duration", "Ayanda Cele,,1 hr 2 min"),
    ],
)
def test_other_meet_spellings_are_read(header, rows):
    (row,) = parse_meet(f"{header}\n{rows}\n".encode(), TZ, forum_start=at(26, 10, 0)).rows
    assert (row.name, row.minutes) == ("Ayanda Cele", 62)


# ---------------------------------------------------------------- variants


def test_excel_semicolons_and_utf16_read_as_the_original():
    text = WEBINAR.decode("utf-8-sig")
    expected = people(parse_zoom(WEBINAR, TZ))
    semicolons = text.replace(",", ";")  # no cell of this file holds a comma but one name
    semicolons = semicolons.replace('"Mthembu; Bongani"', '"Mthembu, Bongani"')
    assert people(parse_zoom(semicolons.encode("utf-8"), TZ)) == expected
    assert people(parse_zoom(codecs.BOM_UTF16_LE + text.encode("utf-16-le"), TZ)) == expected
    assert people(parse_zoom(text.encode("utf-16-be"), TZ)) == expected  # no mark at all
    tabs = text.replace(",", "\t").replace('"Mthembu\t Bongani"', "Mthembu Bongani")
    assert [r[4] for r in people(parse_zoom(tabs.encode("utf-16"), TZ))] == [r[4] for r in expected]


def test_day_first_dates_are_read_day_first():
    rows = (
        "A,a@example.org,05/03/2025 10:00:00,05/03/2025 10:30:00,30,No",
        "B,b@example.org,13/03/2025 10:00:00,13/03/2025 10:30:00,30,No",
    )
    first, _ = parse_zoom(zoom_file(*rows), TZ).rows
    assert first.sessions == ((at(5, 10, 0), at(5, 10, 30)),)


def test_an_ambiguous_date_is_settled_by_the_forums_day():
    rows = ("A,a@example.org,05/03/2025 10:00:00,05/03/2025 10:30:00,30,No",)
    (row,) = parse_zoom(zoom_file(*rows), TZ, forum_start=at(5, 10, 0)).rows
    assert row.sessions[0][0] == at(5, 10, 0)
    (row,) = parse_zoom(zoom_file(*rows), TZ).rows  # Zoom's default: month first
    assert row.sessions[0][0] == datetime(2025, 5, 3, 10, 0, tzinfo=SAST)


@pytest.mark.parametrize(
    "join",
    [
        "03/05/2025 10:00:00 AM",
        "Mar 5, 2025 10:00:00 AM",
        "Mar 5, 2025 10:00:00",
        "5 March 2025 10:00",
        "2025/03/05 10:00",  # Excel's South African short date
        "2025-03-05 10:00:00",
        "2025-03-05T08:00:00Z",
        "2025-03-05T10:00:00+02:00",
        "03/05/2025 10:00 a.m.",
    ],
)
def test_the_date_forms_zoom_and_excel_write(join):
    (row,) = parse_zoom(zoom_file(f'A,a@example.org,"{join}",,30,No'), TZ).rows
    assert row.sessions == ((at(5, 10, 0), at(5, 10, 30)),)


def test_duplicate_header_names_read_the_participants_columns():
    header = (
        "Topic,ID,Host,User Email,Duration (Minutes),Participants,Name (Original Name),"
        "User Email,Join Time,Leave Time,Duration (Minutes),Guest,In Waiting Room"
    )
    row = (
        "Forum,834 5678 9012,Host,forums@example.org,100,2,Lindiwe Khumalo,"
        "lindiwe@example.org,03/05/2025 10:00:00 AM,03/05/2025 10:40:00 AM,40,Yes,No"
    )
    (person,) = parse_zoom(zoom_file(row, header=header), TZ).rows
    assert (person.email, person.minutes) == ("lindiwe@example.org", 40)


# ---------------------------------------------------------------- still in the meeting


def test_a_missing_leave_time_counts_the_duration_or_until_the_forums_end():
    rows = (
        "A,a@example.org,03/05/2025 10:00:00 AM,,25,No",
        "B,b@example.org,03/05/2025 10:00:00 AM,,,No",
    )
    parsed = parse_zoom(zoom_file(*rows), TZ, forum_end=at(5, 11, 30))
    assert [(r.minutes, r.sessions) for r in parsed.rows] == [
        (25, ((at(5, 10, 0), at(5, 10, 25)),)),
        (90, ((at(5, 10, 0), at(5, 11, 30)),)),
    ]
    parsed = parse_zoom(zoom_file(*rows), TZ)
    assert [r.minutes for r in parsed.rows] == [25, 0]
    assert parsed.problems == ("Line 3: no leave time and no duration: the time is not counted",)


# ---------------------------------------------------------------- refused files


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "The file is empty"),
        (b"\xef\xbb\xbf \r\n\r\n", "The file is empty"),
        (b"Name,Email\r\nA,a@example.org\r\n", "This is not a Zoom webinar attendee report"),
        (MEET, "Join Time, Leave Time"),
        ("Ä".encode("latin-1") + b",x\n", "not text in UTF-8 or UTF-16"),
        (b"\xed\xa0\x80,x\n", "not text in UTF-8 or UTF-16"),  # a surrogate in UTF-8
        (codecs.BOM_UTF16_LE + b"\x00\xd8a\x00", "not text in UTF-8 or UTF-16"),  # lone
        (b"a,b\x00c\n", "NUL"),
        (b"x" * (MAX_BYTES + 1), "larger than 5 MB"),
    ],
)
def test_a_file_that_is_not_a_zoom_report_is_refused_with_what_was_expected(data, message):
    with pytest.raises(AttendanceFileError, match=message):
        parse_zoom(data, TZ)


def test_a_webinar_section_without_its_columns_names_them():
    data = b"Attendee Details\r\nAttended,User Name (Original Name),Email,Join Time\r\n"
    with pytest.raises(AttendanceFileError) as refused:
        parse_zoom(data, TZ)
    assert "attendee table" in str(refused.value)
    assert "Leave Time, Time In Session (Minutes)" in str(refused.value)


def test_a_zoom_report_given_as_meet_is_refused_with_the_meet_columns():
    with pytest.raises(AttendanceFileError, match="First name, Last name, Email, Duration"):
        parse_meet(PARTICIPANTS, TZ)


def test_more_rows_than_the_limit_are_refused():
    row = "A,a@example.org,03/05/2025 10:00:00 AM,03/05/2025 10:30:00 AM,30,No"
    with pytest.raises(AttendanceFileError, match="more than 20,000 rows"):
        parse_zoom(zoom_file(*[row] * (MAX_ROWS + 60)), TZ)


def test_a_cell_too_long_for_csv_is_refused_with_its_line():
    data = zoom_file("A," + "x" * 200_000 + ",03/05/2025 10:00:00 AM,,30,No")
    with pytest.raises(AttendanceFileError, match="Line 2 cannot be read as CSV"):
        parse_zoom(data, TZ)


# ---------------------------------------------------------------- hostile rows


def test_hostile_cells_become_plain_one_line_names_and_problems_quote_nothing():
    rows = (
        '"=HYPERLINK(""http://evil.example"")",a@example.org,03/05/2025 10:00:00 AM,,30,No',
        '"Line\r\nbreak\u2028and\u0085NEL\u202eevil",b@example.org,03/05/2025 10:00:00 AM,,30,No',
        "@SUM(1+1),not-an-email,yesterday,03/05/2025 10:30:00 AM,lots,No",
        ",,03/05/2025 10:00:00 AM,,30,No",
        "Secret Person,secret@,03/05/2025 10:00:00 AM,,30,No",
        "  ,  ,,,,",
    )
    parsed = parse_zoom(zoom_file(*rows), TZ)
    assert [r.name for r in parsed.rows] == [
        'HYPERLINK("http://evil.example")',
        "Line break and NELevil",  # the bidi override is dropped, not a space
        "SUM(1+1)",
        "Secret Person",
    ]
    assert parsed.problems == (
        "Line 5: the email address is not valid: it is left out",
        "Line 5: the duration is not a number of minutes: it is left out",
        "Line 5: the join time is not a date and time: it is left out",
        "Line 6: no name, email address or phone number: the row is left out",
        "Line 7: the email address is not valid: it is left out",
    )
    assert not any("Secret" in p or "secret" in p or "evil" in p for p in parsed.problems)


def test_a_name_is_cut_to_two_hundred_characters():
    (row,) = parse_zoom(zoom_file("N" * 5000 + ",,03/05/2025 10:00:00 AM,,30,No"), TZ).rows
    assert len(row.name) == 200


def test_problems_stop_at_a_hundred_and_count_the_rest():
    rows = [f"P{i},,nonsense,,30,No" for i in range(150)]
    problems = parse_zoom(zoom_file(*rows), TZ).problems
    assert len(problems) == 101
    assert problems[-1] == "…and 50 more problems of the same kinds"


def test_a_report_of_another_day_is_pointed_out():
    parsed = parse_zoom(WEBINAR, TZ, forum_start=at(26, 10, 0))
    assert parsed.problems[0].startswith("No time in this report is within a day")


# ---------------------------------------------------------------- any input at all

ZOOM_CELLS = st.sampled_from(
    [
        "",
        "--",
        "Yes",
        "No",
        "03/05/2025 10:00:00 AM",
        "13/13/2025 25:61:00",
        "Feb 30, 2025 10:00",
        "9999-12-31T23:59:59+14:00",
        "0001-01-01 00:00",
        "12:00 AM",
        "1 hr 2 min",
        "99999999 h",
        "1e400",
        "a@example.org",
        "+27 82 555 0101",
        "=cmd",
        "\u2028",
    ]
) | st.text(st.characters(codec="utf-8"), max_size=30)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    preamble=st.sampled_from(["", "Attendee Details\n", "Host Details\n", "*\n"]),
    header=st.lists(
        st.sampled_from(
            [
                "Attended",
                "User Name (Original Name)",
                "Name (Original Name)",
                "First name",
                "Email",
                "Phone",
                "Join Time",
                "Leave Time",
                "Time in Session (minutes)",
                "Duration (Minutes)",
                "Duration",
                "Time joined",
                "Time exited",
                "In Waiting Room",
            ]
        ),
        max_size=10,
    ),
    rows=st.lists(st.lists(ZOOM_CELLS, max_size=10), max_size=6),
    delimiter=st.sampled_from([",", ";", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "utf-16"]),
)
@example(preamble="", header=["Duration"], rows=[[]], delimiter=",", encoding="utf-8")
def test_any_table_parses_or_is_refused_with_attendance_file_error(
    preamble, header, rows, delimiter, encoding
):
    text = preamble + "\n".join(delimiter.join(r) for r in [header, *rows])
    data = text.encode(encoding, errors="surrogatepass")
    for parse in (parse_zoom, parse_meet):
        try:
            parsed = parse(data, TZ, forum_start=at(5, 10, 0), forum_end=at(5, 11, 30))
        except AttendanceFileError:
            continue
        for row in parsed.rows:
            assert row.minutes >= 0
            assert all(a.tzinfo and a <= b for a, b in row.sessions)


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=600))
@example(b"\xff\xfe\x00\xd8")
def test_any_bytes_parse_or_are_refused_with_attendance_file_error(data):
    for parse in (parse_zoom, parse_meet):
        with contextlib.suppress(AttendanceFileError):
            parse(data, TZ)


@pytest.mark.parametrize("name", ["zoom_webinar_attendee_report.csv", "zoom_participants.csv"])
def test_a_zoom_report_sent_as_meet_is_refused_not_read_as_meet(name):
    # Zoom's attendee table has a first name and a join time too.
    with pytest.raises(AttendanceFileError):
        parse_meet((FIXTURES / name).read_bytes(), "Africa/Johannesburg")


def test_a_meet_report_sent_as_zoom_is_refused():
    with pytest.raises(AttendanceFileError):
        parse_zoom((FIXTURES / "meet_attendance.csv").read_bytes(), "Africa/Johannesburg")
