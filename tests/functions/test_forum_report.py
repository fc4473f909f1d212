"""admin?page=forum_report over the Firestore emulator: the demo March 2025 month seeded
(seed_forums) and compiled by the daily job's service after its surveys closed shows the
seed report's figures alike on the page, in the CSV and in the PDF (its text read back with
pypdf); before compiling, a page saying when; a regional administrator sees their region
only; hostile free text is escaped in all three."""

from __future__ import annotations

import csv
import io
import re
from datetime import datetime
from html import unescape
from zoneinfo import ZoneInfo

import pytest

from functions import wiring
from functions.devtools.seed import seed_forums
from functions.domain.reports.summary import QuotedPerson, summary_id
from tests import oidc

ZONE = ZoneInfo("Africa/Johannesburg")
AFTER_CLOSING = datetime(2025, 4, 5, 6, 0, tzinfo=ZONE)  # every March survey has closed
CENTRES = ["sunflower-soweto", "little-stars-tembisa", "fynbos-khayelitsha",
           "protea-mitchells-plain", "ubuntu-umlazi"]  # fmt: skip
NETWORK_ADMIN = "admin@ecd.example.org"
GAUTENG_ADMIN = "admin.gauteng@ecd.example.org"
PARENT, STAFF = "Parent or guardian", "Centre staff member"
REPORT = "/?page=forum_report&month=2025-03"
SEED_FIGURES = ["42 attended", "58 attended", "63 attended", "91% (127 of 140)",
                "88% (123 of 140)"]  # fmt: skip


@pytest.fixture
def admin_as(client_for, google_idp):
    def build(who: str = NETWORK_ADMIN):
        client = client_for("admin")
        token = google_idp.mint(who, oidc.OAUTH_CLIENT_ID)
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        return client

    return build


@pytest.fixture
def demo_month(project):
    from functions.services.reports.compile import compile_due

    seed_forums(CENTRES)
    compile_due(wiring.dependencies(), AFTER_CLOSING)
    return wiring.forum_reader().summary(summary_id("2025-03", None))


def text_of(page) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", page.text)).split())


def pdf_text(data: bytes) -> str:
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(p.extract_text() for p in reader.pages).split())


def csv_rows(answer) -> list[dict]:
    assert answer.headers["Content-Type"].startswith("text/csv")
    return list(csv.DictReader(io.StringIO(answer.data.decode("utf-8-sig"))))


def value(rows, forum, figure, what) -> tuple[str, str, str]:
    row = next(r for r in rows if r["forum"] == forum and r["figure"] == figure
               and r["role_or_category"] == what)  # fmt: skip
    return row["value"], row["numerator"], row["base"]


def test_page_csv_and_pdf_show_the_seed_reports_figures(demo_month, admin_as):
    admin = admin_as()
    page = admin.get(REPORT)
    assert page.status_code == 200
    shown = text_of(page)
    for figure in SEED_FIGURES:
        assert figure in shown, figure
    assert (
        "Parent or guardian: 21 attended" in shown and "Centre staff member: 21 attended" in shown
    )
    assert (
        "Parent or guardian: 30 attended" in shown and "Centre staff member: 28 attended" in shown
    )
    assert (
        "Parent or guardian: 33 attended" in shown and "Centre staff member: 30 attended" in shown
    )
    assert "from 140 responses" in shown and shown.count("rounded half up") == 1
    assert "Version 1" in shown and "at least" in shown
    rows = csv_rows(admin.get(REPORT + "&format=csv"))
    titles = [f.title for f in demo_month.forums]
    attended = [value(rows, t, "attended", "all roles")[0] for t in titles]
    assert attended == ["42", "58", "63"]
    by_role = [(value(rows, t, "attended", PARENT)[0], value(rows, t, "attended", STAFF)[0])
               for t in titles]  # fmt: skip
    assert by_role == [("21", "21"), ("30", "28"), ("33", "30")]
    assert value(rows, "all forums", "satisfied", "rated 4 or 5") == ("91", "127", "140")
    assert value(rows, "all forums", "wants_monthly", "wants monthly sessions") == (
        "88", "123", "140")  # fmt: skip
    pdf = admin.get(REPORT + "&format=pdf")
    assert pdf.status_code == 200 and pdf.data.startswith(b"%PDF")
    assert pdf.headers["Content-Type"] == "application/pdf"
    printed = pdf_text(pdf.data)
    for figure in SEED_FIGURES:
        assert figure in printed, figure
    assert (
        "Parent or guardian: 33 attended" in printed
        and "Centre staff member: 30 attended" in printed
    )
    assert "rounded half up" in printed
    # One forum's own summary, from the month's link.
    one = admin.get(f"/?page=forum_report&forum={demo_month.forums[0].forum_id}")
    assert one.status_code == 200 and "Parent or guardian: 21 attended" in text_of(one)


def test_before_compiling_the_page_says_when(project, admin_as):
    from functions.domain.forums.plan import next_month

    seed_forums(CENTRES)  # the demo month compiled, and next month's forums planned
    coming = next_month(wiring.utc_now(), "Africa/Johannesburg")
    report = f"/?page=forum_report&month={coming}"
    page = admin_as().get(report)
    assert page.status_code == 200
    shown = text_of(page)
    assert "has not been compiled yet" in shown and "05:30" in shown and coming[:4] in shown
    assert admin_as().get(report + "&format=csv").headers["Content-Type"].startswith("text/html")


def test_a_regional_administrator_sees_their_region_only(demo_month, admin_as):
    gauteng = admin_as(GAUTENG_ADMIN)
    network_forum = demo_month.forums[0].forum_id
    assert gauteng.get(f"/?page=forum_report&forum={network_forum}").status_code == 404
    assert gauteng.get(REPORT + "&region=western-cape").status_code == 404
    assert gauteng.get(REPORT + "&region=western-cape&format=csv").status_code == 404
    assert gauteng.get("/?page=forum_report&forum=no-such-forum").status_code == 404
    own = gauteng.get(REPORT)  # their region held no forum in the demo month
    assert own.status_code == 200 and "No forum was held for" in text_of(own)
    assert "127 of 140" not in own.text


def test_hostile_free_text_is_escaped_everywhere(demo_month, admin_as):
    hostile = '=HYPERLINK("http://evil.example","x")<script>alert(1)</script>'
    name = "Nomvula Ç Dlamini-van der Merwe 🦒"  # no emoji in the font
    forum = demo_month.forums[0]
    groups = demo_month.recommendations
    quote = groups[0].quotes[0].model_copy(update={"text": hostile + " line\u2028two"})
    groups[0] = groups[0].model_copy(update={"quotes": [quote, *groups[0].quotes[1:]]})
    person = QuotedPerson(name=name, role="parent")
    groups[0].quotes[0] = quote.model_copy(update={"name": name, "role": "parent",
                                                   "people": [person]})  # fmt: skip
    forums = [
        forum.model_copy(update={"title": "@SUM(A1) <b>bold</b>\r\nForged line"}),
        *demo_month.forums[1:],
    ]
    changed = demo_month.model_copy(update={
        "version": 2, "forums": forums, "recommendations": groups,
    })  # fmt: skip
    changed = type(changed).model_validate(changed.model_dump())
    wiring.transactions().run(lambda uow: uow.forum_summaries.save(changed))
    from datetime import date

    from functions.domain.reports.action_points import Owner, added

    point = added(scope=None, month="2025-03", forum_id=None, text="<i>Call</i> =1+1 back",
                  owner=Owner(name="Thandi <b>"), due=date(2025, 5, 1), by="k",
                  now=AFTER_CLOSING)  # fmt: skip
    wiring.transactions().run(lambda uow: uow.action_points.add(point))
    admin = admin_as()
    page = admin.get(REPORT)
    assert page.status_code == 200
    assert "&lt;i&gt;Call&lt;/i&gt; =1+1 back" in page.text and "Thandi &lt;b&gt;" in page.text
    assert "<script>alert(1)" not in page.text and "&lt;script&gt;" in page.text
    assert "<b>bold</b>" not in page.text and name in page.text
    assert "version 1" in text_of(page)  # the earlier version is linked
    raw = admin.get(REPORT + "&format=csv").data.decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(raw)))
    titles = {row[3] for row in rows[1:]}
    assert "'@SUM(A1) <b>bold</b>\r\nForged line" in titles
    assert not any(
        cell.startswith(("=", "+", "-", "@", "\t", "\r")) for row in rows for cell in row
    )
    pdf = admin.get(REPORT + "&format=pdf")
    assert pdf.status_code == 200
    printed = pdf_text(pdf.data)
    assert "Nomvula Ç Dlamini-van der Merwe ?" in printed
    assert "@SUM(A1) <b>bold</b> Forged line" in printed
    assert "line two" in printed
    assert "<i>Call</i> =1+1 back (Thandi <b>; due 2025-05-01; open)" in printed
    earlier = admin.get(REPORT + "&version=1")
    assert earlier.status_code == 200 and "an earlier version" in text_of(earlier)
    assert admin.get(REPORT + "&version=9").status_code == 404


def test_hostile_queries_never_fail(demo_month, admin_as):
    admin = admin_as()
    odd = ["%0D%0ASet-Cookie:x=1", "%ED%A0%80", "%00", "x" * 5000, "..%2F..%2Fetc", "%E2%80%A8"]
    for value in odd:
        for name in ("month", "forum", "region", "version", "format"):
            answer = admin.get(f"{REPORT}&{name}={value}")
            assert answer.status_code in (200, 404), (name, value, answer.status_code)
            assert "Set-Cookie" not in answer.headers or "x=1" not in answer.headers["Set-Cookie"]
